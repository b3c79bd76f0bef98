"""The stock problem's arrays and the proposal's (issue 16): what :mod:`sim.propose.lp` reads and returns.

Plain NumPy arrays in canonical units (quantities in each item's unit, volumes in m³, money in
USD, time in periods); the caller converts a plan's quantities once, where it builds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

FILL_TOLERANCE = 1e-6
"""A member whose fill rate is within this of the target meets it (solver tolerance) [-]."""


@dataclass(frozen=True)
class Source:
    """Where stock can be bought during the season.

    Attributes
    ----------
    warehouse : str
        Warehouse the goods are delivered to.
    lead_periods : int
        Periods from order to delivery (0: usable in the period it is ordered). [period]
    unit_cost_usd : np.ndarray
        (item,) price of one unit from this source. [USD/unit]
    items : tuple of str or None
        Items it sells; None for all.
    max_units_per_period : np.ndarray or float
        (item,) or one number, most it delivers in a period; ``np.inf`` for no limit. [unit/period]
    name : str
        For messages.
    """

    warehouse: str
    lead_periods: int
    unit_cost_usd: np.ndarray
    items: tuple[str, ...] | None = None
    max_units_per_period: np.ndarray | float = np.inf
    name: str = ""


@dataclass(frozen=True)
class StockProblem:
    """The arrays the two-stage programme reads; see the module's docstring for the model.

    Attributes
    ----------
    items, warehouses, cercles : tuple of str
        Names, in the order of the arrays' axes.
    demand : np.ndarray
        (member, item, period, cercle) new need in each period. [unit of the item]
    delivery_capacity : np.ndarray
        (member, period, warehouse, cercle) volume that can be carried from a warehouse to a
        cercle in a period, 0 where the route is cut that period. [m³/period]
    volume_m3 : np.ndarray
        (item,) volume of one unit. [m³/unit]
    unit_cost_usd : np.ndarray
        (item,) price of pre-positioned stock, also the value weighting the fill rate. [USD/unit]
    unmet_penalty_usd : np.ndarray
        (item,) cost of a unit of need not delivered. [USD/unit]
    storage_usd_per_m3 : np.ndarray
        (warehouse,) storage for the whole season. [USD/m³]
    transport_usd_per_m3 : np.ndarray
        (warehouse, cercle) cost of carrying a m³. [USD/m³]
    capacity_m3 : np.ndarray
        (warehouse,) storage capacity. [m³]
    initial_stock : np.ndarray
        (warehouse, item) the START plan's stock, kept and already paid. [unit]
    sources : tuple of Source
        Procurement during the season.
    budget_usd : float or None
        Cap on the first-stage spend (new stock and its storage); None for no cap. [USD]
    funds_usd : np.ndarray or None
        (member, period) money the plan has received by the end of each period (funds of day
        0, pledges that arrive, funds released by triggers): what the member's purchases
        through that period may cost at most; None for no cap. [USD]
    late_usd_per_period : np.ndarray or None
        (item,) cost of a unit of need waiting one more period [USD/unit/period]: need not met in
        its period then waits (a backlog, as in the SimPy model, whose fill rate counts what is
        handed out by the season's end), and ``unmet_penalty_usd`` is paid only on what is never
        delivered. None: need not met in its period is lost.
    stockable : np.ndarray or None
        (warehouse, item) True where first-stage stock may be added (not water supplied on site,
        nothing in the on-site supply); None for everywhere.
    reserve_cost : float or None
        Cost of a USD set aside before the season in a contingency reserve that any member may
        spend on purchases [USD/USD]; None offers no reserve. [-]
    fleet_days : np.ndarray or None
        (member, period, warehouse) vehicle-days a warehouse's fleet offers in a period; None
        for no fleet limit beyond ``delivery_capacity``. [vehicle-day/period]
    fleet_days_per_m3 : np.ndarray or None
        (warehouse, cercle) vehicle-days a m³ carried to the cercle takes (round trip over the
        vehicle's volume). [vehicle-day/m³]
    order_horizon_periods : int or None
        Reactive procurement: the units of an item ordered by the end of a period are at most
        its need (all cercles) through that period and this many more; None lets the second
        stage order for needs it has not seen yet (fully anticipative). [period]
    """

    items: tuple[str, ...]
    warehouses: tuple[str, ...]
    cercles: tuple[str, ...]
    demand: np.ndarray
    delivery_capacity: np.ndarray
    volume_m3: np.ndarray
    unit_cost_usd: np.ndarray
    unmet_penalty_usd: np.ndarray
    storage_usd_per_m3: np.ndarray
    transport_usd_per_m3: np.ndarray
    capacity_m3: np.ndarray
    initial_stock: np.ndarray
    sources: tuple[Source, ...] = ()
    budget_usd: float | None = None
    funds_usd: np.ndarray | None = None
    reserve_cost: float | None = None
    stockable: np.ndarray | None = None
    late_usd_per_period: np.ndarray | None = None
    fleet_days: np.ndarray | None = None
    fleet_days_per_m3: np.ndarray | None = None
    order_horizon_periods: int | None = None

    def __post_init__(self):
        n_m, n_i, n_t, n_c = np.shape(self.demand)
        n_w = len(self.warehouses)
        expected = {
            "demand": (n_m, len(self.items), n_t, len(self.cercles)),
            "delivery_capacity": (n_m, n_t, n_w, n_c),
            "volume_m3": (n_i,),
            "unit_cost_usd": (n_i,),
            "unmet_penalty_usd": (n_i,),
            "storage_usd_per_m3": (n_w,),
            "transport_usd_per_m3": (n_w, n_c),
            "capacity_m3": (n_w,),
            "initial_stock": (n_w, n_i),
        }
        if self.funds_usd is not None:
            expected["funds_usd"] = (n_m, n_t)
        if self.stockable is not None:
            expected["stockable"] = (n_w, n_i)
        if self.late_usd_per_period is not None:
            expected["late_usd_per_period"] = (n_i,)
        if self.fleet_days is not None or self.fleet_days_per_m3 is not None:
            expected |= {"fleet_days": (n_m, n_t, n_w), "fleet_days_per_m3": (n_w, n_c)}
        for name, shape in expected.items():
            if np.shape(getattr(self, name)) != shape:
                raise ValueError(f"{name} has shape {np.shape(getattr(self, name))}, expected {shape}")
        for source in self.sources:
            if source.warehouse not in self.warehouses:
                raise ValueError(f"source {source.name!r} delivers to {source.warehouse!r}, not a warehouse")
            unknown = set(source.items or ()) - set(self.items)
            if unknown:
                raise ValueError(f"source {source.name!r} sells unknown items {sorted(unknown)}")

    @property
    def shape(self) -> tuple[int, int, int, int, int]:
        """(members, items, periods, warehouses, cercles)."""
        n_m, n_i, n_t, n_c = self.demand.shape
        return n_m, n_i, n_t, len(self.warehouses), n_c


@dataclass
class Proposal:
    """The answer of :func:`sim.propose.lp.solve`.

    Attributes
    ----------
    stock, added : np.ndarray
        (warehouse, item) first-stage stock, and what it adds to the START stock. [unit]
    reserve_usd : float
        Money the first stage sets aside for purchases in the season (0 without a reserve). [USD]
    cost_usd : dict
        ``prepositioning`` (price of the added stock), ``storage`` (of the whole first-stage
        stock, the START stock's included; ``storage_added``: of the added stock), expected
        ``procurement`` and ``transport``, their ``total``, and the expected ``unmet_penalty``
        (not a spend). [USD]
    member_fill : np.ndarray
        (member,) fill rate by value (delivered over demanded, at unit_cost). [-]
    share_meeting_target : float
        Share of the members whose fill rate reaches the target. [-]
    reachable : bool
        False when the target share is out of reach: then the penalty form's plan is returned
        and ``message`` says so in one line.
    method, target, confidence, status, message
        What was asked, and HiGHS's status (0 optimal, 1 time limit) and message.
    objective, lower_bound : float
        The programme's objective (penalties and the START stock's storage included) and a bound
        no plan beats (see :attr:`gap`). [USD]
    rows, columns, nonzeros : int
        Size of the programme (the last one solved).
    build_time_s, solve_time_s : float
        Time to assemble the matrix and in HiGHS (all solves). [s]
    delivered : np.ndarray
        (member, item, period, cercle) delivered. [unit]
    orders : np.ndarray
        (member, source, item, period) ordered in the season. [unit]
    """

    stock: np.ndarray
    added: np.ndarray
    cost_usd: dict[str, float]
    member_fill: np.ndarray
    share_meeting_target: float
    reachable: bool
    method: str
    target: float
    confidence: float
    status: int
    message: str
    objective: float
    lower_bound: float
    rows: int
    columns: int
    nonzeros: int
    build_time_s: float
    solve_time_s: float
    delivered: np.ndarray = field(repr=False)
    orders: np.ndarray = field(repr=False)
    reserve_usd: float = 0.0

    @property
    def gap(self) -> float:
        """How far the objective may be above the optimum, relative to it [-]: 0 for a linear
        programme, the relaxation's gap for relax-and-fix, the MILP's for ``exact``."""
        return max(self.objective - self.lower_bound, 0.0) / max(abs(self.objective), 1e-9)

    @property
    def fill_median(self) -> float:
        """Median over the members of the fill rate [-]."""
        return float(np.median(self.member_fill))

    @property
    def spend_usd(self) -> float:
        """First-stage spend counted against the budget: new stock, its storage and the reserve [USD]."""
        return self.cost_usd["prepositioning"] + self.cost_usd["storage_added"] + self.reserve_usd


def coarsen_periods(problem: StockProblem, factor: int) -> StockProblem:
    """The same problem in periods ``factor`` times longer: the cheapest reduction of its size.

    Demand, route capacities and fleet-days are summed over each block of ``factor`` periods (the
    last block may be shorter); lead times become ``ceil(lead / factor)`` blocks and a source's
    limit per period is multiplied by ``factor``. Within a block, what arrives serves the whole
    block, so the plan is a little optimistic about timing.
    """
    if factor < 1:
        raise ValueError(f"factor must be a whole number of periods >= 1, got {factor}")
    periods = problem.demand.shape[2]
    starts = np.arange(0, periods, factor)

    def blocks(array, axis):
        return np.add.reduceat(np.asarray(array, float), starts, axis=axis)

    sources = tuple(
        replace(
            s,
            lead_periods=-(-int(s.lead_periods) // factor),
            max_units_per_period=np.asarray(s.max_units_per_period, float) * factor,
        )
        for s in problem.sources
    )
    return replace(
        problem,
        demand=blocks(problem.demand, 2),
        delivery_capacity=blocks(problem.delivery_capacity, 1),
        fleet_days=None if problem.fleet_days is None else blocks(problem.fleet_days, 1),
        late_usd_per_period=None
        if problem.late_usd_per_period is None
        else np.asarray(problem.late_usd_per_period, float) * factor,
        funds_usd=None
        if problem.funds_usd is None
        else np.asarray(problem.funds_usd, float)[:, _block_ends(periods, factor)],
        sources=sources,
    )


def _block_ends(periods: int, factor: int) -> np.ndarray:
    """Index of the last period of each block of ``factor`` periods (cumulative arrays keep it)."""
    return np.minimum(np.arange(factor - 1, periods + factor - 1, factor), periods - 1)
