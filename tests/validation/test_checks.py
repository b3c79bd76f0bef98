"""Tests of the check functions of sim.validation on hand-made inputs (not the full report)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sim.validation import arithmetic, calibration, drought_cost, fitted, flood, queue, seasons, spi
from sim.validation.report import main


def verdicts(section):
    return [r.verdict for r in section.records]


def test_depth_damage_check_uses_the_published_points():
    section = arithmetic.check_depth_damage()
    assert set(verdicts(section)) == {"agrees"}
    # hand sum: 1.5 + (0.55 − 0.531)/(0.636 − 0.531) × 0.5 = 1.590476 m
    destroyed = next(r for r in section.records if "0.55" in r.name)
    assert destroyed.published == pytest.approx(1.590476, abs=1e-6)


def test_ration_check_hand_sums():
    section = arithmetic.check_rations(days=10, displaced=520.0, in_sites=100.0, destroyed=50.0, household_size=5.2)
    by_name = {r.name.split(":")[0]: r for r in section.records}
    assert by_name["water"].published == 15.0 * 520 * 10  # 78,000 L
    assert by_name["nfi_kit"].published == 100  # 520 / 5.2
    assert by_name["mosquito_net"].published == 289  # ceil(520 / 1.8 = 288.9)
    assert by_name["latrine"].published == 2  # 10 days: still 1:50, ceil(100 / 50)
    assert {r.verdict for r in section.records if ":" in r.name} == {"agrees"}


def test_model_peak_date_follows_the_gauge_lag():
    # at Mopti the peak is the given date; at Akka for a 600 cm Mopti peak the lag is 24 days (hazards.flood)
    assert flood.model_peak_date(600.0, dt.date(2020, 10, 10), "Mopti") == dt.date(2020, 10, 10)
    assert flood.model_peak_date(600.0, dt.date(2020, 10, 10), "Akka") == dt.date(2020, 11, 3)


def test_timing_check_has_one_record_per_published_window():
    section = flood.check_peak_timing()
    assert len(section.records) == len(flood.PUBLISHED_PEAKS)
    first = section.records[0]
    assert first.published == (17, 21)  # 2014: Mopti 23 Oct, Akka 9–13 Nov


def test_flooded_area_check_without_grid():
    section = flood.check_flooded_area()
    assert [r.published for r in section.records] == [3_840.0, 12_600.0, 12_400.0, 36_470.0]


def stages_crossing(day: dt.date) -> tuple[pd.DatetimeIndex, np.ndarray]:
    dates = pd.date_range("2022-06-01", periods=200, freq="D")
    return dates, np.where(dates >= pd.Timestamp(day), 640.0, 600.0)


@pytest.mark.parametrize(
    ("crossing", "verdict"),
    [(dt.date(2022, 9, 5), "agrees"), (dt.date(2022, 8, 28), "within range"), (dt.date(2022, 8, 20), "off")],
)
def test_sofara_trigger_verdict(crossing, verdict):
    dates, stages = stages_crossing(crossing)
    day = int((pd.Timestamp(crossing) - dates[0]).days)
    events = [(3, "pledge arrived"), (day, "trigger 'Bani à Sofara, alerte orange' fired (640.0)")]
    section = seasons.check_sofara_trigger(dates, stages, events, 1_000.0)
    assert verdicts(section)[:2] == [verdict, verdict]


def test_sofara_trigger_that_never_fires_is_reported():
    dates = pd.date_range("2022-06-01", periods=200, freq="D")
    section = seasons.check_sofara_trigger(dates, np.full(200, 500.0), [], 1_000.0)
    assert "never" in section.records[0].notes and "never" in section.records[1].notes


def impact_result(members: list[float], cercles=("ML0501", "ML0505")) -> xr.Dataset:
    """Affected people per member, the same every day, split evenly between cercles."""
    days = pd.date_range("2024-06-01", periods=200, freq="D")
    values = np.zeros((len(members), 4, len(days), len(cercles)))
    for m, total in enumerate(members):
        values[m, 1] = total / len(cercles)
    coords = {
        "member": range(len(members)),
        "count": ["exposed", "affected", "displaced", "in_need"],
        "day": days,
        "cercle": list(cercles),
    }
    return xr.Dataset({"people": (("member", "count", "day", "cercle"), values)}, coords=coords)


def by_cause_result(members: list[float], cercles=("ML0501", "ML0505"), cause="flood") -> xr.Dataset:
    """People affected per member, all of one cause, the same every day, split evenly between cercles."""
    days = pd.date_range("2024-06-01", periods=200, freq="D")
    values = np.zeros((len(members), 3, 4, len(days), len(cercles)))
    causes = ["flood", "storm", "drought"]
    for m, total in enumerate(members):
        values[m, causes.index(cause), 1] = total / len(cercles)
    coords = {
        "member": range(len(members)),
        "cause": causes,
        "count": ["exposed", "affected", "displaced", "in_need"],
        "day": days,
        "cercle": list(cercles),
    }
    return xr.Dataset({"people_by_cause": (("member", "cause", "count", "day", "cercle"), values)}, coords=coords)


def test_calibration_rows_are_labelled_calibration():
    targets = calibration.TRAINING[:2]
    fit = calibration.Fit(
        (2.0, 2.1, 2.2),
        (0.7, 0.8, 0.9),
        np.ones((3, 3)),
        {t.label: np.full((3, 3), 30_000.0) for t in targets},
        {t.label: (30_638.0, "https://example.org/report") for t in targets},
        (2.1, 0.8),
    )
    section = fitted.check_calibration(fit, targets, 0.01)
    assert section.role == "calibration"
    assert verdicts(section)[:2] == ["agrees", "agrees"]  # 30,000 against 30,638: −2 %
    assert all("CALIBRATION" in r.notes for r in section.records[:2])
    assert "not evidence" in section.intro


def test_held_out_check_counts_only_the_mopti_region():
    result = by_cause_result([200_000.0, 200_000.0, 200_000.0], cercles=("ML0501", "ML0402"))  # half in Mopti
    section = fitted.check_held_out(result, 0.01)
    assert section.role == "validation"
    assert section.records[0].model == pytest.approx(100_000.0)
    assert section.records[0].verdict == "agrees"  # inside 84,437–208,448


def test_a_median_year_counts_floods_and_storms_not_drought():
    storms = by_cause_result([12_000.0] * 4, cause="storm")
    drought = by_cause_result([50_000.0] * 4, cause="drought")
    both = storms.copy(data={"people_by_cause": storms["people_by_cause"] + drought["people_by_cause"]})
    section = fitted.check_normal_season(both, 600.0, 0.05)
    assert section.records[0].model == pytest.approx(12_000.0)  # drought shown apart, never in the total
    assert section.records[0].verdict == "agrees"  # inside 9,000–15,415


def test_arc_payouts_per_person():
    per = drought_cost.per_person()
    assert per[0] == pytest.approx(7.1e6 / 204_000)  # US$34.80, Mali 2021 season
    assert min(per) == pytest.approx(23.0e6 / 1.5e6)


def test_drought_cost_check_on_a_hand_made_season():
    days = pd.date_range("2021-10-01", periods=10, freq="D")
    people = np.zeros((1, 4, 10, 1))
    people[0, 3] = 1_000.0  # 1,000 in need every day
    cost = np.zeros((1, 2, 10, 1))
    cost[0, 0] = 2_000.0  # cereal: US$20,000 over the season → US$20 per person
    cost[0, 1] = 1_000.0  # water: US$10,000 → US$30 per person in all
    result = xr.Dataset(
        {"people": (("member", "count", "day", "cercle"), people), "cost": (("member", "item", "day", "cercle"), cost)},
        coords={
            "member": [0],
            "count": ["exposed", "affected", "displaced", "in_need"],
            "item": ["cereal", "water"],
            "day": days,
            "cercle": ["ML0501"],
        },
    )
    section = drought_cost.check_drought_cost(result, 0.05)
    assert section.records[0].model == pytest.approx(30.0)
    assert section.records[1].model == pytest.approx(20.0)
    assert verdicts(section)[:2] == ["within range", "within range"]


def test_spi_difference_of_mismatched_gaps_is_infinite():
    assert spi.max_difference(np.array([np.nan, 1.0]), np.array([0.0, 1.0])) == float("inf")
    assert spi.max_difference(np.array([np.nan, 1.0]), np.array([np.nan, 1.25])) == 0.25


def test_spi_fixture_check_without_reference_is_not_run():
    section = spi.check_fixtures(None)
    assert set(verdicts(section)) == {"not run"}


def test_spi_fixture_check(reference):
    section = spi.check_fixtures(reference / "climate_indices_spi")
    assert set(verdicts(section)) == {"agrees"}


def test_spi_random_check_calls_climate_indices():
    section = spi.check_random(series=2, years=35)
    assert len(section.records) == 2
    assert set(verdicts(section)) == {"agrees"}


def test_confidence_interval_by_hand():
    # mean 2, s = 1, t(0.975, 2) = 4.3027: half-width 4.3027 / sqrt(3) = 2.4841
    estimate = queue.estimate(np.array([1.0, 2.0, 3.0]))
    assert estimate.mean == 2.0
    assert estimate.half_width == pytest.approx(2.4841, abs=1e-4)


def test_cli_refuses_bad_arguments(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--members", "1"]) == 2
    assert "--members" in capsys.readouterr().err
    afile = tmp_path / "file"
    afile.write_text("x")
    assert main(["--out", str(afile)]) == 2


def test_figures_are_png():
    from sim.validation import plots

    for section in (
        arithmetic.check_depth_damage(),
        flood.check_peak_timing(),
        flood.check_flooded_area(),
        flood.check_2022_hydrograph(),
    ):
        assert plots.draw(section.figure).startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match="unknown figure kind"):
        plots.draw({"kind": "pie"})
