"""A plan as editable tables, and back: pure functions between a :class:`~sim.scenario.Plan` and pandas frames.

The plan page shows each part of a plan (warehouses and stock, procurement sources, pledges,
trucks, boats, triggers) in a data editor. :func:`plan_tables` turns a plan into those frames
with plain numbers in the units named by the column; :func:`plan_data` turns the edited frames
back into plain plan data (quantities written with their units) for
:func:`sim.scenario.parse_text` to validate, so an edited plan is checked exactly like a file.
:func:`where` names the table and row of a validation problem.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from sim.core import facts
from sim.core.loader import Problem
from sim.plan import Plan

ITEM_UNITS: dict[str, str] = {row["id"]: row["unit"] for row in facts.read_table("items")}
"""Unit of each relief item (``sim/data/items.csv``)."""

TABLES = ("warehouses", "procurement", "pledges", "trucks", "boats", "triggers")
"""The plan's editable tables, in page order."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "warehouses": ("hub", "capacity_m3", "storage_usd_per_m3_month", *ITEM_UNITS),
    "procurement": (
        "name",
        "kind",
        "hub",
        "lead_min_day",
        "lead_mode_day",
        "lead_max_day",
        "price_factor",
        "minimum_order_usd",
        "items",
    ),
    "pledges": ("amount_usd", "date", "after_day", "probability"),
    "trucks": ("hub", "count", "payload_t", "volume_m3", "speed_km_h", "cost_usd_per_t_km"),
    "boats": ("hub", "count", "payload_t", "volume_m3", "speed_km_day", "min_stage_cm", "cost_usd_per_t_km"),
    "triggers": (
        "name",
        "indicator",
        "gauge",
        "place",
        "threshold",
        "lead_day",
        "action",
        "item",
        "quantity",
        "from_hub",
        "to_hub",
        "amount_usd",
    ),
}
"""Columns of each table; a name ending in a unit holds plain numbers in that unit."""


def _number(quantity, unit: str) -> float | None:
    return None if quantity is None else float(quantity.to(unit).magnitude)


def plan_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """The plan's parts as frames with the columns of :data:`COLUMNS` (empty cells are None)."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for w in plan.warehouses:
        row = {
            "hub": w.hub,
            "capacity_m3": _number(w.capacity, "m**3"),
            "storage_usd_per_m3_month": _number(w.storage_cost, "USD/m**3/month"),
        }
        row.update({item: _number(getattr(w.stock, item), unit) or 0.0 for item, unit in ITEM_UNITS.items()})
        rows["warehouses"].append(row)
    for s in plan.procurement:
        rows["procurement"].append(
            {
                "name": s.name,
                "kind": s.kind,
                "hub": s.hub,
                "lead_min_day": _number(s.lead_time.min, "day"),
                "lead_mode_day": _number(s.lead_time.mode, "day"),
                "lead_max_day": _number(s.lead_time.max, "day"),
                "price_factor": s.price_factor,
                "minimum_order_usd": _number(s.minimum_order, "USD"),
                "items": list(s.items) if s.items else [],
            }
        )
    for p in plan.funding.pledges:
        rows["pledges"].append(
            {
                "amount_usd": _number(p.amount, "USD"),
                "date": p.date.isoformat() if p.date else None,
                "after_day": _number(p.after, "day"),
                "probability": p.probability,
            }
        )
    for tr in plan.fleet.trucks:
        rows["trucks"].append(
            {
                "hub": tr.hub,
                "count": tr.count,
                "payload_t": _number(tr.payload, "t"),
                "volume_m3": _number(tr.volume, "m**3"),
                "speed_km_h": _number(tr.speed, "km/h"),
                "cost_usd_per_t_km": _number(tr.cost_per_tonne_km, "USD/t/km"),
            }
        )
    for b in plan.fleet.boats:
        rows["boats"].append(
            {
                "hub": b.hub,
                "count": b.count,
                "payload_t": _number(b.payload, "t"),
                "volume_m3": _number(b.volume, "m**3"),
                "speed_km_day": _number(b.speed, "km/day"),
                "min_stage_cm": _number(b.min_stage, "cm"),
                "cost_usd_per_t_km": _number(b.cost_per_tonne_km, "USD/t/km"),
            }
        )
    for tg in plan.triggers:
        rows["triggers"].append(
            {
                "name": tg.name,
                "indicator": tg.indicator,
                "gauge": tg.gauge,
                "place": tg.place,
                "threshold": tg.threshold,
                "lead_day": _number(tg.lead, "day"),
                "action": tg.action,
                "item": tg.item,
                "quantity": tg.quantity,
                "from_hub": tg.from_hub,
                "to_hub": tg.to_hub,
                "amount_usd": _number(tg.amount, "USD"),
            }
        )
    return {name: pd.DataFrame(rows[name], columns=list(COLUMNS[name])) for name in TABLES}


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return len(value) == 0
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows of an edited frame as dicts without blank cells; rows left wholly blank are dropped."""
    out = []
    for record in frame.to_dict("records"):
        kept = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items() if not _blank(v)}
        if kept:
            out.append(kept)
    return out


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, integral floats as ints (so YAML reads ``3`` not ``3.0``)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _with_unit(value: Any, unit: str) -> Any:
    """A number written with its unit (``"30 t"``); anything else is left for the schema to refuse."""
    value = _plain(value)
    if isinstance(value, (int, float)):
        return f"{value:g} {unit}"
    return value


def _fields(record: dict, mapping: dict[str, tuple[str, str | None]]) -> dict:
    """Plan fields from a table row: ``column -> (field, unit or None)``; blank cells are left out."""
    out = {}
    for column, (field, unit) in mapping.items():
        if column in record:
            out[field] = _with_unit(record[column], unit) if unit else _plain(record[column])
    return out


def plan_data(base: Plan, tables: dict[str, pd.DataFrame], settings: dict[str, Any]) -> dict:
    """Plain plan data from the base plan, the edited tables and the single settings.

    ``settings`` holds ``name``, ``funding_available_usd``, ``teams``,
    ``households_per_team_per_day``, ``allocation`` and ``equity_floor``. Fields that no table
    shows (title, description, a source's monthly capacity) are kept from ``base``; a source's
    monthly capacity follows the source by name.
    """
    data = base.model_dump(mode="python", exclude_none=True)
    capacities = {s["name"]: s["capacity_per_month"] for s in data.get("procurement", []) if "capacity_per_month" in s}
    data["name"] = str(settings["name"]).strip()

    warehouses = []
    for record in _records(tables["warehouses"]):
        warehouse = _fields(
            record,
            {
                "hub": ("hub", None),
                "capacity_m3": ("capacity", "m**3"),
                "storage_usd_per_m3_month": ("storage_cost", "USD/m**3/month"),
            },
        )
        stock = {
            item: _with_unit(record[item], unit)
            for item, unit in ITEM_UNITS.items()
            if item in record and not (isinstance(_plain(record[item]), (int, float)) and _plain(record[item]) == 0)
        }
        if stock:
            warehouse["stock"] = stock
        warehouses.append(warehouse)
    data["warehouses"] = warehouses

    sources = []
    for record in _records(tables["procurement"]):
        source = _fields(
            record,
            {
                "name": ("name", None),
                "kind": ("kind", None),
                "hub": ("hub", None),
                "price_factor": ("price_factor", None),
                "minimum_order_usd": ("minimum_order", "USD"),
            },
        )
        lead = _fields(
            record, {"lead_min_day": ("min", "day"), "lead_mode_day": ("mode", "day"), "lead_max_day": ("max", "day")}
        )
        if lead:
            source["lead_time"] = lead
        if "items" in record:
            items = record["items"]
            listed = (
                [str(i) for i in items]
                if isinstance(items, (list, tuple)) or hasattr(items, "tolist")
                else re.split(r"[,;\s]+", str(items))
            )
            listed = [part.strip() for part in listed if str(part).strip()]
            if listed:
                source["items"] = listed
        if source.get("name") in capacities:
            source["capacity_per_month"] = capacities[source["name"]]
        sources.append(source)
    data["procurement"] = sources

    pledges = [
        _fields(
            record,
            {
                "amount_usd": ("amount", "USD"),
                "date": ("date", None),
                "after_day": ("after", "day"),
                "probability": ("probability", None),
            },
        )
        for record in _records(tables["pledges"])
    ]
    for pledge in pledges:
        if "date" in pledge:
            pledge["date"] = str(pledge["date"])[:10]
    data["funding"] = {"available": _with_unit(settings["funding_available_usd"], "USD"), "pledges": pledges}

    truck_fields = {
        "hub": ("hub", None),
        "count": ("count", None),
        "payload_t": ("payload", "t"),
        "volume_m3": ("volume", "m**3"),
        "speed_km_h": ("speed", "km/h"),
        "cost_usd_per_t_km": ("cost_per_tonne_km", "USD/t/km"),
    }
    boat_fields = {
        "hub": ("hub", None),
        "count": ("count", None),
        "payload_t": ("payload", "t"),
        "volume_m3": ("volume", "m**3"),
        "speed_km_day": ("speed", "km/day"),
        "min_stage_cm": ("min_stage", "cm"),
        "cost_usd_per_t_km": ("cost_per_tonne_km", "USD/t/km"),
    }
    data["fleet"] = {
        "trucks": [_fields(r, truck_fields) for r in _records(tables["trucks"])],
        "boats": [_fields(r, boat_fields) for r in _records(tables["boats"])],
    }
    data["distribution"] = {
        "teams": _plain(settings["teams"]),
        "households_per_team_per_day": _with_unit(settings["households_per_team_per_day"], "household/day"),
    }

    trigger_fields = {
        "name": ("name", None),
        "indicator": ("indicator", None),
        "gauge": ("gauge", None),
        "place": ("place", None),
        "threshold": ("threshold", None),
        "lead_day": ("lead", "day"),
        "action": ("action", None),
        "item": ("item", None),
        "quantity": ("quantity", None),
        "from_hub": ("from_hub", None),
        "to_hub": ("to_hub", None),
        "amount_usd": ("amount", "USD"),
    }
    data["triggers"] = [_fields(r, trigger_fields) for r in _records(tables["triggers"])]
    data["allocation"] = settings["allocation"]
    data["equity_floor"] = _plain(settings["equity_floor"])
    return data


FIELD_COLUMNS: dict[str, dict[str, str]] = {
    "warehouses": {
        "capacity": "capacity_m3",
        "storage_cost": "storage_usd_per_m3_month",
        **{f"stock.{item}": item for item in ITEM_UNITS},
        "stock": "capacity_m3",
    },
    "procurement": {
        "lead_time.min": "lead_min_day",
        "lead_time.mode": "lead_mode_day",
        "lead_time.max": "lead_max_day",
        "lead_time": "lead_mode_day",
        "minimum_order": "minimum_order_usd",
    },
    "pledges": {"amount": "amount_usd", "after": "after_day"},
    "trucks": {
        "payload": "payload_t",
        "volume": "volume_m3",
        "speed": "speed_km_h",
        "cost_per_tonne_km": "cost_usd_per_t_km",
    },
    "boats": {
        "payload": "payload_t",
        "volume": "volume_m3",
        "speed": "speed_km_day",
        "min_stage": "min_stage_cm",
        "cost_per_tonne_km": "cost_usd_per_t_km",
    },
    "triggers": {"lead": "lead_day", "amount": "amount_usd"},
}
"""Plan field (as a problem names it) → the table's column that shows it; others are named alike."""


def column_of(table: str, field: str) -> str:
    """The column of ``table`` that shows the plan field ``field`` (``lead_time.min`` → ``lead_min_day``)."""
    return FIELD_COLUMNS.get(table, {}).get(
        field, field.split(".")[-1] if field.split(".")[-1] in COLUMNS[table] else field
    )


_SECTION = {
    "warehouses": "warehouses",
    "procurement": "procurement",
    "funding.pledges": "pledges",
    "fleet.trucks": "trucks",
    "fleet.boats": "boats",
    "triggers": "triggers",
}


def where(problem: Problem) -> tuple[str | None, int | None, str]:
    """The table (one of :data:`TABLES`), the row number counted from 1 and the field of a problem.

    ``triggers[2].gauge`` is row 3 of the triggers table, field ``gauge``; a problem outside the
    tables (the plan's name, funding available …) has no table and no row.
    """
    match = re.match(r"^([a-z_.]+)\[(\d+)\]\.?(.*)$", problem.field)
    if match and match.group(1) in _SECTION:
        return _SECTION[match.group(1)], int(match.group(2)) + 1, match.group(3) or match.group(1)
    return None, None, problem.field
