"""sim.propose.lp and sim.propose.analysis: the stock programme of issue 16 on cases solved by
hand, and the properties any such programme must have (more budget never covers less, no
warehouse overfilled, perfect information never costs more)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.propose.analysis import frontier, mean_value_problem, perfect_information, value_of_stochastic_solution
from sim.propose.lp import METHODS, Source, StockProblem, evaluate, solve
from sim.propose.problem import coarsen_periods


def one_route(demand, penalty, capacity_m3=1e6, periods=1, sources=(), volume=1.0, price=1.0):
    """One warehouse, one cercle, one item; ``demand`` is (member, period) [unit]."""
    demand = np.asarray(demand, float).reshape(-1, 1, periods, 1)
    members = demand.shape[0]
    return StockProblem(
        items=("kit",),
        warehouses=("Mopti",),
        cercles=("Tenenkou",),
        demand=demand,
        delivery_capacity=np.full((members, periods, 1, 1), 1e6),
        volume_m3=np.array([volume]),
        unit_cost_usd=np.array([price]),
        unmet_penalty_usd=np.array([penalty]),
        storage_usd_per_m3=np.zeros(1),
        transport_usd_per_m3=np.zeros((1, 1)),
        capacity_m3=np.array([capacity_m3]),
        initial_stock=np.zeros((1, 1)),
        sources=tuple(sources),
    )


def random_problem(seed=0, members=6, cercles=3, items=2, warehouses=2, periods=4, capacity_share=0.5):
    """A small random problem with cut routes and two sources."""
    rng = np.random.default_rng(seed)
    demand = rng.gamma(2.0, 20.0, (members, items, periods, cercles)) * (rng.random((members, 1, 1, 1)) * 2 + 0.2)
    demand *= rng.random(demand.shape) < 0.8
    delivery = np.where(
        rng.random((members, periods, warehouses, cercles)) < 0.25,
        0.0,
        rng.uniform(10, 60, (members, periods, warehouses, cercles)),
    )
    volume = rng.uniform(0.01, 0.2, items)
    price = rng.uniform(1, 10, items)
    need_m3 = float(np.mean(demand.sum(axis=(2, 3)) @ volume))
    names = tuple(f"w{w}" for w in range(warehouses))
    return StockProblem(
        items=tuple(f"i{i}" for i in range(items)),
        warehouses=names,
        cercles=tuple(f"c{c}" for c in range(cercles)),
        demand=demand,
        delivery_capacity=delivery,
        volume_m3=volume,
        unit_cost_usd=price,
        unmet_penalty_usd=1.5 * price,
        storage_usd_per_m3=np.full(warehouses, 5.0),
        transport_usd_per_m3=rng.uniform(1, 10, (warehouses, cercles)),
        capacity_m3=np.full(warehouses, capacity_share * need_m3 / warehouses),
        initial_stock=np.zeros((warehouses, items)),
        sources=(
            Source(names[0], 1, 1.2 * price, max_units_per_period=30.0, name="local"),
            Source(names[-1], 2, 1.0 * price, name="international"),
        ),
    )


# Hand case: two equally likely members needing 100 and 300 kits in one period, a kit costs
# 1 USD, a kit not delivered costs `penalty`, nothing to buy in the season. With S kits in
# stock, member 1 gets min(S, 100), member 2 min(S, 300); the fill rates are min(S/100, 1) and
# min(S/300, 1); the expected cost is S + penalty/2 (max(100 - S, 0) + max(300 - S, 0)).
# * A kit below 100 saves `penalty` (both members use it), above 100 saves penalty/2 (only
#   member 2): without a target, S = 0 if penalty < 1, 100 if 1 < penalty < 2, 300 if penalty > 2.
# * Target 0.9: member 1 needs S >= 90, member 2 S >= 270. Confidence 1.0 needs both: S >= 270;
#   confidence 0.5 needs one: the cheaper is member 1, S >= 90 (unless the penalty already
#   stocks more).
# With penalty 0.5: S = 0 costs 0 + 0.25 (100 + 300) = 100; S = 90 costs 90 + 0.25 (10 + 210)
# = 145; S = 270 costs 270 + 0.25 (0 + 30) = 277.5.
@pytest.mark.parametrize(
    ("penalty", "confidence", "stock", "objective", "fill"),
    [
        (0.5, 0.0, 0.0, 100.0, (0.0, 0.0)),
        (0.5, 0.5, 90.0, 145.0, (0.9, 0.3)),
        (0.5, 1.0, 270.0, 277.5, (1.0, 0.9)),
        (1.5, 0.0, 100.0, 100.0 + 0.75 * 200, (1.0, 1 / 3)),  # 100 + 0.75 × 200 = 250
        (1.5, 0.5, 100.0, 250.0, (1.0, 1 / 3)),  # member 1 already over 90 % with 100 kits
        (1.5, 1.0, 270.0, 270.0 + 0.75 * 30, (1.0, 0.9)),  # 292.5
        (10.0, 0.0, 300.0, 300.0, (1.0, 1.0)),
        (10.0, 1.0, 300.0, 300.0, (1.0, 1.0)),
    ],
)
def test_two_members_by_hand(penalty, confidence, stock, objective, fill):
    plan = solve(one_route([100, 300], penalty), target=0.9, confidence=confidence, method="chance")
    assert plan.status == 0 and plan.reachable
    np.testing.assert_allclose(plan.stock, [[stock]], atol=1e-6)
    np.testing.assert_allclose(plan.added, plan.stock)
    assert plan.objective == pytest.approx(objective, abs=1e-6)
    np.testing.assert_allclose(plan.member_fill, fill, atol=1e-6)
    assert plan.cost_usd["prepositioning"] == pytest.approx(stock, abs=1e-6)
    assert plan.share_meeting_target >= confidence


def test_penalty_form_asks_every_member_by_hand():
    # the penalty form ignores the confidence: at 10 USD per USD short it pays 270 kits
    # (277.5 USD) rather than leave member 2 at 30 % (210 USD short × 10 / 2 = 1,050 USD)
    plan = solve(one_route([100, 300], 0.5), target=0.9, confidence=0.5, method="penalty")
    np.testing.assert_allclose(plan.stock, [[270.0]], atol=1e-6)
    assert plan.share_meeting_target == 1.0
    # at 0.2 per USD short it does not pay: below 90 kits a kit saves 0.25 + 0.25 of unmet
    # penalty and 0.1 + 0.1 of shortfall (both members), less than its 1 USD; S = 0 costs
    # 0.25 × 400 + 0.1 × (90 + 270) = 136 USD
    cheap = solve(one_route([100, 300], 0.5), target=0.9, method="penalty", shortfall_penalty=0.2)
    np.testing.assert_allclose(cheap.stock, [[0.0]], atol=1e-6)
    assert cheap.objective == pytest.approx(136.0)
    assert cheap.share_meeting_target == 0.0 and not cheap.reachable


def test_start_stock_is_kept_and_not_paid_again():
    problem = one_route([100, 300], 0.5)
    problem = type(problem)(**{**problem.__dict__, "initial_stock": np.array([[150.0]])})
    plan = solve(problem, target=0.9, confidence=1.0)
    np.testing.assert_allclose(plan.stock, [[270.0]], atol=1e-6)
    np.testing.assert_allclose(plan.added, [[120.0]], atol=1e-6)
    assert plan.cost_usd["prepositioning"] == pytest.approx(120.0, abs=1e-6)
    # nothing needed: the start stock stays whole
    assert solve(problem, target=0.9, confidence=0.0).stock[0, 0] == pytest.approx(150.0)


def test_budget_caps_the_first_stage():
    # 200 USD do not buy 270 kits: out of reach within the budget
    problem = one_route([100, 300], 0.5)
    capped = solve(type(problem)(**{**problem.__dict__, "budget_usd": 200.0}), target=0.9, confidence=1.0)
    assert not capped.reachable
    assert capped.spend_usd <= 200.0 + 1e-6
    assert "within the budget" in capped.message


def test_more_budget_never_lowers_the_frontier():
    problem = random_problem(seed=3, capacity_share=2.0)
    top = solve(problem, 0.9, 1.0, "penalty").spend_usd
    points = frontier(problem, np.linspace(0.0, 1.2 * top, 7), target=0.9)
    budgets = [p["budget_usd"] for p in points]
    assert budgets == sorted(budgets)
    for before, after in zip(points, points[1:]):
        assert after["objective"] <= before["objective"] * (1 + 1e-7) + 1e-6  # the programme's guarantee
        assert after["fill_rate"] >= before["fill_rate"] - 1e-6, points  # read off the solution
        assert after["share_meeting_target"] >= before["share_meeting_target"], points
        assert after["monotone"]
    assert all(p["spend_usd"] <= p["budget_usd"] + 1e-6 for p in points)
    assert points[-1]["fill_rate"] > points[0]["fill_rate"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1])
def test_the_proposal_never_exceeds_a_warehouse_capacity(method, seed):
    problem = random_problem(seed=seed, capacity_share=0.3)
    plan = solve(problem, target=0.9, confidence=0.8, method=method)
    assert np.all(plan.stock @ problem.volume_m3 <= problem.capacity_m3 * (1 + 1e-7) + 1e-7)
    assert np.all(plan.added >= 0)
    assert plan.rows > 0 and plan.columns > 0 and plan.nonzeros > 0


def test_an_unreachable_target_is_reported_not_raised():
    # the warehouse holds 100 kits: member 2 (300 kits) reaches at most a third
    plan = solve(one_route([100, 300], 0.5, capacity_m3=100.0), target=0.9, confidence=1.0)
    assert not plan.reachable
    assert "\n" not in plan.message and "out of reach" in plan.message and "50%" in plan.message
    np.testing.assert_allclose(plan.stock, [[100.0]], atol=1e-6)
    assert plan.share_meeting_target == 0.5
    np.testing.assert_allclose(plan.member_fill, [1.0, 1 / 3], atol=1e-6)


def test_procurement_with_a_lead_of_two_periods_helps_from_period_two_on():
    # 10 kits needed in each of 4 periods; a kit in stock costs 1 USD, from the source 0.5 USD
    # but 2 periods after the order: periods 0 and 1 can only be served from stock (20 kits),
    # periods 2 and 3 are cheaper from orders placed in periods 0 and 1 (none later: they
    # would arrive after the season). Cost 20 + 0.5 × 20 = 30 USD.
    source = Source("Mopti", 2, np.array([0.5]), name="regional")
    plan = solve(one_route([[10, 10, 10, 10]], 5.0, periods=4, sources=[source]), target=0.0, confidence=0.0)
    np.testing.assert_allclose(plan.stock, [[20.0]], atol=1e-6)
    assert plan.orders.sum() == pytest.approx(20.0)
    np.testing.assert_allclose(plan.orders[0, 0, 0, 2:], 0.0)
    assert plan.cost_usd["procurement"] == pytest.approx(10.0)
    assert plan.objective == pytest.approx(30.0)
    # with no room for stock, the source alone serves periods 2 and 3, never 0 and 1
    empty = solve(one_route([[10, 10, 10, 10]], 5.0, capacity_m3=0.0, periods=4, sources=[source]), 0.0, 0.0)
    np.testing.assert_allclose(empty.delivered[0, 0, :, 0], [0.0, 0.0, 10.0, 10.0], atol=1e-6)


@pytest.mark.parametrize(("method", "confidence"), [("chance", 0.5), ("chance", 0.8), ("penalty", 0.8)])
def test_perfect_information_never_costs_more_and_the_stochastic_plan_beats_the_average_season(method, confidence):
    problem = random_problem(seed=5, capacity_share=2.0)
    plan = solve(problem, 0.9, confidence, method)
    assert plan.reachable
    bound = perfect_information(problem, 0.9, confidence, method)
    assert bound["expected_cost_usd"] <= plan.objective * (1 + 1e-7) + 1e-6
    assert bound["stock"].shape == (problem.shape[0], *plan.stock.shape)
    vss = value_of_stochastic_solution(problem, 0.9, confidence, method)
    assert vss["vss_usd"] >= -1e-6 * abs(plan.objective)
    assert vss["stochastic"].objective == pytest.approx(plan.objective, rel=1e-6)
    assert mean_value_problem(problem).demand.shape == (1, *problem.demand.shape[1:])


def test_perfect_information_by_hand():
    # member 1 alone: 90 kits meet it (90 + 0.5 × 10 = 95 USD) against 50 USD with none;
    # member 2 alone: 270 kits (285 USD) against 150; with confidence 0.5 member 1 meets it:
    # (95 + 150) / 2 = 122.5 USD, below the stochastic plan's 145 USD
    bound = perfect_information(one_route([100, 300], 0.5), 0.9, 0.5)
    assert bound["expected_cost_usd"] == pytest.approx(122.5)
    np.testing.assert_allclose(bound["member_cost_usd"], [95.0, 150.0])
    # the mean season needs 200 kits: 180 kits meet it; played on both members 180 + 0.25 × 120
    # = 210 USD, so the stochastic solution is worth 210 - 145 = 65 USD
    assert value_of_stochastic_solution(one_route([100, 300], 0.5), 0.9, 0.5)["vss_usd"] == pytest.approx(65.0)


@pytest.mark.parametrize("seed", [0, 4])
def test_relax_and_fix_against_branch_and_bound(seed):
    problem = random_problem(seed=seed, members=5, capacity_share=2.0)
    quick = solve(problem, 0.9, 0.6)
    exact = solve(problem, 0.9, 0.6, exact=True)
    assert quick.reachable and exact.reachable
    assert quick.share_meeting_target >= 0.6 and exact.share_meeting_target >= 0.6
    # the relaxation bounds both; the exact optimum is never above the heuristic's plan
    assert quick.lower_bound <= exact.objective * (1 + 1e-6)
    assert exact.objective <= quick.objective * (1 + 1e-6)
    assert quick.gap == pytest.approx((quick.objective - quick.lower_bound) / quick.objective)


def test_evaluating_the_proposal_gives_back_its_cost():
    problem = random_problem(seed=2)
    plan = solve(problem, 0.9, 0.8, "penalty")
    again = evaluate(problem, plan.stock, 0.9, 0.8, "penalty")
    assert again.objective == pytest.approx(plan.objective, rel=1e-6)
    np.testing.assert_allclose(again.stock, plan.stock, atol=1e-6)


def test_wrong_method_and_shapes_say_what_is_valid():
    with pytest.raises(ValueError, match="chance, penalty"):
        solve(one_route([100, 300], 0.5), method="robust")
    problem = one_route([100, 300], 0.5)
    with pytest.raises(ValueError, match="capacity_m3 has shape"):
        type(problem)(**{**problem.__dict__, "capacity_m3": np.ones(2)})


def test_a_shared_fleet_limits_what_reaches_the_cercles_by_hand():
    # one warehouse, two cercles needing 10 kits (1 m³ each) in one period; the fleet offers 10
    # vehicle-days, a m³ to cercle 1 takes 0.5 of them and to cercle 2 one: 0.5 y1 + y2 <= 10,
    # so at most y1 = 10 and y2 = 5 (both worth the same, cercle 1 is cheaper to serve); a kit
    # that cannot be carried is not bought: 15 kits
    base = one_route([100], 10.0)
    problem = StockProblem(
        **{
            **base.__dict__,
            "cercles": ("Tenenkou", "Youwarou"),
            "demand": np.full((1, 1, 1, 2), 10.0),
            "delivery_capacity": np.full((1, 1, 1, 2), 1e6),
            "transport_usd_per_m3": np.zeros((1, 2)),
            "fleet_days": np.full((1, 1, 1), 10.0),
            "fleet_days_per_m3": np.array([[0.5, 1.0]]),
        }
    )
    plan = solve(problem, target=0.0, confidence=0.0)
    np.testing.assert_allclose(plan.stock, [[15.0]], atol=1e-6)
    np.testing.assert_allclose(plan.delivered[0, 0, 0], [10.0, 5.0], atol=1e-6)


def test_merging_periods_keeps_the_totals_and_rounds_leads_up():
    source = Source("Mopti", 3, np.array([0.5]), max_units_per_period=4.0, name="regional")
    problem = one_route([[10, 10, 10, 10, 10]], 5.0, periods=5, sources=[source])
    assert coarsen_periods(problem, 1).demand.tolist() == problem.demand.tolist()
    merged = coarsen_periods(problem, 2)  # blocks of periods 0-1, 2-3, 4
    np.testing.assert_allclose(merged.demand[0, 0, :, 0], [20.0, 20.0, 10.0])
    np.testing.assert_allclose(merged.delivery_capacity[0, :, 0, 0], [2e6, 2e6, 1e6])
    assert merged.sources[0].lead_periods == 2  # 3 periods: 2 blocks
    assert float(merged.sources[0].max_units_per_period) == 8.0
    with pytest.raises(ValueError, match="factor"):
        coarsen_periods(problem, 0)


def test_reactive_procurement_cannot_order_for_a_need_not_yet_seen():
    # One member: nothing needed in period 0, 100 kits in period 1; a source one period away
    # sells at 1.5 a kit, an unmet kit costs 10. Stock at 2 a kit: ordering in period 0 (for
    # period 1) is cheaper, but allowed only when the need of period 1 may be seen from period 0
    # (horizon 1). With horizon 0 nothing can be ordered in time: 100 kits are stocked (2 < 10).
    source = Source("Mopti", 1, np.array([1.5]), name="regional")
    dear = one_route([[0.0, 100.0]], penalty=10.0, periods=2, sources=(source,), price=2.0)
    ahead = solve(replace(dear, order_horizon_periods=1), 0.0, 0.0, "penalty")
    blind = solve(replace(dear, order_horizon_periods=0), 0.0, 0.0, "penalty")
    assert ahead.stock[0, 0] == pytest.approx(0.0, abs=1e-6)
    assert blind.stock[0, 0] == pytest.approx(100.0, abs=1e-6)
    # and at 1 a kit, stock beats the order whatever the horizon
    cheap = replace(dear, unit_cost_usd=np.array([1.0]), unmet_penalty_usd=np.array([10.0]))
    assert solve(replace(cheap, order_horizon_periods=1), 0.0, 0.0, "penalty").stock[0, 0] == pytest.approx(
        100.0, abs=1e-6
    )


# Hand case for money (sim.propose.problem funds_usd and reserve_cost): two equally likely
# members, one needing 100 kits in period 1 and one nothing; a kit costs 1 USD pre-positioned or
# bought in the season (lead 0), the plan has no money of its own. Meeting the target in both:
# * 100 kits in stock cost 100 whatever the season;
# * a reserve of 100 USD costs 0.05 x 100 = 5 and the purchase 100 in one member of two, 50
#   expected: 55. So the reserve wins, x = 0, R = 100, objective 55.
# With a lead of two periods and the need in period 1, nothing bought arrives in time: only the
# stock serves, x = 100, R = 0, objective 100.


def _money_case(lead: int):
    source = Source("Mopti", lead, np.array([1.0]), name="local")
    return replace(
        one_route([[0.0, 100.0], [0.0, 0.0]], penalty=2.0, periods=2, sources=[source]),
        funds_usd=np.zeros((2, 2)),
        reserve_cost=0.05,
    )


def test_a_reserve_of_money_beats_stock_where_the_lead_time_allows_by_hand():
    answer = solve(_money_case(lead=0), target=1.0, confidence=1.0)
    assert answer.reachable
    assert answer.reserve_usd == pytest.approx(100.0, abs=1e-4)
    assert answer.added.sum() == pytest.approx(0.0, abs=1e-4)
    assert answer.objective == pytest.approx(55.0, abs=1e-3)
    assert answer.cost_usd["reserve"] == pytest.approx(5.0, abs=1e-4)


def test_stock_is_the_only_answer_when_purchases_come_too_late_by_hand():
    answer = solve(_money_case(lead=2), target=1.0, confidence=1.0)
    assert answer.added.sum() == pytest.approx(100.0, abs=1e-4)
    assert answer.reserve_usd == pytest.approx(0.0, abs=1e-4)
    assert answer.objective == pytest.approx(100.0, abs=1e-3)


def test_purchases_never_spend_more_than_the_money_received_by_hand():
    # one member, 100 kits needed in period 1, 30 USD on day 0 and 40 more from period 1; no
    # reserve, nothing in stock, no target: it buys 70 kits (the penalty 2 > the price 1), fill 0.7
    source = Source("Mopti", 0, np.array([1.0]), name="local")
    problem = replace(
        one_route([[0.0, 100.0]], penalty=2.0, periods=2, sources=[source], capacity_m3=0.0),
        funds_usd=np.array([[30.0, 70.0]]),
    )
    answer = solve(problem, target=0.0, confidence=0.0)
    assert answer.orders.sum() == pytest.approx(70.0, abs=1e-4)
    assert answer.member_fill[0] == pytest.approx(0.7, abs=1e-6)


def test_a_fixed_reserve_is_money_from_day_0_when_evaluated():
    answer = evaluate(_money_case(lead=0), np.zeros((1, 1)), 1.0, 1.0, reserve_usd=60.0)
    assert answer.member_fill[0] == pytest.approx(0.6, abs=1e-6)  # 60 of the 100 kits bought
    assert answer.member_fill[1] == pytest.approx(1.0)


def test_need_waits_for_a_late_delivery_when_the_backlog_is_on_by_hand():
    # One member needs 100 kits in period 0; a kit costs 1 in stock, 0.5 from a source one period
    # away; a kit never delivered costs 2. Lost demand: the order would come too late, so 100 kits
    # are stocked (100 USD). With a backlog at 0.1 USD per kit and period of waiting, the order
    # placed in period 0 serves the need in period 1: 0.5 x 100 + 0.1 x 100 = 60 USD, no stock,
    # and the fill rate at the season's end is 1.
    source = Source("Mopti", 1, np.array([0.5]), name="regional")
    lost = one_route([[100.0, 0.0]], penalty=2.0, periods=2, sources=[source])
    kept = replace(lost, late_usd_per_period=np.array([0.1]))
    first = solve(lost, 0.0, 0.0)
    assert first.stock[0, 0] == pytest.approx(100.0, abs=1e-6) and first.objective == pytest.approx(100.0)
    later = solve(kept, 0.0, 0.0)
    assert later.stock[0, 0] == pytest.approx(0.0, abs=1e-6)
    assert later.objective == pytest.approx(60.0, abs=1e-6)
    np.testing.assert_allclose(later.delivered[0, 0, :, 0], [0.0, 100.0], atol=1e-6)
    assert later.member_fill[0] == pytest.approx(1.0)
    # and the target counts what is delivered by the end: 0.9 is met without stock
    assert solve(kept, 0.9, 1.0).stock[0, 0] == pytest.approx(0.0, abs=1e-6)
