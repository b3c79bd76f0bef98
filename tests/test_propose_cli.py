"""``python -m sim propose``: a proposal fitted on some members, replayed in SimPy on others."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from sim.plan import ITEM_SIZES
from sim.propose.plans import stock_of
from sim.scenario import load_file
from tests.conftest import need
from tests.conftest import sim_cli as cli

ROOT = Path(__file__).resolve().parents[1]


def _coarse_scenario(tmp_path: Path) -> Path:
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    path = tmp_path / "flood.yaml"
    path.write_text(text.replace("resolution: 0.01 degree", "resolution: 0.05 degree"), encoding="utf-8")
    return path


def test_propose_writes_a_valid_plan_its_numbers_and_its_frontier(tmp_path):
    out = tmp_path / "out"
    done = cli(
        "propose",
        _coarse_scenario(tmp_path),
        "--plan",
        ROOT / "scenarios" / "plans" / "baseline.yaml",
        "--members",
        3,
        "--seed",
        1,
        "--workers",
        1,
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    plan = load_file(out / "proposed-plan.yaml", expect="plan")  # a valid plan
    start = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml", expect="plan")
    items = list(ITEM_SIZES)
    # built on START: its stock is kept, and no warehouse holds more than it can
    assert (stock_of(plan, items) >= stock_of(start, items) - 1e-9).all()
    for warehouse, held in zip(plan.warehouses, stock_of(plan, items)):
        volume = sum(held[k] * ITEM_SIZES[item][0] for k, item in enumerate(items))
        assert volume <= float(warehouse.capacity.to("m**3").magnitude) + 1e-6
    data = json.loads((out / "proposal.json").read_text(encoding="utf-8"), parse_constant=_no_constant)
    for key in (
        "stock",
        "cost_usd",
        "in_sample",
        "out_of_sample",
        "frontier",
        "perfect_information",
        "value_of_stochastic_solution_usd",
        "mean_value_plan",
        "reserve_usd",
        "stock_start",
    ):
        assert key in data, key
    assert data["seed_replay"] != data["seed_training"]  # replayed on members it was not fitted on
    for sample in ("in_sample", "out_of_sample"):
        fill = data[sample]["fill_rate"]
        assert 0.0 <= fill["p10"] <= fill["median"] <= fill["p90"] <= 1.0
        assert 0.0 <= data[sample]["share_meeting_target"] <= 1.0
    budgets = [p["budget_usd"] for p in data["frontier"]]
    fills = [p["fill_rate"] for p in data["frontier"]]
    assert budgets == sorted(budgets) and all(
        b >= a - 1e-4 for a, b in zip(fills, fills[1:])
    )  # more money never less cover
    for hub, held in data["stock"].items():
        for item, entry in held.items():
            assert entry["unit"] and entry["quantity"] >= 1, (hub, item)
    assert all("water" not in held for held in data["stock"].values())  # trucked on site, never held
    assert data["reserve_usd"] >= 0 and data["first_stage_usd"] >= data["reserve_usd"]
    assert plan.funding.available.to("USD").magnitude == (
        start.funding.available.to("USD").magnitude + data["reserve_usd"]
    )  # the reserve is money the proposed plan has from day 0
    assert (out / "frontier.png").read_bytes().startswith(b"\x89PNG")
    assert data["verdict"] in done.stdout
    text = _pdf_text(out / "proposal.pdf")  # French by default
    for words in ("Proposition de stock", "Plan proposé", "Information parfaite", "Frontière coût–couverture"):
        assert words in text, words
    assert "Traceback" not in text and "Infinity" not in text


def _no_constant(name: str):
    raise AssertionError(f"proposal.json holds {name}, which is not JSON")


def _pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    need(tool is not None, "pdftotext (Debian poppler-utils)", "REQUIRE_PDFTOTEXT")
    text = subprocess.run([tool, "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def test_propose_refuses_a_target_above_one_in_one_line(tmp_path):
    done = cli(
        "propose",
        _coarse_scenario(tmp_path),
        "--plan",
        ROOT / "scenarios" / "plans" / "baseline.yaml",
        "--target",
        "1.5",
        "--out",
        tmp_path / "out",
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --target must be above 0 and at most 1, got 1.5"
    assert not (tmp_path / "out").exists()
