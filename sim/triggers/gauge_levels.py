"""Each gauge's levels on the synthetic record: how often the record's seasons reach them,
against the law they were drawn from and the annual peaks on record (issue 17).

A season's peak at each gauge follows from its Mopti peak through the model's stage relations
(:data:`hazards.flood.GAUGE_RELATIONS`: peak = ratio × Mopti peak), as the seasons are played.
For every level of ``sim/data/gauges.csv`` (alert levels and recorded stages) this gives:

* the record's empirical return period: seasons / seasons whose peak reaches the level [year];
* the law's: ``1 / (1 - F(level / ratio))`` with ``F`` the Mopti peak's Gumbel law
  (:func:`hazards.return_periods.mopti_return_period_of_peak`) [year] — the record's draws
  converge to it, so the two differ by sampling only;
* the recorded one, where the gauge has a series of annual peaks long enough
  (:data:`MIN_RECORDED_YEARS`): years on record / years whose peak reached the level.

Notes
-----
Only Mopti has a series of annual peaks in the product (:data:`hazards.return_periods.MOPTI_ANNUAL_PEAKS_CM`,
nine years of 2014–2025), and the Gumbel law was fitted on it: that comparison is the fit's
consistency, a calibration, not a validation. The other gauges' rows of ``gauges.csv`` are single
observed or forecast stages (1967, 2014, 2016, 2022, 2024), not series: their recorded return
period is left empty and the row says why.
"""

from __future__ import annotations

import numpy as np

from hazards.flood import GAUGE_RELATIONS
from hazards.return_periods import MOPTI_ANNUAL_PEAKS_CM, mopti_return_period_of_peak
from sim.delta.domain import Gauge

MIN_RECORDED_YEARS = 5
"""Fewest annual peaks of a gauge for its recorded return period to be computed [year].
Notes: assumption; below five years an empirical frequency says little."""

RECORDED_ANNUAL_PEAKS_CM = {"Mopti": MOPTI_ANNUAL_PEAKS_CM}
"""Series of annual peaks by gauge [cm]. References: :mod:`hazards.return_periods` [1]."""


def gauge_peaks(mopti_peaks_cm: np.ndarray) -> dict[str, np.ndarray]:
    """Each gauge's peak of every season [cm] from the Mopti peaks [cm]."""
    peaks = np.asarray(mopti_peaks_cm, float)
    return {name: peaks * relation.ratio for name, relation in GAUGE_RELATIONS.items()}


def law_return_period(gauge: str, level_cm: float) -> float:
    """Return period of ``level_cm`` at ``gauge`` by the law the record is drawn from [year]."""
    return mopti_return_period_of_peak(level_cm / GAUGE_RELATIONS[gauge].ratio)


def _period(reached: int, years: int) -> float | None:
    return years / reached if reached else None


def _is_level(name: str) -> bool:
    """A stage on record worth checking: not the dry season's."""
    return not name.startswith("dry")


def level_rows(mopti_peaks_cm: np.ndarray, gauges: tuple[Gauge, ...]) -> list[dict]:
    """One row per level of every gauge the model relates to Mopti (see the module)."""
    peaks = gauge_peaks(mopti_peaks_cm)
    seasons = len(mopti_peaks_cm)
    rows = []
    for gauge in gauges:
        if gauge.name not in GAUGE_RELATIONS:
            continue
        recorded = RECORDED_ANNUAL_PEAKS_CM.get(gauge.name, {})
        levels = [(n, cm, "alert") for n, cm in gauge.alerts_cm.items()]
        levels += [(n, cm, "recorded") for n, cm in gauge.records_cm.items() if _is_level(n)]
        for name, cm, kind in sorted(levels, key=lambda row: (row[1], row[0])):
            reached = int(np.sum(peaks[gauge.name] >= cm))
            row = {
                "gauge": gauge.name,
                "level": name,
                "kind": kind,
                "level_cm": float(cm),
                "record_return_period_years": _period(reached, seasons),
                "law_return_period_years": law_return_period(gauge.name, cm),
                "recorded_years": len(recorded),
            }
            if len(recorded) >= MIN_RECORDED_YEARS:
                hits = sum(1 for v in recorded.values() if v >= cm)
                row["recorded_return_period_years"] = _period(hits, len(recorded))
                row["check"] = "calibration: the law was fitted on these annual peaks"
            else:
                row["recorded_return_period_years"] = None
                row["check"] = f"not checked: fewer than {MIN_RECORDED_YEARS} annual peaks on record"
            rows.append(row)
    return rows


def peak_percentiles(mopti_peaks_cm: np.ndarray) -> dict[str, dict[str, float]]:
    """p10, median and p90 of each gauge's peak over the record [cm]."""
    return {
        name: dict(zip(("p10", "median", "p90"), np.percentile(values, [10, 50, 90]).tolist()))
        for name, values in gauge_peaks(mopti_peaks_cm).items()
    }
