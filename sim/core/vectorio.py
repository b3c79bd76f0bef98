"""Reading polygon files (GeoJSON, GeoPackage, Shapefile, zipped Shapefile) in any CRS.

Used for official cercle boundaries and for flood extents mapped by satellite services.
Every problem is a :class:`VectorError` with one line that names the file.

GDAL stays on the local file system: a path that is a URL, a GDAL virtual file system
(``/vsicurl/``, ``/vsis3/`` …) or a connection string is refused before GDAL sees it
(:func:`remote_name`), the content of a file must be what its ending says (a zipped
Shapefile holds only Shapefile parts), and GDAL reads with :data:`GDAL_OFFLINE` set.
"""

from __future__ import annotations

import contextlib
import re
import threading
import warnings
import zipfile
from pathlib import Path

import numpy as np
import shapely

from sim.core.messages import CodedError

VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip"}
"""File endings read as vector data (``.zip``: a zipped Shapefile)."""

DEFAULT_MAX_FEATURES = 1_000_000
"""Most features accepted from one file [feature]."""

GDAL_OFFLINE = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".sim-offline-no-network",
    "AWS_NO_SIGN_REQUEST": "YES",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "PROJ_NETWORK": "OFF",
}
"""GDAL configuration every raster and vector is opened with: no network access.

Notes
-----
GDAL has no switch that turns its network access off. ``CPL_VSIL_CURL_ALLOWED_EXTENSIONS``
is the one option that does it for ``/vsicurl/`` and the cloud file systems built on it
(``/vsis3/``, ``/vsigs/``, ``/vsiaz/``, ``/vsiadls/``, ``/vsioss/``, ``/vsiswift/``,
``/vsiwebhdfs/``): a file whose name does not end with an allowed extension "does not
exist", and GDAL answers so without a single request (measured with a local HTTP server in
``tests/hazards/test_hostile_layers.py``). The extension set here is one no real file has.
``AWS_NO_SIGN_REQUEST`` keeps ``/vsis3/`` from looking for credentials (on a cloud machine, a
request to the instance metadata service); the retry and timeout options bound whatever
might still get through; ``GDAL_VRT_ENABLE_PYTHON=NO`` refuses Python pixel functions in a
VRT; ``PROJ_NETWORK=OFF`` keeps PROJ from downloading transformation grids.
Drivers that fetch with ``CPLHTTPFetch`` (WMS, WMTS, WCS, WFS, STAC, GeoJSON from a URL …)
are not covered by any option: they are kept out by refusing URLs and connection strings
(:func:`remote_name`), by the content checks, and, for rasters, by opening a file with the
one driver its ending names (:mod:`hazards.io`).
"""

REMOTE_PATTERN = re.compile(r"^\s*(/vsi[a-z0-9_]+/|[A-Za-z][A-Za-z0-9+.\-_]+:)", re.IGNORECASE)
"""A URL (``http://``, ``ftp://``, ``s3://`` …), a GDAL virtual file system (``/vsicurl/`` …)
or a connection string (``WMS:``, ``NETCDF:``, ``vrt://`` …): anything but a local path.
One letter and a colon (``C:``) is a Windows drive, which is local."""

MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
"""Largest total size of the files in a zipped Shapefile once unzipped. [byte]

Notes
-----
Mali's 701 communes (OCHA COD-AB, admin level 3, as in ``../shared/reference``) take under
1 MB as GeoJSON; 1 GiB leaves room for flood extents a thousand times finer while refusing a
"zip bomb", a small archive that unzips to many gigabytes and would fill the disk or the
memory of whoever reads it.
"""

SHAPEFILE_PARTS = (
    ".shp",
    ".shx",
    ".dbf",
    ".prj",
    ".cpg",
    ".qix",
    ".sbn",
    ".sbx",
    ".shp.xml",
    ".txt",
    ".pdf",
    ".qml",
    ".qmd",
    ".sld",
    ".cst",
)
"""Endings of the files a zipped Shapefile may hold: its parts, its metadata and read-me files."""

ROUND_TRIP_TOLERANCE = 1.0
"""Largest gap between a point and its conversion to EPSG:4326 and back, in the file's units
(a metre or a foot for a projected CRS). [CRS unit]

Notes
-----
PROJ's transverse Mercator converts an absurd northing (``9e12`` m) to a plausible latitude
(−72.8°) without an error; the way back does not return the point, which tells such a
coordinate from a real one (a round trip is exact to well below a millimetre inside a
projection's domain)."""

_OGR_LOCK = threading.Lock()
"""Held while GDAL's process-wide configuration of pyogrio is set to :data:`GDAL_OFFLINE`."""


class VectorError(CodedError):
    """A vector file that cannot be used; the one-line message names the file.

    ``VectorError(code, english, **params)`` (see :class:`sim.core.messages.CodedError`), whose
    ``file`` parameter is the path as given; ``VectorError(text)`` for a message without code.
    """


def remote_name(path: str | Path) -> bool:
    """Whether ``path`` names something other than a local file (see :data:`REMOTE_PATTERN`)."""
    return REMOTE_PATTERN.match(str(path)) is not None


@contextlib.contextmanager
def offline_ogr():
    """pyogrio's GDAL configured with :data:`GDAL_OFFLINE` (and put back as it was after)."""
    import pyogrio

    with _OGR_LOCK:
        before = {key: pyogrio.get_gdal_config_option(key) for key in GDAL_OFFLINE}
        pyogrio.set_gdal_config_options(GDAL_OFFLINE)
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options(before)


def read_polygons(
    path: str | Path,
    max_features: int = DEFAULT_MAX_FEATURES,
    crs: str | None = None,
    with_crs: bool = False,
    require_valid: bool = False,
):
    """Fields and geometries (in EPSG:4326) of a vector file.

    Parameters
    ----------
    path : path
        GeoJSON, GeoPackage, Shapefile or zipped Shapefile, on the local file system.
    max_features : int
        Refuse files with more features than this (counted before reading them). [feature]
    crs : str, optional
        CRS to assume when the file has none.
    with_crs : bool
        Also return the file's CRS.
    require_valid : bool
        Refuse a polygon that is not valid (self-intersecting, a hole outside its shell …)
        instead of returning it as it is (boundaries repair theirs; flood extents must not).

    Returns
    -------
    fields : dict of str → numpy.ndarray
    geometries : numpy.ndarray of shapely geometries, EPSG:4326 [deg]
    crs : str
        The file's own CRS (or ``crs``), only when ``with_crs`` is true.

    Raises
    ------
    VectorError
        One line naming the file: a URL or a missing file, content that does not match the
        ending, a geometry that cannot be decoded (an unclosed ring), coordinates outside
        -180..180 / -90..90 after conversion to EPSG:4326, or (``require_valid``) an invalid
        polygon.
    """
    import pyogrio  # imported here: only this module reads vector files

    if remote_name(path):
        raise VectorError(
            "err_vector_remote",
            "{file}: not a local file (a URL, a GDAL virtual file system or a connection string); download it and give its local path",
            file=str(path),
        )
    path = Path(path)
    if not path.exists():
        raise VectorError(f"{path}: no such file")
    _check_content(path)
    source = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        with offline_ogr(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Non closed ring detected")  # refused below, feature by feature
            info = pyogrio.read_info(source)
            if info.get("features", 0) > max_features:
                raise VectorError(
                    f"{path}: {info['features']} features exceeds the limit of {max_features}; simplify or split it"
                )
            meta, _, geometry, field_data = pyogrio.raw.read(source)
    except VectorError:
        raise
    except Exception as err:  # pyogrio raises several GDAL error types
        raise VectorError(f"{path}: not a readable vector file ({_first_line(err)})") from None
    file_crs = meta.get("crs") or crs
    if not file_crs:
        raise VectorError(f"{path}: no CRS; give the file a .prj or convert it to EPSG:4326")
    geoms = _to_wgs84(_decode(geometry, path), file_crs, path)
    _check_ranges(geoms, path, str(file_crs))
    if require_valid:
        _check_valid(geoms, path)
    fields = {str(name): np.asarray(values) for name, values in zip(meta["fields"], field_data)}
    return (fields, geoms, str(file_crs)) if with_crs else (fields, geoms)


def _check_content(path: Path) -> None:
    """Refuse a file whose first bytes are not those of the format its ending names."""
    suffix = path.suffix.lower()
    with open(path, "rb") as handle:
        head = handle.read(100)
    if suffix in (".geojson", ".json"):
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text[:1] != b"{":
            raise VectorError(
                "err_vector_unreadable",
                "{file}: not a readable vector file ({detail})",
                file=str(path),
                detail="not a GeoJSON file: it does not start with '{'",
            )
    elif suffix == ".gpkg":
        if not head.startswith(b"SQLite format 3\x00") or head[68:72] not in (b"GPKG", b"GP10", b"GP11"):
            raise VectorError(
                "err_vector_not_geopackage", "{file}: not a GeoPackage (no GeoPackage header)", file=str(path)
            )
    elif suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                infos = [m for m in archive.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError):
            raise VectorError("err_vector_bad_zip", "{file}: not a readable zip file", file=str(path)) from None
        members = [m.filename for m in infos]
        unzipped = sum(m.file_size for m in infos)
        if unzipped > MAX_UNZIPPED_BYTES:
            mib = 1024 * 1024
            raise VectorError(
                "err_vector_zip_too_large",
                "{file}: unzips to {size:,.0f} MB, more than the limit of {limit:,.0f} MB",
                file=str(path),
                size=unzipped / mib,
                limit=MAX_UNZIPPED_BYTES / mib,
            )
        for member in members:
            if not member.lower().endswith(SHAPEFILE_PARTS) or member.startswith("/") or ".." in Path(member).parts:
                raise VectorError(
                    "err_vector_zip_member",
                    "{file}: holds {member}, which is not part of a Shapefile; zip only the .shp, .shx, .dbf and .prj",
                    file=str(path),
                    member=member,
                )
        if not any(m.lower().endswith(".shp") for m in members):
            raise VectorError("err_vector_zip_no_shp", "{file}: no .shp file in the zip", file=str(path))


def _decode(geometry, path: Path) -> np.ndarray:
    """Shapely geometries from WKB; a geometry GEOS cannot build (an unclosed ring) is refused."""
    geoms = shapely.from_wkb(geometry, on_invalid="ignore")
    broken = [k for k, (raw, geom) in enumerate(zip(geometry, geoms, strict=True)) if raw is not None and geom is None]
    if broken:
        feature = broken[0] + 1
        try:
            shapely.from_wkb(geometry[broken[0]])
            detail = "unknown"
        except shapely.errors.GEOSException as err:
            detail = _first_line(err)
        if "closed linestring" in detail or "LinearRing" in detail:
            raise VectorError(
                "err_vector_unclosed_ring",
                "{file}: feature {feature}: a polygon ring is not closed (its last point must repeat the first) or has fewer than 4 points",
                file=str(path),
                feature=feature,
            )
        raise VectorError(
            "err_vector_bad_geometry",
            "{file}: feature {feature}: geometry cannot be read ({detail})",
            file=str(path),
            feature=feature,
            detail=detail,
        )
    return geoms


def _check_ranges(geoms: np.ndarray, path: Path, crs: str) -> None:
    """Refuse coordinates that are not finite or outside -180..180 / -90..90 (in EPSG:4326). [deg]"""
    for k, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        xy = shapely.get_coordinates(geom)
        bad = ~np.isfinite(xy).all(axis=1) | (np.abs(xy[:, 0]) > 180.0) | (np.abs(xy[:, 1]) > 90.0)
        if bad.any():
            lon, lat = (float(v) for v in xy[np.argmax(bad)])
            raise VectorError(
                "err_vector_out_of_range",
                "{file}: feature {feature}: coordinates out of range (longitude {lon:g}, latitude {lat:g}) after conversion from {crs} to EPSG:4326; longitudes must be within -180..180 and latitudes within -90..90: is the CRS right?",
                file=str(path),
                feature=k + 1,
                lon=lon,
                lat=lat,
                crs=crs[:60],
            )


def _check_valid(geoms: np.ndarray, path: Path) -> None:
    """Refuse an invalid geometry (OGC rules), naming its first problem and where it is. [deg]"""
    valid = shapely.is_valid(np.asarray([g if g is not None else shapely.Point() for g in geoms], dtype=object))
    if valid.all():
        return
    k = int(np.argmin(valid))
    reason = shapely.is_valid_reason(geoms[k])
    match = re.fullmatch(r"\s*(?P<what>[^\[]+?)\s*\[\s*(?P<x>\S+)\s+(?P<y>\S+)\s*\]\s*", reason)
    what = match["what"] if match else reason
    lon, lat = (float(match["x"]), float(match["y"])) if match else (float("nan"), float("nan"))
    if "self-intersection" in what.lower():
        raise VectorError(
            "err_vector_self_intersection",
            "{file}: feature {feature}: the polygon crosses itself near longitude {lon:.5f}, latitude {lat:.5f}; repair it first (QGIS: Fix geometries; ogr2ogr -makevalid)",
            file=str(path),
            feature=k + 1,
            lon=lon,
            lat=lat,
        )
    raise VectorError(
        "err_vector_invalid_geometry",
        "{file}: feature {feature}: invalid polygon ({reason}) near longitude {lon:.5f}, latitude {lat:.5f}; repair it first (QGIS: Fix geometries; ogr2ogr -makevalid)",
        file=str(path),
        feature=k + 1,
        reason=what,
        lon=lon,
        lat=lat,
    )


def _to_wgs84(geoms, crs: str, path: Path):
    """Geometries in EPSG:4326; a point the CRS cannot hold (its conversion does not come back) is refused."""
    from pyproj import CRS, Transformer

    try:
        source = CRS.from_user_input(crs)
    except Exception as err:
        raise VectorError(f"{path}: unknown CRS {crs!r} ({_first_line(err)})") from None
    if source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geoms
    forward = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    backward = Transformer.from_crs("EPSG:4326", source, always_xy=True)
    xy, index = shapely.get_coordinates(geoms, return_index=True)
    lonlat = np.column_stack(forward.transform(xy[:, 0], xy[:, 1]))
    with np.errstate(invalid="ignore"):
        again = np.column_stack(backward.transform(lonlat[:, 0], lonlat[:, 1]))
        lost = ~(np.abs(again - xy) <= ROUND_TRIP_TOLERANCE + 1e-7 * np.abs(xy)).all(axis=1)
    lost &= np.isfinite(xy).all(axis=1)
    if lost.any():
        k = int(np.argmax(lost))
        raise VectorError(
            "err_vector_outside_crs",
            "{file}: feature {feature}: coordinates ({x:g}, {y:g}) are outside what {crs} can hold; is the CRS right?",
            file=str(path),
            feature=int(index[k]) + 1,
            x=float(xy[k, 0]),
            y=float(xy[k, 1]),
            crs=str(crs)[:60],
        )
    return shapely.set_coordinates(np.array(geoms, dtype=object, copy=True), lonlat)


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
