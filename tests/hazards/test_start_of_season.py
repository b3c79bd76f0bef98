"""hazards.start_of_season: the AGRHYMET start of season and the WRSI of a season from it, by hand."""

import numpy as np

from hazards.start_of_season import EARLIEST_START_DEKAD, season_wrsi, start_dekad


def test_start_is_the_first_wet_dekad_with_wet_followers_from_june_to_august():
    rain = np.zeros((36, 4))
    rain[20, 0], rain[21:23, 0] = 25.0, 10.0  # 25 mm, then 20 mm in two dekads: starts at 20
    rain[20, 1], rain[21:23, 1] = 25.0, 9.0  # 18 mm after: no start
    rain[10, 2], rain[11:13, 2] = 40.0, 20.0  # April: too early
    rain[16:19, 2] = [30.0, 5.0, 15.0]  # starts at 16
    rain[24, 3], rain[25:27, 3] = 60.0, 30.0  # September: too late
    has_start, sos = start_dekad(rain)
    np.testing.assert_array_equal(has_start, [True, False, True, False])
    np.testing.assert_array_equal(sos, [20, EARLIEST_START_DEKAD, 16, EARLIEST_START_DEKAD])


def test_no_start_is_a_failed_season_and_rain_enough_a_full_one():
    rain = np.zeros((36, 1, 2))  # (dekad, y, x)
    rain[18:, 0, 1] = 80.0  # 80 mm every dekad from July: more than 10 days x 6.5 mm/day x Kc <= 1
    np.testing.assert_allclose(season_wrsi(rain), [[0.0, 100.0]])
