"""Reading hazard layers onto the domain grid: the only module that opens raster files.

Two kinds of file are read:

* NetCDF in the CHIRPS layout (a ``precip`` variable on ``time/latitude/longitude``),
  opened with xarray's ``netcdf4`` engine;
* GeoTIFF (or another raster GDAL reads, e.g. a VRT of local GeoTIFFs), opened with
  rasterio, either one band for one date or a stack with one date per band.

Whatever the source, :func:`read_rainfall` returns a ``(time, y, x)`` DataArray on the
domain :class:`~sim.grid.Grid` in ``mm/day`` (daily data) or ``mm/month`` (monthly
series), with NaN where the source has no data.

Every problem with a file is a :class:`RasterError` whose one-line message starts with
the file's name; its ``code`` and ``params`` name the message in the catalogs
(:mod:`sim.messages`), so that the app says it in the reader's language. Size and overlap with the delta are checked from the header, before
any pixel is read, and only the window of the source that covers the delta is read.

GDAL stays on the local file system: a URL, a GDAL virtual file system (``/vsicurl/`` …) or
a connection string is refused before GDAL sees it; a file is opened with the one driver its
ending names (GeoTIFF: ``GTiff``, ``.vrt``: ``VRT``); a VRT is read only if every source it
names is a local GeoTIFF or VRT in its folder or below (:func:`check_vrt`); and every read
runs with :data:`sim.vectorio.GDAL_OFFLINE`, which forbids GDAL's network access. Values
that no rainfall or flood can have (infinite, beyond :data:`MAX_DAILY_RAINFALL`,
:data:`MAX_MONTHLY_RAINFALL` or :data:`MAX_FLOOD_DEPTH`, a negative depth) are refused.

Resampling is bilinear (:data:`RESAMPLING`): rainfall rates and depths are smooth,
intensive fields, and bilinear interpolation neither invents blocky edges (nearest) nor
needs the source to be finer than the grid (average). It does not conserve the areal
total exactly when the source is much finer than the grid; crop and aggregate upstream
if that matters.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pint
import rasterio
import rasterio.shutil
import xarray as xr
from rasterio.crs import CRS as RioCRS
from rasterio.enums import Resampling
from rasterio.errors import CRSError, NotGeoreferencedWarning, RasterioIOError
from rasterio.transform import from_origin
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window, from_bounds
from rasterio.windows import transform as window_transform

from sim.fileio import NETCDF_LOCK
from sim.grid import CRS as GRID_CRS
from sim.grid import Grid
from sim.messages import CodedError, vector_error
from sim.units import ureg
from sim.vectorio import GDAL_OFFLINE, VECTOR_SUFFIXES, VectorError, read_polygons, remote_name

__all__ = [
    "DEFAULT_MAX_CELLS",
    "RESAMPLING",
    "RasterError",
    "read_rainfall",
    "read_layer",
    "LAYER_KINDS",
    "CANONICAL_UNITS",
    "rainfall_factor",
    "write_geotiff",
    "check_local",
    "check_vrt",
    "materialise_vrt",
    "write_band_dates",
    "MAX_DAILY_RAINFALL",
    "MAX_MONTHLY_RAINFALL",
    "MAX_FLOOD_DEPTH",
]

DEFAULT_MAX_CELLS = 50_000_000
"""Largest source accepted, width × height × bands (or time steps). [cell]"""

RESAMPLING = Resampling.bilinear
"""Resampling onto the grid; bilinear suits smooth rates and depths (see module notes)."""

NETCDF_SUFFIXES = {".nc", ".nc4", ".netcdf", ".cdf"}
TIFF_SUFFIXES = {".tif", ".tiff", ".gtif"}
VRT_SUFFIXES = {".vrt"}

MAX_DAILY_RAINFALL = 2000.0
"""Largest daily rainfall accepted in a layer. [mm/day]

Notes
-----
The world record for 24 hours is 1825 mm, at Foc-Foc, La Réunion, on 7–8 January 1966
(cyclone Denise), in the WMO World Weather and Climate Extremes Archive
(https://wmo.asu.edu). A value above 2000 mm/day is not rain: a nodata value not declared as
such, or a unit error (e.g. a monthly total read as daily, or tenths of mm).
"""

MAX_MONTHLY_RAINFALL = 10_000.0
"""Largest monthly rainfall total accepted in a monthly layer. [mm/month]

Notes
-----
The greatest calendar-month total on record is 9300 mm, at Cherrapunji (Meghalaya, India),
in July 1861, the figure usually cited for the world's wettest month; the delta itself
rarely receives more than 250 mm in its wettest month (August).
"""

MAX_FLOOD_DEPTH = 50.0
"""Largest water depth accepted in a flood-depth layer. [m]

Notes
-----
Water on the inland Niger delta's floodplain is a few metres deep at the peak of the flood
(the Mopti gauge reads 6–7 m at the peak of a flood year, OPIDIN), and even the river
channels at high water are far shallower than 50 m. No flood on the delta reaches 50 m,
while the usual mistakes in a depth file go far beyond it: ground elevations instead of
depths (the delta lies 260–300 m above sea level), centimetres read as metres (150 for
1.5 m), or an undeclared nodata value (9999, 3.4e38). A negative depth is refused too: it is not water
(beyond the rounding noise of :data:`NEGATIVE_TOLERANCE`).
"""

NEGATIVE_TOLERANCE = {"rainfall": 0.1, "flood-depth": 0.001}
"""Negative values let through as rounding noise, in mm/day (or mm/month) and m.

Notes
-----
Packed reanalysis rainfall (ERA5 in GRIB or NetCDF with ``scale_factor``) holds small
negative values, and depth models write ``-0.0001`` for dry cells; anything more negative is
an undeclared nodata value (``-9999``) or a difference of surfaces, and is refused. Negative
depths within the tolerance are read as 0 (dry).
"""

MAX_VRT_BYTES = 1_000_000
"""Largest VRT (XML) file read; a VRT of even thousands of sources is far smaller. [byte]"""

VRT_ELEMENTS = frozenset({
    "VRTDataset", "SRS", "GeoTransform", "Metadata", "MDI", "VRTRasterBand", "NoDataValue", "HideNoDataValue",
    "ColorInterp", "Description", "UnitType", "Offset", "Scale", "CategoryNames", "Category", "ColorTable", "Entry",
    "GCPList", "GCP", "SimpleSource", "ComplexSource", "AveragedSource", "KernelFilteredSource", "Kernel", "Size",
    "Coefs", "SourceFilename", "SourceBand", "SourceProperties", "SrcRect", "DstRect", "NODATA", "UseMaskBand",
    "ScaleOffset", "ScaleRatio", "Exponent", "SrcMin", "SrcMax", "DstMin", "DstMax", "LUT", "ColorTableComponent",
    "OverviewList", "Overview", "MaskBand", "Histograms", "HistItem", "HistMin", "HistMax", "BucketCount",
    "IncludeOutOfRange", "Approximate", "HistCounts", "BlockXSize", "BlockYSize",
})
"""Elements of a VRT that describe bands of local files; anything else (a warped, derived,
pansharpened or processed VRT, pixel functions) is refused: translate it to a GeoTIFF first."""

TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
"""First four bytes of a TIFF or BigTIFF file (little- and big-endian)."""

IDENTIFY_DRIVERS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "JP2OpenJPEG", "HFA", "AAIGrid", "EHdr", "ENVI", "XYZ", "GTiff")
"""Drivers that read pixels held in the file itself: the only ones GDAL may try on a raster
whose ending is neither a GeoTIFF's nor a VRT's, and the ones that name the format of a file
that is not what its ending says."""

GDAL_LOCAL_READ = {**GDAL_OFFLINE, "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}
"""Configuration of every raster read: :data:`sim.vectorio.GDAL_OFFLINE`, and no side files.

Notes
-----
``GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR`` makes GDAL see the file's folder as empty, so a
raster is read alone, without ``.aux.xml``, ``.ovr`` or ``.msk`` files beside it: what is
checked when a layer is added is what the catalog, which keeps the file alone, reads later.
"""

_WATER_DENSITY = ureg.Quantity(1000.0, "kg/m**3")
"""Density of liquid water, so that 1 kg m-2 of rain is 1 mm. [kg/m³]"""

_MARGIN = 2
"""Source cells read beyond the grid's edges, for the interpolation kernel. [cell]"""


class RasterError(CodedError):
    """A raster file that cannot be used; the one-line message names the file.

    ``RasterError(code, english, **params)``: see :class:`sim.messages.CodedError`.
    """


# --------------------------------------------------------------------------- public API


def read_rainfall(
    path: str | os.PathLike,
    grid: Grid | None = None,
    crs: str | None = None,
    units: str | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> xr.DataArray:
    """Read a rainfall file and resample it onto the domain grid.

    Parameters
    ----------
    path : path-like
        A NetCDF (``.nc``) or a raster GDAL reads (GeoTIFF, VRT, …).
    grid : Grid, optional
        The domain grid; default ``Grid()``.
    crs : str, optional
        CRS of the source (e.g. ``"EPSG:32630"``); overrides the file's own.
    units : str, optional
        Units of the values (e.g. ``"mm/day"``, ``"kg m-2 s-1"``, ``"mm"``); overrides
        the file's own. A depth (``mm``) is read as a depth per time step.
    max_cells : int
        Largest source size accepted, width × height × time steps. [cell]

    Returns
    -------
    xarray.DataArray
        Dims ``(time, y, x)``, float32, coordinates as in ``Delta.to_dataset()``
        (``y`` descending, ``x`` ascending). ``attrs["units"]`` is ``"mm/day"`` with
        ``attrs["frequency"] == "daily"``, or ``"mm/month"`` with ``"monthly"``.
        [mm/day] or [mm/month]

    Raises
    ------
    RasterError
        If the path is not a local file (:func:`check_local`), the file cannot be opened, is
        not what its ending says, is too large, has no CRS, dates or units, does not overlap
        the grid, holds infinite values, or cannot be read.
    """
    path = check_local(path)
    grid = grid or Grid()
    if not path.is_file():
        raise RasterError("err_no_such_file", "{file}: no such file", file=path.name)
    if path.suffix.lower() in NETCDF_SUFFIXES:
        values, times, unit_text, src_crs = _read_netcdf(path, grid, crs, units, max_cells)
    else:
        values, times, unit_text, src_crs = _read_gdal(path, grid, crs, units, max_cells)
    out = _finish(path, grid, values, times, unit_text)
    out.attrs["source_crs"] = src_crs.to_string()
    return out


def rainfall_factor(unit_text: str, frequency: str, days: np.ndarray, name: str = "") -> np.ndarray:
    """Factors turning values in ``unit_text`` into mm/day or mm/month.

    Parameters
    ----------
    unit_text : str
        Units as written in a file; CF style (``"kg m-2 s-1"``) is accepted.
    frequency : {"daily", "monthly"}
        Time step of the series.
    days : numpy.ndarray
        Length of each time step. [day]
    name : str
        File name for error messages.

    Returns
    -------
    numpy.ndarray
        One factor per time step. [mm/day per unit] or [mm/month per unit]

    Notes
    -----
    A depth (``mm``, ``kg m-2``) is a depth per time step and only changes units.
    A rate is converted to mm/day, and for monthly series multiplied by the number of
    days of each month; a rate already per month (``mm/month``) only changes units,
    so that pint's mean month (30.44 d) never enters.
    """
    quantity = _parse_units(unit_text, name)
    if quantity.check("[mass] / [length] ** 2") or quantity.check("[mass] / [length] ** 2 / [time]"):
        quantity = quantity / _WATER_DENSITY
    days = np.asarray(days, dtype=float)
    if quantity.check("[length]"):
        return np.full(days.shape, quantity.to("mm").magnitude)
    if not quantity.check("[length] / [time]"):
        raise RasterError("err_raster_not_rainfall_units", "{file}: units {units!r} are not a rainfall rate or depth", file=name, units=unit_text)
    if frequency == "monthly":
        if "month" in str(quantity.units):
            return np.full(days.shape, quantity.to("mm/month").magnitude)
        return quantity.to("mm/day").magnitude * days
    return np.full(days.shape, quantity.to("mm/day").magnitude)


def write_geotiff(da: xr.DataArray, path: str | os.PathLike, crs: str = GRID_CRS) -> Path:
    """Write a ``(y, x)`` or ``(time, y, x)`` DataArray on a regular grid as a GeoTIFF.

    The write is atomic: a temporary file in the same folder, then ``os.replace``.
    NaN is written as NaN with nodata NaN; each band's description is its date
    (``YYYY-MM-DD``) and ``attrs["units"]`` goes to the ``units`` tag.

    Parameters
    ----------
    da : xarray.DataArray
        Regularly spaced ``x`` and ``y`` cell-centre coordinates. [any unit]
    path : path-like
        Destination file.
    crs : str
        CRS of the coordinates.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    if "time" not in da.dims:
        da = da.expand_dims("time")
    da = da.transpose("time", "y", "x")
    transform = _transform_from_centres(da["x"].values, da["y"].values, path.name)
    values = np.asarray(da.values, dtype=np.float32)
    if da["y"].values[0] < da["y"].values[-1]:
        values = values[:, ::-1, :]
    profile = dict(
        driver="GTiff", width=values.shape[2], height=values.shape[1], count=values.shape[0],
        dtype="float32", crs=crs, transform=transform, nodata=np.nan, compress="deflate",
    )
    fd, tmp = tempfile.mkstemp(suffix=".tif", dir=path.parent)
    os.close(fd)
    try:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(values)
            if "units" in da.attrs:
                dst.update_tags(units=str(da.attrs["units"]))
            if "time" in da.coords:
                for band, stamp in enumerate(np.atleast_1d(da["time"].values), start=1):
                    dst.set_band_description(band, pd.Timestamp(stamp).strftime("%Y-%m-%d"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def check_local(path: str | os.PathLike) -> Path:
    """``path`` as a :class:`~pathlib.Path`, refused if it is a URL or a GDAL virtual file system.

    Raises
    ------
    RasterError
        For ``http://…``, ``ftp://…``, ``/vsicurl/…``, ``/vsis3/…`` and the like, or a GDAL
        connection string (``WMS:…``), whether or not anything answers there.
    """
    if remote_name(path):
        raise RasterError("err_raster_remote", "{file}: not a local file (a URL, a GDAL virtual file system or a connection string); download it and give its local path", file=str(path)[:200])
    return Path(path)


def check_vrt(path: str | os.PathLike, root: str | os.PathLike | None = None) -> list[Path]:
    """The files a VRT reads, after checking that every one is local and in ``root`` or below.

    Parameters
    ----------
    path : path-like
        The VRT file.
    root : path-like, optional
        Folder every source must be in (or below); default the VRT's own folder. A nested
        VRT's sources must be in the outer VRT's folder too.

    Returns
    -------
    list of pathlib.Path
        The GeoTIFFs read, each once (nested VRTs are followed, not listed).

    Raises
    ------
    RasterError
        If the VRT is not a readable raster VRT of :data:`VRT_ELEMENTS`, or one of its sources
        is a URL or virtual file system, is outside ``root``, does not exist, or is neither a
        GeoTIFF nor a VRT. Nothing is opened with GDAL, so nothing is fetched.
    """
    path = check_local(path)
    folder = Path(os.path.abspath(root if root is not None else path.parent))
    found: list[Path] = []
    _walk_vrt(Path(os.path.abspath(path)), path.name, folder, found, frozenset(), set())
    return found


def _walk_vrt(path: Path, name: str, folder: Path, found: list[Path], above: frozenset[Path], done: set[Path]) -> None:
    """Check one VRT (named ``name`` in messages) and collect its GeoTIFF sources in ``found``.

    ``above`` holds the VRTs that lead to this one (a loop if it comes back), ``done`` the
    VRTs already checked (a stack reading one VRT once per band reads it once here).
    """
    above = above | {path.resolve()}
    try:
        size = path.stat().st_size
    except OSError:
        raise RasterError("err_no_such_file", "{file}: no such file", file=name) from None
    if size > MAX_VRT_BYTES:
        raise RasterError("err_raster_vrt_too_large", "{file}: a VRT of {size} bytes is larger than the limit of {limit} bytes", file=name, size=size, limit=MAX_VRT_BYTES)
    data = path.read_bytes()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RasterError("err_raster_vrt_doctype", "{file}: a VRT with a DOCTYPE or entities is not read", file=name)
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise RasterError("err_raster_vrt_unreadable", "{file}: not a readable VRT ({detail})", file=name, detail=_first_line(err)) from None
    if tree.tag != "VRTDataset":
        raise RasterError("err_raster_vrt_not_raster", "{file}: not a raster VRT (its root element is <{element}>, not <VRTDataset>)", file=name, element=str(tree.tag)[:60])
    for element in tree.iter():
        if element.tag not in VRT_ELEMENTS:
            raise RasterError("err_raster_vrt_element", "{file}: VRT element <{element}> is not accepted, only bands read from local files; convert it to a GeoTIFF first (gdal_translate)", file=name, element=str(element.tag)[:60])
        if element.get("subClass"):
            raise RasterError("err_raster_vrt_element", "{file}: VRT element <{element}> is not accepted, only bands read from local files; convert it to a GeoTIFF first (gdal_translate)", file=name, element=f"{element.tag} subClass={element.get('subClass')[:40]}")
    folder_real = folder.resolve()
    for element in tree.iter("SourceFilename"):
        text = (element.text or "").strip()
        shown = text[:200]
        if not text or remote_name(text):
            raise RasterError("err_raster_vrt_remote_source", "{file}: source {source!r} is not a local file (a URL, a GDAL virtual file system or a connection string); only local files in the VRT's folder are read", file=name, source=shown)
        candidate = Path(text)
        if element.get("relativeToVRT", "0").strip() not in ("", "0") and not candidate.is_absolute():
            candidate = path.parent / candidate
        candidate = Path(os.path.abspath(candidate))  # a relative name not relative to the VRT is GDAL's: relative to the working folder
        real = candidate.resolve()
        if not real.is_relative_to(folder_real):
            raise RasterError("err_raster_vrt_source_outside", "{file}: source {source!r} is outside the VRT's folder {folder}; copy it there or convert the VRT to a GeoTIFF", file=name, source=shown, folder=str(folder))
        if not real.is_file():
            raise RasterError("err_raster_vrt_source_missing", "{file}: source {source!r} does not exist", file=name, source=shown)
        head = _head(real)
        if head[:4] in TIFF_MAGIC:
            if real not in found:
                found.append(real)
        elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<VRTDataset"):
            if real in above:
                raise RasterError("err_raster_vrt_loop", "{file}: source {source!r} leads back to a VRT already read", file=name, source=shown)
            if real not in done:
                _walk_vrt(candidate, name, folder, found, above, done)
                done.add(real)
        else:
            raise RasterError("err_raster_vrt_source_type", "{file}: source {source!r} is neither a GeoTIFF nor a VRT", file=name, source=shown)


def materialise_vrt(path: str | os.PathLike, destination: str | os.PathLike) -> Path:
    """Write the pixels and metadata a VRT describes into a self-contained GeoTIFF.

    The VRT is checked first (:func:`check_vrt`) and read with :data:`GDAL_LOCAL_READ`; the
    GeoTIFF (deflate-compressed, tiled) keeps the bands, their descriptions (dates), units,
    nodata, tags, CRS and geotransform, and reads without the VRT or its sources.

    Parameters
    ----------
    path : path-like
        The VRT.
    destination : path-like
        The GeoTIFF to write (any name; written in place, not atomically).

    Returns
    -------
    pathlib.Path
        ``destination``.

    Raises
    ------
    RasterError
        If the VRT is refused or its pixels cannot be read.
    """
    path, destination = check_local(path), Path(destination)
    check_vrt(path)
    with _local_gdal():
        src = _open_with(path, ["VRT"])
        if src is None:
            raise RasterError("err_raster_not_raster", "{file}: not a raster (GDAL could not open it)", file=path.name)
        try:
            with src:
                rasterio.shutil.copy(src, destination, driver="GTiff", COMPRESS="DEFLATE", TILED="YES", BIGTIFF="IF_SAFER")
        except RasterioIOError as err:
            detail = _first_line(err.__cause__ or err).replace(str(path), path.name)
            raise RasterError("err_raster_corrupt", "{file}: cannot read pixels, truncated or corrupt ({detail})", file=path.name, detail=detail) from None
    return destination


def write_band_dates(path: str | os.PathLike, dates) -> None:
    """Write one date per band (``YYYY-MM-DD``) into a GeoTIFF's band descriptions, in place.

    The catalog does it to the copy it keeps, so that a date found in the name of the file
    added (``chirps_20240815.tif``) or in a VRT is not lost with that name. Nothing is
    written if the number of dates is not the number of bands.
    """
    stamps = [pd.Timestamp(d).strftime("%Y-%m-%d") for d in np.atleast_1d(dates)]
    with _local_gdal(), rasterio.open(path, "r+") as dst:
        if dst.count == len(stamps):
            for band, stamp in enumerate(stamps, start=1):
                dst.set_band_description(band, stamp)


# --------------------------------------------------------------------------- GDAL rasters


def _read_gdal(path, grid, crs, units, max_cells, dates_required=True, default_units=None, units_hint="mm/day"):
    """Values ``(band, row, col)`` on the grid, dates (None if absent and not required) and units."""
    name = path.name
    with _local_gdal(), _open_gdal(path) as src:
        _check_size(name, (src.count, src.height, src.width), max_cells)
        src_crs = _resolve_crs(name, crs, src.crs)
        if src.transform.is_identity and not src.gcps[0]:
            raise RasterError("err_raster_no_georeferencing", "{file}: no georeferencing (no geotransform); not a GeoTIFF with coordinates", file=name)
        _check_overlap(name, src.bounds, src_crs, grid)
        times = _band_dates(src, path, required=dates_required)
        unit_text = units or _band_units(src) or default_units
        if not unit_text:
            raise RasterError("err_raster_no_units_tag", "{file}: no units (no 'units' tag or band unit); pass --units, e.g. --units {hint}", file=name, hint=units_hint)
        window = _window_over_grid(src.transform, src.width, src.height, src_crs, grid)
        try:
            data = src.read(window=window, out_dtype="float32", masked=True)
        except RasterioIOError as err:
            detail = _first_line(err.__cause__ or err).replace(str(path), name)
            raise RasterError("err_raster_corrupt", "{file}: cannot read pixels, truncated or corrupt ({detail})", file=name, detail=detail) from None
        source = data.filled(np.nan)
        transform = src.window_transform(window)
    _check_finite(name, source)
    return _to_grid(source, transform, src_crs, grid), times, unit_text, src_crs


def _local_gdal() -> rasterio.Env:
    """rasterio's GDAL set for local reading only (:data:`GDAL_LOCAL_READ`)."""
    return rasterio.Env(**GDAL_LOCAL_READ)


def _open_gdal(path: Path):
    """Open a raster with the one driver its ending names, refusing files that are not what it says.

    A ``.tif`` is opened as a GeoTIFF only, a ``.vrt`` as a VRT only and after
    :func:`check_vrt`; any other ending with :data:`IDENTIFY_DRIVERS`. Call it inside
    :func:`_local_gdal`.
    """
    name = path.name
    suffix = path.suffix.lower()
    head = _head(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in TIFF_SUFFIXES and head[:4] not in TIFF_MAGIC:
        if text[:1] in (b"<", b"{"):  # XML (a VRT, a WMS description …) or JSON: never opened
            raise RasterError("err_raster_text_not_geotiff", "{file}: not a GeoTIFF but a text file (XML or JSON); it is not opened", file=name)
        found = _open_with(path, [d for d in IDENTIFY_DRIVERS if d != "GTiff"])
        if found is not None:
            driver = found.driver
            found.close()
            raise RasterError("err_raster_not_geotiff", "{file}: not a GeoTIFF (GDAL reads it as {driver})", file=name, driver=driver)
        raise RasterError("err_raster_not_raster", "{file}: not a raster (GDAL could not open it)", file=name)
    if suffix in VRT_SUFFIXES or text.startswith(b"<VRTDataset"):
        check_vrt(path)
        drivers = ["VRT"]
    elif suffix in TIFF_SUFFIXES:
        drivers = ["GTiff"]
    else:
        drivers = list(IDENTIFY_DRIVERS)
    src = _open_with(path, drivers)
    if src is None:
        raise RasterError("err_raster_not_raster", "{file}: not a raster (GDAL could not open it)", file=name)
    return src


def _open_with(path: Path, drivers) -> rasterio.io.DatasetReader | None:
    """The raster opened by the first of ``drivers`` that reads it, else None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        for driver in drivers:
            try:
                return rasterio.open(path, driver=driver)
            except RasterioIOError:
                continue
    return None


def _head(path: Path, size: int = 512) -> bytes:
    """The first ``size`` bytes of a file. [byte]"""
    with open(path, "rb") as handle:
        return handle.read(size)


def _check_finite(name: str, values: np.ndarray) -> None:
    """Refuse infinite values (NaN is nodata and stays)."""
    if np.isinf(values).any():
        raise RasterError("err_raster_infinite", "{file}: infinite values (inf) over the delta; declare them as nodata or remove them", file=name)


def _band_dates(src, path: Path, required: bool = True) -> pd.DatetimeIndex | None:
    """One date per band, from band descriptions, tags or (one band) the file name.

    Without any date: an error if ``required``, else None (an undated single map).
    """
    name = path.name
    tags = src.tags()
    found = []
    for band in range(1, src.count + 1):
        band_tags = src.tags(band)
        candidates = [src.descriptions[band - 1], band_tags.get("date"), band_tags.get("DATE")]
        found.append(next((d for d in map(_parse_date, candidates) if d is not None), None))
    if all(d is not None for d in found):
        return _date_index(name, found)
    listed = tags.get("dates") or tags.get("DATES")
    if listed:
        parsed = [_parse_date(item) for item in re.split(r"[,;\s]+", listed.strip())]
        if len(parsed) != src.count or any(d is None for d in parsed):
            raise RasterError("err_raster_dates_tag", "{file}: 'dates' tag has {entries} entries for {bands} bands, or unreadable dates", file=name, entries=len(parsed), bands=src.count)
        return _date_index(name, parsed)
    if src.count == 1:
        single = next(
            (d for d in map(_parse_date, [tags.get("date"), tags.get("DATE"), tags.get("TIFFTAG_DATETIME")]) if d),
            None,
        ) or _date_from_filename(path.stem)
        if single is not None:
            return _date_index(name, [single])
        if not required:
            return None
        raise RasterError(
            "err_raster_no_date",
            "{file}: no date; set the band description or a 'date' tag to YYYY-MM-DD, or put YYYYMMDD in the file name",
            file=name,
        )
    if not required and not any(found):
        return None
    raise RasterError(
        "err_raster_band_dates",
        "{file}: {bands} bands but no date for each; set the band descriptions to YYYY-MM-DD or a 'dates' tag listing one date per band",
        file=name,
        bands=src.count,
    )


def _band_units(src) -> str | None:
    """Units from the dataset's ``units`` tag, else the first band's tag or unit type."""
    tags = src.tags()
    for key in ("units", "UNITS", "unit"):
        if tags.get(key):
            return tags[key].strip()
    band_tags = src.tags(1)
    for key in ("units", "UNITS", "unit"):
        if band_tags.get(key):
            return band_tags[key].strip()
    return (src.units[0] or "").strip() or None


# --------------------------------------------------------------------------- NetCDF


def _read_netcdf(*args, **kwargs):
    """Values ``(time, row, col)`` on the grid, dates (None if absent and not required) and units
    (:func:`_read_netcdf_file`, holding :data:`sim.fileio.NETCDF_LOCK`)."""
    with NETCDF_LOCK:
        return _read_netcdf_file(*args, **kwargs)


def _read_netcdf_file(path, grid, crs, units, max_cells, dates_required=True, default_units=None, units_hint="mm/day"):
    name = path.name
    try:
        ds = xr.open_dataset(path, engine="netcdf4", decode_times=True)
    except Exception as err:  # netCDF4 and xarray raise OSError, ValueError, …
        detail = _first_line(err).replace(f": '{path}'", "").replace(str(path), name)
        raise RasterError("err_raster_not_netcdf", "{file}: not a NetCDF file netCDF4 can open ({detail})", file=name, detail=detail) from None
    with ds:
        var = _pick_variable(name, ds)
        ydim, xdim = _spatial_dims(name, var)
        undated = "time" not in var.dims and not dates_required and _parse_date(var.attrs.get("date")) is None and _date_from_filename(path.stem) is None
        var = var.expand_dims(time=[pd.Timestamp(0)]) if undated else _with_time(name, var, path)
        extra = [d for d in var.dims if d not in ("time", ydim, xdim)]
        if extra:
            raise RasterError("err_raster_extra_dimensions", "{file}: unexpected dimension(s) {dims}; expected time, latitude, longitude", file=name, dims=[str(d) for d in extra])
        var = var.transpose("time", ydim, xdim)
        _check_size(name, var.shape, max_cells)
        src_crs = _resolve_crs(name, crs, _netcdf_crs(ds, var, ydim, xdim), degrees=_in_degrees(var, ydim, xdim))
        if var[ydim].values[0] < var[ydim].values[-1]:
            var = var.isel({ydim: slice(None, None, -1)})
        transform = _transform_from_centres(var[xdim].values, var[ydim].values, name)
        width, height = var.sizes[xdim], var.sizes[ydim]
        _check_overlap(name, _bounds_of(transform, width, height), src_crs, grid)
        times = None if undated else _date_index(name, _times_of(name, var["time"]))
        unit_text = units or str(var.attrs.get("units", "")).strip() or default_units
        if not unit_text:
            raise RasterError("err_raster_no_units_attribute", "{file}: variable {variable!r} has no 'units' attribute; pass --units, e.g. --units {hint}", file=name, variable=var.name, hint=units_hint)
        window = _window_over_grid(transform, width, height, src_crs, grid)
        rows, cols = window.toslices()
        try:
            source = np.asarray(var.isel({ydim: rows, xdim: cols}).values, dtype=np.float32)
        except (OSError, RuntimeError, ValueError) as err:
            raise RasterError("err_raster_read_values", "{file}: cannot read values ({detail})", file=name, detail=_first_line(err)) from None
    _check_finite(name, source)
    transform = window_transform(window, transform)
    return _to_grid(source, transform, src_crs, grid), times, unit_text, src_crs


def _pick_variable(name: str, ds: xr.Dataset) -> xr.DataArray:
    """The ``precip`` variable, or the only data variable with two or more dims."""
    if "precip" in ds.data_vars:
        return ds["precip"]
    gridded = [v for v in ds.data_vars if ds[v].ndim >= 2]
    if len(gridded) == 1:
        return ds[gridded[0]]
    if not gridded:
        raise RasterError("err_raster_no_variable_none", "{file}: no 'precip' variable and not exactly one gridded variable (found: none)", file=name)
    raise RasterError("err_raster_no_variable", "{file}: no 'precip' variable and not exactly one gridded variable (found: {found})", file=name, found=[str(v) for v in gridded])


def _spatial_dims(name: str, var: xr.DataArray) -> tuple[str, str]:
    """Names of the (y, x) dimensions: latitude/longitude, lat/lon or y/x."""
    for ydim, xdim in (("latitude", "longitude"), ("lat", "lon"), ("y", "x")):
        if ydim in var.dims and xdim in var.dims:
            return ydim, xdim
    raise RasterError("err_raster_no_spatial_dims", "{file}: dims {dims!r} have no latitude/longitude, lat/lon or y/x pair", file=name, dims=tuple(var.dims))


def _with_time(name: str, var: xr.DataArray, path: Path) -> xr.DataArray:
    """``var`` with a ``time`` dimension; a 2-D field takes its date from attrs or name."""
    if "time" in var.dims:
        return var
    stamp = _parse_date(var.attrs.get("date")) or _date_from_filename(path.stem)
    if stamp is None:
        raise RasterError("err_raster_no_time", "{file}: no time dimension and no date; add a 'date' attribute or YYYYMMDD in the file name", file=name)
    return var.expand_dims(time=[pd.Timestamp(stamp)])


def _times_of(name: str, coord: xr.DataArray) -> list:
    """Dates of a decoded time coordinate (numpy datetime64 or cftime)."""
    values = coord.values
    if np.issubdtype(values.dtype, np.datetime64):
        return list(pd.DatetimeIndex(values))
    try:
        return [pd.Timestamp(v.year, v.month, v.day) for v in values]
    except AttributeError:
        raise RasterError("err_raster_time_undecodable", "{file}: time coordinate is not decodable as dates (units {units!r})", file=name, units=coord.attrs.get("units")) from None


def _in_degrees(var: xr.DataArray, ydim: str, xdim: str) -> bool:
    """Whether the spatial coordinates are latitude/longitude in degrees."""
    if ydim in ("latitude", "lat") and xdim in ("longitude", "lon"):
        return True
    yunits = str(var[ydim].attrs.get("units", "")).lower()
    xunits = str(var[xdim].attrs.get("units", "")).lower()
    return yunits.startswith("degree") and xunits.startswith("degree")


def _netcdf_crs(ds: xr.Dataset, var: xr.DataArray, ydim: str, xdim: str):
    """The CRS written in a CF grid-mapping variable, if any; else None."""
    mapping = var.attrs.get("grid_mapping") or var.encoding.get("grid_mapping")
    for candidate in filter(None, [mapping, "spatial_ref", "crs"]):
        if candidate in ds.variables:
            attrs = ds[candidate].attrs
            wkt = attrs.get("crs_wkt") or attrs.get("spatial_ref")
            if wkt:
                return wkt
    return None


# --------------------------------------------------------------------------- shared steps


def _check_size(name: str, shape: tuple[int, ...], max_cells: int) -> None:
    """Refuse a source whose cell count (bands × rows × columns) exceeds ``max_cells``."""
    cells = int(np.prod([int(n) for n in shape], dtype=object))
    if cells > max_cells:
        bands, rows, cols = (int(n) for n in shape)
        if bands != 1:
            raise RasterError("err_raster_too_large_stack", "{file}: {cols}×{rows}×{bands} cells exceeds the limit of {limit} cells; crop it first", file=name, cols=cols, rows=rows, bands=bands, limit=max_cells)
        raise RasterError("err_raster_too_large", "{file}: {cols}×{rows} cells exceeds the limit of {limit} cells; crop it first", file=name, cols=cols, rows=rows, limit=max_cells)


def _resolve_crs(name: str, given, found, degrees: bool = False) -> RioCRS:
    """The CRS to use: ``given``, else the file's, else EPSG:4326 for degrees."""
    text = given if given is not None else found
    if text is None or text == "":
        if degrees:
            return RioCRS.from_string(GRID_CRS)
        raise RasterError("err_raster_no_crs", "{file}: no CRS; pass --crs", file=name)
    try:
        return text if isinstance(text, RioCRS) else RioCRS.from_user_input(text)
    except CRSError as err:
        raise RasterError("err_raster_unknown_crs", "{file}: unknown CRS {crs!r} ({detail})", file=name, crs=str(given or found)[:60], detail=_first_line(err)) from None


def _check_overlap(name: str, bounds, src_crs: RioCRS, grid: Grid) -> None:
    """Refuse a source whose bounds, in EPSG:4326, miss the grid."""
    try:
        west, south, east, north = transform_bounds(src_crs, GRID_CRS, *bounds, densify_pts=21)
    except Exception as err:  # PROJ errors for bounds outside the projection's domain
        raise RasterError("err_raster_bounds_transform", "{file}: cannot transform its bounds to {crs} ({detail})", file=name, crs=GRID_CRS, detail=_first_line(err)) from None
    if not (west < grid.east and east > grid.west and south < grid.north and north > grid.south):
        raise _outside(name, (west, south, east, north), grid)


def _outside(name: str, bounds, grid: Grid) -> RasterError:
    """The error of a layer whose bounds (west, south, east, north, in degrees) miss the grid."""
    west, south, east, north = (float(b) for b in bounds)
    return RasterError(
        "err_raster_outside_delta",
        "{file}: does not overlap the delta (bounds {west:.3f}, {south:.3f}, {east:.3f}, {north:.3f} vs grid {grid_west}, {grid_south}, {grid_east}, {grid_north})",
        file=name,
        west=west,
        south=south,
        east=east,
        north=north,
        grid_west=grid.west,
        grid_south=grid.south,
        grid_east=grid.east,
        grid_north=grid.north,
    )


def _window_over_grid(transform, width: int, height: int, src_crs: RioCRS, grid: Grid) -> Window:
    """The source window covering the grid, with a margin of :data:`_MARGIN` cells."""
    bounds = transform_bounds(GRID_CRS, src_crs, *grid.bounds, densify_pts=21)
    window = from_bounds(*bounds, transform=transform)
    col0 = max(int(np.floor(window.col_off)) - _MARGIN, 0)
    row0 = max(int(np.floor(window.row_off)) - _MARGIN, 0)
    col1 = min(int(np.ceil(window.col_off + window.width)) + _MARGIN, width)
    row1 = min(int(np.ceil(window.row_off + window.height)) + _MARGIN, height)
    return Window(col0, row0, max(col1 - col0, 1), max(row1 - row0, 1))


def _to_grid(source: np.ndarray, transform, src_crs: RioCRS, grid: Grid) -> np.ndarray:
    """Resample ``(band, row, col)`` values onto the grid; NaN is nodata both sides."""
    out = np.full((source.shape[0], *grid.shape), np.nan, dtype=np.float32)
    reproject(
        source=np.ascontiguousarray(source, dtype=np.float32),
        destination=out,
        src_transform=transform,
        src_crs=src_crs,
        src_nodata=np.nan,
        dst_transform=grid.transform,
        dst_crs=GRID_CRS,
        dst_nodata=np.nan,
        resampling=RESAMPLING,
    )
    return out


def _finish(path: Path, grid: Grid, values: np.ndarray, times: pd.DatetimeIndex, unit_text: str) -> xr.DataArray:
    """Convert to mm/day or mm/month and wrap as a ``(time, y, x)`` DataArray."""
    frequency = _frequency(path.name, times, unit_text)
    days = np.asarray(times.days_in_month if frequency == "monthly" else np.ones(len(times)), dtype=float)
    factor = rainfall_factor(unit_text, frequency, days, path.name).astype(np.float32)
    values = values * factor[:, None, None]
    return xr.DataArray(
        values,
        dims=("time", "y", "x"),
        coords={
            "time": ("time", times.values),
            "y": ("y", grid.y, {"units": "degrees_north", "standard_name": "latitude"}),
            "x": ("x", grid.x, {"units": "degrees_east", "standard_name": "longitude"}),
        },
        name="rainfall",
        attrs={
            "units": "mm/month" if frequency == "monthly" else "mm/day",
            "frequency": frequency,
            "source": path.name,
            "source_units": unit_text,
            "resampling": RESAMPLING.name,
            "crs": GRID_CRS,
        },
    )


def _frequency(name: str, times: pd.DatetimeIndex, unit_text: str) -> str:
    """``"daily"`` or ``"monthly"`` from the time step; one date: from the units."""
    if len(times) == 1:
        return "monthly" if "month" in str(_parse_units(unit_text, name).units) else "daily"
    steps = np.diff(times.values).astype("timedelta64[h]").astype(float) / 24.0
    if np.allclose(steps, 1.0):
        return "daily"
    if np.all((steps >= 28) & (steps <= 31)):
        return "monthly"
    shown = [float(s) for s in sorted(set(np.round(steps, 2)))[:4]]
    raise RasterError("err_raster_time_step", "{file}: time steps of {steps:g} days are neither daily nor monthly", file=name, steps=shown)


def _parse_units(unit_text: str, name: str) -> pint.Quantity:
    """Parse units with the project's registry; CF exponents (``m-2``) are accepted."""
    text = _cf_to_pint(unit_text)
    try:
        parsed = ureg.parse_expression(text)
    except pint.errors.UndefinedUnitError:
        raise RasterError("err_raster_unknown_unit", "{file}: unknown unit {units!r}", file=name, units=unit_text) from None
    except Exception:  # tokenizer and dimensionality errors from odd strings
        raise RasterError("err_raster_unreadable_units", "{file}: cannot read units {units!r}", file=name, units=unit_text) from None
    if not isinstance(parsed, pint.Quantity):
        raise RasterError("err_raster_not_rainfall_units", "{file}: units {units!r} are not a rainfall rate or depth", file=name, units=unit_text)
    return parsed


def _cf_to_pint(text: str) -> str:
    """Rewrite CF/UDUNITS products such as ``"kg m-2 s-1"`` as ``"kg*m**-2*s**-1"``."""
    tokens = str(text).strip().split()
    if len(tokens) < 2:
        return re.sub(r"^([A-Za-z]+)\^?(-?\d+)$", r"\1**\2", str(text).strip())
    return "*".join(re.sub(r"^([A-Za-z]+)\^?(-?\d+)$", r"\1**\2", t) for t in tokens)


def _transform_from_centres(x: np.ndarray, y: np.ndarray, name: str):
    """North-up affine transform of regularly spaced cell-centre coordinates."""
    if len(x) < 2 or len(y) < 2:
        raise RasterError("err_raster_too_few_cells", "{file}: needs at least 2 cells along each axis to know the resolution", file=name)
    dx, dy = np.diff(x.astype(float)), np.diff(y.astype(float))
    for step, axis in ((dx, "x"), (dy, "y")):
        if not np.allclose(step, step[0], rtol=1e-4, atol=0):
            raise RasterError("err_raster_irregular", "{file}: {axis} coordinates are not regularly spaced", file=name, axis=axis)
    res_x, res_y = float(abs(dx.mean())), float(abs(dy.mean()))
    return from_origin(float(x.min()) - res_x / 2, float(y.max()) + res_y / 2, res_x, res_y)


def _bounds_of(transform, width: int, height: int) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a north-up raster."""
    left, top = transform.c, transform.f
    right, bottom = left + transform.a * width, top + transform.e * height
    return left, min(bottom, top), right, max(bottom, top)


def _date_index(name: str, dates) -> pd.DatetimeIndex:
    """A sorted, duplicate-free index of dates (midnight)."""
    index = pd.DatetimeIndex([pd.Timestamp(d) for d in dates]).normalize()
    if index.has_duplicates:
        raise RasterError("err_raster_repeated_dates", "{file}: repeated date(s) {dates}", file=name, dates=[str(d.date()) for d in index[index.duplicated()][:3]])
    if not index.is_monotonic_increasing:
        raise RasterError("err_raster_dates_order", "{file}: dates are not in increasing order", file=name)
    return index


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M:%S", "%Y.%m.%d", "%Y-%m")


def _parse_date(text) -> date | None:
    """A date from ISO text, ``YYYYMMDD``, ``YYYY-MM`` or a TIFF ``YYYY:MM:DD hh:mm:ss``."""
    if not text:
        return None
    text = str(text).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date_from_filename(stem: str) -> date | None:
    """A date written ``YYYYMMDD`` or ``YYYY.MM.DD`` (CHIRPS) in a file name."""
    for match in re.finditer(r"(?<!\d)(\d{4})([._-]?)(\d{2})\2(\d{2})(?!\d)", stem):
        try:
            return date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            continue
    return None


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


# --------------------------------------------------------------------------- hazard layers

LAYER_KINDS = ("rainfall", "flood-depth", "flood-extent", "drought-index")
"""Kinds of hazard layer the catalog holds."""

CANONICAL_UNITS = {"rainfall": "mm/day", "flood-depth": "m", "flood-extent": "1", "drought-index": "1"}
"""Units a layer of each kind is returned in (monthly rainfall series: mm/month)."""


def read_layer(
    path: str | os.PathLike,
    kind: str,
    grid: Grid | None = None,
    crs: str | None = None,
    units: str | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> xr.DataArray:
    """Read a hazard layer of ``kind`` onto the domain grid, in canonical units.

    Parameters
    ----------
    kind : {'rainfall', 'flood-depth', 'flood-extent', 'drought-index'}
        ``rainfall``: see :func:`read_rainfall` (dates required). ``flood-depth``: a
        raster of water depth in any length unit, returned in m. ``flood-extent``: polygons
        (GeoJSON, GeoPackage, zipped Shapefile) or a 0/1 raster, returned as the flooded
        share of each cell's centre (0 or 1). ``drought-index``: a dimensionless raster
        (SPI, WRSI, …). Dates are optional except for rainfall; an undated map has dims
        ``(y, x)``. Rainfall beyond :data:`MAX_DAILY_RAINFALL` (:data:`MAX_MONTHLY_RAINFALL`
        for a monthly series) and depths beyond :data:`MAX_FLOOD_DEPTH` or negative
        (:data:`NEGATIVE_TOLERANCE`) are refused; polygons must be valid.

    Raises
    ------
    RasterError
        One line naming the file.
    """
    if kind not in LAYER_KINDS:
        raise RasterError("err_raster_unknown_kind", "unknown layer kind {kind!r}; expected one of {kinds}", kind=kind, kinds=list(LAYER_KINDS))
    path = check_local(path)
    grid = grid or Grid()
    if kind == "rainfall":
        rain = read_rainfall(path, grid, crs, units, max_cells)
        _check_rainfall(path.name, rain)
        return rain
    if not path.is_file():
        raise RasterError("err_no_such_file", "{file}: no such file", file=path.name)
    if kind == "flood-extent" and path.suffix.lower() in VECTOR_SUFFIXES:
        return _read_extent_polygons(path, grid, crs)
    hint = {"flood-depth": "m"}.get(kind, "1")
    default = None if kind == "flood-depth" else "1"
    reader = _read_netcdf if path.suffix.lower() in NETCDF_SUFFIXES else _read_gdal
    values, times, unit_text, src_crs = reader(path, grid, crs, units, max_cells, dates_required=False, default_units=default, units_hint=hint)
    quantity = _parse_units(unit_text, path.name) if unit_text not in ("1", "") else ureg.Quantity(1.0)
    target = CANONICAL_UNITS[kind]
    if not quantity.check(ureg.Quantity(1.0, target).dimensionality):
        if kind == "flood-depth":
            raise RasterError("err_raster_units_not_depth", "{file}: units {units!r} do not fit a {kind} layer; expected a depth (m, cm, mm)", file=path.name, units=unit_text, kind=kind)
        raise RasterError("err_raster_units_not_dimensionless", "{file}: units {units!r} do not fit a {kind} layer; expected dimensionless", file=path.name, units=unit_text, kind=kind)
    values = values * np.float32(quantity.to(target).magnitude)
    if kind == "flood-depth":
        _check_depth(path.name, values)
        values = np.where(values < 0, np.float32(0.0), values)  # only -1 mm < depth < 0 is left: rounding
    return _wrap(path, grid, values, times, kind, unit_text, src_crs.to_string())


def _check_rainfall(name: str, rain: xr.DataArray) -> None:
    """Refuse rainfall beyond :data:`MAX_DAILY_RAINFALL` / :data:`MAX_MONTHLY_RAINFALL`, or negative."""
    values = rain.values
    if not np.isfinite(values).any():
        return
    units = rain.attrs["units"]
    limit = MAX_MONTHLY_RAINFALL if rain.attrs.get("frequency") == "monthly" else MAX_DAILY_RAINFALL
    top, bottom = float(np.nanmax(values)), float(np.nanmin(values))
    if top > limit:
        raise RasterError(
            "err_raster_rain_beyond_limit",
            "{file}: rainfall of {value:g} {units} exceeds {limit:g} {units}, more than any rainfall ever measured; check the units, or a nodata value not declared as such",
            file=name, value=top, units=units, limit=limit,
        )
    if bottom < -NEGATIVE_TOLERANCE["rainfall"]:
        raise RasterError("err_raster_negative_rain", "{file}: negative rainfall ({value:g} {units}); declare the nodata value of the file", file=name, value=bottom, units=units)


def _check_depth(name: str, values: np.ndarray) -> None:
    """Refuse water depths beyond :data:`MAX_FLOOD_DEPTH` or below zero. [m]"""
    if not np.isfinite(values).any():
        return
    top, bottom = float(np.nanmax(values)), float(np.nanmin(values))
    if top > MAX_FLOOD_DEPTH:
        raise RasterError(
            "err_raster_depth_beyond_limit",
            "{file}: water depth of {value:g} m exceeds {limit:g} m, deeper than any flood on the delta; is it a ground elevation, centimetres, or a nodata value not declared as such?",
            file=name, value=top, limit=MAX_FLOOD_DEPTH,
        )
    if bottom < -NEGATIVE_TOLERANCE["flood-depth"]:
        raise RasterError("err_raster_negative_depth", "{file}: negative water depth ({value:g} m); declare the nodata value of the file, or write 0 for dry cells", file=name, value=bottom)


def _read_extent_polygons(path: Path, grid: Grid, crs: str | None) -> xr.DataArray:
    """Flood-extent polygons rasterized onto the grid: 1 where a cell centre is inside."""
    from rasterio import features

    try:
        _, geoms, source_crs = read_polygons(path, crs=crs, with_crs=True, require_valid=True)
    except VectorError as err:
        if err.code:  # a coded message of sim.vectorio: the same, naming the file alone
            raise RasterError(err.code, err.template, **{**err.params, "file": path.name}) from None
        coded = vector_error(err, path, path.name)
        if coded is None:  # a message sim.vectorio does not usually give: English only
            english = str(err).replace(str(path), path.name)
            raise RasterError(english) from None
        code, english, params = coded
        raise RasterError(code, english, **params) from None
    shapes = [g for g in geoms if g is not None and not g.is_empty]
    if not shapes:
        raise RasterError("err_raster_no_polygons", "{file}: no polygons", file=path.name)
    west, south, east, north = shapely_bounds(shapes)
    if not (west < grid.east and east > grid.west and south < grid.north and north > grid.south):
        raise _outside(path.name, (west, south, east, north), grid)
    mask = features.rasterize(((g, 1) for g in shapes), out_shape=grid.shape, transform=grid.transform, fill=0, dtype="uint8")
    stamp = _date_from_filename(path.stem)
    times = _date_index(path.name, [stamp]) if stamp else None
    values = mask.astype(np.float32)[None, :, :]
    return _wrap(path, grid, values, times, "flood-extent", "1", source_crs)


def shapely_bounds(geoms) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a list of shapely geometries. [deg]"""
    import shapely

    return tuple(float(v) for v in shapely.total_bounds(np.asarray(geoms, dtype=object)))


def _wrap(path: Path, grid: Grid, values: np.ndarray, times, kind: str, source_units: str, source_crs: str) -> xr.DataArray:
    """A layer as ``(time, y, x)``, or ``(y, x)`` when undated, with its attributes."""
    coords = {
        "y": ("y", grid.y, {"units": "degrees_north", "standard_name": "latitude"}),
        "x": ("x", grid.x, {"units": "degrees_east", "standard_name": "longitude"}),
    }
    if times is None:
        data, dims = values[0], ("y", "x")
    else:
        data, dims = values, ("time", "y", "x")
        coords["time"] = ("time", times.values)
    return xr.DataArray(
        data,
        dims=dims,
        coords=coords,
        name=kind.replace("-", "_"),
        attrs={"units": CANONICAL_UNITS[kind], "kind": kind, "source": path.name, "source_units": source_units, "source_crs": source_crs, "crs": GRID_CRS},
    )
