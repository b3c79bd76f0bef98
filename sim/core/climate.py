"""The delta's rainfall climatology: the north–south gradient of the annual total.

References
----------
.. [1] Inner delta annual rainfall ~200–600 mm; ~250 mm/yr near Tombouctou
   (http://waterandclimatechange.eu/rainfall/niger-river-basin-rainfall-in-average-year);
   ~700 mm/yr towards Ségou (design facts, ../shared/DESIGN.md).
"""

from __future__ import annotations

import numpy as np

RAINFALL_SOUTH_MM, RAINFALL_SOUTH_LAT = 700.0, 13.45
"""Mean annual rainfall towards Ségou [mm/yr] at Ségou's latitude [deg]. References: [1]_."""

RAINFALL_NORTH_MM, RAINFALL_NORTH_LAT = 250.0, 16.77
"""Mean annual rainfall near Tombouctou [mm/yr] at Tombouctou's latitude [deg]. References: [1]_."""

MINIMUM_ANNUAL_MM = 100.0
"""Floor of the extrapolated annual mean north of Tombouctou [mm/yr]. Notes: assumption."""


def mean_annual_rainfall_mm(lat):
    """Mean annual rainfall, linear in latitude between Ségou and Tombouctou [mm/yr].

    Parameters
    ----------
    lat : float or array_like
        [deg]
    """
    slope = (RAINFALL_NORTH_MM - RAINFALL_SOUTH_MM) / (RAINFALL_NORTH_LAT - RAINFALL_SOUTH_LAT)
    return np.maximum(RAINFALL_SOUTH_MM + slope * (np.asarray(lat, float) - RAINFALL_SOUTH_LAT), MINIMUM_ANNUAL_MM)
