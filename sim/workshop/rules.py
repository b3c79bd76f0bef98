"""The rules of a workshop: its settings, the round calendar, decisions, injects and budget.

Everything here is pure: no database, no simulation. A decision is plain data (it is stored
as JSON); :func:`check_decision` refuses a bad one with a :class:`WorkshopError` whose
``key`` names the message shown to the user (texts in ``sim/locales/*/workshop.yaml``).

Notes
-----
In a workshop the teams decide: the starting plan gives the warehouses, their stock, the
fleet, the distribution teams and the suppliers, but its triggers, pledges and the
automatic procurement controller are switched off, and its funds are replaced by the
workshop's budget. Purchases and the forecast are paid from the budget when they are
decided; transport and storage are running costs the engine adds to the money spent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sim.errors import BadInputError

INJECT_KINDS = ("road_cut", "warehouse_flooded", "funding_late", "boats_stop", "access_closure")
"""Surprises a trainer can script: a road cut by the flood, a flooded warehouse, a funding
tranche that arrives late, the end of the boat season, insecurity closing a cercle."""

ALLOCATIONS = ("proportional", "worst_first", "equity_floor")
"""How scarce stock is shared between cercles (the rules of :class:`sim.scenario.Plan`)."""

MAX_PRIORITY_CERCLES = 3
"""Cercles a team may put first in the queue [-]. Notes: assumption, a game rule."""

FORECAST_HORIZON_DAYS = 30
"""How far ahead the bought forecast sees [day]. Notes: assumption, a monthly outlook such
as the PRESASS/OPIDIN bulletins."""

FORECAST_SPREAD = 0.15
"""Relative range shown around the forecast values [-]. Notes: assumption; the game shows
the simulated future with ±15 % so that the forecast is useful without being a certainty."""


class WorkshopError(BadInputError):
    """A refused action: ``key`` names the message, ``values`` fill it in."""

    def __init__(self, key: str, **values):
        super().__init__(f"{key}: {values}" if values else key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Inject:
    """A surprise on a day of the season, hitting every team alike.

    Attributes
    ----------
    day : int
        Day of the season it happens [day from the scenario's first day].
    kind : str
        One of :data:`INJECT_KINDS`.
    target : str
        The road ("Mopti–Sévaré" as "Mopti|Sévaré"), the hub, or the cercle's pcode; empty
        for funding and boats.
    value : float
        Days it lasts (road cut, access closure), days of delay (funding), or the share of
        the stock lost (warehouse) [day or -].
    share : float
        Share of the budget that arrives late (funding) [-].
    """

    day: int
    kind: str
    target: str = ""
    value: float = 0.0
    share: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Settings:
    """What the trainer chose when creating the workshop.

    Attributes
    ----------
    budget_usd : float
        Money each team may commit [USD].
    rounds : int
        Number of rounds.
    round_days : int
        Simulated days per round [day].
    start_day : int
        Day of the season the first round starts [day]; the days before are played
        identically for everyone with the starting plan.
    round_minutes : float
        Time the teams have to decide in a round [min]; 0 for no limit.
    forecast_price_usd : float
        Price of the forecast [USD]; 0 when no forecast is offered.
    resolution : float
        Grid of the workshop's season [deg].
    """

    title: str
    scenario_text: str
    scenario_base: str
    plan_text: str
    seed: int
    budget_usd: float
    rounds: int
    round_days: int
    start_day: int
    round_minutes: float = 0.0
    forecast_price_usd: float = 0.0
    resolution: float = 0.05
    lang: str = "fr"
    injects: tuple[Inject, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["injects"] = [i.to_dict() for i in self.injects]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Settings:
        values = dict(data)
        values["injects"] = tuple(Inject(**i) for i in data.get("injects", []))
        return cls(**values)


def round_bounds(settings: Settings, number: int) -> tuple[int, int]:
    """First day of round ``number`` (1-based) and the day after its last [day]."""
    start = settings.start_day + (number - 1) * settings.round_days
    return start, start + settings.round_days


def check_settings(settings: Settings, season_days: int) -> None:
    """Refuse settings that cannot be played on a season of ``season_days`` days."""
    if not settings.title.strip():
        raise WorkshopError("ws_err_title")
    if settings.rounds < 1 or settings.round_days < 1:
        raise WorkshopError("ws_err_rounds")
    end = round_bounds(settings, settings.rounds)[1]
    if settings.start_day < 0 or end > season_days:
        raise WorkshopError("ws_err_calendar", end=end, days=season_days)
    if settings.budget_usd < 0 or settings.forecast_price_usd < 0 or settings.round_minutes < 0:
        raise WorkshopError("ws_err_negative")
    for inject in settings.injects:
        if inject.kind not in INJECT_KINDS:
            raise WorkshopError("ws_err_inject_kind", kind=inject.kind)
        if not 0 <= inject.day < season_days:
            raise WorkshopError("ws_err_inject_day", day=inject.day)


def empty_decision() -> dict:
    """A round without decisions (the previous distribution rule stays)."""
    return {"orders": [], "moves": [], "allocation": None, "priority": [], "mobilize": False, "forecast": False}


def check_decision(decision: dict, plan, unit_cost: dict[str, float], cercles: list[str]) -> dict:
    """The decision, cleaned, or a :class:`WorkshopError` for its first problem.

    Parameters
    ----------
    plan : sim.scenario.Plan
        The starting plan (its warehouses and suppliers).
    unit_cost : dict
        item → reference price [USD per unit].
    cercles : list of str
        Pcodes of the cercles.
    """
    out = empty_decision()
    hubs = [w.hub for w in plan.warehouses]
    sources = {s.name: s for s in plan.procurement}
    for order in decision.get("orders") or []:
        item, source, quantity = order.get("item"), order.get("source"), _number(order.get("quantity"))
        if quantity is None or quantity <= 0:
            raise WorkshopError("ws_err_quantity", item=item or "?")
        if source not in sources:
            raise WorkshopError("ws_err_source", source=source or "?")
        if item not in unit_cost:
            raise WorkshopError("ws_err_item", item=item or "?")
        supplier = sources[source]
        if supplier.items is not None and item not in supplier.items:
            raise WorkshopError("ws_err_not_sold", item=item, source=source)
        price = quantity * unit_cost[item] * supplier.price_factor
        minimum = float(supplier.minimum_order.to("USD").magnitude)
        if price < minimum:
            raise WorkshopError("ws_err_minimum", source=source, minimum=minimum)
        out["orders"].append({"item": item, "source": source, "quantity": quantity})
    for move in decision.get("moves") or []:
        item, origin, destination, quantity = move.get("item"), move.get("from_hub"), move.get("to_hub"), _number(move.get("quantity"))
        if quantity is None or quantity <= 0:
            raise WorkshopError("ws_err_quantity", item=item or "?")
        if origin not in hubs or destination not in hubs or origin == destination:
            raise WorkshopError("ws_err_move", origin=origin or "?", destination=destination or "?")
        if item not in unit_cost:
            raise WorkshopError("ws_err_item", item=item or "?")
        out["moves"].append({"item": item, "from_hub": origin, "to_hub": destination, "quantity": quantity})
    allocation = decision.get("allocation")
    if allocation is not None and allocation not in ALLOCATIONS:
        raise WorkshopError("ws_err_allocation", allocation=allocation)
    out["allocation"] = allocation
    priority = list(decision.get("priority") or [])
    if len(priority) > MAX_PRIORITY_CERCLES or any(p not in cercles for p in priority):
        raise WorkshopError("ws_err_priority", most=MAX_PRIORITY_CERCLES)
    out["priority"] = priority
    out["mobilize"] = bool(decision.get("mobilize"))
    out["forecast"] = bool(decision.get("forecast"))
    return out


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def decision_cost(decision: dict, plan, unit_cost: dict[str, float], forecast_price: float, forecast_owned: bool) -> float:
    """Money a decision commits: its purchases at the supplier's price, and the forecast [USD]."""
    sources = {s.name: s for s in plan.procurement}
    cost = sum(o["quantity"] * unit_cost[o["item"]] * sources[o["source"]].price_factor for o in decision["orders"])
    if decision["forecast"] and not forecast_owned:
        cost += forecast_price
    return float(cost)


def budget_available(settings: Settings, day: int) -> float:
    """Budget that has arrived by ``day`` [USD]: a late tranche counts only once it is in."""
    available = settings.budget_usd
    for inject in settings.injects:
        if inject.kind == "funding_late" and day < inject.day + inject.value:
            available -= settings.budget_usd * min(max(inject.share, 0.0), 1.0)
    return max(available, 0.0)


def injects_between(settings: Settings, first: int, last: int) -> list[Inject]:
    """Injects that happen on days first … last − 1."""
    return [i for i in settings.injects if first <= i.day < last]
