"""A long synthetic record of seasons drawn from the model's own climate (issue 17).

Each season draws, independently:

* the Mopti flood peak from its Gumbel law (:func:`hazards.return_periods.mopti_peak_for_return_period`,
  fitted by moments on OPIDIN's annual peaks 2014-2025): a uniform ``u`` gives the return
  period ``1 / (1 - u)``; the other gauges (Sofara, Akka, Diré) follow from the Mopti peak
  through the model's stage relations (:data:`hazards.flood.GAUGE_RELATIONS`);
* the season's rainfall total as a standard normal anomaly ``z`` (the generator's law,
  :func:`hazards.rainfall.season_factor`), written as a wet season of return period
  ``1 / (1 - Φ(z))`` when ``z >= 0`` and a dry one of ``1 / Φ(z)`` below;
* the year's largest three-day storm from its Gumbel law
  (:func:`hazards.return_periods.storm_total_for_return_period`), centred on one of the given
  towns, on a day of July to September (uniform).

Notes
-----
Every peak falls on the typical date (:data:`hazards.return_periods.TYPICAL_PEAK_DATE`,
the median of the recorded ones): the record varies the height of the flood, not its timing.
The three draws are independent: a wet season and a high flood are not made more likely
together, an assumption (the Niger's flood at Mopti comes mostly from the Guinean upper basin,
the delta's rain from its own season).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats

from hazards.return_periods import mopti_peak_for_return_period, storm_total_for_return_period
from sim.core.loader import dump_yaml
from sim.scenario import Scenario, parse_text

STORM_MONTHS = (7, 9)
"""First and last month a season's largest storm may fall in. Notes: assumption, the core of
the rainy season in the delta (July to September)."""

EDGE = 1e-9
"""Uniform draws are kept within (EDGE, 1 - EDGE), so that every return period exceeds 1 year
and stays finite [-]."""


@dataclass(frozen=True)
class SeasonDraw:
    """One season of the record.

    Attributes
    ----------
    peak_cm : float
        Mopti flood peak [cm].
    peak_return_period : float
        Its return period [year].
    rain_anomaly : float
        Standard anomaly of the season's rainfall total [-].
    storm_total_mm : float
        Three-day rain of the year's largest storm at its centre [mm].
    storm_place : str
        Town the storm is centred on.
    storm_date : datetime.date
        First day of the storm.
    """

    peak_cm: float
    peak_return_period: float
    rain_anomaly: float
    storm_total_mm: float
    storm_place: str
    storm_date: dt.date


def draw_seasons(count: int, seed: int, year: int, towns: list[str]) -> list[SeasonDraw]:
    """``count`` seasons of ``year``'s calendar, the same for the same ``seed`` (see the module)."""
    if count < 1:
        raise ValueError(f"need at least one season, got {count}")
    if not towns:
        raise ValueError("need at least one town for the storms")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 17]))
    peak_u = np.clip(rng.random(count), EDGE, 1.0 - EDGE)
    anomaly = rng.standard_normal(count)
    storm_u = np.clip(rng.random(count), EDGE, 1.0 - EDGE)
    place = rng.integers(0, len(towns), count)
    first, last = dt.date(year, STORM_MONTHS[0], 1), dt.date(year, STORM_MONTHS[1] + 1, 1) - dt.timedelta(days=1)
    offset = rng.integers(0, (last - first).days + 1, count)
    out = []
    for k in range(count):
        period = 1.0 / (1.0 - peak_u[k])
        out.append(
            SeasonDraw(
                peak_cm=round(mopti_peak_for_return_period(period), 1),
                peak_return_period=float(period),
                rain_anomaly=float(anomaly[k]),
                storm_total_mm=round(storm_total_for_return_period(1.0 / (1.0 - storm_u[k])), 1),
                storm_place=towns[int(place[k])],
                storm_date=first + dt.timedelta(days=int(offset[k])),
            )
        )
    return out


def rainfall_section(anomaly: float) -> dict:
    """The scenario's ``rainfall`` section of a season with this anomaly: a wet season of return
    period ``1 / (1 - Φ(z))`` for ``z >= 0``, a dry one of ``1 / Φ(z)`` below (both give back ``z``
    in :func:`hazards.rainfall.season_factor`)."""
    quantile = float(np.clip(stats.norm.cdf(anomaly), EDGE, 1.0 - EDGE))
    if anomaly >= 0:
        return {"source": "generator", "season": "wet", "return_period": f"{1.0 / (1.0 - quantile)!r} year"}
    return {"source": "generator", "season": "dry", "return_period": f"{1.0 / quantile!r} year"}


def season_scenario(base: Scenario, draw: SeasonDraw, index: int) -> Scenario:
    """``base`` with this season's flood peak, rainfall and storm, named ``<base>-season-<index>``,
    validated like a file."""
    data = base.model_dump(mode="json", exclude_none=True)
    data["name"] = f"{base.name}-season-{index}"
    data["rainfall"] = rainfall_section(draw.rain_anomaly) | {
        "storm": {
            "place": draw.storm_place,
            "date": draw.storm_date.isoformat(),
            "total": f"{draw.storm_total_mm!r} mm",
        }
    }
    flood = dict(data.get("flood") or {"gauge": "Mopti"})
    flood.pop("return_period", None)
    flood.pop("peak_date", None)
    flood.pop("layer", None)
    flood.update(gauge="Mopti", peak=f"{draw.peak_cm!r} cm")
    data["flood"] = flood
    return parse_text(dump_yaml(data), f"{data['name']}.yaml", expect="scenario")
