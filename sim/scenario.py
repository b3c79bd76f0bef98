"""Scenario and plan files: pydantic schemas, and loading with ``FILE:LINE: field: problem`` errors.

A *scenario* says what season to simulate (the hazard, dates, population, household size);
a *plan* says what the contingency plan holds (warehouses and their stock, funding).
Both are YAML files with ``kind: scenario`` or ``kind: plan`` at the top. Quantities are
written with their units (``"671 cm"``, ``"1500 m**3"``, ``"2000 kit"``) and checked by
pint against the unit each field expects.

The schemas never touch the disk; :func:`load_file` reads, parses with line numbers, and
maps every validation error back to the line it comes from.

Every problem carries a message code and its parameters besides its English text
(:class:`Problem`), so that the app can say it in the reader's language
(:func:`sim.messages.message_text`). The validators raise pydantic's own
``PydanticCustomError(code, english, ctx)``; a check about another field than the one it
sits on names it in ``ctx["field"]`` (``flood.gauge``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Annotated, Any, Literal

import pint
import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, create_model, model_validator
from pydantic_core import PydanticCustomError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim import facts, limits
from sim.errors import BadInputError
from sim.fileio import write_text_atomic
from sim.messages import render
from sim.units import UnitError, parse_quantity
from sim.yamlio import refusal as yaml_refusal

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def _invalid(code: str, english: str, field: str | None = None, **params: Any) -> PydanticCustomError:
    """A validation error with a message code (pydantic's own mechanism: ``err.errors()`` gives
    ``type`` = ``code`` and ``ctx`` = ``params``); ``field`` names another field than the one
    being checked (``flood.gauge``), relative to it."""
    ctx = dict(params)
    if field:
        ctx["field"] = field
    return PydanticCustomError(code, render(english, params, "en"), ctx)


def Measure(unit: str, description: str, *, gt: float | None = None, ge: float | None = None, le: float | None = None, default: Any = ...):
    """A field holding a quantity string with the dimension of ``unit``.

    The value is parsed with pint, converted once to ``unit`` (the field's canonical unit:
    ``"2 t"`` of cereal in kg is ``2000 kg``) and kept as a :class:`pint.Quantity` in it, so
    that the model reads ``.magnitude`` in ``unit`` whatever the file wrote; it is written
    back to files as ``"<magnitude> <unit>"``. It must be finite; ``gt``/``ge``/``le`` bound
    its magnitude in ``unit`` (the upper bounds are in :mod:`sim.limits`).
    """

    def check(value: Any) -> pint.Quantity | None:
        if value is None and default is None:
            return None
        if isinstance(value, pint.Quantity):
            quantity = value
        else:
            try:
                quantity = parse_quantity(value, expected=unit)
            except UnitError as err:
                raise PydanticCustomError(err.code, str(err), err.params) from None
        quantity = quantity.to(unit)
        magnitude = float(quantity.magnitude)
        if not math.isfinite(magnitude):
            raise _invalid("err_quantity_not_finite", "must be a finite number, got {value}", value=_written(value))
        if gt is not None and not magnitude > gt:
            raise _invalid("err_greater_than_unit", "must be greater than {gt:g} {unit}, got {value}", gt=gt, unit=unit, value=_written(value))
        if ge is not None and not magnitude >= ge:
            if ge == 0:
                raise _invalid("err_not_negative", "must not be negative, got {value}", value=_written(value))
            raise _invalid("err_at_least_unit", "must be at least {ge:g} {unit}, got {value}", ge=ge, unit=unit, value=_written(value))
        if le is not None and not magnitude <= le:
            raise _invalid("err_at_most_unit", "must be at most {le:g} {unit}, got {value}", le=le, unit=unit, value=_written(value))
        return quantity

    def dump(quantity: pint.Quantity | None) -> str | None:
        return None if quantity is None else f"{float(quantity.magnitude):g} {quantity.units:~C}"

    return Annotated[
        Any,
        BeforeValidator(check),
        PlainSerializer(dump, return_type=str),
        Field(default=default, description=f"{description} [{unit}]", json_schema_extra={"unit": unit}),
    ]


def _written(value: Any) -> Any:
    """A value as the file wrote it, for a message."""
    return str(value) if isinstance(value, pint.Quantity) else value


class Strict(BaseModel):
    """Base of every schema: unknown keys are errors, every field is described."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)


def _year_in_range(value: dt.date) -> dt.date:
    if not limits.MIN_YEAR <= value.year <= limits.MAX_YEAR:
        raise _invalid("err_date_year_range", "{date} is outside the years {low} to {high}", date=value.isoformat(), low=limits.MIN_YEAR, high=limits.MAX_YEAR)
    return value


Date = Annotated[dt.date, AfterValidator(_year_in_range)]
"""A date in the years :data:`sim.limits.MIN_YEAR` to :data:`sim.limits.MAX_YEAR`."""


# --- scenario -------------------------------------------------------------------------------


class DomainSettings(Strict):
    """Which version of the built-in delta the scenario runs on."""

    resolution: Measure("degree", "Grid cell size", gt=0.0, default="0.01 degree")
    population_year: int = Field(2024, ge=2009, le=2050, description="Year the 2009 census populations are projected to")
    boundaries: str | None = Field(
        None,
        description="Official cercle boundaries (OCHA COD-AB GeoJSON or Shapefile), relative to the scenario file; "
        "approximate polygons when absent",
    )

    @model_validator(mode="after")
    def _resolution_range(self):
        deg = float(self.resolution.to("degree").magnitude)
        if not 0.002 <= deg <= 0.1:
            raise _invalid("err_resolution_range", "resolution must be between {low:g} and {high:g} degree, got {value:g} degree", low=0.002, high=0.1, value=deg)
        return self


class StormSettings(Strict):
    """A three-day storm over a town, on top of the season's rainfall."""

    place: str = Field(description="Settlement the storm is centred on (e.g. Mopti)")
    date: Date = Field(description="First day of the storm")
    total: Measure("mm", "Rain over the three days at the centre", gt=0.0, le=limits.MAX_STORM_TOTAL_MM, default=None)
    return_period: Measure("year", "Return period of the three-day maximum, instead of a total", gt=1.0, le=limits.MAX_RETURN_PERIOD_YEARS, default=None)

    @model_validator(mode="after")
    def _one_size(self, info: pydantic.ValidationInfo):
        if (self.total is None) == (self.return_period is None):
            raise _invalid("err_storm_total_or_return_period", "give exactly one of total or return_period")
        places = (info.context or {}).get("places")
        if places and self.place not in places:
            raise _invalid("err_unknown_place_known", "unknown settlement {place!r}; known: {known}", field="place", place=self.place, known=sorted(places))
        return self


class RainfallSettings(Strict):
    """Where the season's rainfall comes from: the stochastic generator or a catalog layer."""

    source: Literal["generator", "layer"] = Field("generator", description="'generator' (stochastic, seeded) or 'layer' (a hazard-catalog layer)")
    season: Literal["dry", "normal", "wet"] = Field("normal", description="Kind of season asked of the generator; with a return period, 'dry' asks for a deficit and 'wet' or 'normal' for an excess")
    return_period: Measure("year", "Return period of the seasonal total asked of the generator (a deficit when season is dry)", gt=1.0, le=limits.MAX_RETURN_PERIOD_YEARS, default=None)
    layer: str | None = Field(None, description="Name of a rainfall layer in the hazard catalog (source: layer)")
    storm: StormSettings | None = Field(None, description="A three-day storm over a town")

    @model_validator(mode="after")
    def _consistent(self):
        if self.source == "layer" and not self.layer:
            raise _invalid("err_rainfall_layer_needed", "source 'layer' needs a 'layer' name")
        if self.source == "generator" and self.layer:
            raise _invalid("err_rainfall_layer_unused", "'layer' is only used with source: layer")
        return self


PEAK_SPREAD_CM = 25.0
"""Standard deviation of the flood peak at Mopti across the members of an ensemble [cm].
References: OPIDIN's own forecast errors in September, when contingency plans are activated:
in 2017 the forecast peak was still 25 cm too high in September (75 cm in early August,
https://www.opidin.org/en/floodforecast, bulletin 10 of 4 Oct 2017); in 2014, 40-50 cm too low
in the first half of September and within 10 cm from late September (last 2014 bulletin,
https://opidin.org/en/). Notes: a season "like 2022" is known to within this much before its peak."""


class FloodSettings(Strict):
    """The fluvial flood of the season, given by its peak at a gauge.

    Members of an ensemble differ in their peak by a normal draw of standard deviation
    ``peak_spread`` (from their own random stream); member 0 is the control and keeps the
    peak as given.
    """

    gauge: str = Field("Mopti", description="Gauge the peak is given at")
    peak: Measure("cm", "Peak stage at the gauge", gt=0.0, le=limits.MAX_STAGE_CM, default=None)
    peak_spread: Measure("cm", "Standard deviation of the peak across ensemble members (0 to replay one season exactly)", ge=0.0, le=limits.MAX_PEAK_SPREAD_CM, default=f"{PEAK_SPREAD_CM:g} cm")
    peak_date: Date | None = Field(None, description="Date of the peak at the gauge")
    return_period: Measure("year", "Return period of the peak, instead of a stage", gt=1.0, le=limits.MAX_RETURN_PERIOD_YEARS, default=None)
    layer: str | None = Field(None, description="Name of a flood-depth or flood-extent layer in the hazard catalog, instead of the model")

    @model_validator(mode="after")
    def _one_way(self):
        given = [name for name in ("peak", "return_period", "layer") if getattr(self, name) is not None]
        if not given:
            raise _invalid("err_flood_one_way_none", "give exactly one of peak, return_period or layer (got none)")
        if len(given) != 1:
            raise _invalid("err_flood_one_way", "give exactly one of peak, return_period or layer (got {given})", given=given)
        return self


class ImpactParameters(Strict):
    """How hazards turn into affected and displaced people (defaults in :mod:`sim.impact`)."""

    displacement_damage: float = Field(0.55, ge=0.3, le=0.7, description="House damage ratio at which a house is destroyed and its people displaced (IDMC/ETH: 0.55, range 0.3-0.7)")
    hosted_share: float = Field(0.66, ge=0.0, le=1.0, description="Share of displaced people hosted by families rather than in sites (Shelter Cluster Mali, end 2021: 66 %)")
    banco_share: float = Field(0.85, ge=0.0, le=1.0, description="Share of houses built of earth (banco); assumption")
    rebuild_time: Measure("day", "Time to rebuild a destroyed house once dry", gt=0.0, le=limits.MAX_REBUILD_DAYS, default="120 day")


class Scenario(Strict):
    """A season to simulate: the hazard, the dates and the people."""

    kind: Literal["scenario"] = Field(description="Always 'scenario'")
    name: str = Field(pattern=NAME_PATTERN, description="Short identifier: lower case, digits and dashes")
    title: str = Field(min_length=1, description="Title shown in the app and reports")
    description: str = Field("", description="What the scenario represents and where its numbers come from")
    hazard: Literal["flood", "drought"] = Field(description="Main hazard of the season")
    start_date: Date = Field(description="First simulated day")
    days: int = Field(gt=0, le=730, description="Number of simulated days")
    household_size: Measure("person/household", "Mean number of persons per household", ge=limits.HOUSEHOLD_SIZE_RANGE[0], le=limits.HOUSEHOLD_SIZE_RANGE[1])
    domain: DomainSettings = Field(default_factory=DomainSettings, description="Grid and population settings")
    rainfall: RainfallSettings = Field(default_factory=RainfallSettings, description="Rainfall of the season")
    flood: FloodSettings | None = Field(None, description="Fluvial flood of the season (required when hazard is flood)")
    impact: ImpactParameters = Field(default_factory=ImpactParameters, description="Impact and displacement parameters")
    access_closure_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Daily chance that insecurity closes humanitarian access to a cercle (OCHA, early 2025: international NGOs had no recent presence in about a quarter of the communes of Mopti, Bandiagara and Douentza)",
    )
    rations: str | None = Field(None, description="Ration profile CSV, relative to the scenario file; the Sphere-based default when absent")

    @model_validator(mode="after")
    def _hazard_settings(self, info: pydantic.ValidationInfo):
        end = self.end_date
        if end.year > limits.MAX_YEAR:
            raise _invalid("err_season_end_year", "the season ends on {date}, after {high}", field="days", date=end.isoformat(), high=limits.MAX_YEAR)
        dated = [("flood.peak_date", self.flood.peak_date if self.flood else None), ("rainfall.storm.date", self.rainfall.storm.date if self.rainfall.storm else None)]
        for field, day in dated:
            if day is not None and not self.start_date <= day <= end:
                raise _invalid("err_date_outside_season", "{date} is outside the simulated season ({start} to {end})", field=field, date=day.isoformat(), start=self.start_date.isoformat(), end=end.isoformat())
        if self.hazard == "flood" and self.flood is None:
            raise _invalid("err_flood_section_needed", "a flood scenario needs a 'flood' section", field="hazard")
        context = info.context or {}
        gauges = context.get("gauges")
        if self.flood is not None and gauges and self.flood.gauge not in gauges:
            raise _invalid("err_unknown_gauge_known", "unknown gauge {gauge!r}; known: {known}", field="flood.gauge", gauge=self.flood.gauge, known=list(gauges))
        layers = context.get("layers")
        if layers is not None:
            wanted = [("rainfall.layer", self.rainfall.layer, ("rainfall",))]
            if self.flood is not None:
                wanted.append(("flood.layer", self.flood.layer, ("flood-depth", "flood-extent")))
            for field, name, kinds in wanted:
                if name is None:
                    continue
                if name not in layers:
                    known = sorted(n for n, k in layers.items() if k in kinds)
                    if not known:
                        raise _invalid("err_no_such_layer_none", "no layer {name!r} in the hazard catalog; {kinds:or} layers: none", field=field, name=name, kinds=list(kinds))
                    raise _invalid("err_no_such_layer", "no layer {name!r} in the hazard catalog; {kinds:or} layers: {known}", field=field, name=name, kinds=list(kinds), known=known)
                if layers[name] not in kinds:
                    raise _invalid("err_layer_wrong_kind", "layer {name!r} is a {kind} layer, expected {kinds:or}", field=field, name=name, kind=layers[name], kinds=list(kinds))
        return self

    @property
    def end_date(self) -> dt.date:
        """Last simulated day."""
        return self.start_date + dt.timedelta(days=self.days - 1)


# --- plan -----------------------------------------------------------------------------------


def _stock_model() -> type[BaseModel]:
    """A model with one optional field per relief item of ``sim/data/items.csv``."""
    fields = {}
    for row in facts.read_table("items"):
        fields[row["id"]] = (Measure(row["unit"], f"{row['name_en']} in stock", ge=0.0, le=limits.MAX_STOCK_UNITS, default=None), None)
    return create_model("Stock", __base__=Strict, __doc__="Stock per relief item", **fields)


Stock = _stock_model()

HubName = Literal[tuple(row["name"] for row in facts.read_table("hubs"))]


ITEM_SIZES = {row["id"]: (float(row["volume_m3"]), float(row["weight_kg"])) for row in facts.read_table("items")}
"""Volume [m³] and weight [kg] of one unit of each item (``sim/data/items.csv``)."""

ItemName = Literal[tuple(row["id"] for row in facts.read_table("items"))]


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
    storage_cost: Measure("USD/m**3/month", "Cost of storage", ge=0.0, le=limits.MAX_UNIT_COST_USD, default="3 USD/m**3/month")

    @model_validator(mode="after")
    def _fits(self):
        volume = stock_volume_m3(self.stock)
        capacity = float(self.capacity.to("m**3").magnitude)
        if volume > capacity:
            raise _invalid("err_stock_over_capacity", "takes {volume:,.0f} m³, more than the warehouse's capacity of {capacity:,.0f} m³", field="stock", volume=volume, capacity=capacity)
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
            raise _invalid("err_lead_time_order", "lead time must satisfy min <= mode <= max, got {low:g}, {mode:g}, {high:g} days", low=low, mode=mode, high=high)
        return self


class Source(Strict):
    """Where the plan buys relief items."""

    name: str = Field(min_length=1, description="Supplier or channel")
    kind: Literal["local", "regional", "international"] = Field(description="Local market, regional (West Africa) or international")
    hub: HubName = Field(description="Hub the goods are delivered to")
    lead_time: LeadTime = Field(description="Days from order to delivery at the hub")
    price_factor: float = Field(1.0, gt=0, le=limits.MAX_PRICE_FACTOR, description="Price relative to the ration profile's unit cost")
    items: list[ItemName] | None = Field(None, description="Items this source sells (all when absent)")
    capacity_per_month: Stock | None = Field(None, description="Most it can deliver per month, per item (unlimited when absent)")
    minimum_order: Measure("USD", "Smallest order accepted", ge=0.0, le=limits.MAX_USD, default="0 USD")


class Pledge(Strict):
    """Money promised for a date, which may or may not come."""

    amount: Measure("USD", "Amount pledged", gt=0.0, le=limits.MAX_USD)
    date: Date | None = Field(None, description="Date the money would arrive")
    after: Measure("day", "Days after the start of the season the money would arrive, instead of a date", ge=0.0, le=limits.MAX_LEAD_DAYS, default=None)
    probability: float = Field(1.0, ge=0.0, le=1.0, description="Chance that it arrives at all")

    @model_validator(mode="after")
    def _when(self):
        if (self.date is None) == (self.after is None):
            raise _invalid("err_pledge_date_or_after", "give exactly one of date or after")
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
    cost_per_tonne_km: Measure("USD/t/km", "Transport cost", ge=0.0, le=limits.MAX_UNIT_COST_USD, default="0.15 USD/t/km")


class Boats(Strict):
    """River boats (pinasses) based at a hub, running when the Niger is high enough."""

    hub: HubName = Field(description="Hub where the boats are based (Mopti/Sévaré)")
    count: int = Field(ge=0, le=limits.MAX_VEHICLES, description="Number of boats")
    payload: Measure("t", "Payload of one boat", gt=0.0, le=limits.MAX_PAYLOAD_T, default="30 t")
    volume: Measure("m**3", "Load volume of one boat", gt=0.0, le=limits.MAX_VEHICLE_M3, default="90 m**3")
    speed: Measure("km/day", "Distance covered per day", gt=0.0, le=limits.MAX_BOAT_SPEED_KM_DAY, default="160 km/day")
    min_stage: Measure("cm", "Stage at Mopti below which boats cannot run", gt=0.0, le=limits.MAX_STAGE_CM, default="300 cm")
    cost_per_tonne_km: Measure("USD/t/km", "Transport cost", ge=0.0, le=limits.MAX_UNIT_COST_USD, default="0.08 USD/t/km")


class Fleet(Strict):
    """Trucks and boats of the plan."""

    trucks: list[Trucks] = Field(default_factory=list, description="Trucks per hub")
    boats: list[Boats] = Field(default_factory=list, description="Boats per hub")


class Distribution(Strict):
    """Teams handing relief out to households."""

    teams: int = Field(ge=0, le=limits.MAX_TEAMS, description="Distribution teams")
    households_per_team_per_day: Measure("household/day", "Households one team serves in a day", gt=0.0, le=limits.MAX_HOUSEHOLDS_PER_TEAM_DAY, default="250 household/day")


THRESHOLD_RANGES = {"stage": (0.0, limits.MAX_STAGE_CM), "spi": limits.SPI_RANGE, "rainfall": (0.0, limits.MAX_DAILY_RAINFALL_MM)}
"""Range of a trigger's threshold per indicator, in its unit (cm, -, mm); see :mod:`sim.limits`."""


class Trigger(Strict):
    """An early action: when an indicator crosses its threshold, act, ``lead`` days before the expected impact."""

    name: str = Field(min_length=1, description="Name of the trigger")
    indicator: Literal["stage", "spi", "rainfall"] = Field(description="stage at a gauge [cm], SPI-3 [-] or daily rainfall at a place [mm]")
    gauge: str | None = Field(None, description="Gauge, for a stage indicator")
    place: str | None = Field(None, description="Settlement, for a rainfall indicator")
    threshold: float = Field(description="Threshold in the indicator's unit (cm, -, mm); SPI triggers fire at or below it, the others at or above")
    lead: Measure("day", "Days of warning the trigger is expected to give", ge=0.0, le=limits.MAX_LEAD_DAYS, default="0 day")
    action: Literal["preposition", "order", "release_funds", "start_distribution"] = Field(description="What the plan does when the trigger fires")
    item: ItemName | None = Field(None, description="Item moved or ordered")
    quantity: float | None = Field(None, ge=0, le=limits.MAX_STOCK_UNITS, description="Quantity moved or ordered, in the item's unit (kits, nets, kg …)")
    from_hub: HubName | None = Field(None, description="Hub stock is moved from (preposition)")
    to_hub: HubName | None = Field(None, description="Hub stock is moved to (preposition) or delivered to (order)")
    amount: Measure("USD", "Money released", ge=0.0, le=limits.MAX_USD, default=None)

    @model_validator(mode="after")
    def _complete(self, info: pydantic.ValidationInfo):
        context = info.context or {}
        if self.indicator == "stage":
            gauges = context.get("gauges")
            if not self.gauge:
                raise _invalid("err_trigger_needs_gauge", "a stage trigger needs a gauge", field="gauge")
            if gauges and self.gauge not in gauges:
                raise _invalid("err_unknown_gauge_known", "unknown gauge {gauge!r}; known: {known}", field="gauge", gauge=self.gauge, known=list(gauges))
        if self.indicator == "rainfall":
            places = context.get("places")
            if not self.place:
                raise _invalid("err_trigger_needs_place", "a rainfall trigger needs a place", field="place")
            if places and self.place not in places:
                raise _invalid("err_unknown_place", "unknown settlement {place!r}", field="place", place=self.place)
        low, high = THRESHOLD_RANGES[self.indicator]
        if not low <= self.threshold <= high:
            raise _invalid("err_threshold_range", "a {indicator} threshold must be between {low:g} and {high:g}, got {value:g}", field="threshold", indicator=self.indicator, low=low, high=high, value=self.threshold)
        needs = {"preposition": ("item", "quantity", "from_hub", "to_hub"), "order": ("item", "quantity", "to_hub"), "release_funds": ("amount",), "start_distribution": ()}
        missing = [f for f in needs[self.action] if getattr(self, f) is None]
        if missing:
            raise _invalid("err_action_needs", "{action} needs {missing}", field="action", action=self.action, missing=missing)
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
    allocation: Literal["proportional", "worst_first", "equity_floor"] = Field("proportional", description="How scarce stock is shared between cercles")
    equity_floor: float = Field(0.2, ge=0.0, le=1.0, description="With allocation equity_floor: share of its demand every cercle gets first")

    @model_validator(mode="after")
    def _consistent(self):
        hubs = [w.hub for w in self.warehouses]
        repeated = sorted({h for h in hubs if hubs.count(h) > 1})
        if repeated:
            raise _invalid("err_warehouses_repeated", "more than one warehouse at {hubs}", field="warehouses", hubs=repeated)
        for trucks in self.fleet.trucks:
            if trucks.hub not in hubs:
                raise _invalid("err_trucks_without_warehouse", "trucks at {hub}, where the plan has no warehouse", field="fleet", hub=trucks.hub)
        for source in self.procurement:
            if source.hub not in hubs:
                raise _invalid("err_source_without_warehouse", "{source} delivers to {hub}, where the plan has no warehouse", field="procurement", source=source.name, hub=source.hub)
        return self


SCHEMAS: dict[str, type[Strict]] = {"scenario": Scenario, "plan": Plan}


# --- loading with line numbers ----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``message`` is the English text (what ``python -m sim validate`` prints); ``code`` and
    ``params`` name the same message in the catalogs, for :func:`sim.messages.message_text`
    (an empty ``code``: English only).
    """

    file: str
    line: int | None
    field: str
    message: str
    code: str = ""
    params: dict[str, Any] = dataclass_field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class InputError(BadInputError):
    """An input file with problems; ``problems`` lists them, ``str()`` gives the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(str(problems[0]) if problems else "invalid input")
        self.problems = problems

    def __reduce__(self):  # survive pickling between processes (ensemble members)
        return (type(self), (self.problems,))

    def lines(self) -> list[str]:
        """One line per problem."""
        return [str(p) for p in self.problems] or [str(self)]


def _coded(file: str, line: int | None, field: str, code: str, english: str, **params: Any) -> Problem:
    """A problem whose English message is ``english`` filled with ``params``."""
    return Problem(file, line, field, render(english, params, "en"), code, params)


def validation_context(layers: dict[str, str] | None = None) -> dict[str, Any]:
    """What validators may check names against.

    Parameters
    ----------
    layers : dict, optional
        Hazard-catalog layer names → kinds (``hazards.catalog.layer_kinds()``); when given,
        a scenario naming a missing layer, or one of the wrong kind, is refused.
    """
    context: dict[str, Any] = {
        "gauges": sorted({row["name"] for row in facts.read_table("gauges")}),
        "places": sorted({row["name"] for row in facts.read_table("settlements")}),
    }
    if layers is not None:
        context["layers"] = dict(layers)
    return context


def read_mapping(text: str, file: str, what: str) -> CommentedMap:
    """Parse YAML ``text`` into a mapping that remembers its line numbers.

    ``what`` describes the expected content in the message for an empty file.

    Raises
    ------
    InputError
    """
    refused = yaml_refusal(text)
    if refused is not None:
        line, code, english, params = refused
        raise InputError([_coded(file, line, "yaml" if line else "file", code, english, **params)])
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    try:
        data = yaml.load(io.StringIO(text))
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = (err.problem or err.context or "syntax error").strip()
        raise InputError([_yaml_problem(file, line, problem)]) from None
    except YAMLError as err:
        raise InputError([_yaml_problem(file, None, str(err).splitlines()[0])]) from None
    if data is None:
        code = _EMPTY_CODES.get(what)
        if code is None:
            raise InputError([_coded(file, 1, "file", "err_file_empty", "is empty; expected {what}", what=what)])
        raise InputError([_coded(file, 1, "file", code, f"is empty; expected {what}")])
    if not isinstance(data, CommentedMap):
        raise InputError([_coded(file, 1, "file", "err_file_not_mapping", "expected a mapping of keys to values at the top level")])
    return data


_EMPTY_CODES = {
    "a mapping with 'kind: scenario' or 'kind: plan'": "err_file_empty_scenario_or_plan",
    "a layer card": "err_file_empty_layer_card",
}
"""What an empty file should have held (``read_mapping``'s ``what``) → the code of its message."""

_YAML_CODES = (
    (r"found duplicate key \"(?P<key>[^\"]*)\" with value .*", "err_yaml_duplicate_key", "{problem}; each key may appear once{key:omit}"),
    (r".*duplicate key.*", "err_yaml_duplicate", "{problem}; each key may appear once"),
    (r"found character '\\t' that cannot start any token", "err_yaml_tab", "{problem}"),
    (r"found character '(?P<character>.)' that cannot start any token", "err_yaml_character", "{problem}{character:omit}"),
    (r"expected <block end>, but found .*", "err_yaml_indentation", "{problem}"),
    (r"mapping values are not allowed here", "err_yaml_colon", "{problem}"),
    (r"could not find expected ':'", "err_yaml_expected_colon", "{problem}"),
    (r"found unexpected end of stream", "err_yaml_unclosed_quote", "{problem}"),
    (r"expected ',' or '(?P<bracket>[\]}])', but got .*", "err_yaml_unclosed_bracket", "{problem}{bracket:omit}"),
)
"""The YAML parser's own (English) problems the catalogs explain, with the parts they name."""


def _yaml_problem(file: str, line: int | None, problem: str) -> Problem:
    for pattern, code, english in _YAML_CODES:
        match = re.fullmatch(pattern, problem)
        if match:
            return _coded(file, line, "yaml", code, english, problem=problem, **match.groupdict())
    return _coded(file, line, "yaml", "err_yaml_syntax", "{problem}", problem=problem)


def validate_mapping(data: CommentedMap, file: str, schema: type[BaseModel], context: dict | None = None):
    """Validate a parsed mapping against ``schema``; every error carries its line.

    Raises
    ------
    InputError
    """
    try:
        return schema.model_validate(_plain(data), context=context)
    except pydantic.ValidationError as err:
        problems = [_problem(file, data, schema, e) for e in err.errors()]
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.field))) from None


def parse_text(text: str, file: str, expect: str | None = None, context: dict | None = None) -> Scenario | Plan:
    """Validate YAML ``text`` as a scenario or a plan; ``file`` names it in errors.

    Parameters
    ----------
    expect : {'scenario', 'plan'}, optional
        Refuse the other kind.
    context : dict, optional
        Names to check against (see :func:`validation_context`); by default the gauges.

    Raises
    ------
    InputError
    """
    data = read_mapping(text, file, "a mapping with 'kind: scenario' or 'kind: plan'")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in SCHEMAS:
        if "kind" not in data:
            raise InputError([_coded(file, 1, "kind", "err_kind_missing", "must be 'scenario' or 'plan' (missing)")])
        line = data.lc.data["kind"][0] + 1
        raise InputError([_coded(file, line, "kind", "err_kind_unknown", "must be 'scenario' or 'plan' (got {kind!r})", kind=kind if isinstance(kind, str) else str(_plain(kind)))])
    if expect and kind != expect:
        code = "err_kind_expected_scenario" if expect == "scenario" else "err_kind_expected_plan"
        raise InputError([_coded(file, data.lc.data["kind"][0] + 1, "kind", code, f"expected a {expect}, this file is a {kind}")])
    return validate_mapping(data, file, SCHEMAS[kind], context if context is not None else validation_context())


def load_file(path: str | Path, expect: str | None = None, context: dict | None = None) -> Scenario | Plan:
    """Read and validate a scenario or plan file.

    Raises
    ------
    InputError
        Every problem found, each with the file, line and field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([_coded(str(path), None, "file", "err_file_missing", "no such file")]) from None
    except IsADirectoryError:
        raise InputError([_coded(str(path), None, "file", "err_file_is_folder", "is a folder, not a file")]) from None
    except UnicodeDecodeError:
        raise InputError([_coded(str(path), None, "file", "err_file_not_utf8", "is not UTF-8 text")]) from None
    except PermissionError as err:
        raise InputError([_coded(str(path), None, "file", "err_file_permission", "{detail}", detail=err.strerror or str(err))]) from None
    except OSError as err:
        raise InputError([_coded(str(path), None, "file", "err_file_unreadable", "{detail}", detail=err.strerror or str(err))]) from None
    return parse_text(text, str(path), expect=expect, context=context)


def check_files(paths: list[str | Path], context: dict | None = None) -> list[Problem]:
    """Every problem in every file (an empty list when all are valid)."""
    problems: list[Problem] = []
    for path in paths:
        try:
            load_file(path, context=context)
        except InputError as err:
            problems.extend(err.problems)
    return problems


def dump_yaml(data: dict) -> str:
    """YAML text of plain data (block style, Unicode kept, 100 columns)."""
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def dump_text(model: Scenario | Plan) -> str:
    """YAML text of a scenario or plan, quantities written with their units."""
    return dump_yaml(model.model_dump(mode="python", exclude_none=True))


def save_file(model: Scenario | Plan, path: str | Path) -> None:
    """Write a scenario or plan atomically, after checking that it reads back identically."""
    text = dump_text(model)
    again = parse_text(text, str(path), expect=model.kind)
    if again.model_dump(mode="json") != model.model_dump(mode="json"):
        raise ValueError(f"{path}: the {model.kind} does not survive a round trip; not written")
    write_text_atomic(path, text)


class _DatesAsText(RoundTripConstructor):
    """Leaves dates as text, so that pydantic checks them and an error gets its line."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node


def _problem(file: str, root: CommentedMap, schema: type[BaseModel], error: dict) -> Problem:
    loc = [part for part in error["loc"] if part != "[key]"]
    kind = error["type"]
    message = error["msg"]
    ctx = dict(error.get("ctx") or {})
    code, params = "", {}
    if kind.startswith("err_"):
        # one of ours (PydanticCustomError): its code, its parameters, maybe another field
        named = ctx.pop("field", None)
        if named:
            loc = loc + str(named).split(".")
        code, params = kind, ctx
    elif kind == "value_error":
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        # a plain ValueError may name its field first: "flood.gauge: unknown gauge …"
        named = re.match(r"^([a-z_]+(?:\.[a-z_]+)*): (.*)$", message)
        if named:
            loc = loc + named.group(1).split(".")
            message = named.group(2)
    line = _line_of(root, loc)
    field = _field_name(loc) or "file"
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(schema, loc[:-1])
        message = "unknown field" + (f"; expected one of: {', '.join(allowed)}" if allowed else "")
        code, params = ("err_unknown_field", {"allowed": allowed}) if allowed else ("err_unknown_field_bare", {})
    elif kind == "missing":
        message = "required field is missing"
        code = "err_missing"
    elif kind == "literal_error":
        message = f"{value!r} is not allowed; expected {ctx['expected']}"
        code, params = "err_not_allowed", {"input": value, "expected": _literal_values(ctx["expected"])}
    elif kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        message = f"{message.lower()}, got {value!r}"
        bound = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}[kind]
        code, params = PYDANTIC_CODES[kind], {bound: ctx.get(bound), "input": value}
    elif kind == "string_pattern_mismatch":
        message = f"{value!r} must be lower case letters, digits and dashes"
        code, params = "err_name_pattern", {"input": value}
    elif kind in PYDANTIC_CODES:
        code, params = _builtin_code(kind, ctx)
    return Problem(file, line, field, message, code, params)


PYDANTIC_CODES = {
    "greater_than": "err_greater_than",
    "greater_than_equal": "err_greater_than_equal",
    "less_than": "err_less_than",
    "less_than_equal": "err_less_than_equal",
    "int_parsing": "err_int_parsing",
    "int_from_float": "err_int_from_float",
    "int_type": "err_int_type",
    "int_parsing_size": "err_int_parsing_size",
    "float_parsing": "err_float_parsing",
    "float_type": "err_float_type",
    "finite_number": "err_finite_number",
    "bool_parsing": "err_bool_parsing",
    "bool_type": "err_bool_type",
    "string_type": "err_string_type",
    "string_too_short": "err_string_too_short",
    "too_short": "err_list_too_short",
    "list_type": "err_list_type",
    "model_type": "err_model_type",
    "model_attributes_type": "err_model_type",
    "dict_type": "err_dict_type",
    "date_type": "err_date_type",
    "date_parsing": "err_date_parsing",
    "date_from_datetime_parsing": "err_date_invalid",
    "date_from_datetime_inexact": "err_date_with_time",
}
"""Pydantic's error types → message codes (their English text is pydantic's, or the rewording below)."""

_DATE_ERRORS = (
    (r"month value is outside expected range of 1-12", "err_date_month"),
    (r"day value is outside expected range", "err_date_day"),
)
"""What a date's own error says (pydantic's ``ctx["error"]``) → a more precise code."""


def _builtin_code(kind: str, ctx: dict) -> tuple[str, dict]:
    """Code and parameters of a pydantic error that keeps pydantic's English text."""
    code = PYDANTIC_CODES[kind]
    if kind in ("date_parsing", "date_from_datetime_parsing"):
        detail = str(ctx.get("error", ""))
        if kind == "date_from_datetime_parsing":
            code = next((c for pattern, c in _DATE_ERRORS if re.fullmatch(pattern, detail)), code)
        return code, {"error": detail}
    if kind == "string_too_short":
        return code, {"count": ctx.get("min_length")}
    if kind == "too_short":
        if ctx.get("field_type") != "List":
            return "", {}
        return code, {"count": ctx.get("min_length"), "actual_length": ctx.get("actual_length")}
    if kind in ("model_type", "model_attributes_type"):
        return code, {"class_name": ctx.get("class_name", "")}
    return code, {}


def _literal_values(expected: str) -> list[str]:
    """The values of pydantic's ``'a', 'b' or 'c'`` (its literal_error's ``expected``)."""
    values = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    return values or [expected]


def _line_of(root: CommentedMap, loc: list) -> int:
    node: Any = root
    line = 1
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.data[part][0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.data[part][0] + 1
            node = node[part]
        else:
            break
    return line


def _field_name(loc: list) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + str(part)
    return name


def _allowed_fields(schema: type[BaseModel], loc: list) -> list[str]:
    model: Any = schema
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = _inner_model(model.model_fields[part].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        inner = _inner_model(arg)
        if inner is not None:
            return inner
    return None


__all__ = [
    "Scenario",
    "Plan",
    "Problem",
    "InputError",
    "UnitError",
    "load_file",
    "parse_text",
    "check_files",
    "save_file",
    "dump_text",
]
