"""Tests of hazards.gamma_kernel: the compiled incomplete gamma function, normal quantile and
gamma SPI against SciPy, the readable reference, within stated tolerances."""

from __future__ import annotations

import numpy as np

from hazards import gamma_kernel, spi

# --- compiled gamma SPI kernel against SciPy ----------------------------------------------


def test_lower_gamma_matches_scipy_on_a_wide_grid():
    from scipy import special

    for shape in np.concatenate([np.logspace(-2, 2, 41), [0.5, 1.0, 2.0, 7.3, 99.9]]):
        spread = np.sqrt(shape)
        x = np.concatenate(
            [
                np.logspace(-6, np.log10(shape + 60.0 * spread + 60.0), 300),
                shape + np.linspace(-3.0, 3.0, 61) * spread,  # around the mode
                [shape + 1.0 + gamma_kernel.SERIES_SPAN * np.sqrt(shape + 1.0)],  # series/fraction switch
            ]
        )
        x = x[x > 0.0]
        result = np.empty(x.size)
        gamma_kernel.lower_gamma(x, shape, result, np.empty((4, x.size)))
        expected = special.gammainc(shape, x)
        np.testing.assert_allclose(result, expected, rtol=1e-10, atol=1e-12, err_msg=f"shape {shape}")
        lower = (expected < 0.5) & (expected > 1e-300)  # relative accuracy of small (normal) ones too
        np.testing.assert_allclose(result[lower], expected[lower], rtol=1e-10, err_msg=f"shape {shape}")


def test_clipped_normal_quantile_is_clipped_ndtri():
    from scipy import special

    p = np.concatenate([np.linspace(0.0, 1.0, 20001), np.logspace(-40, -1, 200), 1.0 - np.logspace(-16, -1, 200)])
    result = np.array([gamma_kernel.clipped_normal_quantile(value, spi.SPI_LIMIT) for value in p])
    np.testing.assert_allclose(result, np.clip(special.ndtri(p), -3.09, 3.09), rtol=0, atol=1e-15)
    assert np.isnan(gamma_kernel.clipped_normal_quantile(np.nan, spi.SPI_LIMIT))


def test_gamma_spi_kernel_equals_scipy_path():
    # per-month SPI of the compiled kernel against fit + gamma_probability (SciPy) + ndtri,
    # on cells with zeros, NaNs, all-zero and all-NaN calibration and a very large shape
    rng = np.random.default_rng(7)
    sums = rng.gamma(np.linspace(0.3, 12.0, 40), 30.0, size=(35, 40))
    sums[rng.random(sums.shape) < 0.1] = 0.0
    sums[rng.random(sums.shape) < 0.05] = np.nan
    sums[:, 0] = 0.0  # no positive value: no fit, p0 = 1
    sums[:, 1] = np.nan  # no data
    sums[:30, 2] = 0.0  # all-zero calibration, positive values later
    sums[:, 3] = 500.0 + rng.random(35)  # alpha > _KERNEL_MAX_SHAPE: SciPy fallback
    calibration = sums[:30]
    alpha, beta = spi.fit_gamma(calibration)
    assert alpha[3] > gamma_kernel.KERNEL_MAX_SHAPE
    p_zero = spi.probability_of_zero(calibration)
    expected = spi._standard_normal(spi.gamma_probability(sums, alpha, beta, p_zero))
    result = spi._gamma_spi(sums, calibration)
    np.testing.assert_array_equal(np.isnan(result), np.isnan(expected))
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-10, equal_nan=True)
