"""ui.plan_editor: a plan as tables and back, and problems named by table and row."""

from pathlib import Path

import pandas as pd
import pytest

from sim.core.loader import InputError, dump_yaml
from sim.scenario import load_file, parse_text, validation_context
from ui.plan_editor import COLUMNS, TABLES, plan_data, plan_tables, where

PLANS = Path(__file__).resolve().parents[2] / "scenarios" / "plans"


def _settings(plan, **changes):
    settings = {
        "name": plan.name,
        "funding_available_usd": float(plan.funding.available.to("USD").magnitude),
        "teams": plan.distribution.teams,
        "households_per_team_per_day": float(
            plan.distribution.households_per_team_per_day.to("household/day").magnitude
        ),
        "allocation": plan.allocation,
        "equity_floor": plan.equity_floor,
    }
    settings.update(changes)
    return settings


def _parse(data):
    return parse_text(dump_yaml(data), "edited.yaml", expect="plan", context=validation_context())


@pytest.mark.parametrize("name", ["baseline", "early-action"])
def test_tables_and_back_give_the_same_plan(name):
    plan = load_file(PLANS / f"{name}.yaml", expect="plan")
    tables = plan_tables(plan)
    assert set(tables) == set(TABLES)
    for table, frame in tables.items():
        assert tuple(frame.columns) == COLUMNS[table]
    again = _parse(plan_data(plan, tables, _settings(plan)))
    assert again.model_dump(mode="json") == plan.model_dump(mode="json")


def test_the_early_action_tables_hold_the_sofara_trigger():
    plan = load_file(PLANS / "early-action.yaml", expect="plan")
    triggers = plan_tables(plan)["triggers"]
    sofara = triggers[triggers["gauge"] == "Sofara"]
    # the Red Cross orange alert on the Bani at Sofara: 633 cm, about four days of lead (the plan's description)
    assert set(sofara["threshold"]) == {633.0} and set(sofara["lead_day"]) == {4.0}
    assert len(plan_tables(plan)["procurement"]) == 3


def test_an_added_source_and_a_changed_trigger_are_saved():
    plan = load_file(PLANS / "early-action.yaml", expect="plan")
    tables = plan_tables(plan)
    source = {
        "name": "Marché de Ségou",
        "kind": "local",
        "hub": "Ségou",
        "lead_min_day": 5.0,
        "lead_mode_day": 10.0,
        "lead_max_day": 30.0,
        "price_factor": 1.0,
        "minimum_order_usd": None,
        "items": ["nfi_kit", "cereal"],
    }
    tables["procurement"] = pd.concat([tables["procurement"], pd.DataFrame([source])], ignore_index=True)
    tables["triggers"].loc[0, "threshold"] = 600.0
    tables["triggers"] = tables["triggers"].drop(index=5)  # the cereal order on SPI
    edited = _parse(plan_data(plan, tables, _settings(plan, name="early-action-segou", allocation="worst_first")))
    assert edited.name == "early-action-segou" and edited.allocation == "worst_first"
    added = edited.procurement[-1]
    assert (
        added.hub == "Ségou" and added.items == ["nfi_kit", "cereal"] and added.lead_time.mode.to("day").magnitude == 10
    )
    assert edited.triggers[0].threshold == 600 and len(edited.triggers) == 5
    # the source's monthly capacity, which no table shows, follows the source by name
    assert [s.capacity_per_month for s in edited.procurement[:3]] == [s.capacity_per_month for s in plan.procurement]


def test_blank_rows_are_dropped():
    plan = load_file(PLANS / "baseline.yaml", expect="plan")
    tables = plan_tables(plan)
    tables["pledges"] = pd.concat(
        [tables["pledges"], pd.DataFrame([{c: None for c in COLUMNS["pledges"]}])], ignore_index=True
    )
    again = _parse(plan_data(plan, tables, _settings(plan)))
    assert len(again.funding.pledges) == len(plan.funding.pledges)


def test_a_trigger_on_an_unknown_gauge_is_named_by_its_row():
    plan = load_file(PLANS / "early-action.yaml", expect="plan")
    tables = plan_tables(plan)
    tables["triggers"].loc[2, "gauge"] = "Kouakourou"
    with pytest.raises(InputError) as err:
        _parse(plan_data(plan, tables, _settings(plan)))
    assert where(err.value.problems[0]) == ("triggers", 3, "gauge")
    assert "unknown gauge 'Kouakourou'" in err.value.problems[0].message


def test_a_negative_lead_time_is_named_by_its_row():
    plan = load_file(PLANS / "baseline.yaml", expect="plan")
    tables = plan_tables(plan)
    tables["procurement"].loc[1, "lead_min_day"] = -3.0
    with pytest.raises(InputError) as err:
        _parse(plan_data(plan, tables, _settings(plan)))
    table, row, field = where(err.value.problems[0])
    assert (table, row, field) == ("procurement", 2, "lead_time.min")


def test_stock_over_capacity_is_named_by_its_warehouse_row():
    plan = load_file(PLANS / "baseline.yaml", expect="plan")
    tables = plan_tables(plan)
    # volumes from sim/data/items.csv: 1,000,000 household kits × 0.15 m³ = 150,000 m³, plus Bamako's
    # other stock: 2,000 shelter kits × 0.05 + 10,000 nets × 0.0015 + 2,000 dignity kits × 0.01 = 135 m³
    tables["warehouses"].loc[0, "nfi_kit"] = 1_000_000.0
    with pytest.raises(InputError) as err:
        _parse(plan_data(plan, tables, _settings(plan)))
    assert where(err.value.problems[0])[:2] == ("warehouses", 1)
    assert "150,135 m³" in err.value.problems[0].message


def test_a_problem_outside_the_tables_has_no_row():
    plan = load_file(PLANS / "baseline.yaml", expect="plan")
    with pytest.raises(InputError) as err:
        _parse(plan_data(plan, plan_tables(plan), _settings(plan, name="Mon plan")))
    assert where(err.value.problems[0]) == (None, None, "name")
