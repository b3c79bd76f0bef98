"""sim.triggers.scores: a trigger's counts on five fixed seasons, worked out by hand."""

import numpy as np
import pytest

from sim.triggers.scores import (
    contingency,
    cost_per_extra_person_day,
    events_by_return_period,
    fires,
    mean_lead_days,
    paired_gain,
    sweep,
)

# Five seasons: the highest Sofara stage of each [cm], whether it was an event, the day the
# trigger fired (a stage trigger at 633 cm) and the first day of need.
EXTREME = np.array([700.0, 640.0, 620.0, 660.0, 500.0])
EVENT = np.array([True, False, True, False, False])
FIRE_DAY = np.array([100.0, 90.0, np.nan, 95.0, np.nan])
NEED_DAY = np.array([110.0, np.nan, 120.0, np.nan, np.nan])


def test_counts_rates_and_return_period_by_hand():
    fired = fires(EXTREME, 633.0, "stage")
    assert fired.tolist() == [True, True, False, True, False]
    counts = contingency(fired, EVENT)
    # hits: season 1; misses: season 3; false alarms: seasons 2 and 4
    assert (counts["hits"], counts["misses"], counts["false_alarms"]) == (1, 1, 2)
    assert counts["hits"] + counts["misses"] == counts["events"] == 2
    assert counts["hits"] + counts["false_alarms"] == counts["activations"] == 3
    assert counts["activation_rate"] == pytest.approx(0.6)
    assert counts["return_period_years"] == pytest.approx(5 / 3)
    assert counts["hit_rate"] == pytest.approx(0.5)
    assert counts["false_alarm_ratio"] == pytest.approx(2 / 3)
    assert not counts["never_fired"]
    assert mean_lead_days(FIRE_DAY, NEED_DAY, fired & EVENT) == pytest.approx(10.0)  # day 100 to day 110


def test_the_sweep_fires_less_as_the_threshold_rises_and_says_when_it_never_fires():
    rows = sweep(EXTREME, EVENT, [600.0, 633.0, 650.0, 800.0], "stage")
    assert [r["activation_rate"] for r in rows] == pytest.approx([0.8, 0.6, 0.4, 0.0])
    assert [r["hit_rate"] for r in rows] == pytest.approx([1.0, 0.5, 0.5, 0.0])
    assert rows[0]["false_alarm_ratio"] == pytest.approx(0.5) and rows[2]["false_alarm_ratio"] == pytest.approx(0.5)
    assert rows[3]["false_alarm_ratio"] is None  # no activation: no ratio
    never = contingency(fires(EXTREME, 800.0, "stage"), EVENT)
    assert never["never_fired"] and never["return_period_years"] is None and never["hits"] == 0
    rates = [r["activation_rate"] for r in sweep(EXTREME, EVENT, np.linspace(450, 750, 31), "stage")]
    assert all(b <= a for a, b in zip(rates, rates[1:]))


def test_spi_fires_at_or_below_its_threshold():
    assert fires(np.array([-1.5, -1.0, -0.5]), -1.0, "spi").tolist() == [True, True, False]


def test_an_event_exceeds_its_one_in_five_year_level():
    event, level = events_by_return_period(np.arange(1.0, 11.0), 5.0)
    assert level == pytest.approx(8.2)  # the 0.8 quantile of 1 … 10, linear interpolation
    assert event.tolist() == [False] * 8 + [True, True]
    with pytest.raises(ValueError, match="exceed 1 year"):
        events_by_return_period(np.arange(3.0), 1.0)


def test_gain_and_cost_are_paired_on_the_same_seasons():
    gain = paired_gain([0.9, 0.8, 0.7], [0.8, 0.8, 0.5])  # +0.1, 0, +0.2
    assert gain["median"] == pytest.approx(0.1)
    assert gain["p10"] == pytest.approx(0.02) and gain["p90"] == pytest.approx(0.18)
    # 41,000 US$ a season for 2,050 person-days more: 20 US$ a person-day; nothing more met: None
    assert cost_per_extra_person_day([41000.0, 41000.0], [2000.0, 2100.0]) == pytest.approx(20.0)
    assert cost_per_extra_person_day([41000.0], [0.0]) is None


def test_mismatched_flags_are_refused():
    with pytest.raises(ValueError, match="two flags per season"):
        contingency(np.array([True, False]), np.array([True]))
