"""Return periods of the hazards a scenario may name: the Mopti flood peak and the 3-day storm.

Both are Gumbel laws of an annual maximum: the flood peak fitted by moments on the Mopti
record (:data:`MOPTI_ANNUAL_PEAKS_CM`), the storm an assumed law
(:data:`STORM_3DAY_GUMBEL_MM`).

References
----------
.. [1] OPIDIN flood bulletins, Mopti annual peaks: 2014 596 cm (23 Oct), 2015 604 cm (12 Oct),
   2016 657 cm (14 Oct), 2017 552 cm (23 Sep), 2018 670 cm (23 Oct), 2019 640 cm (26 Oct),
   2022 671 cm (9 Oct), 2024 716 cm (8 Nov), 2025 642 cm (6 Oct);
   e.g. https://opidin.org/fr/actualites/bulletins-2019/bulletin-12-1er-novembre-2019,
   https://opidin.org/en/bulletin-19-18-november-2024, https://opidin.org/fr/bulletin-6-13-octobre-2025,
   https://opidin.org/en/high-flood-in-the-inner-niger-delta-bulletin-12-october-2022
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "MOPTI_ANNUAL_PEAKS_CM",
    "STORM_3DAY_GUMBEL_MM",
    "TYPICAL_PEAK_DATE",
    "mopti_peak_for_return_period",
    "mopti_return_period_of_peak",
    "storm_total_for_return_period",
]

MOPTI_ANNUAL_PEAKS_CM = {
    2014: 596,
    2015: 604,
    2016: 657,
    2017: 552,
    2018: 670,
    2019: 640,
    2022: 671,
    2024: 716,
    2025: 642,
}
"""Annual flood peaks at Mopti [cm], the record the return periods are fitted on. References: [1]_."""

TYPICAL_PEAK_DATE = (10, 14)
"""(month, day) of the Mopti peak when a scenario gives none. References: the median of the
peak dates of [1]_ (23 Sep … 8 Nov)."""

STORM_3DAY_GUMBEL_MM = (70.0, 20.0)
"""Location and scale of the Gumbel law of the annual 3-day rainfall maximum at a delta
town [mm]. Notes: assumption, chosen so that the 10-year storm is ~115 mm and the 50-year
~150 mm, the storms reported in the delta (:mod:`hazards.rainfall` [1]); to replace by a
fit on station records."""


def mopti_peak_for_return_period(years: float) -> float:
    """Mopti peak stage exceeded on average once in ``years`` years [cm].

    Gumbel law fitted by moments on :data:`MOPTI_ANNUAL_PEAKS_CM`. Notes: a short, recent
    (wet) record; the tail beyond ~20 years is an extrapolation.

    Parameters
    ----------
    years : float
        Return period [year], more than 1.
    """
    if not years > 1:
        raise ValueError(f"return period must exceed 1 year, got {years}")
    return float(_mopti_peak_law().ppf(1.0 - 1.0 / years))


def mopti_return_period_of_peak(peak_cm: float) -> float:
    """Return period of a Mopti peak of ``peak_cm`` by the same law [year] (infinite beyond
    the law's reach); the inverse of :func:`mopti_peak_for_return_period`."""
    exceed = float(_mopti_peak_law().sf(peak_cm))
    return 1.0 / exceed if exceed > 0 else float("inf")


def _mopti_peak_law():
    """Gumbel law of the Mopti annual peak [cm], fitted by moments on :data:`MOPTI_ANNUAL_PEAKS_CM`."""
    peaks = np.array(list(MOPTI_ANNUAL_PEAKS_CM.values()), float)
    scale = peaks.std(ddof=1) * np.sqrt(6.0) / np.pi
    return stats.gumbel_r(loc=peaks.mean() - np.euler_gamma * scale, scale=scale)


def storm_total_for_return_period(years: float) -> float:
    """Three-day rain at a town exceeded on average once in ``years`` years [mm].

    Parameters
    ----------
    years : float
        Return period [year], more than 1.
    """
    if not years > 1:
        raise ValueError(f"return period must exceed 1 year, got {years}")
    location, scale = STORM_3DAY_GUMBEL_MM
    return float(stats.gumbel_r.ppf(1.0 - 1.0 / years, loc=location, scale=scale))
