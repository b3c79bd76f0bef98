"""sim.workshop.rules: calendar, decisions, costs and budget, checked by hand."""

from __future__ import annotations

import pytest

from sim.scenario import parse_text
from sim.workshop.rules import (
    Inject,
    WorkshopError,
    budget_available,
    check_decision,
    check_settings,
    decision_cost,
    injects_between,
    round_bounds,
)
from tests.workshop.conftest import FIXED_LEAD_PLAN, workshop_settings

PLAN = parse_text(FIXED_LEAD_PLAN, "plan.yaml", expect="plan")
PRICES = {"nfi_kit": 55.0, "shelter_kit": 100.0, "water": 0.01}
CERCLES = ["ML0403", "ML0404", "ML0407"]


def test_workshop_rounds_follow_each_other_without_gaps():
    settings = workshop_settings(start_day=90, round_days=7)
    assert round_bounds(settings, 1) == (90, 97)
    assert round_bounds(settings, 2) == (97, 104)
    assert round_bounds(settings, 3) == (104, 111)


def test_workshop_calendar_must_fit_the_season():
    with pytest.raises(WorkshopError) as err:
        check_settings(workshop_settings(start_day=230, rounds=3, round_days=7), season_days=240)
    assert err.value.key == "ws_err_calendar" and err.value.values == {"end": 251, "days": 240}
    check_settings(workshop_settings(start_day=219, rounds=3, round_days=7), season_days=240)  # ends on day 240: fits


def test_workshop_decision_cost_is_the_purchase_at_the_supplier_price_plus_the_forecast():
    decision = check_decision(
        {
            "orders": [
                {"item": "shelter_kit", "source": "Régional", "quantity": 1000},
                {"item": "nfi_kit", "source": "Marché local", "quantity": 200},
            ],
            "forecast": True,
        },
        PLAN,
        PRICES,
        CERCLES,
    )
    # hand sum: 1000 kits x 100 US$ x 1.1 + 200 kits x 55 US$ x 1.0 + 15,000 US$ of forecast
    assert decision_cost(decision, PLAN, PRICES, 15_000.0, forecast_owned=False) == pytest.approx(
        110_000 + 11_000 + 15_000
    )
    assert decision_cost(decision, PLAN, PRICES, 15_000.0, forecast_owned=True) == pytest.approx(121_000)


@pytest.mark.parametrize(
    ("decision", "key"),
    [
        ({"orders": [{"item": "shelter_kit", "source": "Marché local", "quantity": 10}]}, "ws_err_not_sold"),
        ({"orders": [{"item": "shelter_kit", "source": "Nowhere", "quantity": 10}]}, "ws_err_source"),
        ({"orders": [{"item": "shelter_kit", "source": "Régional", "quantity": -5}]}, "ws_err_quantity"),
        ({"orders": [{"item": "shelter_kit", "source": "Régional", "quantity": "beaucoup"}]}, "ws_err_quantity"),
        (
            {"orders": [{"item": "shelter_kit", "source": "Régional", "quantity": 5}]},
            "ws_err_minimum",
        ),  # 550 US$ < 1,000 US$
        ({"moves": [{"item": "nfi_kit", "from_hub": "Bamako", "to_hub": "Bamako", "quantity": 5}]}, "ws_err_move"),
        ({"moves": [{"item": "nfi_kit", "from_hub": "Bamako", "to_hub": "Gao", "quantity": 5}]}, "ws_err_move"),
        ({"allocation": "richest_first"}, "ws_err_allocation"),
        ({"priority": ["ML0403", "ML0404", "ML0407", "ML0401"]}, "ws_err_priority"),
    ],
)
def test_workshop_bad_decisions_are_refused_with_their_message(decision, key):
    with pytest.raises(WorkshopError) as err:
        check_decision(decision, PLAN, PRICES, CERCLES + ["ML0401"])
    assert err.value.key == key


def test_workshop_late_funding_holds_back_its_share_until_it_arrives():
    settings = workshop_settings(
        budget_usd=200_000.0, injects=(Inject(day=100, kind="funding_late", share=0.25, value=14),)
    )
    # a quarter of 200,000 US$ expected on day 100 arrives 14 days late, on day 114
    assert budget_available(settings, 90) == 150_000.0
    assert budget_available(settings, 113) == 150_000.0
    assert budget_available(settings, 114) == 200_000.0


def test_workshop_injects_of_a_round():
    settings = workshop_settings()
    assert [i.kind for i in injects_between(settings, 90, 97)] == ["warehouse_flooded", "road_cut"]
    assert injects_between(settings, 97, 104) == []
