"""``python -m sim triggers``: scorecards over a few synthetic seasons, the same bytes on one
process, two processes and a Dask cluster; counts that add up; a trigger that cannot fire."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.ensemble import LocalPool
from sim.scenario import load_file
from sim.triggers.run import score_triggers
from tests.conftest import sim_cli as cli
from tests.test_ensemble import _free_port, dask_cluster  # noqa: F401 - the cluster fixture

ROOT = Path(__file__).resolve().parents[2]
NEVER = """\
  - name: Sofara above any flood
    indicator: stage
    gauge: Sofara
    threshold: 990
    action: release_funds
    amount: 50000 USD
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("triggers")
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    scenario = folder / "flood.yaml"
    scenario.write_text(text.replace("resolution: 0.01 degree", "resolution: 0.05 degree"), encoding="utf-8")
    plan = folder / "plan.yaml"
    early = (ROOT / "scenarios" / "plans" / "early-action.yaml").read_text(encoding="utf-8")
    head, _, tail = early.partition("triggers:\n")
    plan.write_text(head + "triggers:\n" + NEVER + tail, encoding="utf-8")
    return scenario, plan


def _run(inputs, out: Path, *extra):
    scenario, plan = inputs
    return cli("triggers", scenario, "--plan", plan, "--seasons", 6, "--seed", 3, "--out", out, *extra)


@pytest.fixture(scope="module")
def one_process(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "out"
    done = _run(inputs, out, "--workers", 1)
    assert done.returncode == 0, done.stderr
    return out


def test_scorecards_add_up_and_the_sweep_falls(one_process):
    data = json.loads((one_process / "triggers.json").read_text(encoding="utf-8"))
    assert data["seasons"] == 6 and data["event_definition"]["rule"] == "displaced:5"
    assert data["event_definition"]["events"] >= 1  # the 1-in-5 level of 6 seasons: the top one or two
    assert len(data["triggers"]) == 7
    for card in data["triggers"]:
        for key in (
            "name",
            "indicator",
            "threshold",
            "activation_rate",
            "return_period_years",
            "events",
            "hits",
            "misses",
            "false_alarms",
            "hit_rate",
            "false_alarm_ratio",
            "mean_lead_days",
            "fill_rate_gain",
            "cost_per_season_usd",
            "cost_per_extra_person_day_usd",
            "threshold_sweep",
        ):
            assert key in card, key
        assert card["hits"] + card["misses"] == card["events"]
        assert card["hits"] + card["false_alarms"] == card["activations"]
        rates = [row["activation_rate"] for row in card["threshold_sweep"]]
        thresholds = [row["threshold"] for row in card["threshold_sweep"]]
        assert thresholds == sorted(thresholds) and card["threshold"] in thresholds
        falling = rates if card["indicator"] != "spi" else rates[::-1]  # SPI fires at or below
        assert all(b <= a for a, b in zip(falling, falling[1:]))
        assert set(card["fill_rate_gain"]) == {"median", "p10", "p90", "mean"}
    # the four Sofara actions and the two drought ones fire together: scored together too
    protocols = data["protocols"]
    assert [len(p["triggers"]) for p in protocols] == [4, 2]
    names = [card["name"] for card in data["triggers"]]
    for protocol in protocols:
        first = data["triggers"][names.index(protocol["triggers"][0])]
        assert protocol["activations"] == first["activations"] and protocol["hits"] == first["hits"]
        assert protocol["hits"] + protocol["false_alarms"] == protocol["activations"]
    never = data["triggers"][0]
    assert never["name"] == "Sofara above any flood"
    assert never["never_fired"] and never["activations"] == 0 and never["return_period_years"] is None
    assert never["fill_rate_gain"] == {
        "median": 0.0,
        "p10": 0.0,
        "p90": 0.0,
        "mean": 0.0,
    }  # it never acts: the same plan
    assert (one_process / "triggers.png").read_bytes().startswith(b"\x89PNG")


def test_two_processes_give_the_same_bytes(inputs, one_process, tmp_path):
    done = _run(inputs, tmp_path / "two", "--workers", 2)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "two" / "triggers.json").read_bytes() == (one_process / "triggers.json").read_bytes()


def test_a_dask_cluster_gives_the_same_bytes(inputs, one_process, tmp_path, dask_cluster):  # noqa: F811
    done = _run(inputs, tmp_path / "dask", "--scheduler", dask_cluster)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "dask" / "triggers.json").read_bytes() == (one_process / "triggers.json").read_bytes()


def test_an_unreadable_event_rule_is_refused_in_one_line(inputs, tmp_path):
    done = _run(inputs, tmp_path / "bad", "--event", "floods")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: --event 'floods': expected displaced:T")
    assert "Traceback" not in done.stderr and not (tmp_path / "bad").exists()


def test_a_warm_pool_gives_the_same_scorecards(inputs, one_process):
    """The app plays its records on the shared warm pool: the same numbers as one process."""
    scenario, plan = (load_file(path, expect=kind) for path, kind in zip(inputs, ("scenario", "plan")))
    pool = LocalPool(2, warm_runs=[])
    try:
        scored = score_triggers(scenario, plan, 6, 3, base=inputs[0].parent, pool=pool)
    finally:
        pool.shutdown()
    written = json.loads((one_process / "triggers.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(scored.data, allow_nan=False)) == written


def test_an_unreachable_scheduler_exits_2_in_one_line(inputs, tmp_path):
    done = _run(inputs, tmp_path / "none", "--scheduler", f"tcp://127.0.0.1:{_free_port()}")
    assert done.returncode == 2
    assert "cannot reach the Dask scheduler" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "none").exists()
