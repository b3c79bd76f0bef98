"""Exposure layers, checked: a population count and an elevation (a DEM, or a HAND raster).

:func:`hazards.io.layers.read_layer` reads them onto the domain grid like the hazard layers;
this module says what they must hold once there. A population layer is a count of persons per
cell (WorldPop's or GHSL's persons per pixel, summed onto the grid, :mod:`hazards.io.counts`);
an elevation layer is a height in metres. Values that no population or ground can have are
refused, as is a layer without any value over the delta.
"""

from __future__ import annotations

import numpy as np

from hazards.io.errors import RasterError
from sim.core.grid import Grid

__all__ = [
    "MAX_ELEVATION",
    "MAX_POPULATION_DENSITY",
    "MIN_ELEVATION",
    "POPULATION_NEGATIVE_TOLERANCE",
    "check_counts",
    "check_elevation",
    "check_one_map",
    "check_population",
]

MAX_POPULATION_DENSITY = 500_000.0
"""Largest density accepted in a population layer, over a grid cell. [person/km²]

Notes
-----
The densest districts on record hold a few hundred thousand people per km²: Dharavi (Mumbai)
is usually given 600,000 to 1 million people on 2.1 km², about 300,000–500,000 per km²; Manila,
the densest city, 71,263 per km² at its 2020 census (Philippine Statistics Authority). The
delta's towns hold about 5,000 per km² (:data:`sim.delta.population.URBAN_DENSITY_PER_KM2`).
Beyond 500,000 per km² a value is an undeclared nodata value (-99999 read as data, 3.4e38) or
a density of a fine raster read as a count per pixel.
"""

POPULATION_NEGATIVE_TOLERANCE = 0.001
"""Negative counts let through as rounding noise, read as 0. [person] Notes: resampled
products write ``-1e-6`` for empty pixels; a count below it is an undeclared nodata value."""

MAX_ELEVATION = 9_000.0
"""Highest ground accepted in an elevation layer. [m]

Notes
-----
Mount Everest stands 8,848.86 m above sea level (China–Nepal survey, 2020); the delta lies
260–300 m above it, Mali's highest point (Hombori Tondo) at 1,155 m. Above 9,000 m a value is
a nodata value not declared as such (32767, 3.4e38) or a unit error (decimetres, centimetres).
"""

MIN_ELEVATION = -500.0
"""Lowest ground accepted in an elevation layer. [m]

Notes
-----
The shore of the Dead Sea, the lowest dry land, lies about 430 m below sea level. Below
-500 m a value is an undeclared nodata value (-9999, -32768) rather than ground.
"""


def check_one_map(name: str, kind: str, bands: int) -> None:
    """Refuse a population or elevation file holding several maps (bands or dates).

    Parameters
    ----------
    name : str
        The file's name, for the message.
    kind : str
        ``population`` or ``elevation``.
    bands : int
        Maps in the file.
    """
    if bands != 1:
        raise RasterError(
            "err_raster_exposure_bands",
            "{file}: {bands} maps (bands or dates); {kind} layers are one map",
            file=name,
            bands=bands,
            kind=kind,
        )


def _check_some_values(name: str, kind: str, values: np.ndarray) -> None:
    if not np.isfinite(values).any():
        raise RasterError(
            "err_raster_exposure_empty",
            "{file}: no value over the delta (every cell is nodata); {kind} layers need values",
            file=name,
            kind=kind,
        )


def check_counts(name: str, pixels: np.ndarray) -> None:
    """Refuse a negative count in a population file's own pixels, before they are summed onto the grid.

    Parameters
    ----------
    name : str
        The file's name, for the message.
    pixels : numpy.ndarray
        The file's values, NaN for nodata. [person, or person/km² for a density]
    """
    if not np.isfinite(pixels).any():
        return
    bottom = float(np.nanmin(pixels))
    if bottom < -POPULATION_NEGATIVE_TOLERANCE:
        raise RasterError(
            "err_raster_negative_population",
            "{file}: negative count of people ({value:g}); declare the nodata value of the file",
            file=name,
            value=bottom,
        )


def check_population(name: str, counts: np.ndarray, grid: Grid) -> np.ndarray:
    """Refuse a population that is empty or denser than any city; return it cleaned.

    Parameters
    ----------
    name : str
        The file's name, for the message.
    counts : numpy.ndarray
        Persons per cell on ``grid``, NaN where the file has no data. [person]
    grid : Grid
        The domain grid.

    Returns
    -------
    numpy.ndarray
        ``counts`` with the negative rounding noise (:data:`POPULATION_NEGATIVE_TOLERANCE`) read as 0;
        larger negative counts were refused in the file's pixels (:func:`check_counts`). [person]
    """
    _check_some_values(name, "population", counts)
    density = counts / grid.cell_area_km2.reshape(-1, 1)
    top = float(np.nanmax(density))
    if top > MAX_POPULATION_DENSITY:
        raise RasterError(
            "err_raster_population_too_dense",
            "{file}: {value:,.0f} people per km² in a cell, denser than any city ({limit:,.0f}); is it a nodata value not declared as such, or a density read as a count (pass --units person/km^2)?",
            file=name,
            value=round(top),
            limit=MAX_POPULATION_DENSITY,
        )
    return np.where(counts < 0, np.float32(0.0), counts)


def check_elevation(name: str, heights: np.ndarray) -> None:
    """Refuse an elevation that is empty, or higher or lower than any ground on Earth.

    Parameters
    ----------
    name : str
        The file's name, for the message.
    heights : numpy.ndarray
        Heights on the grid, NaN where the file has no data. [m]
    """
    _check_some_values(name, "elevation", heights)
    top, bottom = float(np.nanmax(heights)), float(np.nanmin(heights))
    if top > MAX_ELEVATION:
        raise RasterError(
            "err_raster_elevation_too_high",
            "{file}: elevation of {value:g} m exceeds {limit:g} m, higher than any ground on Earth; check the units, or a nodata value not declared as such",
            file=name,
            value=top,
            limit=MAX_ELEVATION,
        )
    if bottom < MIN_ELEVATION:
        raise RasterError(
            "err_raster_elevation_too_low",
            "{file}: elevation of {value:g} m is below {limit:g} m, lower than any ground on Earth; declare the nodata value of the file",
            file=name,
            value=bottom,
            limit=MIN_ELEVATION,
        )
