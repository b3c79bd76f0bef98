"""`python -m sim run --plan … --plan …` and `python -m sim compare`: plans played on flood-2022."""

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from tests.conftest import sim_cli as cli

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "scenarios" / "plans"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plans")
    scenario = folder / "flood.yaml"
    scenario.write_text(
        (ROOT / "scenarios" / "flood-2022.yaml")
        .read_text(encoding="utf-8")
        .replace("resolution: 0.01 degree", "resolution: 0.05 degree"),
        encoding="utf-8",
    )
    out = folder / "out"
    result = cli(
        "run",
        scenario,
        "--plan",
        PLANS / "baseline.yaml",
        "--plan",
        PLANS / "early-action.yaml",
        "--members",
        "2",
        "--seed",
        "5",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    return scenario, out


def test_summary_has_both_plans_and_a_paired_comparison(run):
    _, out = run
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary["plans"]) == ["baseline", "early-action"]
    fill = summary["plans"]["baseline"]["kpis"]["fill_rate"]
    assert {"value", "p10", "p50", "p90"} <= set(fill) and 0 <= fill["value"] <= 1
    assert "minus_baseline" in summary["plans"]["early-action"]
    for name in (
        "days_to_first_distribution",
        "cost_transport_usd",
        "share_bought_locally",
        "person_days_below_sphere_water",
    ):
        assert name in summary["plans"]["baseline"]["kpis"]


def test_results_balance_on_every_day(run):
    _, out = run
    ds = xr.open_dataset(out / "results.nc")
    # distributed + unmet = demand, for every plan, member, item, day and cercle
    np.testing.assert_allclose((ds["distributed"] + ds["unmet"]).values, ds["demand"].values, rtol=1e-9, atol=1e-6)
    # initial stock + received = distributed + on hand + in transit + lost, summed over cercles
    left = ds["initial_stock"] + ds["received"]
    right = ds["distributed"].sum("cercle") + ds["on_hand"] + ds["in_transit"] + ds["lost"]
    np.testing.assert_allclose(left.transpose(*right.dims).values, right.values, rtol=1e-9, atol=1e-6)
    assert set(ds["plan"].values) == {"baseline", "early-action"}
    ds.close()


def test_compare_prints_the_plans_side_by_side(run):
    _, out = run
    result = cli("compare", out)
    assert result.returncode == 0, result.stderr
    assert "baseline" in result.stdout and "early-action" in result.stdout and "difference (paired)" in result.stdout
    assert "fill_rate" in result.stdout and "probability that all demand is met" in result.stdout


def test_a_bad_plan_exits_2_and_writes_nothing(run, tmp_path):
    scenario, _ = run
    bad = tmp_path / "bad-plan.yaml"
    bad.write_text(
        (PLANS / "baseline.yaml").read_text(encoding="utf-8").replace("hub: Ségou", "hub: Kidal", 1), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = cli("run", scenario, "--plan", bad, "--out", out)
    assert result.returncode == 2
    assert "warehouses[2].hub: 'Kidal' is not allowed" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_compare_without_plans_says_so(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"scenario": "x", "members": 1, "seed": 0}))
    result = cli("compare", tmp_path)
    assert result.returncode == 2 and "played no plan" in result.stderr


def test_report_writes_a_pdf_and_a_workbook(run):
    import openpyxl

    _, out = run
    result = cli("report", out)
    assert result.returncode == 0, result.stderr
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    workbook = openpyxl.load_workbook(out / "report.xlsx")
    assert workbook.sheetnames == [
        "Bilan",
        "Par cercle",
        "Besoins",
        "Chronologie",
        "Indicateurs des plans",
        "Non couvert en fin de saison",
    ]  # French by default
    assert workbook["Par cercle"].max_row == 18  # 17 cercles and a header
    plans = {row[0].value for row in workbook["Non couvert en fin de saison"].iter_rows(min_row=2)}
    assert plans == {"baseline", "early-action"}


def test_report_needs_a_run(tmp_path):
    result = cli("report", tmp_path)
    assert result.returncode == 2 and "summary.json: no such file" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_fill_rate_by_cercle_weighs_like_the_plan_kpi(run):
    """Summed over cercles with the same prices, the per-cercle rates give back each member's
    overall fill rate (sim.logistics.kpis), and the summary's rows carry them."""
    from sim.results import unit_prices

    _, out = run
    summary = json.loads((out / "summary.json").read_text())
    ds = xr.open_dataset(out / "results.nc")
    price = unit_prices(ds)
    demand = (ds["demand"].isel(day=-1) * price).sum("stock_item")
    given = (ds["distributed"].isel(day=-1) * price).sum("stock_item")
    overall = (given.sum("cercle") / demand.sum("cercle")).transpose("member", "plan").values
    np.testing.assert_allclose(overall, ds["kpis"].sel(kpi="fill_rate").transpose("member", "plan").values, rtol=1e-9)
    rows = summary["plans"]["baseline"]["by_cercle"]
    assert [r["pcode"] for r in rows] == [str(c) for c in ds["cercle"].values]
    assert all(0.0 <= r["fill_rate"]["value"] <= 1.0 for r in rows if r["fill_rate"]["value"] is not None)
    assert any(r["fill_rate"]["value"] is not None for r in rows)
    ds.close()
