"""hazards.return_periods: the Gumbel laws of the Mopti peak and of the 3-day storm, by hand."""

import numpy as np
import pytest

from hazards import return_periods
from hazards.return_periods import (
    mopti_peak_for_return_period,
    storm_total_for_return_period,
)


def test_return_periods_hand_sums():
    peaks = np.array(list(return_periods.MOPTI_ANNUAL_PEAKS_CM.values()), float)
    beta = peaks.std(ddof=1) * np.sqrt(6) / np.pi
    mu = peaks.mean() - 0.5772156649 * beta
    # Gumbel: x_T = μ − β ln(−ln(1 − 1/T))
    assert mopti_peak_for_return_period(10) == pytest.approx(mu - beta * np.log(-np.log(0.9)))
    assert mopti_peak_for_return_period(2) < 671 < mopti_peak_for_return_period(20)  # 2022 was a high flood
    assert storm_total_for_return_period(50) == pytest.approx(70 - 20 * np.log(-np.log(0.98)))  # ≈ 148 mm
    with pytest.raises(ValueError):
        mopti_peak_for_return_period(1)
