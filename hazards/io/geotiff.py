"""GeoTIFFs and other rasters GDAL reads (a VRT of local GeoTIFFs …), read and written.

A raster is one band for one date or a stack with one date per band; the dates come from
band descriptions, ``date``/``dates`` tags or (one band) the file name. A file is opened
with the one driver its ending names (:func:`open_gdal`), inside
:func:`hazards.io.offline.local_gdal`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import xarray as xr
from rasterio.errors import RasterioIOError

from hazards.io.errors import RasterError, first_line
from hazards.io.metadata import (
    RAINFALL_READ,
    ReadOptions,
    date_from_filename,
    date_index,
    parse_date,
)
from hazards.io.offline import (
    IDENTIFY_DRIVERS,
    TIFF_MAGIC,
    TIFF_SUFFIXES,
    VRT_SUFFIXES,
    local_gdal,
    open_with,
    read_head,
)
from hazards.io.regrid import (
    bounds_in_degrees,
    check_finite,
    check_overlap,
    check_size,
    resolve_crs,
    to_grid,
    transform_from_centres,
    window_over_grid,
)
from hazards.io.vrt import check_vrt
from sim.core.fileio import atomic_path
from sim.core.grid import CRS as GRID_CRS
from sim.core.grid import Grid

__all__ = ["band_dates", "band_units", "open_gdal", "read_gdal", "write_band_dates", "write_geotiff"]


def read_gdal(
    path: Path, grid: Grid, crs: str | None, units: str | None, max_cells: int, options: ReadOptions = RAINFALL_READ
):
    """A raster GDAL reads, on the grid.

    Parameters
    ----------
    path : pathlib.Path
        A local raster (:func:`hazards.io.offline.check_local`).
    grid : Grid
        The domain grid.
    crs, units : str, optional
        CRS and units that override the file's own.
    max_cells : int
        Largest source accepted, bands × rows × columns [cell].
    options : ReadOptions
        Whether dates are required, the units of a file without any.

    Returns
    -------
    values : numpy.ndarray
        float32 ``(band, y, x)`` on the grid [the file's units].
    times : pandas.DatetimeIndex or None
        One date per band; None for an undated map when ``options`` allows it.
    unit_text : str
        The units of the values.
    src_crs : rasterio.crs.CRS
        The source's CRS.
    """
    name = path.name
    with local_gdal(), open_gdal(path) as src:
        check_size(name, (src.count, src.height, src.width), max_cells)
        src_crs = resolve_crs(name, crs, src.crs)
        if src.transform.is_identity and not src.gcps[0]:
            raise RasterError(
                "err_raster_no_georeferencing",
                "{file}: no georeferencing (no geotransform); not a GeoTIFF with coordinates",
                file=name,
            )
        check_overlap(name, bounds_in_degrees(name, src.bounds, src_crs), grid)
        times = band_dates(src, path, required=options.dates_required)
        unit_text = units or band_units(src) or options.default_units
        if not unit_text:
            raise RasterError(
                "err_raster_no_units_tag",
                "{file}: no units (no 'units' tag or band unit); pass --units, e.g. --units {hint}",
                file=name,
                hint=options.units_hint,
            )
        window = window_over_grid(src.transform, src.width, src.height, src_crs, grid)
        try:
            data = src.read(window=window, out_dtype="float32", masked=True)
        except RasterioIOError as err:
            detail = first_line(err.__cause__ or err).replace(str(path), name)
            raise RasterError(
                "err_raster_corrupt",
                "{file}: cannot read pixels, truncated or corrupt ({detail})",
                file=name,
                detail=detail,
            ) from None
        source = data.filled(np.nan)
        transform = src.window_transform(window)
    check_finite(name, source)
    if options.check_source is not None:
        options.check_source(name, source)
    return to_grid(source, transform, src_crs, grid, options.resampling), times, unit_text, src_crs


def open_gdal(path: Path):
    """Open a raster with the one driver its ending names, refusing files that are not what it says.

    A ``.tif`` is opened as a GeoTIFF only, a ``.vrt`` as a VRT only and after
    :func:`hazards.io.vrt.check_vrt`; any other ending with :data:`hazards.io.offline.IDENTIFY_DRIVERS`. Call it inside
    :func:`hazards.io.offline.local_gdal`.
    """
    name = path.name
    suffix = path.suffix.lower()
    head = read_head(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in TIFF_SUFFIXES and head[:4] not in TIFF_MAGIC:
        if text[:1] in (b"<", b"{"):  # XML (a VRT, a WMS description …) or JSON: never opened
            raise RasterError(
                "err_raster_text_not_geotiff",
                "{file}: not a GeoTIFF but a text file (XML or JSON); it is not opened",
                file=name,
            )
        found = open_with(path, [d for d in IDENTIFY_DRIVERS if d != "GTiff"])
        if found is not None:
            driver = found.driver
            found.close()
            raise RasterError(
                "err_raster_not_geotiff", "{file}: not a GeoTIFF (GDAL reads it as {driver})", file=name, driver=driver
            )
        raise RasterError("err_raster_not_raster", "{file}: not a raster (GDAL could not open it)", file=name)
    if suffix in VRT_SUFFIXES or text.startswith(b"<VRTDataset"):
        check_vrt(path)
        drivers = ["VRT"]
    elif suffix in TIFF_SUFFIXES:
        drivers = ["GTiff"]
    else:
        drivers = list(IDENTIFY_DRIVERS)
    src = open_with(path, drivers)
    if src is None:
        raise RasterError("err_raster_not_raster", "{file}: not a raster (GDAL could not open it)", file=name)
    return src


def band_dates(src, path: Path, required: bool = True) -> pd.DatetimeIndex | None:
    """One date per band, from band descriptions, tags or (one band) the file name.

    Without any date: an error if ``required``, else None (an undated single map).
    """
    name = path.name
    tags = src.tags()
    found = []
    for band in range(1, src.count + 1):
        band_tags = src.tags(band)
        candidates = [src.descriptions[band - 1], band_tags.get("date"), band_tags.get("DATE")]
        found.append(next((d for d in map(parse_date, candidates) if d is not None), None))
    if all(d is not None for d in found):
        return date_index(name, found)
    listed = tags.get("dates") or tags.get("DATES")
    if listed:
        parsed = [parse_date(item) for item in re.split(r"[,;\s]+", listed.strip())]
        if len(parsed) != src.count or any(d is None for d in parsed):
            raise RasterError(
                "err_raster_dates_tag",
                "{file}: 'dates' tag has {entries} entries for {bands} bands, or unreadable dates",
                file=name,
                entries=len(parsed),
                bands=src.count,
            )
        return date_index(name, parsed)
    if src.count == 1:
        single = next(
            (d for d in map(parse_date, [tags.get("date"), tags.get("DATE"), tags.get("TIFFTAG_DATETIME")]) if d),
            None,
        ) or date_from_filename(path.stem)
        if single is not None:
            return date_index(name, [single])
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


def band_units(src) -> str | None:
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


def write_geotiff(da: xr.DataArray, path: str | os.PathLike, crs: str = GRID_CRS) -> Path:
    """Write a ``(y, x)`` or ``(time, y, x)`` DataArray on a regular grid as a GeoTIFF.

    The write is atomic (:func:`sim.core.fileio.atomic_path`): a temporary file in the same
    folder, then a rename.
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
    transform = transform_from_centres(da["x"].values, da["y"].values, path.name)
    values = np.asarray(da.values, dtype=np.float32)
    if da["y"].values[0] < da["y"].values[-1]:
        values = values[:, ::-1, :]
    profile = dict(
        driver="GTiff",
        width=values.shape[2],
        height=values.shape[1],
        count=values.shape[0],
        dtype="float32",
        crs=crs,
        transform=transform,
        nodata=np.nan,
        compress="deflate",
    )
    with atomic_path(path) as tmp, rasterio.open(tmp, "w", **profile) as dst:
        dst.write(values)
        if "units" in da.attrs:
            dst.update_tags(units=str(da.attrs["units"]))
        if "time" in da.coords:
            for band, stamp in enumerate(np.atleast_1d(da["time"].values), start=1):
                dst.set_band_description(band, pd.Timestamp(stamp).strftime("%Y-%m-%d"))
    return path


def write_band_dates(path: str | os.PathLike, dates) -> None:
    """Write one date per band (``YYYY-MM-DD``) into a GeoTIFF's band descriptions, in place.

    The catalog does it to the copy it keeps, so that a date found in the name of the file
    added (``chirps_20240815.tif``) or in a VRT is not lost with that name. Nothing is
    written if the number of dates is not the number of bands.
    """
    stamps = [pd.Timestamp(d).strftime("%Y-%m-%d") for d in np.atleast_1d(dates)]
    with local_gdal(), rasterio.open(path, "r+") as dst:
        if dst.count == len(stamps):
            for band, stamp in enumerate(stamps, start=1):
                dst.set_band_description(band, stamp)
