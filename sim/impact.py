"""From daily hazards to people: exposed, affected, displaced and in need, per cercle and day.

Four counts, each with its own rule, never mixed (all in persons):

* **exposed** (that day): people whose home is under water above its usual yearly level,
  or under a storm of at least the banco-collapse threshold;
* **affected** (to date): people whose house has been damaged (flood damage of at least
  :data:`AFFECTED_DAMAGE`) or whose earth house collapsed in a storm, or who are
  food-insecure after a failed harvest;
* **displaced** (that day): people whose house is destroyed — flood damage at or above the
  displacement threshold (0.55 by default, as in the IDMC/ETH global displacement risk
  model) or collapsed in a storm — from the day it is destroyed until the water has left it
  and it has been rebuilt (:data:`REBUILD_DAYS`); and, after a failed harvest, a lagged share
  of the food-insecure;
* **in need** (that day): the displaced, the people whose damaged house still has water in
  it, and the food-insecure.

Houses in the delta stand on mounds above the usual flood: the depth that reaches a house is
the flood depth minus the depth of a median year's flood at that place (the 2-year Mopti
peak) and minus :data:`HOUSE_FREEBOARD_M`. Within a cell house floors vary, so the share of houses past a damage level rises
smoothly with depth (:data:`HOUSE_FLOOR_SPREAD_M`).

References
----------
.. [1] Huizinga, J., de Moel, H., Szewczyk, W. (2017), Global flood depth-damage functions,
   JRC Technical Report EUR 28552 EN: Africa, residential.
.. [2] IDMC / ETH Zürich global displacement risk model: a house is uninhabitable, and its
   people displaced, when its damage reaches 0.55 (0.3–0.7 tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from hazards.flood import BANCO_COLLAPSE_MAX, BANCO_COLLAPSE_RAIN_MM
from hazards.wrsi import CROP_FAILURE_WRSI
from sim.delta.communes import unit_cercles, unit_index
from sim.delta.domain import Delta
from sim.impact_kernel import cell_sums, events, scan_cells

JRC_AFRICA_RESIDENTIAL = (
    (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0),
    (0.0, 0.22, 0.378, 0.531, 0.636, 0.817, 0.903, 0.957, 1.0),
)
"""Water depth in the house [m] → damage ratio [-]. References: Huizinga et al. 2017 [1]_."""

DISPLACEMENT_DAMAGE = 0.55
"""Damage at which a house is destroyed and its people displaced [-]. References: [2]_."""

DISPLACEMENT_DAMAGE_RANGE = (0.3, 0.7)
"""Uncertainty range of :data:`DISPLACEMENT_DAMAGE` [-]. References: [2]_."""

AFFECTED_DAMAGE = 0.1
"""Damage from which a household counts as affected [-]. Notes: assumption (about 0.2 m of
water inside the house on the JRC curve)."""

HOUSE_FLOOR_SPREAD_M = 0.8
"""Standard deviation of house floor heights within a cell [m]. Notes: calibrated, not
measured, jointly with :data:`HOUSE_FREEBOARD_M` (``sim/validation/calibration.py``, the
calibration section of docs/validation.md): on the control members (seed 1, 0.01° grid) of
the 2022 season (30,638 affected in the delta, IOM) and the 2024 season (84,437 in the Mopti
region by 20 Oct, UNICEF), with the national counts of 2018, 2019 and 2024 (208,448, OCHA) as
upper bounds. 2022 sets the level, 2024 (Mopti 45 cm higher) the steepness, and the 2024
national bound holds it back; within a ~1 km cell houses stand from the plain to the top of
the mounds (toggere)."""

HOUSE_FREEBOARD_M = 2.1
"""Height of house floors above a median year's highest water [m]. Notes: calibrated with
:data:`HOUSE_FLOOR_SPREAD_M` (see there); the fit gives 30,825 affected for 2022, 75,273 in
the Mopti region by 20 Oct 2024 and 233,780 in the delta over the 2024 season (12 % above the
national count). Villages stand on mounds (toggere) raised above the floods
people remember."""

REBUILD_DAYS = 120
"""Days to rebuild an earth house once the water has left it [day]. Notes: assumption; no
published figure found; after the 2013 Ségou and 2024 Sofara floods many were still out of
their homes after one to several months (OCHA; Studio Tamani)."""

HOSTED_SHARE = 0.66
"""Share of displaced people living with host families rather than in sites [-].
References: Shelter Cluster Mali factsheet, March 2022: 66 % of IDPs hosted by families at
the end of 2021 (https://sheltercluster.org/mali/factsheets/2022-03)."""

BANCO_SHARE = 0.85
"""Share of houses built of earth (banco) [-]. Notes: assumption; "most houses are entirely
built in banco" in northern Mali (IFRC DREF MDRML007, 2011)."""

STORM_EXPOSURE_MM = 50.0
"""Daily rain from which people count as exposed to a storm [mm/day]; the start of banco
collapse in :mod:`hazards.flood`."""

FOOD_INSECURE_SHARE = 0.5
"""Share of the population of a cell with crop failure (WRSI < 50) who become food-insecure
[-]. Notes: assumption; most rural households of the delta live from rain-fed millet and
sorghum, others from rice, fishing and herding."""

HARVEST_MONTH_DAY = (10, 1)
"""(month, day) from which a failed harvest makes people food-insecure. Notes: the end of the
millet season (October)."""

DROUGHT_DISPLACED_SHARE = 0.05
"""Share of the food-insecure who leave home [-]. Notes: assumption."""

DROUGHT_DISPLACEMENT_LAG_DAYS = 60
"""Days after the failed harvest before drought displacement starts [day]. Notes: assumption."""


def damage_ratio(depth_m):
    """Damage of a house with ``depth_m`` of water inside [-] (JRC Africa residential, 1 above 6 m)."""
    depths, ratios = JRC_AFRICA_RESIDENTIAL
    return np.interp(np.asarray(depth_m, float), depths, ratios, left=0.0, right=1.0)


def depth_for_damage(damage: float) -> float:
    """Water depth at which the JRC curve reaches ``damage`` [m]."""
    depths, ratios = JRC_AFRICA_RESIDENTIAL
    if not 0.0 <= damage <= 1.0:
        raise ValueError(f"damage must be between 0 and 1, got {damage}")
    return float(np.interp(damage, ratios, depths))


def share_above(level_m, threshold_m: float, spread_m: float = HOUSE_FLOOR_SPREAD_M):
    """Share of a cell's houses with more than ``threshold_m`` of water inside [-].

    Parameters
    ----------
    level_m : array_like
        Water level relative to the cell's mean house floor; negative when the water stays
        below it on average. [m]

    House floors vary normally around the cell's mean by ``spread_m``, so a level just
    below the mean floor still floods the lowest houses. NaN (no water above its usual
    level in the cell) gives 0.
    """
    level = np.asarray(level_m, np.float32)
    share = special.ndtr((level - threshold_m) / spread_m)
    return np.where(np.isfinite(level), share, 0.0).astype(np.float32)


@dataclass(frozen=True)
class ImpactSettings:
    """Parameters of the impact stage, from the scenario (defaults above)."""

    household_size: float = 5.2
    displacement_damage: float = DISPLACEMENT_DAMAGE
    house_freeboard: float = HOUSE_FREEBOARD_M
    floor_spread: float = HOUSE_FLOOR_SPREAD_M
    rebuild_days: int = REBUILD_DAYS
    hosted_share: float = HOSTED_SHARE
    banco_share: float = BANCO_SHARE


COUNTS = ("exposed", "affected", "displaced", "in_need")
"""The four counts, in this order along the ``count`` dimension."""

CAUSES = ("flood", "storm", "drought")
"""The causes the counts are kept apart by, along the ``cause`` dimension: the river's flood,
storms (earth houses collapsing in heavy rain, where the river had not already destroyed or
damaged them) and drought (a failed harvest). Notes: the first two add up to the combined
count of a cell hit by both; drought victims are taken as other people, so the total is the
sum of the three (an upper bound where the same people are hit twice)."""


DROUGHT_SPI = -1.0
"""SPI-3 (July–September) at or below which a season is a drought (McKee et al. 1993: moderate)."""


def drought_impact(
    dates: pd.DatetimeIndex,
    wrsi: np.ndarray | None,
    spi3: np.ndarray | None,
    wrsi_normal: np.ndarray | None = None,
) -> dict[str, np.ndarray] | None:
    """Daily shares of each cell's people food-insecure and displaced by drought [-].

    Drought is a shock against the place's own climate, not its usual state: people in cells
    whose millet harvest fails this season (WRSI below :data:`CROP_FAILURE_WRSI`) where it
    succeeds in a median year (``wrsi_normal`` at or above it), in a cercle in drought (its
    mean SPI-3 at or below :data:`DROUGHT_SPI`, so that a local dry pocket in a good year does
    not count; drought is declared by administrative area, as Africa RiskView does), become
    food-insecure from the harvest (:data:`HARVEST_MONTH_DAY`) on, in the share
    :data:`FOOD_INSECURE_SHARE`; a share of them leaves home
    :data:`DROUGHT_DISPLACEMENT_LAG_DAYS` later. Where millet fails even in a median year
    (the north of the delta, where people live from the river, rice and herds) the model
    counts no drought victims: that chronic state is not a shock this season brings.

    Returns None without the drought indices. Without ``wrsi_normal`` every cell is taken as
    one where the harvest usually succeeds.
    """
    shares = _drought_shares(wrsi, spi3, wrsi_normal)
    if shares is None:
        return None
    after, moved = _drought_days(dates)
    food, displaced = shares
    zero = np.float32(0.0)
    return {
        "food_insecure": np.where(after[:, None, None], food[None], zero),
        "displaced": np.where(moved[:, None, None], displaced[None], zero),
    }


def _drought_shares(
    wrsi: np.ndarray | None, spi3: np.ndarray | None, wrsi_normal: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Shares of each cell's people food-insecure, and displaced, once drought has struck (float32) [-]."""
    if wrsi is None or spi3 is None:
        return None
    usual = np.ones(np.shape(wrsi), bool) if wrsi_normal is None else np.asarray(wrsi_normal) >= CROP_FAILURE_WRSI
    shock = np.isfinite(wrsi) & (wrsi < CROP_FAILURE_WRSI) & usual & (spi3 <= DROUGHT_SPI)
    failed = np.where(shock, FOOD_INSECURE_SHARE, 0.0)
    return failed.astype(np.float32), (1.0 * DROUGHT_DISPLACED_SHARE * failed).astype(np.float32)


def _drought_days(dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Days from the failed harvest on, and days from drought displacement on."""
    harvest = pd.Timestamp(dates[0].year, *HARVEST_MONTH_DAY)
    return np.asarray(dates >= harvest), np.asarray(dates >= harvest + pd.Timedelta(days=DROUGHT_DISPLACEMENT_LAG_DAYS))


def people_impact(delta: Delta, hazards: xr.Dataset, settings: ImpactSettings) -> xr.Dataset:
    """The four counts by cause, destroyed houses and food insecurity, per cercle and day [person].

    Parameters
    ----------
    hazards : xr.Dataset
        From :func:`hazards.season.hazard_season`: ``rainfall``, ``flood_depth``,
        ``normal_flood_depth`` and, for a season covering July–September, ``spi3``, ``wrsi``
        and ``wrsi_normal``.

    Returns
    -------
    xr.Dataset
        ``people_by_cause`` (cause, count, day, cercle) [person], the counts of each cause
        (:data:`CAUSES`; drought has no one "exposed": that count is for water and storms);
        ``people`` (count, day, cercle) [person], their sum; ``destroyed_houses`` and
        ``displaced_households`` (day, cercle) [household]; ``food_insecure`` and
        ``displaced_by_drought`` (the part of the displaced who left after a failed harvest)
        (day, cercle) [person]; ``displaced_in_sites`` (day, cercle) [person]; coordinates
        ``cercle`` (pcodes), ``cercle_name``, ``day`` (dates), ``cause``, ``count``.
    """
    days = hazards.sizes["time"]
    rain = hazards["rainfall"].transpose("time", "y", "x").values.reshape(days, -1)
    depth = hazards["flood_depth"].transpose("time", "y", "x").values.reshape(days, -1)
    normal = hazards["normal_flood_depth"].transpose("y", "x").values.ravel()
    people, units = _cells(delta)
    to_cercles = _unit_membership(delta)
    communes = len(delta.communes)
    totals = flood_totals(rain, depth, normal, people, units, to_cercles.shape[0], settings)
    dates = pd.DatetimeIndex(hazards["time"].values)
    cercle_spi = _cercle_mean(delta, hazards["spi3"].values) if "spi3" in hazards else None
    wrsi = hazards["wrsi"].values if "wrsi" in hazards else None
    wrsi_normal = hazards["wrsi_normal"].values if "wrsi_normal" in hazards else None
    drought = _drought_totals(delta, dates, wrsi, cercle_spi, wrsi_normal)
    zeros = np.zeros((days, to_cercles.shape[0]))
    food_units, moved_units = drought if drought is not None else (zeros, zeros)
    by_drought = {"exposed": zeros, "affected": food_units, "displaced": moved_units, "in_need": food_units}
    by_unit = np.stack(
        [np.stack([totals[name][cause] for name in COUNTS]) for cause in range(2)]
        + [np.stack([by_drought[name] for name in COUNTS])]
    )  # (cause, count, day, unit)
    by_cause = np.asarray(by_unit @ to_cercles)
    counts = by_cause.sum(axis=0)
    destroyed = np.asarray(totals["destroyed"].sum(axis=0) @ to_cercles)
    food, drought_displaced = np.asarray(food_units @ to_cercles), np.asarray(moved_units @ to_cercles)
    commune_counts = by_unit[:, :, :, :communes].sum(axis=0)  # (count, day, commune)
    displaced = counts[COUNTS.index("displaced")]
    size = settings.household_size
    return xr.Dataset(
        {
            "people_by_cause": (("cause", "count", "day", "cercle"), by_cause, {"units": "person"}),
            "people": (("count", "day", "cercle"), counts, {"units": "person"}),
            "destroyed_houses": (("day", "cercle"), destroyed / size, {"units": "household"}),
            "displaced_households": (("day", "cercle"), displaced / size, {"units": "household"}),
            "displaced_in_sites": (
                ("day", "cercle"),
                displaced * (1.0 - settings.hosted_share),
                {"units": "person"},
            ),
            "food_insecure": (("day", "cercle"), food, {"units": "person"}),
            "displaced_by_drought": (("day", "cercle"), drought_displaced, {"units": "person"}),
            "commune_affected": (
                ("commune",),
                commune_counts[COUNTS.index("affected"), -1],
                {"units": "person", "long_name": "people affected by the season's end"},
            ),
            "commune_displaced_peak": (
                ("commune",),
                commune_counts[COUNTS.index("displaced")].max(axis=0, initial=0.0),
                {"units": "person", "long_name": "most people displaced on one day"},
            ),
            "commune_in_need_peak": (
                ("commune",),
                commune_counts[COUNTS.index("in_need")].max(axis=0, initial=0.0),
                {"units": "person", "long_name": "most people in need on one day"},
            ),
        },
        coords={
            "cause": list(CAUSES),
            "count": list(COUNTS),
            "day": dates,
            "cercle": [c.pcode for c in delta.cercles],
            "cercle_name": ("cercle", [c.name for c in delta.cercles]),
            "commune": [c.pcode for c in delta.communes],
            "commune_name": ("commune", [c.name for c in delta.communes]),
            "commune_cercle": ("commune", [c.cercle_pcode for c in delta.communes]),
        },
        attrs={
            "household_size": size,
            "displacement_damage": settings.displacement_damage,
            "hosted_share": settings.hosted_share,
            "house_freeboard_m": settings.house_freeboard,
            "house_floor_spread_m": settings.floor_spread,
        },
    )


def flood_totals(
    rain: np.ndarray,
    depth: np.ndarray,
    normal: np.ndarray,
    people: np.ndarray,
    cercle: np.ndarray,
    cercles: int,
    settings: ImpactSettings,
) -> dict[str, np.ndarray]:
    """People of each cercle in each count, and destroyed houses (as people), from the river's
    flood and from storms, per day [person].

    The shares of the module's rules times each cell's people, summed over the cells of
    each cercle: (cause, day, cercle) float64 arrays ``exposed``, ``affected``,
    ``displaced``, ``in_need``, ``destroyed``, cause 0 the flood and 1 the storms
    (what they add where the water had not already destroyed or damaged the houses; a
    storm on a cell under water counts its people exposed to the flood only).

    Parameters
    ----------
    rain : np.ndarray
        (day, cell) daily rainfall, cells in row-major order of the grid. [mm/day]
    depth : np.ndarray
        (day, cell) flood depth. [m]
    normal : np.ndarray
        (cell,) highest water of a median year's flood (:func:`hazards.baselines.normal_flood_depth`). [m]
    people : np.ndarray
        (cell,) float64 people of each cell. [person]
    cercle : np.ndarray
        (cell,) int64 index of each cell's cercle, -1 outside the cercles.
    cercles : int
        Number of cercles.

    Notes
    -----
    Computed cell by cell in compiled loops rather than on (day, cell) arrays: only the
    cells where water rises above its usual level or rain collapses houses are followed,
    and only from their first such day; share_above is evaluated on the wet days of those
    cells only. All in float64 but the stored house depths and shares (float32).
    ``tests/impact_reference.py`` applies the same rules on whole (day, cell) arrays; the
    counts agree within a relative 1e-5 (``tests/test_impact.py``).
    """
    collapse_start, collapse_full = BANCO_COLLAPSE_RAIN_MM
    exposed, last_wet, last_collapse, wet_count, collapse_count = scan_cells(
        rain, depth, normal, people, cercle, cercles, STORM_EXPOSURE_MM, collapse_start
    )
    active = np.flatnonzero(((last_wet >= 0) | (last_collapse >= 0)) & (people > 0) & (cercle >= 0))
    last = np.maximum(last_wet, last_collapse)[active]
    first, wet_day, wet_cell, house_depth, collapse_day, collapse_cell, collapse = events(
        rain,
        depth,
        normal,
        active,
        last,
        wet_count,
        collapse_count,
        settings.house_freeboard,
        collapse_start,
        collapse_full,
        BANCO_COLLAPSE_MAX,
    )
    destroyed_share = share_above(house_depth, depth_for_damage(settings.displacement_damage), settings.floor_spread)
    damaged_share = share_above(house_depth, depth_for_damage(AFFECTED_DAMAGE), settings.floor_spread)
    sums = cell_sums(
        rain.shape[0],
        cercles,
        active,
        first,
        last,
        last + settings.rebuild_days,
        people,
        cercle,
        wet_day,
        wet_cell,
        destroyed_share,
        damaged_share,
        collapse_day,
        collapse_cell,
        collapse,
        float(settings.banco_share),
    )
    sums = sums.transpose(2, 3, 0, 1)  # (cause, count, day, cercle)
    return {"exposed": exposed} | {
        name: np.ascontiguousarray(sums[:, k])
        for k, name in enumerate(("affected", "displaced", "in_need", "destroyed"))
    }


@lru_cache(maxsize=4)
def _cells(delta: Delta) -> tuple[np.ndarray, np.ndarray]:
    """People of each cell [person] and its unit of aggregation: its commune, else the rest of
    its cercle, -1 outside (:func:`sim.delta.communes.unit_index`)."""
    communes = np.full(delta.grid.shape, -1) if delta.commune_index is None else delta.commune_index
    units = unit_index(communes, delta.cercle_index, len(delta.communes))
    return delta.population.ravel().astype(np.float64), units


@lru_cache(maxsize=4)
def _unit_membership(delta: Delta) -> np.ndarray:
    """(unit, cercle) matrix of ones: the cercle of each unit of aggregation."""
    cercles = unit_cercles(delta.communes, [c.pcode for c in delta.cercles])
    matrix = np.zeros((cercles.size, len(delta.cercles)))
    matrix[np.arange(cercles.size), cercles] = 1.0
    return matrix


def _drought_totals(
    delta: Delta,
    dates: pd.DatetimeIndex,
    wrsi: np.ndarray | None,
    spi3: np.ndarray | None,
    wrsi_normal: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Food-insecure and drought-displaced people per day and unit of aggregation (communes,
    then the rest of each cercle) [person], the sums of
    :func:`drought_impact` times the population: both shares are the same field on every day
    from their start, so each cercle's sum is computed once."""
    shares = _drought_shares(wrsi, spi3, wrsi_normal)
    if shares is None:
        return None
    after, moved = _drought_days(dates)
    food_field, displaced_field = shares
    people, units = _cells(delta)
    count = _unit_membership(delta).shape[0]
    inside = units >= 0
    food = np.bincount(units[inside], weights=(food_field.ravel() * people)[inside], minlength=count)
    displaced = np.bincount(units[inside], weights=(displaced_field.ravel() * people)[inside], minlength=count)
    return np.where(after[:, None], food[None], 0.0), np.where(moved[:, None], displaced[None], 0.0)


def _cercle_mean(delta: Delta, field: np.ndarray) -> np.ndarray:
    """Each cell given the mean of ``field`` over its cercle (NaN outside the cercles)."""
    valid = np.isfinite(field)
    sums = _by_cercle(delta, np.where(valid, field, 0.0)[None])[0]
    counts = _by_cercle(delta, valid.astype(np.float64)[None])[0]
    means = np.append(sums / np.maximum(counts, 1), np.nan)
    return means[delta.cercle_index]


def _by_cercle(delta: Delta, field: np.ndarray) -> np.ndarray:
    """Sum a (day, y, x) field over each cercle: (day, cercle)."""
    return np.asarray(field.reshape(field.shape[0], -1) @ _membership(delta), dtype=np.float64)


@lru_cache(maxsize=4)
def _membership(delta: Delta):
    """Sparse (cell, cercle) matrix of ones: which cercle each cell belongs to."""
    from scipy import sparse

    index = delta.cercle_index.ravel()
    cells = np.flatnonzero(index >= 0)
    return sparse.csr_matrix((np.ones(len(cells)), (cells, index[cells])), shape=(index.size, len(delta.cercles)))


STANDARD_RETURN_PERIODS = (2.0, 5.0, 10.0, 25.0, 50.0, 100.0)
"""Return periods run to integrate expected annual impacts [yr]."""


def expected_annual(values_by_return_period: dict[float, float]) -> float:
    """Expected annual value of an impact known at a few return periods.

    The integral of the impact over the annual exceedance probability ``p = 1/T`` (trapezoid
    rule between the given return periods), not the sum of impact/T.

    Tail assumptions: rarer than the rarest return period given, the impact is held at its
    value there (so the result is a lower bound if impacts keep growing); more frequent than
    the most frequent one, the impact falls linearly to zero at ``p = 1`` (a flood that comes
    every year displaces no one: people live above it).

    Parameters
    ----------
    values_by_return_period : dict
        return period [yr] → impact (e.g. displaced persons).
    """
    if not values_by_return_period:
        raise ValueError("no return periods given")
    periods = np.array(sorted(values_by_return_period), float)
    if (periods <= 1).any():
        raise ValueError("return periods must exceed 1 year")
    values = np.array([values_by_return_period[t] for t in periods], float)
    p = 1.0 / periods  # decreasing
    # from p = 1 (value 0) down to the most frequent given event, then between events, then the tail
    xs = np.concatenate([[1.0], p, [0.0]])
    ys = np.concatenate([[0.0], values, [values[-1]]])
    return float(np.sum((xs[:-1] - xs[1:]) * (ys[:-1] + ys[1:]) / 2.0))
