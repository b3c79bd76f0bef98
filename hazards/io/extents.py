"""Flood extents drawn as polygons (GeoJSON, GeoPackage, zipped Shapefile), rasterized onto the grid.

The polygons are read and checked by :func:`sim.core.vectorio.read_polygons` (valid rings,
coordinates on the globe, in EPSG:4326); a cell is flooded when its centre is inside one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from rasterio import features

from hazards.io.errors import RasterError
from hazards.io.metadata import date_from_filename, date_index
from hazards.io.regrid import check_overlap
from sim.core.grid import Grid
from sim.core.messages import vector_error
from sim.core.vectorio import VectorError, read_polygons

__all__ = ["read_extent_polygons"]


def read_extent_polygons(path: Path, grid: Grid, crs: str | None) -> tuple[np.ndarray, pd.DatetimeIndex | None, str]:
    """Flood-extent polygons rasterized onto the grid: 1 where a cell centre is inside.

    Parameters
    ----------
    path : pathlib.Path
        GeoJSON, GeoPackage or zipped Shapefile (:data:`sim.core.vectorio.VECTOR_SUFFIXES`).
    grid : Grid
        The domain grid.
    crs : str, optional
        CRS of the polygons; overrides the file's own.

    Returns
    -------
    values : numpy.ndarray
        float32 ``(1, y, x)``, 1 inside the polygons, 0 outside [-].
    times : pandas.DatetimeIndex or None
        The date in the file name (``extent_20220915.geojson``), or None.
    source_crs : str
        The polygons' CRS.

    Raises
    ------
    RasterError
        For a file :func:`sim.core.vectorio.read_polygons` refuses (the same message, naming the
        file alone), no polygons, or polygons that miss the grid.
    """
    try:
        _, geoms, source_crs = read_polygons(path, crs=crs, with_crs=True, require_valid=True)
    except VectorError as err:
        if err.code:  # a coded message of sim.core.vectorio: the same, naming the file alone
            raise RasterError(err.code, err.template, **{**err.params, "file": path.name}) from None
        coded = vector_error(err, path, path.name)
        if coded is None:  # a message sim.core.vectorio does not usually give: English only
            english = str(err).replace(str(path), path.name)
            raise RasterError(english) from None
        code, english, params = coded
        raise RasterError(code, english, **params) from None
    shapes = [g for g in geoms if g is not None and not g.is_empty]
    if not shapes:
        raise RasterError("err_raster_no_polygons", "{file}: no polygons", file=path.name)
    check_overlap(path.name, _total_bounds(shapes), grid)
    mask = features.rasterize(
        ((g, 1) for g in shapes), out_shape=grid.shape, transform=grid.transform, fill=0, dtype="uint8"
    )
    stamp = date_from_filename(path.stem)
    times = date_index(path.name, [stamp]) if stamp else None
    values = mask.astype(np.float32)[None, :, :]
    return values, times, source_crs


def _total_bounds(geoms) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a list of shapely geometries [deg]."""
    return tuple(float(v) for v in shapely.total_bounds(np.asarray(geoms, dtype=object)))
