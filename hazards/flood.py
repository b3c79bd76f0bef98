"""Floods on the domain grid: the fluvial flood pulse of the Niger and the Bani, and pluvial ponding.

Fluvial
-------
1. A stage hydrograph at each gauge, from the peak at Mopti (a stage in cm, e.g. 671 cm on
   9 October as in 2022): a smooth pulse whose rise and fall never exceed
   :data:`MAX_STAGE_RATE_CM_PER_DAY`, the other gauges lagged and scaled from Mopti by the
   published peak relations (:data:`GAUGE_RELATIONS`).
2. The delta's flooded area from the stage at Akka, :func:`flooded_area` (OPIDIN's relation,
   calibrated to its published points).
3. Inundation depth: each floodplain cell follows the gauge of its reach; the area flooded at
   that gauge's Akka-equivalent stage is turned into a water level above drainage through the
   distribution of HAND over the floodplain, and depth = level − HAND where positive.

Pluvial
-------
Rain of the day and the days before (a recession with time scale
:data:`PONDING_RECESSION_DAYS`) beyond the soil's infiltration gives ponding depth; daily
rain gives the share of earth (banco) houses that collapse, :func:`banco_collapse_fraction`.

References
----------
.. [1] ONISDIN, flood dynamics: water covers 3,840 km² in the dry period and up to 31,130 km²
   in the wet period; topographic maximum 36,470 km². https://onisdin.info/en/hydrology/flood-dynamics
.. [2] OPIDIN bulletin 11/2014: Mopti peak 587 cm; Akka 442 cm (9–13 Nov) → flooded area
   ~12,600 km²; Diré 469 cm. https://opidin.org/admin/Plone/en/news/bulletins-2014/bulletin-11-2014
.. [3] OPIDIN technical background: Mopti ~100 cm in the dry season; rise and decline 3–5 cm/day.
   https://opidin.org/en/background/technical-background-opidin
.. [4] ONISDIN 2016: Mopti peak 657 cm ~19 Oct; Akka peak 22–26 Nov; Diré 3–11 Dec, 517 cm.
   https://onisdin.info/en/news/opidin-predicts-high-floods
.. [5] Mopti 671 cm on 9 Oct 2022 (OPIDIN bulletin 12 Oct 2022); Bani at Sofara 6.72 m about
   23 Sep 2022 (https://worldsaid.com/node/1534).
.. [6] DelMaSIG flood models: 1984 Mopti 440 cm (19 Oct), Akka 336 cm (30 Oct),
   https://www.delmasig.com/page20_crue%204.40 ; 2006 Mopti 597 cm (31 Oct), Akka 462 cm (18 Nov),
   https://www.delmasig.com/page18_crrue%205.97
.. [7] OPIDIN bulletins: 2014 Mopti 596 cm on 23 Oct, Akka 9–13 Nov, Diré 15–23 Nov; 2019 Mopti
   640 cm on 26 Oct, Akka 18–22 Nov, Diré 27 Nov–5 Dec
   (https://opidin.org/fr/actualites/bulletins-2019/bulletin-12-1er-novembre-2019); 2024 Mopti
   716 cm on 8 Nov, Akka 11–15 Dec (https://opidin.org/en/bulletin-19-18-november-2024).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import xarray as xr
from scipy.spatial import cKDTree

from sim.delta.domain import Delta
from sim.delta.terrain import TOPOGRAPHIC_MAX_FLOOD_KM2, sample_rivers

DRY_PERIOD_FLOOD_KM2 = 3_840.0
"""Area under water in the dry period [km²]. References: ONISDIN [1]_."""

AKKA_STAGE_AREA = (
    (0.0, DRY_PERIOD_FLOOD_KM2),
    (350.0, 7_000.0),
    (412.0, 10_900.0),
    (442.0, 12_500.0),
    (600.0, 35_000.0),
)
"""Akka stage [cm] → flooded area of the delta [km²], the anchors of :func:`flooded_area`.

References
----------
- 0 cm: the dry-period water cover, 3,840 km² (ONISDIN [1]_).
- 350 cm: low-flow years peak at about 3.5 m at Akka (OPIDIN technical background [3]_);
  the annual maximum flooded area is about 7,000 km² in a dry year (Mali biodiversity
  clearing-house, http://ml.chm-cbd.net/biodiversity/zone-humide/lacs-et-fleuves/delta-interieur-du-niger/).
- 412 cm → 10,900 km² and 441–443 cm → 12,400–12,600 km²: OPIDIN's own relation as quoted in
  its 2014 bulletins [2]_ (https://www.opidin.org/@@multilingual-selector/fba9cd14088c4f5fb566bfba85c8d3cc/en?set_language=en);
  442 cm is given the mean, 12,500 km².
- 600 cm: high flows reach about 6 m at Akka [3]_; about 35,000 km² flood in a wet year
  (same clearing-house page).
Between anchors the relation is linear (an assumption); above 600 cm it approaches the
topographic maximum, 36,470 km² [1]_.
"""

MOPTI_DRY_SEASON_CM = 100.0
"""Stage at Mopti in the dry season [cm]. References: OPIDIN [3]_."""

MAX_STAGE_RATE_CM_PER_DAY = 5.0
"""Fastest rise or decline of the flood at Mopti [cm/day]. References: 3–5 cm/day, OPIDIN [3]_."""

FALL_TO_RISE = 0.85
"""Duration of the decline relative to the rise [-]. Notes: assumption (the recession at
Mopti is a little quicker than the rise); rates stay within :data:`MAX_STAGE_RATE_CM_PER_DAY`."""


@dataclass(frozen=True)
class GaugeRelation:
    """How a gauge follows Mopti: peak = ratio × Mopti peak, some days later.

    The lag is ``lag_days`` for a Mopti peak of 600 cm and grows by ``lag_per_cm`` per cm
    of Mopti peak: big floods spread over the lakes and travel slower.
    """

    ratio: float
    lag_days: float
    source: str
    lag_per_cm: float = 0.0

    def lag(self, mopti_peak_cm: float) -> float:
        """Days from the Mopti peak to this gauge's peak [day]."""
        return self.lag_days + self.lag_per_cm * (mopti_peak_cm - 600.0)


GAUGE_RELATIONS = {
    "Mopti": GaugeRelation(1.0, 0.0, "reference gauge"),
    "Sofara": GaugeRelation(672.0 / 671.0, -16.0, "2022: Sofara 672 cm ~23 Sep, Mopti 671 cm 9 Oct [5]_"),
    "Akka": GaugeRelation(
        0.76,
        24.0,
        "peak ratio: mean of 1984 (336/440) and 2006 (462/597) observed [6]_ and 2014 (442/596) [2]_; "
        "lag: least-squares line through (Mopti peak, days to Akka) = (440, 11), (597, 18), (596, 18), "
        "(640, 25), (657, 40), (716, 35) for 1984, 2006, 2014, 2019, 2016, 2024 [4]_ [6]_ [7]_",
        lag_per_cm=0.099,
    ),
    "Diré": GaugeRelation(
        0.787,
        34.0,
        "peak ratio: 2014 469/596 [2]_ and 2016 517/657 [4]_; lag: Akka's plus 10 days, the median of "
        "9, 10 and 14 days between the Akka and Diré windows in 2014, 2019 and 2016 [4]_ [7]_",
        lag_per_cm=0.099,
    ),
}
"""Peak ratio and lag of each gauge relative to Mopti. References: [2]_, [4]_ to [7]_."""

REACH_GAUGE = {"Niger": None, "Bani": "Sofara", "Diaka": "Mopti", "Bara-Issa": "Akka"}
"""Gauge whose hydrograph each river's floodplain follows (None: by position along the Niger)."""

PONDING_RECESSION_DAYS = 2.0
"""Time scale over which ponded rain soaks in or evaporates [day]. Notes: assumption for the
sandy-clay soils of the delta towns."""

INFILTRATION_MM_PER_DAY = 30.0
"""Rain a day that the ground absorbs before water ponds [mm/day]. Notes: assumption."""

BANCO_COLLAPSE_RAIN_MM = (50.0, 200.0)
"""Daily rain at which earth (banco) houses start to collapse, and at which the share
collapsing reaches :data:`BANCO_COLLAPSE_MAX` [mm/day]. Notes: assumption; storms of ~150 mm
in 2–3 h are reported in the delta (Mali flood management,
https://docslib.org/doc/6499362/mali-flood-management-niger-river-inland-delta)."""

BANCO_COLLAPSE_MAX = 0.05
"""Share of earth houses that collapse under the heaviest daily rain [-]. Notes: assumption,
of the order of the houses lost to storms in Sahelian towns (hundreds per town, e.g. about
550 houses damaged or destroyed around Djenné in 2022)."""


def flooded_area(stage_cm, gauge: str = "Akka"):
    """Area of the inland delta under water for a stage at a gauge [km²].

    Linear between the published anchors of :data:`AKKA_STAGE_AREA` (dry period 3,840 km²;
    OPIDIN's Akka 412 cm ≈ 10,900 km² and 442 cm ≈ 12,500 km²; dry- and wet-year maxima),
    then approaching the topographic maximum of 36,470 km², never above it. Stages at
    other gauges are converted to the Akka stage of the same flood with
    :data:`GAUGE_RELATIONS`. Increasing with stage.

    Parameters
    ----------
    stage_cm : float or array_like
        Stage at ``gauge``. [cm]
    gauge : str
        One of :data:`GAUGE_RELATIONS`.
    """
    if gauge not in GAUGE_RELATIONS:
        raise ValueError(f"unknown gauge {gauge!r}; known: {', '.join(GAUGE_RELATIONS)}")
    akka = np.maximum(np.asarray(stage_cm, float) * GAUGE_RELATIONS["Akka"].ratio / GAUGE_RELATIONS[gauge].ratio, 0.0)
    stages, areas = np.array(AKKA_STAGE_AREA).T
    slope = (areas[-1] - areas[-2]) / (stages[-1] - stages[-2])
    room = TOPOGRAPHIC_MAX_FLOOD_KM2 - areas[-1]
    above = TOPOGRAPHIC_MAX_FLOOD_KM2 - room * np.exp(-slope * np.maximum(akka - stages[-1], 0.0) / room)
    area = np.where(akka <= stages[-1], np.interp(akka, stages, areas), above)
    return float(area) if np.ndim(area) == 0 else area


def stage_hydrograph(dates: pd.DatetimeIndex, peak_cm: float, peak_date: dt.date, gauge: str = "Mopti") -> np.ndarray:
    """Daily stage at a gauge for a flood peaking at Mopti at ``peak_cm`` on ``peak_date`` [cm].

    A Gaussian pulse over the dry-season level whose steepest slope equals
    :data:`MAX_STAGE_RATE_CM_PER_DAY`, slightly quicker in its decline; the gauge's peak and
    timing follow :data:`GAUGE_RELATIONS`.
    """
    relation = GAUGE_RELATIONS[gauge]
    base = MOPTI_DRY_SEASON_CM * relation.ratio
    amplitude = max(peak_cm * relation.ratio - base, 0.0)
    sigma_rise = max(amplitude * np.exp(-0.5) / MAX_STAGE_RATE_CM_PER_DAY, 1.0)
    sigma_fall = max(sigma_rise * FALL_TO_RISE, amplitude * np.exp(-0.5) / MAX_STAGE_RATE_CM_PER_DAY)
    centre = pd.Timestamp(peak_date) + pd.Timedelta(days=round(relation.lag(peak_cm)))
    days = ((dates - centre) / pd.Timedelta(days=1)).to_numpy(float)
    sigma = np.where(days < 0, sigma_rise, sigma_fall)
    return base + amplitude * np.exp(-0.5 * (days / sigma) ** 2)


@lru_cache(maxsize=8)
def _reach_gauges(delta: Delta) -> np.ndarray:
    """Index into ``list(GAUGE_RELATIONS)`` of the gauge each cell's reach follows (cached:
    not to be written to)."""
    names = list(GAUGE_RELATIONS)
    gauges = {g.name: g for g in delta.gauges}
    grid = delta.grid
    labels = []
    points = []
    for river in delta.rivers:
        sampled, _ = sample_rivers(grid, [river])
        points.append(sampled)
        fixed = REACH_GAUGE.get(river.name)
        if fixed is not None:
            labels.append(np.full(len(sampled), names.index(fixed)))
            continue
        # along the Niger: the nearest of Mopti, Akka, Diré
        along = np.array([grid.project_km(gauges[n].lon, gauges[n].lat) for n in ("Mopti", "Akka", "Diré")])
        nearest = cKDTree(along).query(sampled)[1]
        labels.append(np.array([names.index(("Mopti", "Akka", "Diré")[k]) for k in nearest]))
    tree = cKDTree(np.vstack(points))
    nearest = tree.query(grid.cell_centres_km)[1]
    return np.concatenate(labels)[nearest].reshape(grid.shape)


def fluvial_depth(delta: Delta, dates: pd.DatetimeIndex, peak_cm: float, peak_date: dt.date) -> xr.DataArray:
    """Daily inundation depth on the domain grid for a flood peaking at Mopti [m].

    Returns
    -------
    xr.DataArray
        dims (time, y, x), ``attrs["units"] = "m"``; 0 outside the floodplain.
    """
    grid = delta.grid
    stages = {name: stage_hydrograph(dates, peak_cm, peak_date, gauge=name) for name in GAUGE_RELATIONS}
    depth = depth_at_cells(delta, np.arange(grid.shape[0] * grid.shape[1]), stages)
    depth = depth.reshape(len(dates), *grid.shape)
    return xr.DataArray(
        depth,
        dims=("time", "y", "x"),
        coords={"time": dates, "y": grid.y, "x": grid.x},
        attrs={"units": "m", "long_name": "fluvial inundation depth"},
        name="flood_depth",
    )


def depth_at_cells(delta: Delta, cells: np.ndarray, stages: dict[str, np.ndarray]) -> np.ndarray:
    """Inundation depth at some cells of the grid for given stages at each gauge [m].

    Each floodplain cell follows the gauge of its reach (see the module): the area flooded at
    that gauge's stage becomes a water level above drainage, and depth = level − HAND where
    positive; 0 off the floodplain.

    Parameters
    ----------
    cells : np.ndarray of int
        Flat (row-major) indices of the cells.
    stages : dict
        Gauge name → stages, all of one shape (n,) (days of a season, or stages to compare) [cm].

    Returns
    -------
    np.ndarray
        (n, len(cells)) float32 [m].
    """
    unique, back = np.unique(np.asarray(cells, np.int64), return_inverse=True)  # a cell may be asked for twice
    n = len(next(iter(stages.values())))
    out = np.zeros((n, unique.size), np.float32)
    position = np.full(delta.grid.shape[0] * delta.grid.shape[1], -1, np.int64)
    position[unique] = np.arange(unique.size)
    for name, (reach_cells, hand) in _reach_cells(delta).items():
        where = position[reach_cells]
        keep = where >= 0
        if keep.any():
            level = level_for_area(delta, flooded_area(np.asarray(stages[name], float), gauge=name))
            out[:, where[keep]] = np.maximum(level[:, None] - hand[keep][None, :], 0.0)
    return out if unique.size == np.size(cells) and np.array_equal(unique, cells) else out[:, back.ravel()]


def reach_gauge(delta: Delta, cells: np.ndarray) -> list[str | None]:
    """The gauge whose hydrograph each of these cells follows (flat indices); None off the floodplain."""
    names = list(GAUGE_RELATIONS)
    reach = _reach_gauges(delta).ravel()
    plain = delta.terrain.floodplain.ravel()
    return [names[int(reach[c])] if plain[c] else None for c in np.asarray(cells, np.int64)]


@lru_cache(maxsize=8)
def _reach_cells(delta: Delta) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Flat indices (row-major) and HAND [m] of the floodplain cells following each gauge."""
    plain = delta.terrain.floodplain
    reach = _reach_gauges(delta)
    out = {}
    for k, name in enumerate(GAUGE_RELATIONS):
        cells = plain & (reach == k)
        if cells.any():
            out[name] = (np.flatnonzero(cells), delta.terrain.hand_m[cells])
    return out


def level_for_area(delta: Delta, area_km2):
    """Water level above drainage that floods ``area_km2`` of the floodplain [m].

    The floodplain's cells sorted by HAND give the area below each level; the level is
    read off that curve (capped at the floodplain's area).
    """
    hand, area = _hand_curve(delta)
    return np.interp(np.minimum(area_km2, area[-1]), area, hand)


@lru_cache(maxsize=8)
def _hand_curve(delta: Delta) -> tuple[np.ndarray, np.ndarray]:
    """HAND of the floodplain cells in increasing order [m], and the area below each [km²]."""
    plain = delta.terrain.floodplain
    cell_area = np.broadcast_to(delta.grid.cell_area_km2[:, None], delta.grid.shape)[plain]
    order = np.argsort(delta.terrain.hand_m[plain], kind="stable")
    return delta.terrain.hand_m[plain][order], np.cumsum(cell_area[order])


def ponding_depth(rain_mm_per_day: xr.DataArray) -> xr.DataArray:
    """Depth of rain water ponding on the ground [m].

    Each day's rain beyond :data:`INFILTRATION_MM_PER_DAY` is added to a store that drains
    with time scale :data:`PONDING_RECESSION_DAYS`, so rain on the days before counts too.

    Parameters
    ----------
    rain_mm_per_day : xr.DataArray
        Daily rainfall with a leading ``time`` dimension. [mm/day]
    """
    excess = np.maximum(rain_mm_per_day.values - INFILTRATION_MM_PER_DAY, 0.0)
    keep = np.exp(-1.0 / PONDING_RECESSION_DAYS)
    store = np.zeros_like(excess, dtype=float)
    level = np.zeros(excess.shape[1:])
    for t in range(excess.shape[0]):
        level = level * keep + excess[t]
        store[t] = level
    out = rain_mm_per_day.copy(data=store / 1000.0)
    out.attrs = {"units": "m", "long_name": "pluvial ponding depth"}
    return out.rename("ponding_depth")


def banco_collapse_fraction(rain_mm_per_day):
    """Share of earth (banco) houses that collapse under a day's rain [-].

    Zero up to the first threshold of :data:`BANCO_COLLAPSE_RAIN_MM`, rising as the square of
    the excess to :data:`BANCO_COLLAPSE_MAX` at the second, and no higher.
    """
    start, full = BANCO_COLLAPSE_RAIN_MM
    rain = np.asarray(rain_mm_per_day, float)
    x = np.clip((rain - start) / (full - start), 0.0, 1.0)
    return BANCO_COLLAPSE_MAX * x**2
