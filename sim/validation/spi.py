"""Check: our SPI against the climate-indices package (Adams, 2017), the reference SPI.

Two comparisons: the package's own test fixtures (a 123-year monthly series, SPI-1 and SPI-6
gamma and SPI-6 Pearson III, as the package computed them) and fresh random series given to
both implementations. The tolerances are the ones climate-indices' own tests use: 0.001 for
gamma, 0.01 for Pearson III.

References
----------
.. [1] Adams, J. (2017), climate_indices, https://github.com/monocongo/climate_indices
   (fixtures from commit 58ca46aa6f71d81482b8ffe5501337a3a9efc065, ``tests/fixture/``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hazards.spi import spi
from sim.validation.verdict import Rule, Section, compare, not_run

SOURCE = "climate-indices (Adams 2017), https://github.com/monocongo/climate_indices"

FIXTURE_CASES = (
    ("spi_01_gamma", 1, (1895, 2017), "gamma", 0.001),
    ("spi_06_gamma", 6, (1895, 2017), "gamma", 0.001),
    ("spi_06_pearson3", 6, (1981, 2010), "pearson3", 0.01),
)
"""(fixture, scale [month], calibration years, distribution, tolerance [-]) of the package's tests."""

TOLERANCE = {"gamma": 0.001, "pearson3": 0.01}
"""Largest SPI difference the package's own tests accept, by distribution [-]."""


def monthly(values: np.ndarray, start: str) -> xr.DataArray:
    """A monthly series as a DataArray with a ``time`` axis."""
    return xr.DataArray(values, dims=("time",), coords={"time": pd.date_range(start, periods=len(values), freq="MS")})


def max_difference(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Largest |ours − theirs| over values both give; infinity when they disagree on which are missing [-]."""
    if not np.array_equal(np.isnan(ours), np.isnan(theirs)):
        return float("inf")
    both = ~np.isnan(ours)
    return float(np.max(np.abs(ours[both] - theirs[both]))) if both.any() else 0.0


def check_fixtures(folder: Path | None) -> Section:
    """Our SPI on the climate-indices fixture precipitation against the fixture SPI values."""
    title = "SPI against the climate-indices test fixtures"
    intro = (
        "The precipitation series of climate-indices' own tests (1895–2017, monthly) is given to "
        "`hazards.spi.spi`; the result is compared value by value with the SPI the package "
        "stored next to it. The difference shown is the largest over all 1,476 months."
    )
    if folder is None or not (folder / "precips_mm_monthly.npy").exists():
        why = f"reference fixtures not found ({folder}); set SIM_REFERENCE_DIR"
        return Section("spi_fixtures", title, intro, tuple(not_run(case[0], SOURCE, why) for case in FIXTURE_CASES))
    precip = monthly(np.load(folder / "precips_mm_monthly.npy").ravel(), "1895-01-01")
    records = []
    series = {}
    for fixture, scale, calibration, distribution, tolerance in FIXTURE_CASES:
        expected = np.load(folder / f"{fixture}.npy")
        ours = spi(precip, scale, calibration=calibration, distribution=distribution).values
        series[fixture] = (expected, ours)
        records.append(
            compare(
                f"SPI-{scale} {distribution}, calibration {calibration[0]}–{calibration[1]}: max |ours − climate-indices|",
                0.0,
                max_difference(ours, expected),
                Rule(agree=tolerance),
                f"{SOURCE}, fixture {fixture}.npy",
                unit="SPI",
                notes="same months missing in both"
                if np.array_equal(np.isnan(ours), np.isnan(expected))
                else "missing months differ",
                published_text="the fixture's values",
                model_text=f"max |Δ| {max_difference(ours, expected):.1e}",
            )
        )
    expected, ours = series["spi_06_gamma"]
    figure = {
        "kind": "spi",
        "time": precip["time"].values,
        "reference": expected,
        "ours": ours,
        "label": "SPI-6 gamma, fixture",
    }
    return Section("spi_fixtures", title, intro, tuple(records), figure)


def random_climate(years: int, seed: int) -> np.ndarray:
    """A seasonal monthly rain series with dry-season zeros [mm/month]: gamma amounts whose
    shape rises from 0.6 to 3 over the year (scale 40 mm) and 15 % of months dry. Notes:
    a test climate, not the delta's."""
    rng = np.random.default_rng(seed)
    shape = np.tile(np.linspace(0.6, 3.0, 12), years)
    values = rng.gamma(shape, 40.0)
    values[rng.random(values.shape) < 0.15] = 0.0
    return values


def check_random(series: int = 12, years: int = 40, seed: int = 20261129) -> Section:
    """Our SPI-3 against climate-indices called directly on fresh random series."""
    import logging

    from climate_indices import compute, indices

    logging.getLogger("climate_indices").setLevel(logging.WARNING)  # the package logs every call at INFO

    title = "SPI against climate-indices on fresh random series"
    intro = (
        f"{series} random monthly series of {years} years (seasonal gamma amounts, 15 % dry months, "
        f"seed {seed}) are given to both implementations, SPI-3 calibrated on the years 5 to 34 of "
        "each series. The difference shown is the largest over all series and months."
    )
    start = 1981
    calibration = (start + 4, start + 33)
    records = []
    pairs = {}
    for distribution, kind in (("gamma", indices.Distribution.gamma), ("pearson3", indices.Distribution.pearson)):
        worst = 0.0
        ours_all, theirs_all = [], []
        for k in range(series):
            values = random_climate(years, seed + k)
            ours = spi(monthly(values, f"{start}-01-01"), 3, calibration, distribution).values
            with warnings.catch_warnings():  # its goodness-of-fit warnings concern the random data, not the comparison
                warnings.simplefilter("ignore")
                theirs = indices.spi(
                    values, 3, kind, start, calibration[0], calibration[1], compute.Periodicity.monthly
                )
            worst = max(worst, max_difference(ours, theirs))
            ours_all.append(ours)
            theirs_all.append(theirs)
        pairs[distribution] = (np.concatenate(theirs_all), np.concatenate(ours_all))
        records.append(
            compare(
                f"SPI-3 {distribution}, {series} random series × {years} years: max |ours − climate-indices|",
                0.0,
                worst,
                Rule(agree=TOLERANCE[distribution]),
                f"{SOURCE}, `indices.spi` called on the same series",
                unit="SPI",
                published_text="climate-indices' values",
                model_text=f"max |Δ| {worst:.1e}",
            )
        )
    return Section("spi_random", title, intro, tuple(records), {"kind": "spi_scatter", "pairs": pairs})
