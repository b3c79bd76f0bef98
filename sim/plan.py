"""The plan file's schema: what a contingency plan holds (``kind: plan``).

Warehouses and their stock, procurement sources, funding and pledges, trucks and boats,
distribution teams, early-action triggers and the allocation rule between cercles. The item
and hub names come from ``sim/data/items.csv`` and ``sim/data/hubs.csv``. Files are read by
:func:`sim.scenario.load_file`.
"""

from __future__ import annotations

from typing import Literal

import pydantic
from pydantic import BaseModel, Field, create_model, model_validator

from sim.core import facts, limits
from sim.core.fields import NAME_PATTERN, Date, Measure, Strict, invalid


def _stock_model() -> type[BaseModel]:
    """A model with one optional field per relief item of ``sim/data/items.csv``."""
    fields = {}
    for row in facts.read_table("items"):
        fields[row["id"]] = (
            Measure(row["unit"], f"{row['name_en']} in stock", ge=0.0, le=limits.MAX_STOCK_UNITS, default=None),
            None,
        )
    return create_model("Stock", __base__=Strict, __doc__="Stock per relief item", **fields)


Stock = _stock_model()

HubName = Literal[tuple(row["name"] for row in facts.read_table("hubs"))]


ITEM_SIZES = {row["id"]: (float(row["volume_m3"]), float(row["weight_kg"])) for row in facts.read_table("items")}
"""Volume [m³] and weight [kg] of one unit of each item (``sim/data/items.csv``)."""

ItemName = Literal[tuple(row["id"] for row in facts.read_table("items"))]


CAPACITY_TOLERANCE = 1e-9
"""A warehouse's stock may exceed its capacity by this share of it, the rounding of summing the
items' volumes (a warehouse filled exactly adds up to a hair above) [-]."""


def stock_volume_m3(stock: BaseModel) -> float:
    """Volume a stock takes [m³]."""
    total = 0.0
    for item, quantity in stock:
        if quantity is not None:
            unit = next(row["unit"] for row in facts.read_table("items") if row["id"] == item)
            total += float(quantity.to(unit).magnitude) * ITEM_SIZES[item][0]
    return total


class Warehouse(Strict):
    """A warehouse at a logistics hub and what it holds at the start of the season."""

    hub: HubName = Field(description="Logistics hub where the warehouse stands")
    capacity: Measure("m**3", "Storage capacity", gt=0.0, le=limits.MAX_WAREHOUSE_M3)
    stock: Stock = Field(default_factory=Stock, description="Stock per relief item at the start of the season")
    storage_cost: Measure(
        "USD/m**3/month", "Cost of storage", ge=0.0, le=limits.MAX_UNIT_COST_USD, default="3 USD/m**3/month"
    )

    @model_validator(mode="after")
    def _fits(self):
        volume = stock_volume_m3(self.stock)
        capacity = float(self.capacity.to("m**3").magnitude)
        if volume > capacity * (1.0 + CAPACITY_TOLERANCE):
            raise invalid(
                "err_stock_over_capacity",
                "takes {volume:,.0f} m³, more than the warehouse's capacity of {capacity:,.0f} m³",
                field="stock",
                volume=volume,
                capacity=capacity,
            )
        return self


class LeadTime(Strict):
    """Days from order to delivery at the hub: a triangular law."""

    min: Measure("day", "Shortest lead time", ge=0.0, le=limits.MAX_LEAD_DAYS)
    mode: Measure("day", "Most likely lead time", ge=0.0, le=limits.MAX_LEAD_DAYS)
    max: Measure("day", "Longest lead time", ge=0.0, le=limits.MAX_LEAD_DAYS)

    @model_validator(mode="after")
    def _ordered(self):
        low, mode, high = (float(q.to("day").magnitude) for q in (self.min, self.mode, self.max))
        if not low <= mode <= high:
            raise invalid(
                "err_lead_time_order",
                "lead time must satisfy min <= mode <= max, got {low:g}, {mode:g}, {high:g} days",
                low=low,
                mode=mode,
                high=high,
            )
        return self


class Source(Strict):
    """Where the plan buys relief items."""

    name: str = Field(min_length=1, description="Supplier or channel")
    kind: Literal["local", "regional", "international"] = Field(
        description="Local market, regional (West Africa) or international"
    )
    hub: HubName = Field(description="Hub the goods are delivered to")
    lead_time: LeadTime = Field(description="Days from order to delivery at the hub")
    price_factor: float = Field(
        1.0, gt=0, le=limits.MAX_PRICE_FACTOR, description="Price relative to the ration profile's unit cost"
    )
    items: list[ItemName] | None = Field(None, description="Items this source sells (all when absent)")
    capacity_per_month: Stock | None = Field(
        None, description="Most it can deliver per month, per item (unlimited when absent)"
    )
    minimum_order: Measure("USD", "Smallest order accepted", ge=0.0, le=limits.MAX_USD, default="0 USD")


class Pledge(Strict):
    """Money promised for a date, which may or may not come."""

    amount: Measure("USD", "Amount pledged", gt=0.0, le=limits.MAX_USD)
    date: Date | None = Field(None, description="Date the money would arrive")
    after: Measure(
        "day",
        "Days after the start of the season the money would arrive, instead of a date",
        ge=0.0,
        le=limits.MAX_LEAD_DAYS,
        default=None,
    )
    probability: float = Field(1.0, ge=0.0, le=1.0, description="Chance that it arrives at all")

    @model_validator(mode="after")
    def _when(self):
        if (self.date is None) == (self.after is None):
            raise invalid("err_pledge_date_or_after", "give exactly one of date or after")
        return self


class Funding(Strict):
    """Money the plan can spend."""

    available: Measure("USD", "Funds available on day 0", ge=0.0, le=limits.MAX_USD, default="0 USD")
    pledges: list[Pledge] = Field(default_factory=list, description="Money expected later, with its probability")


class Trucks(Strict):
    """Trucks based at a hub."""

    hub: HubName = Field(description="Hub where the trucks are based")
    count: int = Field(ge=0, le=limits.MAX_VEHICLES, description="Number of trucks")
    payload: Measure("t", "Payload of one truck", gt=0.0, le=limits.MAX_PAYLOAD_T, default="30 t")
    volume: Measure("m**3", "Load volume of one truck", gt=0.0, le=limits.MAX_VEHICLE_M3, default="85 m**3")
    speed: Measure("km/h", "Average speed on the road", gt=0.0, le=limits.MAX_TRUCK_SPEED_KMH, default="40 km/h")
    hours_per_day: float = Field(8.0, gt=0, le=24, description="Hours driven per day")
    cost_per_tonne_km: Measure(
        "USD/t/km", "Transport cost", ge=0.0, le=limits.MAX_UNIT_COST_USD, default="0.15 USD/t/km"
    )


NAVIGATION_STAGE_CM = 300.0
"""Stage at Mopti above which boats run to the north [cm]. Notes: assumption; no published
stage was found; COMANAV boats run from the end of July to January (WFP Logistics Capacity
Assessment, https://dlca.logcluster.org/pages/viewpage.action?pageId=851981), when Mopti is
above about 3 m in a typical year."""


class Boats(Strict):
    """River boats (pinasses) based at a hub, running when the Niger is high enough."""

    hub: HubName = Field(description="Hub where the boats are based (Mopti/Sévaré)")
    count: int = Field(ge=0, le=limits.MAX_VEHICLES, description="Number of boats")
    payload: Measure("t", "Payload of one boat", gt=0.0, le=limits.MAX_PAYLOAD_T, default="30 t")
    volume: Measure("m**3", "Load volume of one boat", gt=0.0, le=limits.MAX_VEHICLE_M3, default="90 m**3")
    speed: Measure("km/day", "Distance covered per day", gt=0.0, le=limits.MAX_BOAT_SPEED_KM_DAY, default="160 km/day")
    min_stage: Measure(
        "cm",
        "Stage at Mopti below which boats cannot run",
        gt=0.0,
        le=limits.MAX_STAGE_CM,
        default=f"{NAVIGATION_STAGE_CM:g} cm",
    )
    cost_per_tonne_km: Measure(
        "USD/t/km", "Transport cost", ge=0.0, le=limits.MAX_UNIT_COST_USD, default="0.08 USD/t/km"
    )


class Fleet(Strict):
    """Trucks and boats of the plan."""

    trucks: list[Trucks] = Field(default_factory=list, description="Trucks per hub")
    boats: list[Boats] = Field(default_factory=list, description="Boats per hub")


class Distribution(Strict):
    """Teams handing relief out to households."""

    teams: int = Field(ge=0, le=limits.MAX_TEAMS, description="Distribution teams")
    households_per_team_per_day: Measure(
        "household/day",
        "Households one team serves in a day",
        gt=0.0,
        le=limits.MAX_HOUSEHOLDS_PER_TEAM_DAY,
        default="250 household/day",
    )


THRESHOLD_RANGES = {
    "stage": (0.0, limits.MAX_STAGE_CM),
    "spi": limits.SPI_RANGE,
    "rainfall": (0.0, limits.MAX_DAILY_RAINFALL_MM),
}
"""Range of a trigger's threshold per indicator, in its unit (cm, -, mm); see :mod:`sim.core.limits`."""


class Trigger(Strict):
    """An early action: when an indicator crosses its threshold, act, ``lead`` days before the expected impact."""

    name: str = Field(min_length=1, description="Name of the trigger")
    indicator: Literal["stage", "spi", "rainfall"] = Field(
        description="stage at a gauge [cm], SPI-3 [-] or daily rainfall at a place [mm]"
    )
    gauge: str | None = Field(None, description="Gauge, for a stage indicator")
    place: str | None = Field(None, description="Settlement, for a rainfall indicator")
    threshold: float = Field(
        description="Threshold in the indicator's unit (cm, -, mm); SPI triggers fire at or below it, the others at or above"
    )
    lead: Measure(
        "day", "Days of warning the trigger is expected to give", ge=0.0, le=limits.MAX_LEAD_DAYS, default="0 day"
    )
    action: Literal["preposition", "order", "release_funds", "start_distribution"] = Field(
        description="What the plan does when the trigger fires"
    )
    item: ItemName | None = Field(None, description="Item moved or ordered")
    quantity: float | None = Field(
        None,
        ge=0,
        le=limits.MAX_STOCK_UNITS,
        description="Quantity moved or ordered, in the item's unit (kits, nets, kg …)",
    )
    from_hub: HubName | None = Field(None, description="Hub stock is moved from (preposition)")
    to_hub: HubName | None = Field(None, description="Hub stock is moved to (preposition) or delivered to (order)")
    amount: Measure("USD", "Money released", ge=0.0, le=limits.MAX_USD, default=None)

    @model_validator(mode="after")
    def _complete(self, info: pydantic.ValidationInfo):
        context = info.context or {}
        if self.indicator == "stage":
            gauges = context.get("gauges")
            if not self.gauge:
                raise invalid("err_trigger_needs_gauge", "a stage trigger needs a gauge", field="gauge")
            if gauges and self.gauge not in gauges:
                raise invalid(
                    "err_unknown_gauge_known",
                    "unknown gauge {gauge!r}; known: {known}",
                    field="gauge",
                    gauge=self.gauge,
                    known=list(gauges),
                )
        if self.indicator == "rainfall":
            places = context.get("places")
            if not self.place:
                raise invalid("err_trigger_needs_place", "a rainfall trigger needs a place", field="place")
            if places and self.place not in places:
                raise invalid("err_unknown_place", "unknown settlement {place!r}", field="place", place=self.place)
        low, high = THRESHOLD_RANGES[self.indicator]
        if not low <= self.threshold <= high:
            raise invalid(
                "err_threshold_range",
                "a {indicator} threshold must be between {low:g} and {high:g}, got {value:g}",
                field="threshold",
                indicator=self.indicator,
                low=low,
                high=high,
                value=self.threshold,
            )
        needs = {
            "preposition": ("item", "quantity", "from_hub", "to_hub"),
            "order": ("item", "quantity", "to_hub"),
            "release_funds": ("amount",),
            "start_distribution": (),
        }
        missing = [f for f in needs[self.action] if getattr(self, f) is None]
        if missing:
            raise invalid(
                "err_action_needs", "{action} needs {missing}", field="action", action=self.action, missing=missing
            )
        return self


class Plan(Strict):
    """A contingency plan: stock, procurement, funding, fleet, distribution, triggers, allocation."""

    kind: Literal["plan"] = Field(description="Always 'plan'")
    name: str = Field(pattern=NAME_PATTERN, description="Short identifier: lower case, digits and dashes")
    title: str = Field(min_length=1, description="Title shown in the app and reports")
    description: str = Field("", description="What the plan holds and where its numbers come from")
    warehouses: list[Warehouse] = Field(min_length=1, description="Warehouses and their stock")
    procurement: list[Source] = Field(default_factory=list, description="Where the plan buys, local sources first")
    funding: Funding = Field(default_factory=Funding, description="Funding of the plan")
    fleet: Fleet = Field(default_factory=Fleet, description="Trucks and boats")
    distribution: Distribution = Field(default_factory=lambda: Distribution(teams=10), description="Distribution teams")
    triggers: list[Trigger] = Field(default_factory=list, description="Early-action triggers")
    allocation: Literal["proportional", "worst_first", "equity_floor"] = Field(
        "proportional", description="How scarce stock is shared between cercles"
    )
    equity_floor: float = Field(
        0.2, ge=0.0, le=1.0, description="With allocation equity_floor: share of its demand every cercle gets first"
    )

    @model_validator(mode="after")
    def _consistent(self):
        hubs = [w.hub for w in self.warehouses]
        repeated = sorted({h for h in hubs if hubs.count(h) > 1})
        if repeated:
            raise invalid(
                "err_warehouses_repeated", "more than one warehouse at {hubs}", field="warehouses", hubs=repeated
            )
        for trucks in self.fleet.trucks:
            if trucks.hub not in hubs:
                raise invalid(
                    "err_trucks_without_warehouse",
                    "trucks at {hub}, where the plan has no warehouse",
                    field="fleet",
                    hub=trucks.hub,
                )
        for source in self.procurement:
            if source.hub not in hubs:
                raise invalid(
                    "err_source_without_warehouse",
                    "{source} delivers to {hub}, where the plan has no warehouse",
                    field="procurement",
                    source=source.name,
                    hub=source.hub,
                )
        return self
