"""Results of a run: ``summary.json`` (no timestamps: same seed, same bytes) and ``results.nc``."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from sim.core.fileio import NETCDF_LOCK
from sim.delta.domain import Delta

QUANTILES = (0.1, 0.5, 0.9)


def _spread(values: np.ndarray, digits: int = 0) -> dict:
    """The median as ``value``, and p10/p50/p90 when there is more than one member."""
    values = np.asarray(values, float)
    out = {"value": _round(np.median(values), digits)}
    if values.size > 1:
        for q in QUANTILES:
            out[f"p{int(q * 100)}"] = _round(np.quantile(values, q), digits)
    return out


def _round(x: float, digits: int):
    value = round(float(x), digits)
    return int(value) if digits == 0 else value


def summarize(result: xr.Dataset, delta: Delta, names: dict[str, str] | None = None) -> dict:
    """The summary of a run (see the module docstring of :mod:`sim.results`).

    Counts are in persons: ``affected_persons`` is everyone affected by the end of the
    season; ``displaced_persons`` has the ``peak`` (most displaced on one day) and the
    ``total`` (everyone displaced at some time, the running maximum per cercle); needs have
    the ``peak`` day and the season ``total`` in their unit, and their cost.
    """
    people = result["people"]
    by_member = people.sum("cercle")
    affected = by_member.sel(count="affected").isel(day=-1).values
    displaced_peak = by_member.sel(count="displaced").max("day").values
    displaced_total = people.sel(count="displaced").max("day").sum("cercle").values
    summary = {
        "scenario": result.attrs["scenario"],
        "seed": int(result.attrs["seed"]),
        "members": int(result.attrs["members"]),
        "household_size": float(result.attrs["household_size"]),
        "rations": result.attrs["rations"],
        "exposed_persons": {"peak": _spread(by_member.sel(count="exposed").max("day").values)},
        "affected_persons": _spread(affected),
        "displaced_persons": {"peak": _spread(displaced_peak), "total": _spread(displaced_total)},
        "in_need_persons": {"peak": _spread(by_member.sel(count="in_need").max("day").values)},
        "food_insecure_persons": {"peak": _spread(result["food_insecure"].sum("cercle").max("day").values)},
        "destroyed_houses": _spread(result["destroyed_houses"].sum("cercle").max("day").values),
        "needs": {},
    }
    if "people_by_cause" in result:
        summary["by_cause"] = by_cause(result)
    if "mopti_peak_cm" in result:
        summary["flood_peak_mopti_cm"] = _spread(np.atleast_1d(result["mopti_peak_cm"].values), 1)
    daily = result["need"].sum("cercle")
    for item in result["item"].values:
        item = str(item)
        series = daily.sel(item=item)
        summary["needs"][item] = {
            "unit": str(result["unit"].sel(item=item).values),
            "peak": _spread(series.max("day").values, 1),
            "total": _spread(series.sum("day").values, 1),
            "cost_usd": _spread(result["cost"].sel(item=item).sum(("day", "cercle")).values),
        }
    summary["cost_usd"] = _spread(result["cost"].sum(("item", "day", "cercle")).values)
    by_cercle = []
    pcodes = [str(p) for p in result["cercle"].values]
    totals = result["need"].sum("day").median("member")
    costs = result["cost"].sum(("item", "day")).median("member")
    affected_c = people.sel(count="affected").isel(day=-1).median("member")
    displaced_c = people.sel(count="displaced").max("day").median("member")
    for k, pcode in enumerate(pcodes):
        cercle = delta.cercle(pcode)
        by_cercle.append(
            {
                "cercle": cercle.name,
                "pcode": pcode,
                "population": int(cercle.population),
                "affected_persons": _round(affected_c.isel(cercle=k), 0),
                "displaced_peak": _round(displaced_c.isel(cercle=k), 0),
                "needs": {str(i): _round(totals.sel(item=i).isel(cercle=k), 1) for i in result["item"].values},
                "cost_usd": _round(costs.isel(cercle=k), 0),
            }
        )
    summary["by_cercle"] = by_cercle
    if "commune_affected" in result and result.sizes.get("commune", 0):
        summary["by_commune"] = by_commune(result, delta)
    if "plan" in result.dims:
        summary["plans"] = plan_summaries(result)
    return summary


def by_commune(result: xr.Dataset, delta: Delta) -> list[dict]:
    """Per commune: its cercle, people, and the medians over members of the people affected
    (season), displaced and in need (peaks) [person]."""
    population = delta.commune_population()
    affected = result["commune_affected"].median("member")
    displaced = result["commune_displaced_peak"].median("member")
    in_need = result["commune_in_need_peak"].median("member")
    rows = []
    for k, pcode in enumerate(str(p) for p in result["commune"].values):
        rows.append(
            {
                "commune": str(result["commune_name"].values[k]),
                "pcode": pcode,
                "cercle_pcode": str(result["commune_cercle"].values[k]),
                "population": population.get(pcode, 0),
                "affected_persons": _round(affected.isel(commune=k), 0),
                "displaced_peak": _round(displaced.isel(commune=k), 0),
                "in_need_peak": _round(in_need.isel(commune=k), 0),
            }
        )
    return rows


CAUSE_TOTALS = (
    "affected and in need: the three causes added (a house hit by the river and a storm counts once, "
    "under the river; drought victims are taken as other people); displaced peak: the most on one day of "
    "the daily sum, at most the sum of the three peaks, which can fall on different days"
)
"""How the counts by cause add up to the totals (``summary.json`` ``by_cause.how_they_add``)."""


def by_cause(result: xr.Dataset) -> dict:
    """Affected (season), displaced (peak) and in need (peak) for each cause [person]."""
    people = result["people_by_cause"].sum("cercle")
    out = {}
    for cause in result["cause"].values:
        one = people.sel(cause=cause)
        out[str(cause)] = {
            "affected_persons": _spread(one.sel(count="affected").isel(day=-1).values),
            "displaced_persons": {"peak": _spread(one.sel(count="displaced").max("day").values)},
            "in_need_persons": {"peak": _spread(one.sel(count="in_need").max("day").values)},
        }
    out["how_they_add"] = CAUSE_TOTALS
    return out


def unit_prices(result: xr.Dataset) -> xr.DataArray:
    """Reference price of each stock item [USD per unit]: the needs' cost over their quantity.

    Exact, since :func:`sim.needs.needs` prices every unit of an item alike; an item never
    needed gets 0 (it weighs nothing in a fill rate).
    """
    items = [str(i) for i in result["stock_item"].values]
    cost = result["cost"].sel(item=items).sum(("member", "day", "cercle")).values
    quantity = result["need"].sel(item=items).sum(("member", "day", "cercle")).values
    price = np.divide(cost, quantity, out=np.zeros_like(cost), where=quantity > 0)
    return xr.DataArray(price, dims="stock_item", coords={"stock_item": items})


def plan_by_cercle(result: xr.Dataset) -> dict[str, list[dict]]:
    """Each plan's value-weighted fill rate per cercle at the season's end, across members.

    The same weighting as the plan KPIs (:mod:`sim.logistics.kpis`): US$ distributed over US$
    demanded, at the reference price. Returns plan → one row per cercle with ``pcode``,
    ``fill_rate`` (median and p10/p90; None where the cercle needed nothing) and the medians
    of ``demand_usd`` and ``unmet_usd``.
    """
    price = unit_prices(result)
    demand = (result["demand"].isel(day=-1) * price).sum("stock_item")  # (member, plan, cercle)
    given = (result["distributed"].isel(day=-1) * price).sum("stock_item")
    out: dict[str, list[dict]] = {}
    for plan in [str(p) for p in result["plan"].values]:
        rows = []
        for pcode in [str(c) for c in result["cercle"].values]:
            d = demand.sel(plan=plan, cercle=pcode).values
            g = given.sel(plan=plan, cercle=pcode).values
            needed = d > 0
            rate = _spread(g[needed] / d[needed], 3) if needed.any() else {"value": None}
            rows.append(
                {
                    "pcode": pcode,
                    "fill_rate": rate,
                    "demand_usd": _round(np.median(d), 0),
                    "unmet_usd": _round(np.median(d - g), 0),
                }
            )
        out[plan] = rows
    return out


def plan_summaries(result: xr.Dataset) -> dict:
    """KPIs of every plan across members (p10/p50/p90), paired differences with the first
    plan, and each plan's fill rate per cercle (:func:`plan_by_cercle`)."""
    plans = [str(p) for p in result["plan"].values]
    kpis = result["kpis"]
    cercles = plan_by_cercle(result)
    out: dict = {}
    for plan in plans:
        values = kpis.sel(plan=plan)
        entry = {"kpis": {}, "by_cercle": cercles[plan]}
        for name in result["kpi"].values:
            series = values.sel(kpi=name).values
            finite = series[np.isfinite(series)]
            entry["kpis"][str(name)] = _spread(finite, 3) if finite.size else {"value": None}
        entry["probability_all_demand_met"] = round(float(values.sel(kpi="all_demand_met").mean()), 3)
        out[plan] = entry
    if len(plans) > 1:
        reference = kpis.sel(plan=plans[0])
        for plan in plans[1:]:
            difference = kpis.sel(plan=plan) - reference
            paired = {}
            for name in result["kpi"].values:
                series = difference.sel(kpi=name).values
                finite = series[np.isfinite(series)]
                if finite.size:
                    paired[str(name)] = _spread(finite, 3)
            out[plan][f"minus_{plans[0]}"] = paired
    return out


def write_outputs(result: xr.Dataset, summary: dict, out_dir: str | Path) -> None:
    """Write ``summary.json`` and ``results.nc`` into ``out_dir``, each atomically.

    Both are written in a temporary folder beside ``out_dir`` first; only when both are
    complete are they moved in, so a failed run leaves no half-written output.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"{out_dir}: exists and is not a folder")
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    try:
        (staging / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
        )
        encoding = {name: {"zlib": True, "complevel": 4} for name in ("people", "need", "cost") if name in result}
        with NETCDF_LOCK:
            result.to_netcdf(staging / "results.nc", engine="netcdf4", encoding=encoding)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in ("results.nc", "summary.json"):
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
