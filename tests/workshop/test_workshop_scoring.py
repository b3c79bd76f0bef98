"""sim.workshop.scoring: crises avoided, the worst-served cercle and the ranking, from hand-made rounds."""

from __future__ import annotations

import pytest

from sim.workshop.scoring import crises, scoreboard, team_score


def snap(fill, covered, spent, shelter=(0.0, 0.0), water=(0.0, 0.0)):
    return {
        "cercles": ["ML0403", "ML0404"],
        "fill": list(fill),
        "covered": list(covered),
        "fill_rate": sum(f or 0 for f in fill) / len(fill),
        "without_shelter": list(shelter),
        "without_water": list(water),
        "water_person_days": 0.0,
        "costs": {"procurement": spent, "transport": 0.0, "storage": 0.0, "forecast": 0.0},
        "ledger": {"budget": 400_000.0, "spent": spent},
    }


def test_workshop_crises_count_cercle_rounds_and_skip_the_start():
    results = {
        0: snap([0.0, 0.0], [False, False], 0.0),  # the start is nobody's doing
        1: snap([0.9, 0.5], [True, False], 10.0),
        2: snap([0.9, None], [True, None], 20.0),  # no needs in the second cercle: neither a crisis nor avoided
    }
    assert crises(results) == (2, 1)


def test_workshop_score_reads_the_last_round():
    results = {
        1: snap([0.9, 0.5], [True, False], 10.0, shelter=(52.0, 10.4)),
        2: snap([0.95, 0.4], [True, False], 30.0, shelter=(5.2, 0.0)),
    }
    score = team_score("A", results)
    assert score.worst_cercle == "ML0404" and score.worst_fill == pytest.approx(0.4)
    assert score.without_shelter == pytest.approx(5.2)
    assert score.spent == 30.0
    assert (score.crises_avoided, score.crises) == (2, 2)


def test_workshop_ranking_rewards_crises_avoided_over_saving_money():
    careful = {1: snap([0.9, 0.9], [True, True], 200_000.0)}
    thrifty = {1: snap([0.9, 0.5], [True, False], 1_000.0)}
    hoarder = {1: snap([0.9, 0.5], [True, False], 300_000.0)}  # same service as thrifty, more money spent
    board = scoreboard({"Hoarder": hoarder, "Thrifty": thrifty, "Careful": careful})
    assert [(s.rank, s.team) for s in board] == [(1, "Careful"), (2, "Thrifty"), (3, "Hoarder")]


def test_workshop_ties_share_a_rank():
    same = {1: snap([0.9, 0.5], [True, False], 10.0)}
    board = scoreboard({"A": same, "B": same, "C": {1: snap([0.1, 0.1], [False, False], 0.0)}})
    assert [s.rank for s in board] == [1, 1, 3]
