"""Tests of sim.logistics.distribution_point: Erlang C by hand, the SimPy site against theory."""

from __future__ import annotations

import pytest

from sim.logistics.distribution_point import erlang_c, erlang_c_queue_length, erlang_c_wait, simulate_site, utilisation


def test_erlang_c_single_desk_is_the_utilisation():
    # M/M/1: the chance of waiting is rho = 10 × 0.08 = 0.8; W_q = rho / (mu − lambda) = 0.8 / (12.5 − 10) = 0.32 h
    assert erlang_c(10.0, 0.08, 1) == pytest.approx(0.8)
    assert erlang_c_wait(10.0, 0.08, 1) == pytest.approx(0.32)
    assert erlang_c_queue_length(10.0, 0.08, 1) == pytest.approx(3.2)  # Little: 10/h × 0.32 h


def test_erlang_c_two_desks_by_hand():
    # lambda = 1/h, service 1 h, c = 2: a = 1, rho = 0.5
    # C = (a²/2!)/(1 − rho) / (1 + a + (a²/2!)/(1 − rho)) = 1 / (1 + 1 + 1) = 1/3; W_q = C / (2·1 − 1) = 1/3 h
    assert erlang_c(1.0, 1.0, 2) == pytest.approx(1.0 / 3.0)
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1.0 / 3.0)


def test_erlang_c_four_desks_by_hand():
    # lambda = 50/h, service 4 min, c = 4: a = 3.3333, rho = 0.8333
    # sum_{k<4} a^k/k! = 1 + 3.3333 + 5.5556 + 6.1728 = 16.0617; a^4/4!/(1 − rho) = 5.1440 / 0.16667 = 30.864
    # C = 30.864 / (16.0617 + 30.864) = 0.65772; W_q = 0.65772 / (4 × 15 − 50) h = 0.065772 h (3.95 min)
    assert erlang_c(50.0, 4.0 / 60.0, 4) == pytest.approx(0.65772, abs=1e-5)
    assert erlang_c_wait(50.0, 4.0 / 60.0, 4) == pytest.approx(0.065772, abs=1e-6)
    assert utilisation(50.0, 4.0 / 60.0, 4) == pytest.approx(5.0 / 6.0)


def test_erlang_c_refuses_an_unstable_site():
    with pytest.raises(ValueError, match="utilisation below 1"):
        erlang_c(20.0, 0.1, 2)  # rho = 1


def test_simulated_mm2_matches_erlang_c():
    # 20,000 hours at 1 household/h: the sample mean is within a few percent of the formula
    result = simulate_site(1.0, 1.0, 2, hours=20_000.0, seed=3, warmup_h=100.0)
    assert result.mean_wait_h == pytest.approx(erlang_c_wait(1.0, 1.0, 2), rel=0.1)
    assert result.utilisation == pytest.approx(0.5, rel=0.03)
    assert result.served == pytest.approx(19_900, rel=0.03)


def test_fixed_service_matches_pollaczek_khinchine():
    # M/D/1: W_q = rho·s / (2 (1 − rho)) = 0.8 × 0.08 / 0.4 = 0.16 h (Pollaczek–Khinchine), half the M/M/1 wait
    result = simulate_site(10.0, 0.08, 1, hours=5_000.0, seed=5, service="fixed", warmup_h=50.0)
    assert result.mean_wait_h == pytest.approx(0.16, rel=0.1)


def test_queue_length_and_wait_obey_littles_law():
    result = simulate_site(50.0, 4.0 / 60.0, 4, hours=500.0, seed=11, warmup_h=10.0)
    # L_q = lambda_observed × W_q, with the arrivals actually served in the measured hours
    observed_rate = result.served / 490.0
    assert result.mean_queue_length == pytest.approx(observed_rate * result.mean_wait_h, rel=0.03)


def test_more_desks_never_lengthen_the_wait():
    waits = [simulate_site(30.0, 0.1, desks, hours=200.0, seed=2).mean_wait_h for desks in (4, 5, 6)]
    assert waits[0] > waits[1] > waits[2]


def test_same_seed_same_result():
    assert simulate_site(20.0, 0.1, 3, hours=50.0, seed=9) == simulate_site(20.0, 0.1, 3, hours=50.0, seed=9)


def test_bad_inputs_are_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match="exponential, fixed"):
        simulate_site(1.0, 1.0, 1, hours=10.0, service="uniform")
    with pytest.raises(ValueError):
        simulate_site(1.0, 1.0, 0, hours=10.0)
    with pytest.raises(ValueError):
        simulate_site(1.0, 1.0, 1, hours=10.0, warmup_h=10.0)
