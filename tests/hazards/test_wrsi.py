"""Tests of hazards.wrsi: crop coefficients, the bucket water balance, WRSI and crop failure."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from hazards import wrsi as wrsi_module

# --- WRSI ------------------------------------------------------------------------------

# a toy crop of three dekads with Kc 0.5, 1.0, 1.0 (initial 1, mid 2 dekads)
TOY = wrsi_module.CropParameters("toy", (1, 0, 2, 0), kc_ini=0.5, kc_mid=1.0, kc_end=1.0)


def test_crop_coefficients_toy_and_millet():
    np.testing.assert_allclose(wrsi_module.crop_coefficients(TOY), [0.5, 1.0, 1.0])
    # millet: initial 2 x 0.3; development 3 dekads 0.3 -> 1.0 at dekad middles
    # (0.3 + 0.7/6, 0.3 + 0.7/2, 0.3 + 0.7*5/6); mid 3 x 1.0; late 2 dekads 1.0 -> 0.3
    # at middles (1.0 - 0.7/4, 1.0 - 0.7*3/4)
    expected = [0.3, 0.3, 0.3 + 0.7 / 6, 0.65, 0.3 + 3.5 / 6, 1.0, 1.0, 1.0, 0.825, 0.475]
    np.testing.assert_allclose(wrsi_module.crop_coefficients("millet"), expected)
    assert wrsi_module.CROPS["sorghum"].season_dekads == 10


def test_wrsi_full_when_rain_exceeds_requirement():
    rain = np.full(36, 80.0)
    pet = np.full(36, 50.0)  # WR <= 50 < rain every dekad
    assert wrsi_module.wrsi(rain, pet, sos_dekad=5, crop=TOY) == pytest.approx(100.0)
    assert wrsi_module.wrsi(rain, pet, sos_dekad=18, crop="millet") == pytest.approx(100.0)


def test_wrsi_zero_without_rain_on_empty_soil():
    assert wrsi_module.wrsi(np.zeros(36), np.full(36, 50.0), sos_dekad=10, crop=TOY) == 0.0


def test_wrsi_hand_computed_toy_season():
    rain = np.zeros(36)
    pet = np.full(36, 40.0)
    rain[3:6] = [30.0, 10.0, 50.0]
    # season dekads 3, 4, 5: WR = 0.5*40, 1.0*40, 1.0*40 = 20, 40, 40 (sum 100)
    # dekad 3: available 0 + 30 = 30 -> AET 20, soil 10
    # dekad 4: available 10 + 10 = 20 -> AET 20, soil 0
    # dekad 5: available 0 + 50 = 50 -> AET 40, soil 10
    # WRSI = 100 * (20 + 20 + 40) / 100 = 80
    assert wrsi_module.wrsi(rain, pet, sos_dekad=3, crop=TOY) == pytest.approx(80.0)
    # a 5 mm bucket loses the 10 mm surplus of dekad 3 beyond 5 mm: soil 5 after it,
    # dekad 4: available 15 -> AET 15; dekad 5 AET 40; WRSI = 100 * 75 / 100 = 75
    assert wrsi_module.wrsi(rain, pet, sos_dekad=3, crop=TOY, whc=5.0) == pytest.approx(75.0)
    # starting with 30 mm in the soil: 20 + 40 + 40 -> 100
    assert wrsi_module.wrsi(rain, pet, sos_dekad=3, crop=TOY, initial_soil_water=30.0) == pytest.approx(100.0)


def test_wrsi_grid_with_per_cell_start_of_season():
    rain = np.zeros((36, 2))
    pet = np.full((36, 2), 40.0)
    rain[3:6, 0] = [30.0, 10.0, 50.0]  # the hand case above, season from dekad 3
    rain[7:10, 1] = [30.0, 10.0, 50.0]  # same rains 4 dekads later
    sos = np.array([3, 7])
    np.testing.assert_allclose(wrsi_module.wrsi(rain, pet, sos_dekad=sos, crop=TOY), [80.0, 80.0])
    # a common start at dekad 3 misses the second cell's rains: WRSI 0
    np.testing.assert_allclose(wrsi_module.wrsi(rain, pet, sos_dekad=3, crop=TOY), [80.0, 0.0])


def test_wrsi_dataarray_drops_dekad_dim():
    rain = xr.DataArray(np.full((36, 2, 2), 80.0), dims=("dekad", "y", "x"), coords={"y": [1, 2], "x": [3, 4]})
    result = wrsi_module.wrsi(rain, np.full(36, 50.0)[:, None, None], sos_dekad=18)
    assert result.dims == ("y", "x")
    np.testing.assert_allclose(result.values, 100.0)
    assert result.attrs["units"] == "%"


def test_wrsi_rejects_season_past_year_end():
    with pytest.raises(ValueError, match="does not fit"):
        wrsi_module.wrsi(np.zeros(36), np.zeros(36), sos_dekad=30, crop="millet")


def test_crop_failure_threshold():
    np.testing.assert_array_equal(
        wrsi_module.crop_failure(np.array([0.0, 49.99, 50.0, 80.0, np.nan])), [True, True, False, False, False]
    )
