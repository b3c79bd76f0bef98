"""Sums of rows by group, and block means of daily fields: the two aggregations of the drought indices.

:func:`sums_by` sums the rows of each group as ``np.sum`` does (the monthly and dekadal
totals); :func:`block_means` takes the means of square blocks of cells of every day (daily
rain from the domain grid to the coarser drought grid) in a compiled loop, accumulating in
float64. ``tests/hazards/test_aggregate.py`` checks them against xarray's ``resample(...).sum()``
and ``coarsen(...).mean()``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

__all__ = ["BLOCK_THREADS", "block_means", "sums_by"]

BLOCK_THREADS = 2
"""Threads computing :func:`block_means` (at most the CPUs) [-]. Notes: the compiled kernel
releases the GIL and each thread writes its own days, so the result does not depend on it."""


def sums_by(values: np.ndarray, keys: np.ndarray, wanted: np.ndarray, missing: float = 0.0) -> np.ndarray:
    """Sums over axis 0 of ``values`` for each of the ``wanted`` keys, NaN counting as 0
    (``missing`` where no row has the key); the rows of a key are consecutive.

    Parameters
    ----------
    values : numpy.ndarray
        Rows to sum along axis 0 [any unit].
    keys : numpy.ndarray
        Group key of each row.
    wanted : numpy.ndarray
        Keys whose sums are returned, in that order.
    missing : float
        Value of a key no row has [unit of ``values``].

    Returns
    -------
    numpy.ndarray
        (len(wanted), ...) sums [unit of ``values``], in the dtype of ``values``.
    """
    out = np.full((len(wanted), *values.shape[1:]), missing, values.dtype)
    for k, key in enumerate(wanted):
        rows = np.flatnonzero(keys == key)
        if rows.size:
            group = values[rows[0] : rows[-1] + 1]
            out[k] = np.sum(np.where(np.isnan(group), 0, group), axis=0)
    return out


def block_means(values: np.ndarray, factor: int) -> np.ndarray:
    """Means of ``factor`` x ``factor`` blocks of every day of a float32 (day, y, x) array,
    edge cells that fill no block dropped (as ``coarsen(..., boundary="trim").mean()``);
    every other day to each of :data:`BLOCK_THREADS` threads.

    Parameters
    ----------
    values : numpy.ndarray
        C-contiguous float32 (day, y, x) array [any unit].
    factor : int
        Block side [cells].

    Returns
    -------
    numpy.ndarray
        float32 (day, y // factor, x // factor) means [unit of ``values``], summed in
        float64 (NaN in a block gives NaN).
    """
    days = values.shape[0]
    out = np.zeros((days, values.shape[1] // factor, values.shape[2] // factor), np.float32)
    threads = max(1, min(BLOCK_THREADS, os.cpu_count() or 1, days))
    parts = [np.arange(k, days, threads) for k in range(threads)]
    if threads == 1:
        _block_means(values, factor, parts[0], out)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda part: _block_means(values, factor, part, out), parts))
    return out


@numba.njit(cache=True, nogil=True)
def _block_means(values: np.ndarray, factor: int, days: np.ndarray, out: np.ndarray) -> None:
    """Means of ``factor`` x ``factor`` blocks of the ``days`` of a (day, y, x) array into
    ``out``, each block summed in float64."""
    ny, nx = out.shape[1], out.shape[2]
    count = np.float64(factor * factor)
    for t in days:
        for i in range(ny):
            for j in range(nx):
                total = 0.0
                for k in range(i * factor, (i + 1) * factor):
                    for m in range(j * factor, (j + 1) * factor):
                        total += values[t, k, m]
                out[t, i, j] = total / count
