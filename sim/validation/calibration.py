"""The house freeboard and the spread of floor heights, fitted on reported seasons.

The two free parameters of the flood damage rule (:data:`sim.impact.HOUSE_FREEBOARD_M`, how
high houses stand above a median year's highest water, and
:data:`sim.impact.HOUSE_FLOOR_SPREAD_M`, how much floors vary within a cell) are chosen on a
grid to minimise a stated objective over a **training set** of reported seasons
(:data:`TRAINING`); the seasons left out (:data:`HELD_OUT`) are validation. Each season is
played by its control member (seed 1, member 0) on the scenarios' own grid, with the people
affected by the river and by storms (not drought: a flood report does not count failed
harvests).

The objective respects each row's scope (its ``kind``):

* ``equal`` — a count of the same area (the delta, or a region's cercles) by the report's
  date: the squared log ratio ``ln(model / reported)²``;
* ``upper`` — a national count bounds the delta from above: ``max(0, ln(model / bound))²``;
* ``lower`` — a count published before the season's end bounds the season from below:
  ``min(0, ln(model / bound))²``.

The figures are read from ``mali_flood_seasons.csv`` in the shared reference folder (never
copied into the repository); this module does no other I/O.

Notes
-----
Held fixed, not fitted: the storm collapse law (:data:`hazards.flood.BANCO_COLLAPSE_RAIN_MM`,
:data:`hazards.flood.BANCO_COLLAPSE_MAX`; no reported season separates storm collapses in
the delta), the displacement damage (IDMC/ETH), and the drought shares (no reported count of
drought victims by cercle is at hand; the drought cost is checked against ARC payouts).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hazards.season import hazard_season
from sim.core.units import ureg
from sim.impact import people_impact
from sim.run import impact_settings, scenario_delta
from sim.scenario import Scenario

SEASONS_FILE = "mali_flood_seasons.csv"
"""The reported seasons, in the shared reference folder."""

MOPTI_REGION = ("ML0501", "ML0505", "ML0508", "ML0504")
"""Cercles of the Mopti region as reported since the 2016–2023 reorganisation (Mopti,
Djenné, Ténenkou, Youwarou); Bandiagara and Douentza are reported as regions of their own."""

FREEBOARDS_M = tuple(round(1.6 + 0.1 * k, 1) for k in range(8))
"""Freeboards tried [m]: 1.6 to 2.3 by 0.1. Notes: a first search over 1.5–2.4 m × 0.4–1.1 m
found the only valley of the objective inside this window."""

SPREADS_M = tuple(round(0.5 + 0.1 * k, 1) for k in range(6))
"""Floor spreads tried [m]: 0.5 to 1.0 by 0.1."""

CONTROL_SEED = 1
"""Seed of the control member each season is played with [-]."""

FLOOD_CAUSES = ["flood", "storm"]
"""The causes a flood report counts: the river and house collapses in storms."""


@dataclass(frozen=True)
class Target:
    """One reported count, how it is compared, and the season that produced it.

    Attributes
    ----------
    year, scope : int, str
        The row of ``mali_flood_seasons.csv`` (its ``year`` and ``scope`` columns).
    kind : str
        ``equal``, ``upper`` or ``lower`` (see the module's objective).
    cercles : tuple of str or None
        Cercles the count covers within the delta (None: all of them).
    until : datetime.date or None
        Date of the count (None: the season's end).
    peak_cm, peak_date : float, datetime.date
        Mopti's peak that season [cm] (the row's, or the typical date where none is published).
    rain : str
        Rainy season of the generator: ``wet`` or ``normal``.
    why : str
        Why the row is compared this way.
    count, source : float or None, str
        A count the reference file gives only in a row's note (its ``source`` then names
        where it comes from); None to read the row's ``affected_persons``.
    """

    year: int
    scope: str
    kind: str
    cercles: tuple[str, ...] | None
    until: dt.date | None
    peak_cm: float
    peak_date: dt.date
    rain: str
    why: str
    count: float | None = None
    source: str = ""

    @property
    def label(self) -> str:
        """Short name for tables."""
        return f"{self.year}, {self.scope}"


TRAINING = (
    Target(
        2022,
        "inland delta",
        "equal",
        None,
        None,
        671.0,
        dt.date(2022, 10, 9),
        "wet",
        "the delta's count for the season (IOM); a wet season (OCHA)",
    ),
    Target(
        2024,
        "Mopti region (by 20 Oct 2024)",
        "equal",
        MOPTI_REGION,
        dt.date(2024, 10, 20),
        716.0,
        dt.date(2024, 11, 8),
        "wet",
        "the Mopti region's cercles by the report's date (UNICEF); the heaviest rains since 1967 (OCHA)",
    ),
    Target(
        2024,
        "Mali (national)",
        "upper",
        None,
        None,
        716.0,
        dt.date(2024, 11, 8),
        "wet",
        "a national count bounds the delta's whole season from above (OCHA, as noted beside the 2024 row)",
        208_448.0,
        "OCHA, as noted beside the 2024 row of mali_flood_seasons.csv",
    ),
    Target(
        2018,
        "Mali (national)",
        "upper",
        None,
        dt.date(2018, 9, 20),
        670.0,
        dt.date(2018, 10, 15),
        "normal",
        "a national count bounds the delta from above; the larger of the two disagreeing 2018 counts, by its date (20 Sep); the peak date is the typical one (none published)",
    ),
    Target(
        2019,
        "Mali (national; to 31 Aug)",
        "upper",
        None,
        dt.date(2019, 8, 31),
        640.0,
        dt.date(2019, 10, 26),
        "normal",
        "a national count by 31 Aug bounds the delta's count by that date from above",
    ),
)
"""The seasons the two parameters are fitted on."""

HELD_OUT = (
    Target(
        2024,
        "Mopti region (by 20 Oct 2024)",
        "lower",
        MOPTI_REGION,
        None,
        716.0,
        dt.date(2024, 11, 8),
        "wet",
        "published before the river peaked (8 Nov): the season's count is at least this",
    ),
)
"""Reported counts not used in the fit: validation."""


def read_seasons(folder: Path) -> list[dict]:
    """The rows of ``mali_flood_seasons.csv`` in ``folder``."""
    with open(folder / SEASONS_FILE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reported(rows: list[dict], target: Target) -> tuple[float, str]:
    """The reported people affected of ``target``'s row and its source address."""
    if target.count is not None:
        return target.count, target.source
    for row in rows:
        if int(row["year"]) == target.year and row["scope"] == target.scope and row["affected_persons"]:
            return float(row["affected_persons"]), row["source_url"]
    raise KeyError(f"no row {target.year} {target.scope!r} with people affected in {SEASONS_FILE}")


def misfit(model: float, published: float, kind: str) -> float:
    """One row's term of the objective [-] (see the module's docstring)."""
    if model <= 0 or published <= 0:
        return math.inf
    error = math.log(model / published)
    if kind == "upper":
        error = max(error, 0.0)
    elif kind == "lower":
        error = min(error, 0.0)
    elif kind != "equal":
        raise ValueError(f"unknown kind {kind!r}")
    return error * error


def season_scenario(base: Scenario, target: Target) -> Scenario:
    """``base`` (the 2022 scenario) moved to ``target``'s year, Mopti peak and rain."""
    flood = base.flood.model_copy(update={"peak": ureg.Quantity(target.peak_cm, "cm"), "peak_date": target.peak_date})
    rainfall = base.rainfall.model_copy(update={"season": target.rain, "return_period": None})
    domain = base.domain.model_copy(update={"population_year": target.year})
    return base.model_copy(
        update={
            "name": f"season-{target.year}",
            "start_date": dt.date(target.year, 6, 1),
            "flood": flood,
            "rainfall": rainfall,
            "domain": domain,
        }
    )


def affected(impact: xr.Dataset, target: Target) -> float:
    """People affected by the river and storms in ``target``'s cercles by its date [person]."""
    people = impact["people_by_cause"].sel(cause=FLOOD_CAUSES, count="affected").sum("cause")
    if target.cercles is not None:
        people = people.sel(cercle=[c for c in target.cercles if c in people["cercle"].values])
    day = people.sel(day=pd.Timestamp(target.until)) if target.until is not None else people.isel(day=-1)
    return float(day.sum("cercle"))


@dataclass(frozen=True)
class Fit:
    """The grid search: the objective on every pair, the best pair and its rows."""

    freeboards: tuple[float, ...]
    spreads: tuple[float, ...]
    objective: np.ndarray
    """(freeboard, spread) objective [-]."""
    values: dict[str, np.ndarray]
    """Target label → (freeboard, spread) model values [person]."""
    published: dict[str, tuple[float, str]]
    best: tuple[float, float]


class Seasons:
    """Each target's season played once (delta and hazards), its impact for any parameters."""

    def __init__(self, base: Scenario, targets: tuple[Target, ...]):
        self._played = {}
        for target in targets:
            key = (target.year, target.peak_cm, target.peak_date, target.rain)
            if key not in self._played:
                scenario = season_scenario(base, target)
                delta = scenario_delta(scenario)
                hazards = hazard_season(scenario, delta, seed=CONTROL_SEED, member=0)
                self._played[key] = (scenario, delta, hazards)

    def impact(self, target: Target, freeboard: float, spread: float) -> xr.Dataset:
        """The impact of ``target``'s season with these parameters [person]."""
        scenario, delta, hazards = self._played[(target.year, target.peak_cm, target.peak_date, target.rain)]
        settings = replace(impact_settings(scenario), house_freeboard=freeboard, floor_spread=spread)
        return people_impact(delta, hazards, settings)


def fit(
    seasons: Seasons,
    rows: list[dict],
    targets: tuple[Target, ...] = TRAINING,
    freeboards: tuple[float, ...] = FREEBOARDS_M,
    spreads: tuple[float, ...] = SPREADS_M,
) -> Fit:
    """The objective over the grid of parameters; the best pair (ties: the first found)."""
    published = {t.label: reported(rows, t) for t in targets}
    values = {t.label: np.zeros((len(freeboards), len(spreads))) for t in targets}
    objective = np.zeros((len(freeboards), len(spreads)))
    for i, freeboard in enumerate(freeboards):
        for j, spread in enumerate(spreads):
            impacts = {}
            for t in targets:
                key = (t.year, t.peak_cm, t.peak_date, t.rain)
                if key not in impacts:
                    impacts[key] = seasons.impact(t, freeboard, spread)
                value = affected(impacts[key], t)
                values[t.label][i, j] = value
                objective[i, j] += misfit(value, published[t.label][0], t.kind)
    i, j = np.unravel_index(int(np.argmin(objective)), objective.shape)
    return Fit(tuple(freeboards), tuple(spreads), objective, values, published, (freeboards[i], spreads[j]))


def response(seasons_base: Scenario, freeboard: float, spread: float, peaks_cm: tuple[float, ...]) -> dict:
    """People affected in the delta by cause against Mopti's peak, for one control member of a
    normal rainy season (2022's calendar and population) [person]."""
    out = {"peak_cm": list(peaks_cm), "flood": [], "storm": [], "drought": []}
    for peak in peaks_cm:
        target = Target(2022, "response", "equal", None, None, float(peak), dt.date(2022, 10, 9), "normal", "")
        scenario = season_scenario(seasons_base, target)
        delta = scenario_delta(scenario)
        hazards = hazard_season(scenario, delta, seed=CONTROL_SEED, member=0)
        settings = replace(impact_settings(scenario), house_freeboard=freeboard, floor_spread=spread)
        by_cause = people_impact(delta, hazards, settings)["people_by_cause"].sel(count="affected").isel(day=-1)
        for cause in ("flood", "storm", "drought"):
            out[cause].append(float(by_cause.sel(cause=cause).sum("cercle")))
    return out
