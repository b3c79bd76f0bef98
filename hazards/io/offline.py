"""GDAL kept on the local file system: what a raster read may open, and how.

A URL, a GDAL virtual file system (``/vsicurl/`` …) or a connection string is refused before
GDAL sees it (:func:`check_local`); every read runs in :func:`local_gdal`, with
:data:`GDAL_LOCAL_READ`, which forbids GDAL's network access and side files; a file is
opened with the one driver its ending names (:func:`hazards.io.geotiff.open_gdal`, which
checks a VRT's sources first with :func:`hazards.io.vrt.check_vrt`).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import rasterio
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

from hazards.io.errors import RasterError
from sim.core.vectorio import GDAL_OFFLINE, remote_name

__all__ = [
    "GDAL_LOCAL_READ",
    "IDENTIFY_DRIVERS",
    "NETCDF_SUFFIXES",
    "TIFF_MAGIC",
    "TIFF_SUFFIXES",
    "VRT_SUFFIXES",
    "check_local",
    "local_gdal",
    "open_with",
    "read_head",
]

NETCDF_SUFFIXES = {".nc", ".nc4", ".netcdf", ".cdf"}
"""Endings of a file read as NetCDF (with xarray's ``netcdf4`` engine, never through GDAL)."""

TIFF_SUFFIXES = {".tif", ".tiff", ".gtif"}
"""Endings of a file opened as a GeoTIFF, with GDAL's ``GTiff`` driver only."""

VRT_SUFFIXES = {".vrt"}
"""Endings of a file opened as a VRT, with GDAL's ``VRT`` driver only, after :func:`hazards.io.vrt.check_vrt`."""

TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
"""First four bytes of a TIFF or BigTIFF file (little- and big-endian)."""


IDENTIFY_DRIVERS = (
    "PNG",
    "JPEG",
    "GIF",
    "BMP",
    "WEBP",
    "JP2OpenJPEG",
    "HFA",
    "AAIGrid",
    "EHdr",
    "ENVI",
    "XYZ",
    "GTiff",
)
"""Drivers that read pixels held in the file itself: the only ones GDAL may try on a raster
whose ending is neither a GeoTIFF's nor a VRT's, and the ones that name the format of a file
that is not what its ending says."""


GDAL_LOCAL_READ = {**GDAL_OFFLINE, "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}
"""Configuration of every raster read: :data:`sim.core.vectorio.GDAL_OFFLINE`, and no side files.

Notes
-----
``GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR`` makes GDAL see the file's folder as empty, so a
raster is read alone, without ``.aux.xml``, ``.ovr`` or ``.msk`` files beside it: what is
checked when a layer is added is what the catalog, which keeps the file alone, reads later.
"""


def check_local(path: str | os.PathLike) -> Path:
    """``path`` as a :class:`~pathlib.Path`, refused if it is a URL or a GDAL virtual file system.

    Raises
    ------
    RasterError
        For ``http://…``, ``ftp://…``, ``/vsicurl/…``, ``/vsis3/…`` and the like, or a GDAL
        connection string (``WMS:…``), whether or not anything answers there.
    """
    if remote_name(path):
        raise RasterError(
            "err_raster_remote",
            "{file}: not a local file (a URL, a GDAL virtual file system or a connection string); download it and give its local path",
            file=str(path)[:200],
        )
    return Path(path)


def local_gdal() -> rasterio.Env:
    """rasterio's GDAL set for local reading only (:data:`GDAL_LOCAL_READ`)."""
    return rasterio.Env(**GDAL_LOCAL_READ)


def open_with(path: Path, drivers) -> rasterio.io.DatasetReader | None:
    """The raster opened by the first of ``drivers`` that reads it, else None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        for driver in drivers:
            try:
                return rasterio.open(path, driver=driver)
            except RasterioIOError:
                continue
    return None


def read_head(path: Path, size: int = 512) -> bytes:
    """The first ``size`` bytes of a file. [byte]"""
    with open(path, "rb") as handle:
        return handle.read(size)
