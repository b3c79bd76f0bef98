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

HOUSE_FLOOR_SPREAD_M = 0.6
"""Standard deviation of house floor heights within a cell [m]. Notes: assumption. It was
0.3 m until the validation report (docs/validation.md) showed the response far too steep
above the 2022 flood: people affected in the Mopti region by 20 Oct 2024 (Mopti 716 cm) came
out at 3.4 times UNICEF's 84,437. Within a ~1 km cell houses stand from the plain to the top
of the mounds (toggere), so a wider spread is plausible; with 0.6 m the 2024 figure is within
25 %. The 2024 check therefore informed this value and is not fully independent."""

HOUSE_FREEBOARD_M = 1.7
"""Height of house floors above a median year's highest water [m]. Notes: calibrated, not
measured, on one season: with it (and :data:`HOUSE_FLOOR_SPREAD_M`) the 2022-like season's
control member (Mopti 671 cm, seed 1, member 0, 0.01° grid; official OCHA cercles, people in
OCHA's listed places) affects 29,725 people by flood and storm against the 30,638 reported
for the delta (IOM Mali Crisis Response Plan 2023–2024); 1.6 m gives 41,294 and 1.8 m 21,525
(fitted to 0.1 m: 1.69 m would give 30,715). It was 1.6 m with the former Voronoi cercles and
rule-spread villages. Villages stand on mounds (toggere) raised above the floods people remember."""

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
    rebuild_days: int = REBUILD_DAYS
    hosted_share: float = HOSTED_SHARE
    banco_share: float = BANCO_SHARE


COUNTS = ("exposed", "affected", "displaced", "in_need")
"""The four counts, in this order along the ``count`` dimension."""


DROUGHT_SPI = -1.0
"""SPI-3 (July–September) at or below which a season is a drought (McKee et al. 1993: moderate)."""


def drought_impact(
    dates: pd.DatetimeIndex, wrsi: np.ndarray | None, spi3: np.ndarray | None
) -> dict[str, np.ndarray] | None:
    """Daily shares of each cell's people food-insecure and displaced by drought [-].

    People in cells with a failed harvest — millet WRSI below 50 in a cercle in drought (its
    mean SPI-3 at or below :data:`DROUGHT_SPI`, so that neither places where millet never
    grows nor a local dry pocket in a good year count as a drought; drought is declared by
    administrative area, as Africa RiskView does) — become food-insecure from the harvest (:data:`HARVEST_MONTH_DAY`) on, in the
    share :data:`FOOD_INSECURE_SHARE`; a share of them leaves home
    :data:`DROUGHT_DISPLACEMENT_LAG_DAYS` later.

    Returns None without the drought indices.
    """
    shares = _drought_shares(wrsi, spi3)
    if shares is None:
        return None
    after, moved = _drought_days(dates)
    food, displaced = shares
    zero = np.float32(0.0)
    return {
        "food_insecure": np.where(after[:, None, None], food[None], zero),
        "displaced": np.where(moved[:, None, None], displaced[None], zero),
    }


def _drought_shares(wrsi: np.ndarray | None, spi3: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Shares of each cell's people food-insecure, and displaced, once drought has struck (float32) [-]."""
    if wrsi is None or spi3 is None:
        return None
    failed = np.where(np.isfinite(wrsi) & (wrsi < CROP_FAILURE_WRSI) & (spi3 <= DROUGHT_SPI), FOOD_INSECURE_SHARE, 0.0)
    return failed.astype(np.float32), (1.0 * DROUGHT_DISPLACED_SHARE * failed).astype(np.float32)


def _drought_days(dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Days from the failed harvest on, and days from drought displacement on."""
    harvest = pd.Timestamp(dates[0].year, *HARVEST_MONTH_DAY)
    return np.asarray(dates >= harvest), np.asarray(dates >= harvest + pd.Timedelta(days=DROUGHT_DISPLACEMENT_LAG_DAYS))


def people_impact(delta: Delta, hazards: xr.Dataset, settings: ImpactSettings) -> xr.Dataset:
    """The four counts, destroyed houses and food insecurity, per cercle and day [person].

    Parameters
    ----------
    hazards : xr.Dataset
        From :func:`hazards.season.hazard_season`: ``rainfall``, ``flood_depth``,
        ``normal_flood_depth`` and, for a season covering July–September, ``spi3`` and ``wrsi``.

    Returns
    -------
    xr.Dataset
        ``people`` (count, day, cercle) [person]; ``destroyed_houses`` and
        ``displaced_households`` (day, cercle) [household]; ``food_insecure`` and
        ``displaced_by_drought`` (the part of the displaced who left after a failed harvest) (day, cercle)
        [person]; ``displaced_in_sites`` (day, cercle) [person]; coordinates ``cercle``
        (pcodes), ``cercle_name``, ``day`` (dates).
    """
    days = hazards.sizes["time"]
    rain = hazards["rainfall"].transpose("time", "y", "x").values.reshape(days, -1)
    depth = hazards["flood_depth"].transpose("time", "y", "x").values.reshape(days, -1)
    normal = hazards["normal_flood_depth"].transpose("y", "x").values.ravel()
    totals = flood_totals(rain, depth, normal, *_cells(delta), len(delta.cercles), settings)
    dates = pd.DatetimeIndex(hazards["time"].values)
    cercle_spi = _cercle_mean(delta, hazards["spi3"].values) if "spi3" in hazards else None
    drought = _drought_totals(delta, dates, hazards["wrsi"].values if "wrsi" in hazards else None, cercle_spi)
    food = np.zeros_like(totals["exposed"])
    drought_displaced = np.zeros_like(totals["exposed"])
    if drought is not None:
        food, drought_displaced = drought
        totals["affected"] = totals["affected"] + food  # drought and flood victims taken as different people
        totals["displaced"] = totals["displaced"] + drought_displaced
        totals["in_need"] = totals["in_need"] + food
    size = settings.household_size
    counts = np.stack([totals[name] for name in COUNTS])
    pcodes = [c.pcode for c in delta.cercles]
    coords = {
        "count": list(COUNTS),
        "day": dates,
        "cercle": pcodes,
        "cercle_name": ("cercle", [c.name for c in delta.cercles]),
    }
    return xr.Dataset(
        {
            "people": (("count", "day", "cercle"), counts, {"units": "person"}),
            "destroyed_houses": (("day", "cercle"), totals["destroyed"] / size, {"units": "household"}),
            "displaced_households": (("day", "cercle"), totals["displaced"] / size, {"units": "household"}),
            "displaced_in_sites": (
                ("day", "cercle"),
                totals["displaced"] * (1.0 - settings.hosted_share),
                {"units": "person"},
            ),
            "food_insecure": (("day", "cercle"), food, {"units": "person"}),
            "displaced_by_drought": (("day", "cercle"), drought_displaced, {"units": "person"}),
        },
        coords={k: v for k, v in coords.items() if k != "count"} | {"count": list(COUNTS)},
        attrs={
            "household_size": size,
            "displacement_damage": settings.displacement_damage,
            "hosted_share": settings.hosted_share,
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
    """People of each cercle in each count, and destroyed houses (as people), from floods and
    storms, per day [person].

    The shares of the module's rules times each cell's people, summed over the cells of
    each cercle: (day, cercle) float64 arrays ``exposed``, ``affected``, ``displaced``,
    ``in_need``, ``destroyed``.

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
        HOUSE_FREEBOARD_M,
        collapse_start,
        collapse_full,
        BANCO_COLLAPSE_MAX,
    )
    destroyed_share = share_above(house_depth, depth_for_damage(settings.displacement_damage))
    damaged_share = share_above(house_depth, depth_for_damage(AFFECTED_DAMAGE))
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
    return {"exposed": exposed} | {
        name: sums[k] for k, name in enumerate(("affected", "displaced", "in_need", "destroyed"))
    }


@lru_cache(maxsize=4)
def _cells(delta: Delta) -> tuple[np.ndarray, np.ndarray]:
    """People of each cell [person] and its cercle (-1 outside)."""
    return delta.population.ravel().astype(np.float64), delta.cercle_index.ravel().astype(np.int64)


def _drought_totals(
    delta: Delta, dates: pd.DatetimeIndex, wrsi: np.ndarray | None, spi3: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Food-insecure and drought-displaced people per day and cercle [person], the sums of
    :func:`drought_impact` times the population: both shares are the same field on every day
    from their start, so each cercle's sum is computed once."""
    shares = _drought_shares(wrsi, spi3)
    if shares is None:
        return None
    after, moved = _drought_days(dates)
    food_field, displaced_field = shares
    food = _by_cercle(delta, (food_field * delta.population)[None])[0]
    displaced = _by_cercle(delta, (displaced_field * delta.population)[None])[0]
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
