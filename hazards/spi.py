"""The Standardized Precipitation Index (SPI) and the drought severity classes of its values.

* :func:`spi` -- the Standardized Precipitation Index (McKee et al., 1993) on a monthly
  ``xarray.DataArray``. It reproduces the algorithm of the ``climate-indices`` package
  (Adams, 2017) -- accumulation, per-calendar-month fit over a calibration period,
  zero-inflated gamma or Pearson type III distribution, transform to the standard
  normal, clipping to +-3.09 -- but fits every grid cell at once instead of one
  series at a time. The gamma SPI runs through the compiled kernel of
  :mod:`hazards.gamma_kernel`.
* :func:`spi_of_month` -- the same index at one month of a NumPy series, fitting that
  calendar month only.
* :func:`severity` -- the McKee et al. (1993) drought categories of an SPI value.

The module does no I/O.

References
----------
Adams, J. (2017). climate_indices, an open source Python library providing reference
    implementations of commonly used climate indices. https://github.com/monocongo/climate_indices
Hosking, J. R. M. (1990). L-moments: analysis and estimation of distributions using
    linear combinations of order statistics. Journal of the Royal Statistical Society
    B 52(1), 105-124.
Hosking, J. R. M. (1996). Fortran routines for use with the method of L-moments,
    version 3. IBM Research Report RC20525.
McKee, T. B., Doesken, N. J. & Kleist, J. (1993). The relationship of drought
    frequency and duration to time scales. 8th Conference on Applied Climatology,
    Anaheim, American Meteorological Society, 179-184.
Thom, H. C. S. (1958). A note on the gamma distribution. Monthly Weather Review 86(4),
    117-122.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from hazards.gamma_kernel import KERNEL_MAX_SHAPE, gamma_spi_kernel

__all__ = [
    "DISTRIBUTIONS",
    "SEVERITY_CLASSES",
    "SPI_LIMIT",
    "fit_gamma",
    "fit_pearson3",
    "gamma_probability",
    "pearson3_probability",
    "probability_of_zero",
    "rolling_sum",
    "sample_lmoments",
    "severity",
    "spi",
    "spi_of_month",
]

DISTRIBUTIONS = ("gamma", "pearson3")
"""Distributions :func:`spi` can fit. References: Adams (2017)."""

SPI_LIMIT = 3.09
"""SPI values are clipped to [-SPI_LIMIT, SPI_LIMIT] [-]. References: 3.09 is the standard
normal quantile of probability 0.999, the bound climate-indices (Adams, 2017) clips to."""

_TRACE = 0.0005
"""Pearson type III values below this are "trace" amounts treated as zero [mm].
References: the threshold climate-indices uses (Adams, 2017)."""

_PEARSON_LOWER_PROBABILITY = 0.0005
"""Probability given to values at or below the lower Pearson III support limit [-].
References: as in climate-indices (Adams, 2017)."""

_PEARSON_UPPER_PROBABILITY = 0.9995
"""Probability given to values at or above the upper Pearson III support limit [-].
References: as in climate-indices (Adams, 2017)."""

_PEARSON_MIN_NONZERO = 4
"""A Pearson III fit needs at least this many non-zero calibration values [-].
References: Hosking (1996) requires four values for three sample L-moments;
climate-indices applies the same minimum to the non-zero count."""

_PEARSON_NORMAL_SKEW = 1.6e-5
"""Below this absolute skew the Pearson III CDF is the normal CDF [-]. References: the
transition SciPy's ``pearson3`` uses, which climate-indices evaluates."""

_PELPE3_C = (0.2906, 0.1882, 0.0442)
"""(c1, c2, c3) of the rational function giving the Pearson III shape alpha from the
L-skewness t3 for |t3| < 1/3 [-]. References: Hosking (1996), routine PELPE3."""

_PELPE3_D = (0.36067, -0.59567, 0.25361, -2.78861, 2.56096, -0.77045)
"""(d1 .. d6) of the rational function giving the Pearson III shape alpha from the
L-skewness t3 for |t3| >= 1/3 [-]. References: Hosking (1996), routine PELPE3."""


def rolling_sum(values: np.ndarray, scale: int) -> np.ndarray:
    """Sum each value with the ``scale - 1`` values before it along axis 0.

    Parameters
    ----------
    values : numpy.ndarray
        Series along axis 0, any trailing cell axes [mm].
    scale : int
        Window length [time steps], at least 1.

    Returns
    -------
    numpy.ndarray
        Window sums [mm], same shape; the first ``scale - 1`` entries are NaN, and a
        window holding a NaN is NaN.
    """
    values = np.asarray(values, dtype=float)
    if scale == 1:
        return values.copy()
    n = values.shape[0]
    out = np.empty(values.shape)
    out[: scale - 1] = np.nan
    if n < scale:
        return out
    total = out[scale - 1 :]
    total[...] = values[: n - scale + 1]
    for lag in range(1, scale):
        total += values[lag : n - scale + 1 + lag]
    return out


def probability_of_zero(sample: np.ndarray) -> np.ndarray:
    """Fraction of the non-missing values of each column that are exactly zero.

    Parameters
    ----------
    sample : numpy.ndarray
        Calibration values, samples along axis 0 [mm].

    Returns
    -------
    numpy.ndarray
        Probability of zero [-], NaN for a column without a non-missing value.
    """
    zeros = np.count_nonzero(sample == 0.0, axis=0)
    present = np.count_nonzero(~np.isnan(sample), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(present > 0, zeros / present, np.nan)


def fit_gamma(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gamma shape and scale of the positive values of each column (Thom, 1958).

    Zeros and NaNs are left out. With ``A = ln(mean(x)) - mean(ln x)`` the shape is
    ``alpha = (1 + sqrt(1 + 4A/3)) / (4A)`` and the scale ``beta = mean(x) / alpha``
    (Thom's approximation of the maximum-likelihood estimate, the estimator McKee et
    al., 1993, and climate-indices use).

    Parameters
    ----------
    sample : numpy.ndarray
        Calibration values, samples along axis 0 [mm].

    Returns
    -------
    alpha : numpy.ndarray
        Shape [-], NaN where a column has no positive value.
    beta : numpy.ndarray
        Scale [mm].

    References
    ----------
    Thom (1958); McKee et al. (1993); Adams (2017).
    """
    positive = sample > 0.0  # NaN compares False
    count = np.count_nonzero(positive, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(positive, sample, 0.0).sum(axis=0) / count
        mean_log = np.where(positive, np.log(np.where(positive, sample, 1.0)), 0.0).sum(axis=0) / count
        a = np.log(mean) - mean_log
        alpha = (1.0 + np.sqrt(1.0 + 4.0 * a / 3.0)) / (4.0 * a)
        beta = mean / alpha
    return alpha, beta


def gamma_probability(values: np.ndarray, alpha: np.ndarray, beta: np.ndarray, p_zero: np.ndarray) -> np.ndarray:
    """Zero-inflated gamma cumulative probability ``p0 + (1 - p0) G(x; alpha, beta)``.

    Parameters
    ----------
    values : numpy.ndarray
        Accumulated precipitation [mm], non-negative.
    alpha, beta : numpy.ndarray
        Gamma shape [-] and scale [mm], broadcastable to ``values``.
    p_zero : numpy.ndarray
        Probability of zero [-]. A probability of one (no gamma fit possible) counts
        as zero, and NaN (no calibration data) too, with the zeros made NaN, as in
        climate-indices (Adams, 2017).

    Returns
    -------
    numpy.ndarray
        Cumulative probability [-].
    """
    values, alpha, beta, p_zero = np.broadcast_arrays(values, alpha, beta, p_zero)
    undefined = np.isnan(p_zero)
    p0 = np.where(undefined | (p_zero >= 1.0), 0.0, p_zero)
    # zeros have CDF 0 and NaNs stay NaN; the incomplete gamma function, by far the
    # costliest step, runs on the positive values of fitted cells only
    cdf = np.where(values == 0.0, 0.0, np.nan)
    fitted = (values > 0.0) & np.isfinite(alpha) & np.isfinite(beta) & (alpha > 0.0) & (beta > 0.0)
    cdf[fitted] = special.gammainc(alpha[fitted], values[fitted] / beta[fitted])
    probability = p0 + (1.0 - p0) * cdf
    return np.where((values <= 0.0) & undefined, np.nan, probability)


def sample_lmoments(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """First two sample L-moments and the L-skewness of each column (Hosking, 1990).

    From the unbiased probability-weighted moments of the ``n`` sorted non-missing
    values ``x(0) <= .. <= x(n-1)``, ``b0 = mean(x)``,
    ``b1 = sum(r x(r)) / (n (n-1))``, ``b2 = sum(r (r-1) x(r)) / (n (n-1) (n-2))``:
    ``l1 = b0``, ``l2 = 2 b1 - b0``, ``t3 = (6 b2 - 6 b1 + b0) / l2``.

    Parameters
    ----------
    sample : numpy.ndarray
        Samples along axis 0; NaN is missing.

    Returns
    -------
    l1, l2, t3 : numpy.ndarray
        Mean [units of sample], L-scale [units of sample], L-skewness [-].
    valid : numpy.ndarray of bool
        At least four values and ``l2 != 0``.

    References
    ----------
    Hosking (1990), eq. 2.3 and section 2.6; Hosking (1996), routine SAMLMR.
    """
    n = np.count_nonzero(~np.isnan(sample), axis=0).astype(float)
    ordered = np.sort(sample, axis=0)  # NaN sorts last
    rank = np.arange(sample.shape[0], dtype=float).reshape((-1,) + (1,) * (sample.ndim - 1))
    ordered = np.where(rank < n, ordered, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        b0 = ordered.sum(axis=0) / n
        b1 = (rank * ordered).sum(axis=0) / (n * (n - 1.0))
        b2 = (rank * (rank - 1.0) * ordered).sum(axis=0) / (n * (n - 1.0) * (n - 2.0))
        l2 = 2.0 * b1 - b0
        l3 = 6.0 * b2 - 6.0 * b1 + b0
        t3 = l3 / l2
    valid = (n >= 4) & (l2 != 0.0)
    return b0, l2, t3, valid


def fit_pearson3(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Probability of zero and Pearson type III parameters of each column by L-moments.

    The L-moments are those of all non-missing values, zeros included (as in
    climate-indices). The shape follows Hosking's (1996) PELPE3 rational
    approximation: with ``t = 3 pi t3^2`` for ``|t3| < 1/3``,
    ``alpha = (1 + c1 t) / (t (1 + t (c2 + c3 t)))``, else with ``t = 1 - |t3|``,
    ``alpha = t (d1 + t (d2 + d3 t)) / (1 + t (d4 + t (d5 + d6 t)))``; then
    ``scale = sqrt(pi) l2 Gamma(alpha) / Gamma(alpha + 1/2) * sqrt(alpha)``,
    ``skew = sign(t3) 2 / sqrt(alpha)``, ``loc = l1``. A column with fewer than four
    non-zero values or invalid L-moments (``l2 <= 0`` or ``|t3| >= 1``) gets all
    parameters 0 and ``valid`` False.

    Parameters
    ----------
    sample : numpy.ndarray
        Calibration values, samples along axis 0 [mm].

    Returns
    -------
    p_zero : numpy.ndarray
        Probability of zero [-] (0 where there is no zero).
    loc, scale : numpy.ndarray
        Location and scale [mm].
    skew : numpy.ndarray
        Skewness [-].
    valid : numpy.ndarray of bool
        Whether the fit succeeded.

    References
    ----------
    Hosking (1990); Hosking (1996), routine PELPE3; Adams (2017).
    """
    l1, l2, t3, valid = sample_lmoments(sample)
    zeros = np.count_nonzero(sample == 0.0, axis=0)
    present = np.count_nonzero(~np.isnan(sample), axis=0)
    valid = valid & (present - zeros >= _PEARSON_MIN_NONZERO) & (l2 > 0.0) & (np.abs(t3) < 1.0)

    c1, c2, c3 = _PELPE3_C
    d1, d2, d3, d4, d5, d6 = _PELPE3_D
    abs_t3 = np.where(valid, np.abs(t3), 0.5)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t_low = 3.0 * np.pi * abs_t3 * abs_t3
        alpha_low = (1.0 + c1 * t_low) / (t_low * (1.0 + t_low * (c2 + c3 * t_low)))
        t_high = 1.0 - abs_t3
        alpha_high = t_high * (d1 + t_high * (d2 + d3 * t_high)) / (1.0 + t_high * (d4 + t_high * (d5 + d6 * t_high)))
        alpha = np.where(abs_t3 < 1.0 / 3.0, alpha_low, alpha_high)
        root = np.sqrt(alpha)
        scale = np.sqrt(np.pi) * l2 / special.poch(alpha, 0.5) * root
        skew = np.sign(t3) * 2.0 / root
    no_skew = abs_t3 <= 1e-6
    scale = np.where(no_skew, l2 * np.sqrt(np.pi), scale)
    skew = np.where(no_skew, 0.0, skew)

    with np.errstate(divide="ignore", invalid="ignore"):
        p_zero = np.where(zeros > 0, zeros / present, 0.0)
    return (
        np.where(valid, p_zero, 0.0),
        np.where(valid, l1, 0.0),
        np.where(valid, scale, 0.0),
        np.where(valid, skew, 0.0),
        valid,
    )


def pearson3_probability(
    values: np.ndarray, p_zero: np.ndarray, loc: np.ndarray, scale: np.ndarray, skew: np.ndarray
) -> np.ndarray:
    """Zero-inflated Pearson type III cumulative probability, as climate-indices forms it.

    The CDF is the regularized incomplete gamma function of
    ``(2 / skew) ((x - loc) / scale + 2 / skew)`` with shape ``4 / skew^2`` (its
    complement for negative skew; the normal CDF for ``|skew| < 1.6e-5``). Then, in
    climate-indices' order (Adams, 2017): a value below 0.0005 mm gets CDF 0 where
    ``p0 > 0`` and 0.0005 otherwise; a value at or below the lower support limit
    ``loc - 2 scale / skew`` (positive skew) gets 0.0005, one at or above the upper
    limit (negative skew) 0.9995; finally ``p0 + (1 - p0) CDF`` clipped to [0, 1].
    A failed fit (``scale == 0``) gives NaN, except for the trace values.

    Parameters
    ----------
    values : numpy.ndarray
        Accumulated precipitation [mm].
    p_zero : numpy.ndarray
        Probability of zero [-].
    loc, scale : numpy.ndarray
        Location and scale [mm].
    skew : numpy.ndarray
        Skewness [-].

    Returns
    -------
    numpy.ndarray
        Cumulative probability [-].
    """
    fitted = scale > 0.0
    safe_scale = np.where(fitted, scale, 1.0)
    normal = np.abs(skew) < _PEARSON_NORMAL_SKEW
    safe_skew = np.where(normal, 1.0, skew)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = (values - loc) / safe_scale
        shape = 4.0 / (safe_skew * safe_skew)
        transformed = np.maximum((2.0 / safe_skew) * (z + 2.0 / safe_skew), 0.0)
        gamma_cdf = np.where(
            safe_skew > 0.0, special.gammainc(shape, transformed), special.gammaincc(shape, transformed)
        )
        cdf = np.where(normal, special.ndtr(z), gamma_cdf)
        cdf = np.where(fitted & ~np.isnan(values), cdf, np.nan)
        limit = loc - 2.0 * scale / skew  # NaN or inf where skew == 0: never matches
    trace = values < _TRACE
    cdf = np.where(trace & (p_zero > 0.0), 0.0, cdf)
    cdf = np.where(trace & (p_zero <= 0.0), _PEARSON_LOWER_PROBABILITY, cdf)
    cdf = np.where((values <= limit) & (skew >= 0.0), _PEARSON_LOWER_PROBABILITY, cdf)
    cdf = np.where((values >= limit) & (skew < 0.0), _PEARSON_UPPER_PROBABILITY, cdf)
    return np.clip(p_zero + (1.0 - p_zero) * cdf, 0.0, 1.0)


def _standard_normal(probability: np.ndarray) -> np.ndarray:
    """Standard normal quantile of a probability, clipped to +-:data:`SPI_LIMIT` [-]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.clip(special.ndtri(probability), -SPI_LIMIT, SPI_LIMIT)


def _gamma_spi(sums: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Gamma SPI [-] of one calendar month's sums (samples x cells) [mm] fitted on ``calibration``.

    The compiled :func:`hazards.gamma_kernel.gamma_spi_kernel`; cells whose shape exceeds
    :data:`hazards.gamma_kernel.KERNEL_MAX_SHAPE` go through :func:`gamma_probability` (SciPy).
    """
    alpha, beta = fit_gamma(calibration)
    p_zero = probability_of_zero(calibration)
    out = np.empty(sums.shape)
    gamma_spi_kernel(sums, alpha, beta, p_zero, SPI_LIMIT, out)
    large = alpha > KERNEL_MAX_SHAPE
    if large.any():
        out[:, large] = _standard_normal(gamma_probability(sums[:, large], alpha[large], beta[large], p_zero[large]))
    return out


def _monthly_index(time: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar years and months (1-12) of a monthly time axis, checked to be gapless."""
    years = time.dt.year.values.astype(int)
    months = time.dt.month.values.astype(int)
    serial = years * 12 + months
    if serial.size > 1 and not np.all(np.diff(serial) == 1):
        raise ValueError("spi needs a gapless monthly time axis (one value per consecutive calendar month)")
    return years, months


def _pearson3_month(sums: np.ndarray, calibration: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson III probabilities [-] of one calendar month's sums [mm], and which cells lost a valid value."""
    p_zero, loc, scale, skew, _ = fit_pearson3(calibration)
    probability = pearson3_probability(sums, p_zero, loc, scale, skew)
    return probability, ~np.isnan(sums) & np.isnan(probability)


def spi(
    precip: xr.DataArray,
    scale: int,
    calibration: tuple[int, int] | None = None,
    distribution: str = "gamma",
) -> xr.DataArray:
    """Standardized Precipitation Index of monthly precipitation (McKee et al., 1993).

    The algorithm of climate-indices (Adams, 2017), fitted on every cell at once:

    1. negative precipitation is set to 0, then summed over ``scale`` months (the
       first ``scale - 1`` months are NaN);
    2. for each calendar month, a distribution is fitted to the sums of the
       calibration years: ``"gamma"`` -- Thom's (1958) estimate on the positive sums
       with a separate probability of zero (:func:`fit_gamma`,
       :func:`gamma_probability`); ``"pearson3"`` -- Pearson type III by L-moments
       (:func:`fit_pearson3`, :func:`pearson3_probability`);
    3. each sum's cumulative probability is mapped to the standard normal quantile,
       clipped to +-3.09.

    As in climate-indices, if Pearson type III fits turn more than half of the valid
    sums into NaN, the whole array is refitted with gamma.

    Parameters
    ----------
    precip : xarray.DataArray
        Monthly precipitation [mm/month] with a ``time`` dimension (a gapless monthly
        datetime coordinate) and any other dimensions, e.g. ``(time, y, x)``.
    scale : int
        Accumulation period [months], at least 1.
    calibration : tuple of int, optional
        First and last calendar year of the fitting period, inclusive. Default: the
        whole record.
    distribution : {"gamma", "pearson3"}
        Distribution fitted to the accumulated precipitation.

    Returns
    -------
    xarray.DataArray
        SPI [-], same shape, dimensions and coordinates as ``precip``;
        ``attrs["units"] == "1"``.

    Raises
    ------
    ValueError
        For an unknown ``distribution``, a ``scale`` below 1, a missing or gappy
        ``time`` axis, or a calibration period outside the record.

    References
    ----------
    McKee et al. (1993); Thom (1958); Hosking (1990, 1996); Adams (2017).
    """
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"Unknown distribution {distribution!r}; valid ones are: {', '.join(DISTRIBUTIONS)}")
    if int(scale) != scale or scale < 1:
        raise ValueError(f"scale must be a whole number of months >= 1, got {scale!r}")
    scale = int(scale)
    if "time" not in precip.dims:
        raise ValueError(f"precip needs a 'time' dimension, it has {precip.dims}")

    ordered = precip.transpose("time", ...)
    years, months = _monthly_index(ordered["time"])
    first, last = int(years.min()), int(years.max())
    start, end = (first, last) if calibration is None else (int(calibration[0]), int(calibration[1]))
    if start > end or start < first or end > last:
        raise ValueError(f"calibration period {start}-{end} is not within the data's years {first}-{last}")

    values = np.maximum(np.asarray(ordered.values, dtype=float), 0.0)  # NaN stays NaN
    sums = rolling_sum(values, scale)
    sums = sums.reshape(sums.shape[0], -1)  # (time, cells)
    in_calibration = (years >= start) & (years <= end)

    def standardize(kind: str) -> tuple[np.ndarray, int]:
        index = np.empty(sums.shape)  # every row belongs to one calendar month
        lost = 0
        for month in range(1, 13):
            first = np.flatnonzero(months == month)
            if not first.size:
                continue
            rows = slice(first[0], None, 12)  # the time axis is gapless
            calibration_sums = sums[rows][in_calibration[rows]]
            if kind == "gamma":
                index[rows] = _gamma_spi(sums[rows], calibration_sums)
            else:
                p, lost_here = _pearson3_month(sums[rows], calibration_sums)
                index[rows] = _standard_normal(p)
                lost += int(np.count_nonzero(lost_here))
        return index, lost

    index, lost = standardize(distribution)
    valid = int(np.count_nonzero(~np.isnan(sums)))
    if distribution == "pearson3" and valid and lost / valid > 0.5:
        index, _ = standardize("gamma")

    result = xr.DataArray(index.reshape(ordered.shape), dims=ordered.dims, coords=ordered.coords, name="spi").transpose(
        *precip.dims
    )
    result.attrs = {
        "units": "1",
        "long_name": f"Standardized Precipitation Index, {scale}-month, {distribution}",
        "calibration_years": f"{start}-{end}",
        "references": "McKee et al. (1993); algorithm of climate-indices (Adams, 2017)",
    }
    return result


def spi_of_month(
    series: np.ndarray, times: pd.DatetimeIndex, scale: int, calibration: tuple[int, int], year: int, month: int
) -> np.ndarray:
    """Gamma SPI (y, x) [-] of one month of monthly rain (time, y, x) [mm/month] at ``times``.

    The value :func:`spi` gives at that month, computed for that calendar month only: the
    same ``scale``-month sums [months], fitted on the same calibration years, through the
    same kernel; the other eleven months, which :func:`spi` would also fit, are not needed.

    Raises
    ------
    ValueError
        Unless ``times`` is gapless and holds the ``scale - 1`` months before the first
        ``month``.
    """
    values = np.maximum(np.asarray(series, dtype=float), 0.0)
    rows = np.flatnonzero(times.month == month)
    if rows[0] < scale - 1 or not np.all(np.diff(times.year * 12 + times.month) == 1):
        raise ValueError("a gapless monthly series with the scale's months before the first one is needed")
    sums = values[rows - (scale - 1)].copy()  # summed in the order of rolling_sum
    for lag in range(scale - 2, -1, -1):
        sums += values[rows - lag]
    sums = sums.reshape(len(rows), -1)
    years = times.year[rows]
    in_calibration = np.asarray((years >= calibration[0]) & (years <= calibration[1]))
    index = _gamma_spi(sums, sums[in_calibration])
    return index[np.flatnonzero(years == year)[0]].reshape(values.shape[1:])


SEVERITY_CLASSES = ("none or near normal", "moderate", "severe", "extreme")
"""Names of the drought classes returned by :func:`severity`, indexed by class number; class
-1 marks a missing SPI. References: McKee et al. (1993), table 1: SPI from 0 to -0.99 is
mild drought (counted here with wet values as none/near normal), -1.00 to -1.49 moderate,
-1.50 to -1.99 severe, -2.00 and less extreme."""

_SEVERITY_BOUNDS = (-1.0, -1.5, -2.0)
"""Upper bounds of the moderate, severe and extreme classes [-]. References: McKee et al.
(1993), table 1."""


def severity(spi_values):
    """Drought severity class of SPI values (McKee et al., 1993).

    ======  ===================  ========================
    class   name                 SPI [-]
    ======  ===================  ========================
    0       none or near normal  > -1.0 (>= -0.99)
    1       moderate             -1.0 .. > -1.5 (-1.0 .. -1.49)
    2       severe               -1.5 .. > -2.0 (-1.5 .. -1.99)
    3       extreme              <= -2.0
    -1      missing              NaN
    ======  ===================  ========================

    Parameters
    ----------
    spi_values : array_like or xarray.DataArray
        SPI [-].

    Returns
    -------
    numpy.ndarray or xarray.DataArray of int8
        Class numbers, same shape (a DataArray for a DataArray input); names in
        :data:`SEVERITY_CLASSES`.

    References
    ----------
    McKee et al. (1993), table 1.
    """
    values = np.asarray(spi_values, dtype=float)
    classes = np.zeros(values.shape, dtype=np.int8)
    for number, bound in enumerate(_SEVERITY_BOUNDS, start=1):
        classes[values <= bound] = number
    classes[np.isnan(values)] = -1
    if isinstance(spi_values, xr.DataArray):
        return spi_values.copy(data=classes).assign_attrs(
            units="1",
            long_name="drought severity class (McKee et al., 1993)",
            flag_values=[-1, 0, 1, 2, 3],
            flag_meanings="missing " + " ".join(name.replace(" ", "_") for name in SEVERITY_CLASSES),
        )
    return classes
