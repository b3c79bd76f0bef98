"""Counts onto the domain grid by summing, never averaging: people per pixel → people per cell.

A count raster (WorldPop's or GHSL's persons per pixel) cannot be interpolated like a rate or a
depth: a bilinear or average resampling keeps the values' level, not their total, so a
100 m raster read onto 1 km cells would lose 99 % of its people. :func:`sum_to_grid` moves
the counts instead.

Notes
-----
The rule: each source pixel is split into ``n × n`` equal parts (:func:`split_factor`), each
placed at the centre of its part; the part's share of the count, ``value / n²``, goes to the
grid cell its point falls in (after reprojection to the grid's CRS). A cell holds the sum of
the parts in it. The counts are thus conserved exactly (to float64 rounding): the total on
the grid is the total of the source's pixels over the grid, a pixel cut by the grid's edge
keeping only the parts that fall inside. Parts are at most a quarter of a grid cell apart
(:data:`PARTS_PER_CELL`), so a pixel larger than a cell is shared between cells in
proportion to its area over each, to within a quarter of a cell.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import Transformer
from rasterio.crs import CRS as RioCRS

from sim.core.grid import CRS as GRID_CRS
from sim.core.grid import Grid

__all__ = ["MAX_PARTS", "PARTS_PER_CELL", "split_factor", "sum_to_grid"]

PARTS_PER_CELL = 4
"""Parts of a source pixel along each axis per grid cell width [-]. Notes: assumption; a
quarter of a cell is finer than any boundary the model draws (cercles, the floodplain)."""

MAX_PARTS = 100_000_000
"""Most parts (pixels × n²) :func:`sum_to_grid` places [-]. Notes: about a minute of work;
a coarse source on a fine grid is split less finely beyond it (the counts stay conserved)."""

_BLOCK_PARTS = 2_000_000
"""Parts placed at a time, to bound the memory used (about 100 MB). [-]"""


def split_factor(pixel_deg: float, grid: Grid, pixels: int) -> int:
    """Parts per source pixel along each axis: enough for :data:`PARTS_PER_CELL` per cell.

    Parameters
    ----------
    pixel_deg : float
        Larger side of a source pixel. [deg]
    grid : Grid
        The domain grid.
    pixels : int
        Pixels to place (rows × columns × bands).
    """
    wanted = max(1, math.ceil(PARTS_PER_CELL * pixel_deg / grid.resolution - 1e-9))
    most = max(1, math.isqrt(max(MAX_PARTS // max(pixels, 1), 1)))
    return min(wanted, most)


def sum_to_grid(source: np.ndarray, transform, src_crs: RioCRS, grid: Grid, pixel_deg: float) -> np.ndarray:
    """Sum ``(band, row, col)`` counts onto the grid (see the module's notes for the rule).

    Parameters
    ----------
    source : numpy.ndarray
        Counts per pixel, NaN for nodata. [count]
    transform : affine.Affine
        The source's pixel → CRS transform.
    src_crs : rasterio.crs.CRS
        The source's CRS.
    grid : Grid
        The domain grid.
    pixel_deg : float
        Larger side of a source pixel. [deg]

    Returns
    -------
    numpy.ndarray
        float32 ``(band, y, x)``: the sum of the parts in each cell [count]; NaN in the cells
        no part with data falls in.
    """
    bands, rows, cols = source.shape
    n = split_factor(pixel_deg, grid, bands * rows * cols)
    cells = grid.shape[0] * grid.shape[1]
    to_grid = (
        None if src_crs == RioCRS.from_string(GRID_CRS) else Transformer.from_crs(src_crs, GRID_CRS, always_xy=True)
    )
    parts = (np.arange(n) + 0.5) / n
    col_pos = (np.arange(cols)[:, None] + parts[None, :]).ravel()  # part centres, in pixels
    step = max(1, _BLOCK_PARTS // max(cols * n * n, 1))
    totals = np.zeros((bands, cells))
    counted = np.zeros((bands, cells), np.int64)
    for start in range(0, rows, step):
        stop = min(start + step, rows)
        row_pos = (np.arange(start, stop)[:, None] + parts[None, :]).ravel()
        c, r = np.meshgrid(col_pos, row_pos)
        x, y = transform * (c.ravel(), r.ravel())
        if to_grid is not None:
            x, y = to_grid.transform(x, y)
        col = np.floor((np.asarray(x) - grid.west) / grid.resolution)
        row = np.floor((grid.north - np.asarray(y)) / grid.resolution)
        inside = (col >= 0) & (col < grid.shape[1]) & (row >= 0) & (row < grid.shape[0])
        flat = (row * grid.shape[1] + col)[inside].astype(np.int64)
        for band in range(bands):
            block = np.repeat(np.repeat(source[band, start:stop].astype(np.float64), n, axis=0), n, axis=1).ravel()
            values = block[inside]
            valid = np.isfinite(values)
            totals[band] += np.bincount(flat[valid], weights=values[valid] / (n * n), minlength=cells)
            counted[band] += np.bincount(flat[valid], minlength=cells)
    out = np.where(counted > 0, totals, np.nan).astype(np.float32)
    return out.reshape(bands, *grid.shape)
