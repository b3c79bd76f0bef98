"""Plans built from a proposal: the start plan with other stock, and a uniformly scaled one."""

from __future__ import annotations

import numpy as np

from sim.core import facts
from sim.core.loader import dump_yaml
from sim.plan import ITEM_SIZES, Plan
from sim.scenario import parse_text

UNITS = {row["id"]: row["unit"] for row in facts.read_table("items")}
"""Unit of each relief item (``sim/data/items.csv``)."""


def stock_of(plan: Plan, items: list[str]) -> np.ndarray:
    """(warehouse, item) stock of a plan [unit]."""
    out = np.zeros((len(plan.warehouses), len(items)))
    for w, warehouse in enumerate(plan.warehouses):
        for i, item in enumerate(items):
            quantity = getattr(warehouse.stock, item, None)
            out[w, i] = float(quantity.to(UNITS[item]).magnitude) if quantity is not None else 0.0
    return out


def with_stock(
    plan: Plan,
    items: list[str],
    stock: np.ndarray,
    name: str,
    title: str,
    description: str,
    reserve_usd: float = 0.0,
) -> Plan:
    """``plan`` with the (warehouse, item) ``stock`` [unit] in its warehouses and ``reserve_usd``
    [USD] more in its funds of day 0, validated like a file.

    Items not in ``items`` keep their stock; quantities are rounded down to whole units (a
    proposal never exceeds a capacity by rounding), the reserve up to whole dollars.
    """
    data = plan.model_dump(mode="python", exclude_none=True)
    data.update(name=name, title=title, description=description)
    if reserve_usd > 0:
        funding = dict(data.get("funding") or {})
        available = float(plan.funding.available.to("USD").magnitude) + float(np.ceil(reserve_usd - 1e-6))
        funding["available"] = f"{available:.0f} USD"
        data["funding"] = funding
    for w, warehouse in enumerate(data["warehouses"]):
        held = dict(warehouse.get("stock") or {})
        for i, item in enumerate(items):
            amount = float(np.floor(max(stock[w, i], 0.0) + 1e-9))
            if amount > 0:
                held[item] = f"{amount:.0f} {UNITS[item]}"
            else:
                held.pop(item, None)
        warehouse["stock"] = held
    return parse_text(dump_yaml(data), f"{name}.yaml", expect="plan")


def within_capacity(plan: Plan, items: list[str], stock: np.ndarray) -> np.ndarray:
    """``stock`` (warehouse, item) [unit] in whole units, each warehouse within its capacity: where
    the solver's tolerance left it a little over, the item it added most volume of gives way."""
    start = stock_of(plan, items)
    out = np.maximum(np.floor(np.maximum(stock, start) + 1e-9), start)
    volume = np.array([ITEM_SIZES[item][0] for item in items])
    for w, warehouse in enumerate(plan.warehouses):
        excess = float(out[w] @ volume) - float(warehouse.capacity.to("m**3").magnitude)
        if excess > 0:
            i = int(np.argmax((out[w] - start[w]) * volume))
            out[w, i] = max(start[w, i], out[w, i] - np.ceil(excess / volume[i]) - 1.0)
    return out


def stock_cost(items: list[str], stock: np.ndarray, unit_cost: dict[str, float]) -> float:
    """Value of a (warehouse, item) stock at the reference prices [USD]."""
    prices = np.array([unit_cost.get(item, 0.0) for item in items])
    return float((stock @ prices).sum())


def scaled_stock(plan: Plan, items: list[str], factor: float) -> np.ndarray:
    """The plan's stock times ``factor``, each warehouse held within its capacity (scaled down
    uniformly when it would overflow) [unit]."""
    stock = stock_of(plan, items) * factor
    volume = np.array([ITEM_SIZES[item][0] for item in items])
    for w, warehouse in enumerate(plan.warehouses):
        capacity = float(warehouse.capacity.to("m**3").magnitude)
        used = float(stock[w] @ volume)
        if used > capacity:
            stock[w] *= capacity / used
    return stock
