"""sim.scenario: schemas, FILE:LINE errors, atomic saves."""

import datetime as dt
from pathlib import Path

import pytest

from sim.core.loader import InputError
from sim.plan import Plan
from sim.scenario import Scenario, check_files, load_file, parse_text, save_file

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_are_valid(path):
    model = load_file(path)
    assert model.kind == ("plan" if path.parent.name == "plans" else "scenario")


def test_flood_2022_reads_in_real_units():
    scenario = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    assert isinstance(scenario, Scenario)
    assert scenario.flood.peak.to("cm").magnitude == 671  # OPIDIN, 9 Oct 2022
    assert scenario.flood.peak_date == dt.date(2022, 10, 9)
    assert scenario.household_size.to("person/household").magnitude == pytest.approx(5.2)
    assert scenario.end_date == scenario.start_date + dt.timedelta(days=scenario.days - 1)


def test_baseline_plan_has_stock_in_kits():
    plan = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml")
    assert isinstance(plan, Plan)
    mopti = next(w for w in plan.warehouses if w.hub == "Mopti/Sévaré")
    assert mopti.stock.nfi_kit.to("kit").magnitude == 1000
    assert mopti.capacity.to("m**3").magnitude == 1500


GOOD_PLAN = """\
kind: plan
name: test
title: Test
warehouses:
  - hub: Mopti/Sévaré
    capacity: 100 m**3
    stock:
      nfi_kit: 10 kit
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD_PLAN.replace("nfi_kit: 10 kit", "nfi_kit: -10 kit"),
            "f.yaml:8: warehouses[0].stock.nfi_kit: must not be negative, got -10 kit",
        ),
        (
            GOOD_PLAN.replace("nfi_kit: 10 kit", "water: 15 kg"),
            "f.yaml:8: warehouses[0].stock.water: '15 kg' has the wrong unit: expected L",
        ),
        (
            GOOD_PLAN.replace("nfi_kit: 10 kit", "unicorn: 1 kit"),
            "f.yaml:8: warehouses[0].stock.unicorn: unknown field; expected one of: nfi_kit",
        ),
        (
            GOOD_PLAN.replace("hub: Mopti/Sévaré", "hub: Kidal"),
            "f.yaml:5: warehouses[0].hub: 'Kidal' is not allowed; expected 'Bamako'",
        ),
        (
            GOOD_PLAN.replace("capacity: 100 m**3", "capacity: 100 kg"),
            "f.yaml:6: warehouses[0].capacity: '100 kg' has the wrong unit",
        ),
        (GOOD_PLAN + "colour: red\n", "f.yaml:9: colour: unknown field; expected one of: kind, name, title"),
        (GOOD_PLAN.replace("title: Test\n", ""), "f.yaml:1: title: required field is missing"),
        (GOOD_PLAN.replace("    stock:", "  stock:"), "f.yaml:7: yaml:"),
        (GOOD_PLAN + "name: again\n", 'f.yaml:9: yaml: found duplicate key "name"'),
        (GOOD_PLAN.replace("kind: plan", "kind: plna"), "f.yaml:1: kind: must be 'scenario' or 'plan' (got 'plna')"),
        ("", "f.yaml:1: file: is empty"),
        ("- a\n- b\n", "f.yaml:1: file: expected a mapping"),
    ],
)
def test_bad_input_names_file_line_and_field(text, expected):
    with pytest.raises(InputError) as info:
        parse_text(text, "f.yaml")
    first = str(info.value.problems[0])
    assert first.startswith(expected), first
    assert all("\n" not in str(p) for p in info.value.problems)


SCENARIO = """\
kind: scenario
name: s
title: S
hazard: flood
start_date: 2022-06-01
days: 200
household_size: 5.2 person/household
flood:
  peak: 671 cm
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "household_size: 5.2 person/household",
            "household_size: -1 person/household",
            "f.yaml:7: household_size: must be at least 1 person/household",
        ),
        (
            "household_size: 5.2 person/household",
            "household_size: 15 kg/person/day",
            "f.yaml:7: household_size: '15 kg/person/day' has the wrong unit",
        ),
        ("start_date: 2022-06-01", "start_date: 2022-13-01", "f.yaml:5: start_date:"),
        ("  peak: 671 cm", "  peak: 671 cm\n  gauge: Kayes", "f.yaml:10: flood.gauge: unknown gauge 'Kayes'"),
        ("  peak: 671 cm", "  peak: 671 kg", "f.yaml:9: flood.peak: '671 kg' has the wrong unit"),
        ("flood:\n  peak: 671 cm\n", "", "f.yaml:4: hazard: a flood scenario needs a 'flood' section"),
        ("days: 200", "days: 0", "f.yaml:6: days: input should be greater than 0, got 0"),
    ],
)
def test_bad_scenario_values(old, new, expected):
    with pytest.raises(InputError) as info:
        parse_text(SCENARIO.replace(old, new), "f.yaml")
    assert any(str(p).startswith(expected) for p in info.value.problems), [str(p) for p in info.value.problems]


def test_every_problem_is_reported_not_just_the_first():
    text = GOOD_PLAN.replace("nfi_kit: 10 kit", "nfi_kit: -10 kit\n      water: 3 kit").replace(
        "hub: Mopti/Sévaré", "hub: Kidal"
    )
    with pytest.raises(InputError) as info:
        parse_text(text, "f.yaml")
    assert [p.line for p in info.value.problems] == [5, 8, 9]


def test_missing_file_and_folder(tmp_path):
    problems = check_files([tmp_path / "none.yaml", tmp_path])
    assert [p.message for p in problems] == ["no such file", "is a folder, not a file"]


def test_save_round_trips_and_is_atomic(tmp_path):
    plan = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml")
    target = tmp_path / "plans" / "copy.yaml"
    save_file(plan, target)
    assert load_file(target) == plan
    assert [p.name for p in target.parent.iterdir()] == ["copy.yaml"]  # no temporary left


def test_kind_mismatch_is_refused():
    with pytest.raises(InputError, match="expected a scenario, this file is a plan"):
        parse_text(GOOD_PLAN, "f.yaml", expect="scenario")


PLAN = (ROOT / "scenarios" / "plans" / "baseline.yaml").read_text(encoding="utf-8")


def test_both_shipped_plans_hold_a_whole_plan():
    early = load_file(ROOT / "scenarios" / "plans" / "early-action.yaml")
    assert early.allocation == "equity_floor"
    sofara = [t for t in early.triggers if t.gauge == "Sofara"]
    assert {t.threshold for t in sofara} == {633}  # Mali Red Cross EAP, orange alert
    assert early.procurement[0].kind == "local"  # buy locally wherever possible
    baseline = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml")
    assert baseline.triggers == []
    assert {t.hub for t in baseline.fleet.trucks} <= {w.hub for w in baseline.warehouses}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      nfi_kit: 1000 kit\n      shelter_kit: 300 kit",
            "      nfi_kit: 100000 kit\n      shelter_kit: 300 kit",
            "warehouses[1].stock: takes",
        ),
        (
            "  - hub: Ségou\n    capacity: 800 m**3",
            "  - hub: Kayes\n    capacity: 800 m**3",
            "warehouses[2].hub: 'Kayes' is not allowed",
        ),
        (
            "lead_time: {min: 7 day, mode: 14 day, max: 42 day}",
            "lead_time: {min: -7 day, mode: 14 day, max: 42 day}",
            "procurement[0].lead_time.min: must not be negative",
        ),
        (
            "lead_time: {min: 7 day, mode: 14 day, max: 42 day}",
            "lead_time: {min: 20 day, mode: 14 day, max: 42 day}",
            "procurement[0].lead_time: lead time must satisfy min <= mode <= max",
        ),
        (
            "      after: 60 day\n",
            "      after: 60 day\n      date: 2022-10-01\n",
            "funding.pledges[0]: give exactly one of date or after",
        ),
        (
            "    - hub: Tombouctou\n      count: 1",
            "    - hub: Gao\n      count: 1",
            "fleet: trucks at Gao, where the plan has no warehouse",
        ),
    ],
)
def test_bad_plans(old, new, expected):
    assert old in PLAN
    with pytest.raises(InputError) as info:
        parse_text(PLAN.replace(old, new, 1), "p.yaml")
    assert any(expected in str(p) for p in info.value.problems), [str(p) for p in info.value.problems]


def test_a_trigger_on_a_gauge_that_does_not_exist():
    text = (
        (ROOT / "scenarios" / "plans" / "early-action.yaml")
        .read_text(encoding="utf-8")
        .replace("gauge: Sofara", "gauge: Kayes", 1)
    )
    with pytest.raises(InputError) as info:
        parse_text(text, "p.yaml")
    assert "triggers[0].gauge: unknown gauge 'Kayes'" in str(info.value.problems[0])
