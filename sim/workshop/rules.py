"""The rules of a workshop: its settings, the round calendar, decisions, injects and budget.

Everything here is pure: no database, no simulation. A decision is plain data (it is stored
as JSON); :func:`check_decision` refuses a bad one with a :class:`WorkshopError` whose
``key`` names the message shown to the user (texts in ``sim/locales/*/workshop.yaml``).

Notes
-----
In a workshop the teams decide: the starting plan gives the warehouses, their stock, the
fleet, the distribution teams and the suppliers, but its triggers, pledges and the
automatic procurement controller are switched off, and its funds are replaced by the
workshop's budget. One ledger (:class:`Ledger`) holds a team's money: purchases and the
forecast are paid from the budget when they are decided; transport and storage are running
costs the engine counts as the rounds are played, from the first day of round 1 (the days
before are the same for every team and nobody's doing), and they count against the budget
too.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from hazards.settings import PEAK_SPREAD_CM
from sim.core.errors import BadInputError

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

FORECAST_ERROR_CM = PEAK_SPREAD_CM
"""Error of the bought forecast of the Mopti stage [cm]: the range shown is the simulated
stage ± this much. References: OPIDIN's own forecast errors in September, 25 cm, as for the
ensemble's spread of the peak (:data:`hazards.settings.PEAK_SPREAD_CM`, its sources there). The
range of displaced people is the model's for a peak this much lower and higher."""

DEFAULT_ROUNDS = 3
"""Rounds the console offers [-]. Notes: assumption, a half-day workshop."""

DEFAULT_ROUND_DAYS = 28
"""Simulated days per round the console offers [day]. Notes: assumption, chosen so that a
local order (7-42 days in the shipped plans) placed in one round arrives in the next, and a
regional one (30-90 days) within the workshop: three rounds of 28 days play 12 weeks."""

AFTER_PEAK_DAYS = 14
"""Days the default calendar runs past the crisis's peak [day]. Notes: assumption; so that
the teams see what their choices did at the worst moment and just after it."""

MONTH_DAYS = 30
"""Length of a supplier's "month" for its capacity [day]: the same 30-day months from the
season's first day as :meth:`sim.logistics.model.PlanModel.order` counts."""


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


def last_day(settings: Settings) -> int:
    """The day after the last round's last day [day]: the workshop's end."""
    return round_bounds(settings, settings.rounds)[1]


def default_start_day(peak_day: int, rounds: int = DEFAULT_ROUNDS, round_days: int = DEFAULT_ROUND_DAYS) -> int:
    """First day of round 1 so that the last round ends :data:`AFTER_PEAK_DAYS` after the peak [day]."""
    return max(peak_day + AFTER_PEAK_DAYS - rounds * round_days, 0)


def lead_days(source) -> tuple[float, float, float]:
    """A supplier's lead time as (min, mode, max) [day]."""
    return tuple(
        float(q.to("day").magnitude) for q in (source.lead_time.min, source.lead_time.mode, source.lead_time.max)
    )


def calendar_warnings(settings: Settings, plan, peak_day: int) -> list[tuple[str, dict]]:
    """What the trainer should know about the calendar before playing: (message key, values).

    * the last round ends before the crisis's peak (``peak_day``): the teams never see it;
    * a supplier whose shortest lead time is longer than the workshop: nothing it sells can
      arrive before the end; one that cannot deliver orders from the later rounds: from
      which round its orders come too late.
    """
    out = []
    end = last_day(settings)
    if end <= peak_day:
        out.append(("ws_warn_before_peak", {"end": end - 1, "peak": peak_day}))
    for source in plan.procurement:
        shortest = lead_days(source)[0]
        late = [n for n in range(1, settings.rounds + 1) if round_bounds(settings, n)[0] + math.ceil(shortest) >= end]
        if len(late) == settings.rounds:
            out.append(("ws_warn_never_arrives", {"source": source.name, "days": shortest, "end": end - 1}))
        elif late:
            out.append(("ws_warn_late_from", {"source": source.name, "days": shortest, "n": late[0], "end": end - 1}))
    return out


def too_late(settings: Settings, plan, number: int) -> list[tuple[str, float]]:
    """Suppliers whose orders placed in round ``number`` cannot arrive before the end:
    (name, shortest lead time [day])."""
    start, end = round_bounds(settings, number)[0], last_day(settings)
    return [(s.name, lead_days(s)[0]) for s in plan.procurement if start + math.ceil(lead_days(s)[0]) >= end]


def offers(plan, items: list[str]) -> list[tuple[str, str]]:
    """What can be ordered: (item, supplier) for every item a supplier sells, in the plan's order."""
    return [
        (item, source.name)
        for source in plan.procurement
        for item in items
        if source.items is None or item in source.items
    ]


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
    """A round without decisions: the distribution rule and the priority cercles stay as they were."""
    return {"orders": [], "moves": [], "allocation": None, "priority": None, "mobilize": False, "forecast": False}


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
        item, origin, destination, quantity = (
            move.get("item"),
            move.get("from_hub"),
            move.get("to_hub"),
            _number(move.get("quantity")),
        )
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
    priority = decision.get("priority")
    if priority is not None:  # None: unchanged; a list, even empty, replaces the priority cercles
        priority = list(priority)
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


def purchase_cost(decision: dict, plan, unit_cost: dict[str, float]) -> float:
    """What a decision's orders cost at the supplier's price [USD]."""
    sources = {s.name: s for s in plan.procurement}
    return float(
        sum(
            o["quantity"] * unit_cost[o["item"]] * sources[o["source"]].price_factor for o in decision.get("orders", [])
        )
    )


def decision_cost(
    decision: dict, plan, unit_cost: dict[str, float], forecast_price: float, forecast_owned: bool
) -> float:
    """Money a decision commits: its purchases at the supplier's price, and the forecast [USD]."""
    cost = purchase_cost(decision, plan, unit_cost)
    if decision["forecast"] and not forecast_owned:
        cost += forecast_price
    return float(cost)


def supply_month(day: int) -> int:
    """The supplier's month a day falls in (:data:`MONTH_DAYS`-day months from the season's start)."""
    return day // MONTH_DAYS


def check_capacity(settings: Settings, plan, number: int, decision: dict, earlier: dict[int, dict]) -> None:
    """Refuse an order beyond what its supplier can deliver in the month (its ``capacity_per_month``),
    counting the team's orders of the other rounds placed in the same month."""
    sources = {s.name: s for s in plan.procurement}
    month = supply_month(round_bounds(settings, number)[0])
    wanted: dict[tuple[str, str], float] = {}
    for order in decision["orders"]:
        key = (order["source"], order["item"])
        wanted[key] = wanted.get(key, 0.0) + order["quantity"]
    for (source, item), quantity in wanted.items():
        cap = (
            getattr(sources[source].capacity_per_month, item, None)
            if sources[source].capacity_per_month is not None
            else None
        )
        if cap is None:
            continue
        already = sum(
            o["quantity"]
            for k, d in earlier.items()
            if k != number and supply_month(round_bounds(settings, k)[0]) == month
            for o in d.get("orders", [])
            if (o["source"], o["item"]) == (source, item)
        )
        if already + quantity > float(cap.magnitude) + 1e-9:
            raise WorkshopError(
                "ws_err_capacity", source=source, item=item, capacity=float(cap.magnitude), ordered=already
            )


@dataclass(frozen=True)
class Ledger:
    """A team's money, the one account every screen shows [USD].

    Attributes
    ----------
    budget : float
        Budget arrived by the day of the account (a late tranche counts once it is in).
    purchases : float
        Orders decided, at the supplier's price.
    forecast : float
        The forecast, if bought.
    transport, storage : float
        Running costs of the rounds played, from the first day of round 1.
    """

    budget: float
    purchases: float
    forecast: float
    transport: float
    storage: float

    @property
    def spent(self) -> float:
        return self.purchases + self.forecast + self.transport + self.storage

    @property
    def left(self) -> float:
        return self.budget - self.spent

    def to_dict(self) -> dict:
        return {**asdict(self), "spent": self.spent, "left": self.left}


def ledger(
    settings: Settings,
    plan,
    unit_cost: dict[str, float],
    decisions: dict[int, dict],
    running: dict[str, float],
    day: int,
) -> Ledger:
    """The account of a team: its ``decisions`` (round → decision), the running costs of the
    rounds played (``running``: transport and storage [USD]) and the budget arrived by ``day``."""
    bought = any(d.get("forecast") for d in decisions.values())
    return Ledger(
        budget=budget_available(settings, day),
        purchases=sum(purchase_cost(d, plan, unit_cost) for d in decisions.values()),
        forecast=settings.forecast_price_usd if bought else 0.0,
        transport=float(running.get("transport", 0.0)),
        storage=float(running.get("storage", 0.0)),
    )


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
