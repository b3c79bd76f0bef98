"""The start of the rainy season (the AGRHYMET rule) and the millet WRSI of a season from it.

References
----------
.. [1] Allen, R. G. et al. (1998), FAO Irrigation and Drainage Paper 56: reference
   evapotranspiration of hot, dry tropical climates is about 6–8 mm/day.
.. [2] AGRHYMET start-of-season criterion: a dekad with at least 25 mm of rain followed by
   two dekads with at least 20 mm together (as used by FEWS NET for the Sahel).
"""

from __future__ import annotations

import numpy as np

from hazards.dekads import DEKADS_PER_YEAR
from hazards.wrsi import CROPS, wrsi

__all__ = [
    "EARLIEST_START_DEKAD",
    "LATEST_START_DEKAD",
    "PET_MM_PER_DAY",
    "SOS_FIRST_DEKAD_MM",
    "SOS_NEXT_TWO_DEKADS_MM",
    "season_wrsi",
    "start_dekad",
]

PET_MM_PER_DAY = 6.5
"""Potential evapotranspiration during the rainy season [mm/day]. References: FAO-56 [1]_."""

SOS_FIRST_DEKAD_MM, SOS_NEXT_TWO_DEKADS_MM = 25.0, 20.0
"""Start-of-season rule [mm]. References: AGRHYMET [2]_."""

EARLIEST_START_DEKAD = 15
"""First dekad a season may start in [-] (0-based: 1-10 June). Notes: assumption, the
earliest sowing of millet in the delta."""

LATEST_START_DEKAD = 23
"""Last dekad a season may start in [-] (0-based: 21-31 August). Notes: assumption; no
start by then is a failed season."""


def start_dekad(rain_dekads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekad the season starts in, by the AGRHYMET rule [2]_, of each cell.

    The first dekad of :data:`EARLIEST_START_DEKAD` to :data:`LATEST_START_DEKAD` with at
    least :data:`SOS_FIRST_DEKAD_MM` of rain whose next two dekads bring at least
    :data:`SOS_NEXT_TWO_DEKADS_MM` together.

    Parameters
    ----------
    rain_dekads : numpy.ndarray
        36 dekads of rain (dekad, y, x) [mm/dekad].

    Returns
    -------
    has_start : numpy.ndarray of bool
        (y, x): whether the season starts at all.
    sos : numpy.ndarray of int
        (y, x) start dekad [-]; :data:`EARLIEST_START_DEKAD` where there is none.
    """
    wet = rain_dekads >= SOS_FIRST_DEKAD_MM
    follow = np.zeros_like(rain_dekads)
    follow[:-2] = rain_dekads[1:-1] + rain_dekads[2:]
    start_ok = wet & (follow >= SOS_NEXT_TWO_DEKADS_MM)
    start_ok[:EARLIEST_START_DEKAD] = False
    start_ok[LATEST_START_DEKAD + 1 :] = False
    has_start = start_ok.any(axis=0)
    return has_start, np.where(has_start, start_ok.argmax(axis=0), EARLIEST_START_DEKAD)


def season_wrsi(rain_dekads: np.ndarray) -> np.ndarray:
    """Millet WRSI [%] from 36 dekads of rain (dekad, y, x) [mm/dekad], with the AGRHYMET start of season.

    PET is :data:`PET_MM_PER_DAY` on every day; a season that would run past the year's end
    starts late enough to fit. No start by the end of August means a failed season (WRSI 0).
    """
    has_start, sos = start_dekad(rain_dekads)
    pet = np.full(rain_dekads.shape[0], PET_MM_PER_DAY * 10.0)
    index = wrsi(
        rain_dekads,
        pet[:, None, None] * np.ones_like(rain_dekads),
        sos_dekad=np.minimum(sos, DEKADS_PER_YEAR - CROPS["millet"].season_dekads),
        crop="millet",
    )
    return np.where(has_start, index, 0.0)
