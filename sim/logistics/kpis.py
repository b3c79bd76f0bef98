"""Key indicators of a plan in one member, from the model's records.

Fill rates are weighted by value (US$ at the reference price), so a litre of water and a
shelter kit count for what they cost; the water standard is Sphere's 15 L per person per day.
"""

from __future__ import annotations

import numpy as np

from sim.logistics.season_data import Records

SPHERE_WATER_L = 15.0
"""Sphere minimum water per person per day [L/person/day]. References: Sphere Handbook 2018, WASH standard 2.1."""

COVERAGE = 0.8
"""Share of the cumulative demand (by value) a plan must have distributed to count as covering [-]."""


def plan_kpis(records: Records, unit_cost: dict[str, float], daily_ration: dict[str, float]) -> dict[str, float]:
    """The plan's indicators for one member.

    Parameters
    ----------
    unit_cost : dict
        item → reference price [USD per unit].
    daily_ration : dict
        item → quantity per person per day for consumables (water, cereal …), to express
        unmet quantities in person-days.

    Returns
    -------
    dict with fill_rate, fill_rate_worst_cercle [-]; days_to_first_distribution,
    days_to_80pct_coverage [day] (NaN when never); unmet_person_days_<item> [person-day];
    person_days_below_sphere_water [person-day]; cost_procurement_usd, cost_transport_usd,
    cost_storage_usd, cost_total_usd [USD]; share_bought_locally [-]; all_demand_met (0/1);
    stock_left_<item> [unit].
    """
    items = records.items
    price = np.array([unit_cost.get(item, 0.0) for item in items])
    demand = records.demand  # (item, day, cercle), cumulative
    distributed = records.distributed
    value_demand = np.einsum("i,idc->dc", price, demand)
    value_given = np.einsum("i,idc->dc", price, distributed)
    total_demand = value_demand[-1].sum()
    out: dict[str, float] = {}
    out["fill_rate"] = float(value_given[-1].sum() / total_demand) if total_demand > 0 else 1.0
    by_cercle = np.where(
        value_demand[-1] > 0, value_given[-1] / np.where(value_demand[-1] > 0, value_demand[-1], 1.0), np.nan
    )
    out["fill_rate_worst_cercle"] = float(np.nanmin(by_cercle)) if np.isfinite(by_cercle).any() else 1.0
    first_need = np.flatnonzero(value_demand.sum(axis=1) > 0)
    start = int(first_need[0]) if first_need.size else 0
    out["days_to_first_distribution"] = (
        float(records.first_distribution - start) if records.first_distribution is not None else float("nan")
    )
    covered = np.flatnonzero(
        (value_demand.sum(axis=1) > 0) & (value_given.sum(axis=1) >= COVERAGE * value_demand.sum(axis=1))
    )
    out["days_to_80pct_coverage"] = float(covered[0] - start) if covered.size else float("nan")
    unmet_daily = np.diff(demand - distributed, axis=1, prepend=0.0)  # unmet quantity added each day
    backlog = (demand - distributed).sum(axis=2)  # (item, day) unmet to date
    for i, item in enumerate(items):
        if item in daily_ration and daily_ration[item] > 0:
            out[f"unmet_person_days_{item}"] = float(np.clip(unmet_daily[i], 0, None).sum() / daily_ration[item])
        out[f"stock_left_{item}"] = float(records.on_hand[i, -1])
    if "water" in items:
        w = items.index("water")
        out["person_days_below_sphere_water"] = float(
            np.clip(np.diff(backlog[w], prepend=0.0), 0, None).sum() / SPHERE_WATER_L
        )
    for kind, value in records.costs.items():
        out[f"cost_{kind}_usd"] = float(value)
    out["cost_total_usd"] = float(sum(records.costs.values()))
    bought = sum(records.bought.values())
    out["share_bought_locally"] = float(records.bought["local"] / bought) if bought > 0 else float("nan")
    out["all_demand_met"] = float(np.all(demand[:, -1] - distributed[:, -1] <= 1e-6 * np.maximum(demand[:, -1], 1.0)))
    return out
