"""sim.logistics.schedule: the days triggers fire and money arrives, as the SimPy model plays them."""

import numpy as np
import pytest

from sim.logistics.model import PlanModel
from sim.logistics.schedule import firing_days, funds_by_day, pledge_arrivals
from sim.scenario import parse_text
from tests.logistics.test_model import PLAN, delta, inputs  # noqa: F401 - delta is a fixture

PLEDGES = """\
  pledges:
    - amount: 500 USD
      after: 5 day
      probability: 0.5
    - amount: 700 USD
      after: 12 day
      probability: 0.5
    - amount: 900 USD
      after: 90 day
"""
TRIGGER = """\
triggers:
  - name: release at Sofara
    indicator: stage
    gauge: Sofara
    threshold: 633
    action: release_funds
    amount: 1000 USD
"""


def toy_plan():
    text = PLAN.format(stock=0, funds=100, trucks=1, allocation="proportional")
    return parse_text(text.replace("  available: 100 USD\n", "  available: 100 USD\n" + PLEDGES) + TRIGGER, "toy.yaml")


def test_the_model_receives_the_money_on_the_days_funds_by_day_says(delta):  # noqa: F811
    toy = toy_plan()
    sofara = np.full(40, 400.0)
    sofara[20:] = 640.0  # the trigger fires on day 20
    season = inputs(sofara=sofara, kits=(0, 0))  # no need: nothing is bought, the funds only grow
    expected = funds_by_day(toy, season)
    model = PlanModel(delta, toy, season)
    seen = np.zeros(40)
    record = model.record

    def recording(day):  # the model's own funds at the end of each day
        record(day)
        seen[day] = model.funds

    model.record = recording
    model.run()
    np.testing.assert_allclose(seen, expected)
    assert firing_days(toy, season) == [20]
    arrivals = pledge_arrivals(toy, np.random.default_rng(season.closure_seed))
    # by hand: 100 on day 0, each pledge of 5 and 12 days if drawn, the trigger's 1000 from day
    # 20; the pledge of day 90 falls after the 40-day season
    assert expected[4] == pytest.approx(100)
    assert expected[19] == pytest.approx(100 + 500 * arrivals[0] + 700 * arrivals[1])
    assert expected[-1] == pytest.approx(100 + 500 * arrivals[0] + 700 * arrivals[1] + 1000)


def test_a_trigger_whose_indicator_never_crosses_never_fires(delta):  # noqa: F811
    assert firing_days(toy_plan(), inputs()) == [None]
