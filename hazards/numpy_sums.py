"""Sums and block means with NumPy's own bits, for the bit-for-bit rule.

xarray's ``groupby(...).sum()``, ``resample(...).sum()`` and ``coarsen(...).mean()`` are
exact references the drought indices were first computed with; the functions here give
the same bits faster: :func:`sums_by` sums the rows of a group as ``np.sum`` does, and
:func:`block_means` emulates, in a compiled kernel, NumPy's pairwise float32 summation of
each block. The emulation costs code, but keeps every seeded run identical to the runs
made through xarray.

References
----------
NumPy's ``pairwise_sum`` (``numpy/_core/src/umath/loops_utils.h.src``): one by one below 8
values, else 8 running sums combined pairwise, then the rest; halves beyond 128 values.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

__all__ = ["BLOCK_THREADS", "block_means", "sums_by"]

BLOCK_THREADS = 2
"""Threads computing :func:`block_means` (at most the CPUs) [-]. Notes: the compiled kernel
releases the GIL and each thread writes its own days, so the bits do not depend on it."""


def sums_by(values: np.ndarray, keys: np.ndarray, wanted: np.ndarray, missing: float = 0.0) -> np.ndarray:
    """Sums over axis 0 of ``values`` for each of the ``wanted`` keys, NaN counting as 0
    (``missing`` where no row has the key); the rows of a key are consecutive.

    Each sum is computed as xarray's ``groupby(...).sum()`` and ``resample(...).sum()`` do
    it (``np.sum`` of the group's rows with NaN set to 0), so the bits are the same.

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
    """Means of ``factor`` x ``factor`` blocks of every day of a float32 (day, y, x) array.

    The bits of ``coarsen(y=factor, x=factor, boundary="trim").mean()`` for values without
    NaN (:func:`_block_means32`); every other day to each of :data:`BLOCK_THREADS` threads.

    Parameters
    ----------
    values : numpy.ndarray
        C-contiguous float32 (day, y, x) array [any unit].
    factor : int
        Block side [cells].

    Returns
    -------
    numpy.ndarray
        float32 (day, y // factor, x // factor) means [unit of ``values``].
    """
    days = values.shape[0]
    out = np.zeros((days, values.shape[1] // factor, values.shape[2] // factor), np.float32)
    bits = values.view(np.uint32)
    threads = max(1, min(BLOCK_THREADS, os.cpu_count() or 1, days))
    parts = [np.arange(k, days, threads) for k in range(threads)]
    if threads == 1:
        _block_means32(values, bits, factor, parts[0], out)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda part: _block_means32(values, bits, factor, part, out), parts))
    return out


@numba.njit(cache=True, nogil=True)
def _block_means32(values: np.ndarray, bits: np.ndarray, factor: int, days: np.ndarray, out: np.ndarray) -> None:
    """Means of ``factor`` x ``factor`` blocks of the ``days`` of a float32 (day, y, x)
    array into ``out`` (zero on entry), with NumPy's bits: its float32 sum over the block's
    rows, each row added by NumPy's pairwise summation (one by one below 8 values, else 8
    running sums combined pairwise, then the rest), then ``float32(float64(sum) / factor**2)``.
    ``bits`` is ``values`` viewed as uint32: a block whose values are all +0 (every bit 0)
    is left at 0, the mean NumPy gives it."""
    ny, nx = out.shape[1], out.shape[2]
    count = np.float64(factor * factor)
    for t in days:
        for i in range(ny):
            for j in range(nx):
                any_bit = np.uint32(0)
                for k in range(factor):
                    row = bits[t, i * factor + k]
                    for m in range(j * factor, (j + 1) * factor):
                        any_bit |= row[m]
                if any_bit == 0:
                    continue
                total = np.float32(0.0)
                for k in range(factor):
                    total += _pairwise_sum32(values[t, i * factor + k], j * factor, factor)
                out[t, i, j] = np.float32(np.float64(total) / count)


@numba.njit(cache=True, nogil=True)
def _pairwise_sum32(row: np.ndarray, start: int, n: int) -> np.float32:
    """NumPy's pairwise sum of ``row[start:start + n]`` in float32 (its ``pairwise_sum`` for float)."""
    if n < 8:
        total = np.float32(0.0)
        for i in range(n):
            total += row[start + i]
        return total
    if n <= 128:
        r0, r1, r2, r3 = row[start], row[start + 1], row[start + 2], row[start + 3]
        r4, r5, r6, r7 = row[start + 4], row[start + 5], row[start + 6], row[start + 7]
        i = 8
        while i < n - (n % 8):
            r0 += row[start + i]
            r1 += row[start + i + 1]
            r2 += row[start + i + 2]
            r3 += row[start + i + 3]
            r4 += row[start + i + 4]
            r5 += row[start + i + 5]
            r6 += row[start + i + 6]
            r7 += row[start + i + 7]
            i += 8
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            total += row[start + i]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return _pairwise_sum32(row, start, half) + _pairwise_sum32(row, start + half, n - half)
