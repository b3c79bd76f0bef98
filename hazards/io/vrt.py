"""VRTs checked without GDAL: read only when every source is a local GeoTIFF (or VRT) in their folder.

:func:`check_vrt` parses the XML itself — size, no DOCTYPE or entities, only the elements
of :data:`VRT_ELEMENTS` — and follows every ``SourceFilename``, so nothing is opened with
GDAL, and nothing is fetched, before the whole tree is known to be local.
:func:`materialise_vrt` writes the pixels of a checked VRT into a self-contained GeoTIFF,
which is what the catalog keeps.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree

import rasterio.shutil
from rasterio.errors import RasterioIOError

from hazards.io.errors import RasterError, first_line
from hazards.io.offline import TIFF_MAGIC, check_local, local_gdal, open_with, read_head
from sim.core.vectorio import remote_name

__all__ = ["MAX_VRT_BYTES", "VRT_ELEMENTS", "check_vrt", "materialise_vrt"]

MAX_VRT_BYTES = 1_000_000
"""Largest VRT (XML) file read; a VRT of even thousands of sources is far smaller. [byte]"""


VRT_ELEMENTS = frozenset(
    {
        "VRTDataset",
        "SRS",
        "GeoTransform",
        "Metadata",
        "MDI",
        "VRTRasterBand",
        "NoDataValue",
        "HideNoDataValue",
        "ColorInterp",
        "Description",
        "UnitType",
        "Offset",
        "Scale",
        "CategoryNames",
        "Category",
        "ColorTable",
        "Entry",
        "GCPList",
        "GCP",
        "SimpleSource",
        "ComplexSource",
        "AveragedSource",
        "KernelFilteredSource",
        "Kernel",
        "Size",
        "Coefs",
        "SourceFilename",
        "SourceBand",
        "SourceProperties",
        "SrcRect",
        "DstRect",
        "NODATA",
        "UseMaskBand",
        "ScaleOffset",
        "ScaleRatio",
        "Exponent",
        "SrcMin",
        "SrcMax",
        "DstMin",
        "DstMax",
        "LUT",
        "ColorTableComponent",
        "OverviewList",
        "Overview",
        "MaskBand",
        "Histograms",
        "HistItem",
        "HistMin",
        "HistMax",
        "BucketCount",
        "IncludeOutOfRange",
        "Approximate",
        "HistCounts",
        "BlockXSize",
        "BlockYSize",
    }
)
"""Elements of a VRT that describe bands of local files; anything else (a warped, derived,
pansharpened or processed VRT, pixel functions) is refused: translate it to a GeoTIFF first."""


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
        raise RasterError(
            "err_raster_vrt_too_large",
            "{file}: a VRT of {size} bytes is larger than the limit of {limit} bytes",
            file=name,
            size=size,
            limit=MAX_VRT_BYTES,
        )
    data = path.read_bytes()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RasterError("err_raster_vrt_doctype", "{file}: a VRT with a DOCTYPE or entities is not read", file=name)
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise RasterError(
            "err_raster_vrt_unreadable", "{file}: not a readable VRT ({detail})", file=name, detail=first_line(err)
        ) from None
    if tree.tag != "VRTDataset":
        raise RasterError(
            "err_raster_vrt_not_raster",
            "{file}: not a raster VRT (its root element is <{element}>, not <VRTDataset>)",
            file=name,
            element=str(tree.tag)[:60],
        )
    for element in tree.iter():
        if element.tag not in VRT_ELEMENTS:
            raise RasterError(
                "err_raster_vrt_element",
                "{file}: VRT element <{element}> is not accepted, only bands read from local files; convert it to a GeoTIFF first (gdal_translate)",
                file=name,
                element=str(element.tag)[:60],
            )
        if element.get("subClass"):
            raise RasterError(
                "err_raster_vrt_element",
                "{file}: VRT element <{element}> is not accepted, only bands read from local files; convert it to a GeoTIFF first (gdal_translate)",
                file=name,
                element=f"{element.tag} subClass={element.get('subClass')[:40]}",
            )
    folder_real = folder.resolve()
    for element in tree.iter("SourceFilename"):
        text = (element.text or "").strip()
        shown = text[:200]
        if not text or remote_name(text):
            raise RasterError(
                "err_raster_vrt_remote_source",
                "{file}: source {source!r} is not a local file (a URL, a GDAL virtual file system or a connection string); only local files in the VRT's folder are read",
                file=name,
                source=shown,
            )
        candidate = Path(text)
        if element.get("relativeToVRT", "0").strip() not in ("", "0") and not candidate.is_absolute():
            candidate = path.parent / candidate
        candidate = Path(
            os.path.abspath(candidate)
        )  # a relative name not relative to the VRT is GDAL's: relative to the working folder
        real = candidate.resolve()
        if not real.is_relative_to(folder_real):
            raise RasterError(
                "err_raster_vrt_source_outside",
                "{file}: source {source!r} is outside the VRT's folder {folder}; copy it there or convert the VRT to a GeoTIFF",
                file=name,
                source=shown,
                folder=str(folder),
            )
        if not real.is_file():
            raise RasterError(
                "err_raster_vrt_source_missing", "{file}: source {source!r} does not exist", file=name, source=shown
            )
        head = read_head(real)
        if head[:4] in TIFF_MAGIC:
            if real not in found:
                found.append(real)
        elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<VRTDataset"):
            if real in above:
                raise RasterError(
                    "err_raster_vrt_loop",
                    "{file}: source {source!r} leads back to a VRT already read",
                    file=name,
                    source=shown,
                )
            if real not in done:
                _walk_vrt(candidate, name, folder, found, above, done)
                done.add(real)
        else:
            raise RasterError(
                "err_raster_vrt_source_type",
                "{file}: source {source!r} is neither a GeoTIFF nor a VRT",
                file=name,
                source=shown,
            )


def materialise_vrt(path: str | os.PathLike, destination: str | os.PathLike) -> Path:
    """Write the pixels and metadata a VRT describes into a self-contained GeoTIFF.

    The VRT is checked first (:func:`check_vrt`) and read with :data:`hazards.io.offline.GDAL_LOCAL_READ`; the
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
    with local_gdal():
        src = open_with(path, ["VRT"])
        if src is None:
            raise RasterError("err_raster_not_raster", "{file}: not a raster (GDAL could not open it)", file=path.name)
        try:
            with src:
                rasterio.shutil.copy(
                    src, destination, driver="GTiff", COMPRESS="DEFLATE", TILED="YES", BIGTIFF="IF_SAFER"
                )
        except RasterioIOError as err:
            detail = first_line(err.__cause__ or err).replace(str(path), path.name)
            raise RasterError(
                "err_raster_corrupt",
                "{file}: cannot read pixels, truncated or corrupt ({detail})",
                file=path.name,
                detail=detail,
            ) from None
    return destination
