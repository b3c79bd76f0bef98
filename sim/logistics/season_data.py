"""What the plan model reads and writes: the season's inputs (needs, roads, stages, indicators) and
its day-by-day records, and the error a broken mass balance raises."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


class MassBalanceError(AssertionError):
    """Stock was created or destroyed: a bug, never an input problem."""


@dataclass
class SeasonInputs:
    """What a plan is played against: one member's needs and hazards.

    Attributes
    ----------
    demand : np.ndarray
        (item, day, cercle) new need each day, in each item's unit.
    road_cut : dict
        (place, place) → bool per day, True when the flood cuts that road.
    mopti_stage : np.ndarray
        Stage at Mopti per day [cm], for boats.
    stages : dict
        gauge → stage per day [cm], for triggers.
    spi3 : float or None
        SPI-3 of July–September over the delta, known from the first of October.
    rainfall : dict
        place → rain per day [mm/day], for rainfall triggers.
    unit_cost : dict
        item → cost of one unit at the reference price [USD].
    """

    dates: pd.DatetimeIndex
    items: list[str]
    cercles: list[str]
    capitals: list[str]
    demand: np.ndarray
    road_cut: dict[tuple[str, str], np.ndarray]
    mopti_stage: np.ndarray
    stages: dict[str, np.ndarray]
    spi3: float | None
    rainfall: dict[str, np.ndarray]
    unit_cost: dict[str, float]
    lead_time_seed: np.random.SeedSequence | None = None
    closure_seed: np.random.SeedSequence | None = None
    closure_probability: float = 0.0
    indicator_cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Each trigger indicator's daily series, filled by :func:`sim.logistics.schedule.indicator_series`
    (not copied by ``dataclasses.replace``: a changed season starts empty)."""


@dataclass
class Records:
    """Daily records of the model (cumulative flows, levels at the end of each day)."""

    days: int
    items: list[str]
    cercles: list[str]
    demand: np.ndarray = field(init=False)
    distributed: np.ndarray = field(init=False)
    received: np.ndarray = field(init=False)
    lost: np.ndarray = field(init=False)
    on_hand: np.ndarray = field(init=False)
    in_transit: np.ndarray = field(init=False)
    costs: dict[str, float] = field(default_factory=lambda: {"procurement": 0.0, "transport": 0.0, "storage": 0.0})
    bought: dict[str, float] = field(default_factory=lambda: {"local": 0.0, "regional": 0.0, "international": 0.0})
    events: list[tuple[int, str]] = field(default_factory=list)
    first_distribution: int | None = None

    def __post_init__(self):
        shape = (len(self.items), self.days, len(self.cercles))
        self.demand = np.zeros(shape)
        self.distributed = np.zeros(shape)
        self.received = np.zeros((len(self.items), self.days))
        self.lost = np.zeros((len(self.items), self.days))
        self.on_hand = np.zeros((len(self.items), self.days))
        self.in_transit = np.zeros((len(self.items), self.days))
