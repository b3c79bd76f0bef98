"""Reading polygon files (GeoJSON, GeoPackage, Shapefile, zipped Shapefile) in any CRS.

Used for official cercle boundaries and for flood extents mapped by satellite services.
Every problem is a :class:`VectorError` with one line that names the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from sim.errors import BadInputError

VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip"}
"""File endings read as vector data (``.zip``: a zipped Shapefile)."""

DEFAULT_MAX_FEATURES = 1_000_000
"""Most features accepted from one file [feature]."""


class VectorError(BadInputError):
    """A vector file that cannot be used; the one-line message names the file."""


def read_polygons(path: str | Path, max_features: int = DEFAULT_MAX_FEATURES, crs: str | None = None, with_crs: bool = False):
    """Fields and geometries (in EPSG:4326) of a vector file.

    Parameters
    ----------
    path : path
        GeoJSON, GeoPackage, Shapefile or zipped Shapefile.
    max_features : int
        Refuse files with more features than this (counted before reading them).
    crs : str, optional
        CRS to assume when the file has none.

    Returns
    -------
    fields : dict of str → numpy.ndarray
    geometries : numpy.ndarray of shapely geometries, EPSG:4326
    crs : str
        The file's own CRS (or ``crs``), only when ``with_crs`` is true.
    """
    import pyogrio  # imported here: only this module reads vector files

    path = Path(path)
    if not path.exists():
        raise VectorError(f"{path}: no such file")
    source = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        info = pyogrio.read_info(source)
        if info.get("features", 0) > max_features:
            raise VectorError(f"{path}: {info['features']} features exceeds the limit of {max_features}; simplify or split it")
        meta, _, geometry, field_data = pyogrio.raw.read(source)
    except VectorError:
        raise
    except Exception as err:  # pyogrio raises several GDAL error types
        raise VectorError(f"{path}: not a readable vector file ({_first_line(err)})") from None
    file_crs = meta.get("crs") or crs
    if not file_crs:
        raise VectorError(f"{path}: no CRS; give the file a .prj or convert it to EPSG:4326")
    geoms = _to_wgs84(shapely.from_wkb(geometry), file_crs, path)
    fields = {str(name): np.asarray(values) for name, values in zip(meta["fields"], field_data)}
    return (fields, geoms, str(file_crs)) if with_crs else (fields, geoms)


def _to_wgs84(geoms, crs: str, path: Path):
    from pyproj import CRS, Transformer

    try:
        source = CRS.from_user_input(crs)
    except Exception as err:
        raise VectorError(f"{path}: unknown CRS {crs!r} ({_first_line(err)})") from None
    if source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geoms
    transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
