"""Placing a source raster on the domain grid: size, CRS, overlap, the window read, resampling.

Size and overlap with the delta are checked from the header, before any pixel is read, and
only the window of the source that covers the delta (with a margin of :data:`_MARGIN`
cells) is read; it is resampled onto the grid by :data:`RESAMPLING`.

Notes
-----
Resampling is bilinear: rainfall rates and depths are smooth, intensive fields, and
bilinear interpolation neither invents blocky edges (nearest) nor needs the source to be
finer than the grid (average). It does not conserve the areal total exactly when the source
is much finer than the grid; crop and aggregate upstream if that matters. Counts (people per
pixel) are not interpolated but summed, conserving their total (:mod:`hazards.io.counts`);
densities are averaged (``average``).
"""

from __future__ import annotations

import numpy as np
from rasterio.crs import CRS as RioCRS
from rasterio.enums import Resampling
from rasterio.errors import CRSError
from rasterio.transform import from_origin
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window, from_bounds

from hazards.io.counts import sum_to_grid
from hazards.io.errors import RasterError, first_line
from sim.core.grid import CRS as GRID_CRS
from sim.core.grid import Grid

__all__ = [
    "DEFAULT_MAX_CELLS",
    "RESAMPLING",
    "RESAMPLINGS",
    "bounds_in_degrees",
    "bounds_of",
    "check_finite",
    "check_overlap",
    "check_size",
    "resolve_crs",
    "to_grid",
    "transform_from_centres",
    "window_over_grid",
]

DEFAULT_MAX_CELLS = 50_000_000
"""Largest source accepted, width × height × bands (or time steps) [cell]. Notes: 50 million
float32 cells are 200 MB in memory; a larger source is to be cropped first."""


RESAMPLING = Resampling.bilinear
"""Resampling onto the grid. Notes: bilinear suits smooth rates and depths (see the module's notes)."""

RESAMPLINGS = ("bilinear", "average", "sum")
"""Ways :func:`to_grid` places a source on the grid: bilinear (rates, depths, heights), the
area-weighted average (densities) or the sum (counts, :func:`hazards.io.counts.sum_to_grid`)."""


_MARGIN = 2
"""Source cells read beyond the grid's edges [cell]. Notes: for the interpolation kernel, which
reads the source cells around each grid cell's centre."""


def check_size(name: str, shape: tuple[int, ...], max_cells: int) -> None:
    """Refuse a source whose cell count (bands × rows × columns) exceeds ``max_cells``."""
    cells = int(np.prod([int(n) for n in shape], dtype=object))
    if cells > max_cells:
        bands, rows, cols = (int(n) for n in shape)
        if bands != 1:
            raise RasterError(
                "err_raster_too_large_stack",
                "{file}: {cols}×{rows}×{bands} cells exceeds the limit of {limit} cells; crop it first",
                file=name,
                cols=cols,
                rows=rows,
                bands=bands,
                limit=max_cells,
            )
        raise RasterError(
            "err_raster_too_large",
            "{file}: {cols}×{rows} cells exceeds the limit of {limit} cells; crop it first",
            file=name,
            cols=cols,
            rows=rows,
            limit=max_cells,
        )


def resolve_crs(name: str, given, found, degrees: bool = False) -> RioCRS:
    """The CRS to use: ``given``, else the file's, else EPSG:4326 for degrees."""
    text = given if given is not None else found
    if text is None or text == "":
        if degrees:
            return RioCRS.from_string(GRID_CRS)
        raise RasterError("err_raster_no_crs", "{file}: no CRS; pass --crs", file=name)
    try:
        return text if isinstance(text, RioCRS) else RioCRS.from_user_input(text)
    except CRSError as err:
        raise RasterError(
            "err_raster_unknown_crs",
            "{file}: unknown CRS {crs!r} ({detail})",
            file=name,
            crs=str(given or found)[:60],
            detail=first_line(err),
        ) from None


def bounds_in_degrees(name: str, bounds, src_crs: RioCRS) -> tuple[float, float, float, float]:
    """(west, south, east, north) [deg] of a source's ``bounds`` in its CRS ``src_crs``."""
    try:
        return transform_bounds(src_crs, GRID_CRS, *bounds, densify_pts=21)
    except Exception as err:  # PROJ errors for bounds outside the projection's domain
        raise RasterError(
            "err_raster_bounds_transform",
            "{file}: cannot transform its bounds to {crs} ({detail})",
            file=name,
            crs=GRID_CRS,
            detail=first_line(err),
        ) from None


def check_overlap(name: str, bounds, grid: Grid) -> None:
    """Refuse a source whose (west, south, east, north) bounds [deg] miss the grid."""
    west, south, east, north = bounds
    if west < grid.east and east > grid.west and south < grid.north and north > grid.south:
        return
    west, south, east, north = (float(b) for b in bounds)
    raise RasterError(
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


def window_over_grid(transform, width: int, height: int, src_crs: RioCRS, grid: Grid) -> Window:
    """The source window covering the grid, with a margin of :data:`_MARGIN` cells."""
    bounds = transform_bounds(GRID_CRS, src_crs, *grid.bounds, densify_pts=21)
    window = from_bounds(*bounds, transform=transform)
    col0 = max(int(np.floor(window.col_off)) - _MARGIN, 0)
    row0 = max(int(np.floor(window.row_off)) - _MARGIN, 0)
    col1 = min(int(np.ceil(window.col_off + window.width)) + _MARGIN, width)
    row1 = min(int(np.ceil(window.row_off + window.height)) + _MARGIN, height)
    return Window(col0, row0, max(col1 - col0, 1), max(row1 - row0, 1))


def to_grid(source: np.ndarray, transform, src_crs: RioCRS, grid: Grid, resampling: str = "bilinear") -> np.ndarray:
    """Resample ``(band, row, col)`` values onto the grid; NaN is nodata both sides.

    ``resampling`` is one of :data:`RESAMPLINGS`; ``sum`` conserves the total of a count.
    """
    if resampling == "sum":
        height, width = source.shape[1:]
        west, south, east, north = transform_bounds(src_crs, GRID_CRS, *bounds_of(transform, width, height))
        pixel_deg = max((east - west) / width, (north - south) / height)
        return sum_to_grid(source, transform, src_crs, grid, pixel_deg)
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
        resampling=Resampling[resampling],
    )
    return out


def transform_from_centres(x: np.ndarray, y: np.ndarray, name: str):
    """North-up affine transform of regularly spaced cell-centre coordinates."""
    if len(x) < 2 or len(y) < 2:
        raise RasterError(
            "err_raster_too_few_cells",
            "{file}: needs at least 2 cells along each axis to know the resolution",
            file=name,
        )
    dx, dy = np.diff(x.astype(float)), np.diff(y.astype(float))
    for step, axis in ((dx, "x"), (dy, "y")):
        if not np.allclose(step, step[0], rtol=1e-4, atol=0):
            raise RasterError(
                "err_raster_irregular", "{file}: {axis} coordinates are not regularly spaced", file=name, axis=axis
            )
    res_x, res_y = float(abs(dx.mean())), float(abs(dy.mean()))
    return from_origin(float(x.min()) - res_x / 2, float(y.max()) + res_y / 2, res_x, res_y)


def bounds_of(transform, width: int, height: int) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a north-up raster."""
    left, top = transform.c, transform.f
    right, bottom = left + transform.a * width, top + transform.e * height
    return left, min(bottom, top), right, max(bottom, top)


def check_finite(name: str, values: np.ndarray) -> None:
    """Refuse infinite values (NaN is nodata and stays)."""
    if np.isinf(values).any():
        raise RasterError(
            "err_raster_infinite",
            "{file}: infinite values (inf) over the delta; declare them as nodata or remove them",
            file=name,
        )
