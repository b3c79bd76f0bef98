"""The compiled kernel of the gamma SPI: incomplete gamma function and normal quantile.

The regularized lower incomplete gamma function P(a, x) is the SPI's costliest step; the
vectorized ``scipy.special.gammainc`` spends 150-250 ns on each value. The kernels here run
the whole gamma SPI of one calendar month (CDF, zero inflation, normal quantile, clipping)
in one compiled pass over its cells, in parallel, with the cell's ``ln Gamma(a + 1)``
computed once and the power series of all the cell's values summed in lock step (one term
for all values at a time, which the compiler turns into SIMD instructions). They agree with
SciPy to 1e-13 in P and ~1e-11 in SPI; :mod:`hazards.spi` fits the distribution and hands
the cells of very large shapes (beyond :data:`KERNEL_MAX_SHAPE`) to SciPy.

The module knows nothing of SPI's conventions: the bound the quantiles are clipped to is an
argument (:data:`hazards.spi.SPI_LIMIT`).

References
----------
Abramowitz, M. & Stegun, I. A. (1964). Handbook of mathematical functions. National
    Bureau of Standards, Applied Mathematics Series 55, Washington. (A&S)
Lentz, W. J. (1976). Generating Bessel functions in Mie scattering calculations using
    continued fractions. Applied Optics 15(3), 668-671.
Moshier, S. L. (2000). Cephes Math Library, release 2.8, routine ndtri (as in SciPy's
    ``scipy.special.ndtri``). https://www.netlib.org/cephes/
Press, W. H., Teukolsky, S. A., Vetterling, W. T. & Flannery, B. P. (2007). Numerical
    recipes, 3rd edition, section 6.2: incomplete gamma function. Cambridge University
    Press.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["KERNEL_MAX_SHAPE", "SERIES_SPAN", "clipped_normal_quantile", "gamma_spi_kernel", "lower_gamma"]

_GAMMA_EPSILON = 1e-15
"""Relative size of the last term at which the series and continued fraction of P(a, x)
stop [-]. Notes: about the float64 machine epsilon (Press et al., 2007, section 6.2)."""

_SERIES_BLOCK = 8
"""Terms of the series added between two convergence checks [-]. Notes: one SIMD-friendly
block; the result does not depend on it beyond the last term's rounding."""

_SERIES_MAX_BLOCKS = 500
"""Cap on the series' blocks of :data:`_SERIES_BLOCK` terms [-]. Notes: never reached for
shapes up to :data:`KERNEL_MAX_SHAPE`."""

_FRACTION_MAX_TERMS = 2000
"""Cap on the continued fraction's terms [-]. Notes: never reached for shapes up to
:data:`KERNEL_MAX_SHAPE`."""

SERIES_SPAN = 4.0
"""Values ``x <= a + 1 + SERIES_SPAN sqrt(a + 1)`` of P(a, x) are summed by the series,
larger ones (P > 0.9999 for any shape) by the continued fraction [-]. Notes: the series
converges for every x, the fraction fast for x > a + 1 (Press et al., 2007, section 6.2)."""

KERNEL_MAX_SHAPE = 100.0
"""Cells with a larger gamma shape [-] are left to ``scipy.special.gammainc``. Notes: beyond
it the rounding error of ``a ln x - ln Gamma(a + 1)`` in the kernel's prefactor exceeds
~1e-13 relative (1e-12 at a = 1000)."""

_NDTRI_P0 = (
    -5.99633501014107895267e1,
    9.80010754185999661536e1,
    -5.66762857469070293439e1,
    1.39312609387279679503e1,
    -1.23916583867381258016e0,
)
"""Cephes ``ndtri`` numerator for ``|p - 1/2| <= 0.3647``, highest power first [-].
References: Moshier (2000)."""

_NDTRI_Q0 = (
    1.95448858338141759834e0,
    4.67627912898881538453e0,
    8.63602421390890590575e1,
    -2.25462687854119370527e2,
    2.00260212380060660359e2,
    -8.20372256168333339912e1,
    1.59056225126211695515e1,
    -1.18331621121330003142e0,
)
"""Cephes ``ndtri`` denominator for ``|p - 1/2| <= 0.3647``, highest power first, leading 1
omitted [-]. References: Moshier (2000)."""

_NDTRI_P1 = (
    4.05544892305962419923e0,
    3.15251094599893866154e1,
    5.71628192246421288162e1,
    4.40805073893200834700e1,
    1.46849561928858024014e1,
    2.18663306850790267539e0,
    -1.40256079171354495875e-1,
    -3.50424626827848203418e-2,
    -8.57456785154685413611e-4,
)
"""Cephes ``ndtri`` numerator for ``exp(-32) <= min(p, 1 - p) < 0.1353``, highest power
first [-]. References: Moshier (2000). Notes: quantiles beyond that range (``|z| > 8``)
are clipped anyway."""

_NDTRI_Q1 = (
    1.57799883256466749731e1,
    4.53907635128879210584e1,
    4.13172038254672030440e1,
    1.50425385692907503408e1,
    2.50464946208309415979e0,
    -1.42182922854787788574e-1,
    -3.80806407691578277194e-2,
    -9.33259480895457427372e-4,
)
"""Cephes ``ndtri`` denominator for ``exp(-32) <= min(p, 1 - p) < 0.1353``, highest power
first, leading 1 omitted [-]. References: Moshier (2000)."""

_NDTRI_EXP_M2 = 0.13533528323661269189
"""exp(-2) [-], where Cephes ``ndtri`` changes approximation. References: Moshier (2000)."""

_NDTRI_EXP_M32 = 1.2664165549094176e-14
"""exp(-32) [-], the end of the second approximation of Cephes ``ndtri``. References:
Moshier (2000)."""

_SQRT_2PI = 2.50662827463100050242
"""sqrt(2 pi) [-]. Notes: mathematical constant, as written in Cephes (Moshier, 2000)."""

_CELLS_PER_TASK = 64
"""Cells per parallel task of :func:`_gamma_spi_cells` [-]. Notes: tuning; the result does
not depend on it."""


@numba.njit(cache=True)
def _polynomial(x: float, coefficients, monic: bool) -> float:
    """Horner value of a polynomial, highest power first; ``monic`` adds a leading 1."""
    total = 1.0 if monic else 0.0
    for c in coefficients:
        total = total * x + c
    return total


@numba.njit(cache=True)
def clipped_normal_quantile(p: float, limit: float) -> float:
    """``clip(ndtri(p), -limit, limit)`` [-] of a probability [-], NaN for NaN.

    Cephes ``ndtri`` (Moshier, 2000), the code of ``scipy.special.ndtri``, on the two
    ranges that can give a quantile within +-8; ``limit`` [-] is at most 8.
    """
    if math.isnan(p):
        return math.nan
    lower = p <= 1.0 - _NDTRI_EXP_M2
    y = p if lower else 1.0 - p
    if y > _NDTRI_EXP_M2:
        w = y - 0.5
        w2 = w * w
        z = _SQRT_2PI * (w + w * (w2 * _polynomial(w2, _NDTRI_P0, False) / _polynomial(w2, _NDTRI_Q0, True)))
    elif y >= _NDTRI_EXP_M32:
        r = math.sqrt(-2.0 * math.log(y))
        s = 1.0 / r
        z = r - math.log(r) / r - s * _polynomial(s, _NDTRI_P1, False) / _polynomial(s, _NDTRI_Q1, True)
        if lower:
            z = -z
    else:
        z = -math.inf if lower else math.inf
    return min(max(z, -limit), limit)


@numba.njit(cache=True)
def _lower_gamma_series(
    x: np.ndarray, shape: float, log_gamma_shape1: float, term: np.ndarray, out: np.ndarray
) -> None:
    """P(shape, x) of values ``x`` (> 0) of one shape by the power series, in lock step.

    ``P(a, x) = x^a e^-x / Gamma(a + 1) sum_n x^n / ((a + 1) .. (a + n))`` (A&S
    6.5.29; Press et al., 2007, eq. 6.2.5), with ``log_gamma_shape1 = ln Gamma(a + 1)``;
    terms are added, all values at a time, until the last one of every value is below
    :data:`_GAMMA_EPSILON` of its sum. ``term`` is scratch space of ``x``'s size;
    ``out`` gets the sums, then P.
    """
    count = x.size
    term[:] = 1.0
    out[:] = 1.0
    denominator = shape
    for _ in range(_SERIES_MAX_BLOCKS):
        for _ in range(_SERIES_BLOCK):
            denominator += 1.0
            reciprocal = 1.0 / denominator
            for k in range(count):
                term[k] *= x[k] * reciprocal
                out[k] += term[k]
        converged = True
        for k in range(count):
            converged &= term[k] <= _GAMMA_EPSILON * out[k]
        if converged:
            break
    for k in range(count):
        out[k] *= math.exp(shape * math.log(x[k]) - x[k] - log_gamma_shape1)


@numba.njit(cache=True)
def _upper_gamma_fraction(x: float, shape: float, log_gamma_shape: float) -> float:
    """Q(shape, x) = 1 - P(shape, x) for ``x > shape + 1`` by its continued fraction.

    Legendre's continued fraction ``Q(a, x) = x^a e^-x / Gamma(a) (1 / (x + 1 - a -
    1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ..))))`` (A&S 6.5.31; Press et
    al., 2007, eq. 6.2.7), evaluated by the modified Lentz (1976) method, with
    ``log_gamma_shape = ln Gamma(a)``.
    """
    tiny = 1e-300
    b = x + 1.0 - shape
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, _FRACTION_MAX_TERMS):
        an = -i * (i - shape)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _GAMMA_EPSILON:
            break
    return math.exp(shape * math.log(x) - x - log_gamma_shape) * h


@numba.njit(cache=True)
def lower_gamma(x: np.ndarray, shape: float, out: np.ndarray, scratch: np.ndarray) -> None:
    """Regularized lower incomplete gamma function P(shape, x) [-] of values of one shape.

    Values ``x <= a + 1 + SERIES_SPAN sqrt(a + 1)`` go to the lock-step series
    (:func:`_lower_gamma_series`), larger ones to the continued fraction
    (:func:`_upper_gamma_fraction`); agrees with ``scipy.special.gammainc`` to 1e-13
    for shapes up to :data:`KERNEL_MAX_SHAPE`.

    Parameters
    ----------
    x : numpy.ndarray
        Arguments [-], positive and finite.
    shape : float
        Shape ``a`` [-], positive.
    out : numpy.ndarray
        Receives P [-], same size as ``x``.
    scratch : numpy.ndarray
        Work array of shape (4, at least ``x.size``).

    References
    ----------
    A&S 6.5.29 and 6.5.31; Press et al. (2007), section 6.2; Lentz (1976).
    """
    log_gamma_shape = math.lgamma(shape)
    series_limit = shape + 1.0 + SERIES_SPAN * math.sqrt(shape + 1.0)
    series_x, series_index, term, series_p = scratch[0], scratch[1], scratch[2], scratch[3]
    count = 0
    for i in range(x.size):
        if x[i] <= series_limit:
            series_x[count] = x[i]
            series_index[count] = i
            count += 1
        else:
            out[i] = 1.0 - _upper_gamma_fraction(x[i], shape, log_gamma_shape)
    if count:
        _lower_gamma_series(series_x[:count], shape, log_gamma_shape + math.log(shape), term[:count], series_p[:count])
        for k in range(count):
            out[int(series_index[k])] = series_p[k]


@numba.njit(cache=True)
def _gamma_spi_cell(
    sums: np.ndarray, shape: float, scale: float, p_zero: float, limit: float, out: np.ndarray, scratch: np.ndarray
) -> None:
    """Gamma SPI [-] of one cell's sums [mm] of one calendar month into ``out``.

    As ``hazards.spi._standard_normal(hazards.spi.gamma_probability(..))``: zeros get the
    probability of zero, positive values ``p0 + (1 - p0) P(shape, x / scale)``
    (:func:`lower_gamma`), both mapped by :func:`clipped_normal_quantile` with ``limit``
    [-]; ``scratch`` is a (7, samples) work array.
    """
    undefined = math.isnan(p_zero)
    p0 = 0.0 if undefined or p_zero >= 1.0 else p_zero
    fitted = math.isfinite(shape) and math.isfinite(scale) and shape > 0.0 and scale > 0.0
    positive, rows, cdf = scratch[4], scratch[5], scratch[6]
    count = 0
    for i in range(sums.size):
        value = sums[i]
        if value > 0.0 and fitted:
            positive[count] = value / scale
            rows[count] = i
            count += 1
        elif value == 0.0 and not undefined:
            out[i] = clipped_normal_quantile(p0, limit)
        else:  # NaN, a zero without calibration data, or a positive value of an unfitted cell
            out[i] = math.nan
    if count:
        lower_gamma(positive[:count], shape, cdf[:count], scratch[:4])
        for k in range(count):
            out[int(rows[k])] = clipped_normal_quantile(p0 + (1.0 - p0) * cdf[k], limit)


@numba.njit(cache=True, parallel=True)
def _gamma_spi_cells(
    sums: np.ndarray, alpha: np.ndarray, beta: np.ndarray, p_zero: np.ndarray, limit: float, out: np.ndarray
) -> None:
    """:func:`_gamma_spi_cell` on every cell with ``alpha <= KERNEL_MAX_SHAPE`` or no fit,
    in parallel over blocks of :data:`_CELLS_PER_TASK` cells; other cells are left alone."""
    samples, cells = sums.shape
    tasks = (cells + _CELLS_PER_TASK - 1) // _CELLS_PER_TASK
    for task in numba.prange(tasks):
        scratch = np.empty((7, samples))
        column = np.empty(samples)
        result = np.empty(samples)
        for j in range(task * _CELLS_PER_TASK, min(cells, (task + 1) * _CELLS_PER_TASK)):
            if alpha[j] > KERNEL_MAX_SHAPE:
                continue
            column[:] = sums[:, j]
            _gamma_spi_cell(column, alpha[j], beta[j], p_zero[j], limit, result, scratch)
            out[:, j] = result


def gamma_spi_kernel(
    sums: np.ndarray, alpha: np.ndarray, beta: np.ndarray, p_zero: np.ndarray, limit: float, out: np.ndarray
) -> None:
    """Gamma SPI [-] of one calendar month's sums (samples x cells) into ``out``.

    Parameters
    ----------
    sums : numpy.ndarray
        Accumulated precipitation, (samples, cells) [mm].
    alpha, beta : numpy.ndarray
        Gamma shape [-] and scale [mm] of each cell.
    p_zero : numpy.ndarray
        Probability of zero of each cell [-] (NaN: no calibration data).
    limit : float
        Bound the normal quantiles are clipped to [-].
    out : numpy.ndarray
        Receives the SPI [-], same shape as ``sums``. Cells with ``alpha >
        KERNEL_MAX_SHAPE`` are not written: the caller computes them with SciPy.
    """
    # hand out the kernel's tasks one at a time (dynamic scheduling), so that a thread
    # slowed down by other processes does fewer of them
    previous_chunk_size = numba.set_parallel_chunksize(1)
    try:
        _gamma_spi_cells(sums, alpha, beta, p_zero, limit, out)
    finally:
        numba.set_parallel_chunksize(previous_chunk_size)
