"""From people in need to relief items: a ration profile turned into needs per cercle and day.

A ration profile is a CSV file (default ``sim/data/rations.csv``) with one row per item: the
quantity and unit, what it is counted per (``per``), which people it serves (``group``), its
source, and its unit cost in USD with the cost's source. Quantities are checked with pint
against the item's kind (litres of water, kilograms of cereal, kits, nets …).

How items turn into needs:

* ``person_day`` / ``person_month``: consumed every day by the people of the group present
  that day (water, cereal, soap, animal feed);
* ``person_once``, ``household_once``, ``destroyed_house_once``: handed out once to each new
  person, household or destroyed house; kits, nets and latrines are whole numbers;
* ``person_present``: a stock of facilities that must match the people present, built once
  and kept (latrines: one per 50 people for the first 30 days, one per 20 after).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from sim.messages import render
from sim.scenario import InputError, Problem
from sim.units import UnitError, parse_quantity

DEFAULT_RATIONS = Path(__file__).resolve().parent / "data" / "rations.csv"

ITEM_UNITS = {
    "water": "L",
    "cereal": "kg",
    "soap": "kg",
    "animal_feed": "kg",
    "covered_space": "m**2",
    "nfi_kit": "kit",
    "shelter_kit": "kit",
    "dignity_kit": "kit",
    "hygiene_kit": "kit",
    "mosquito_net": "net",
    "latrine": "latrine",
}
"""Items a ration profile may hold, with the unit their needs are counted in."""

PER = ("person_day", "person_month", "person_once", "household_once", "destroyed_house_once", "person_present")
GROUPS = ("in_need", "displaced", "in_sites", "destroyed", "food_insecure", "fed", "wash")
"""Who a ration serves: ``in_need`` everyone in need (flood and drought); ``displaced``;
``in_sites`` the displaced in sites (not hosted); ``destroyed`` destroyed houses;
``food_insecure``; ``fed`` the displaced and the food-insecure, each counted once; ``wash``
the people whose home is flooded or who are displaced — water trucking and hygiene, which a
failed harvest alone does not call for (Notes: the validation report found drought needs
at twice Africa RiskView's cost per person when water was trucked to every food-insecure
person)."""

DAYS_PER_MONTH = 365.25 / 12
"""Mean month [day], to turn per-month rations into daily ones."""

LATRINE_EARLY_DAYS = 30
"""Days of displacement after which the latrine ratio goes from 1:50 to 1:20. Notes:
assumption for the Sphere 'at first' / 'medium term' split."""

LATRINE_LATER_PER_PERSON = 1 / 20
"""Latrines per person after :data:`LATRINE_EARLY_DAYS` [latrine/person]. References: Sphere 2018, excreta management standard 3.2."""


@dataclass(frozen=True)
class Ration:
    """One item of a ration profile."""

    item: str
    name_fr: str
    name_en: str
    quantity: float
    unit: str
    per: str
    group: str
    source: str
    unit_cost_usd: float
    cost_source: str


def read_rations(path: str | Path = DEFAULT_RATIONS) -> list[Ration]:
    """Read and check a ration profile.

    Raises
    ------
    InputError
        Every problem with its file, line and field (unknown item, wrong unit, negative
        quantity or cost, unknown ``per`` or ``group``, missing source).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "file", "no such file", "err_file_missing")]) from None
    rows = list(csv.DictReader(text.splitlines()))
    problems: list[Problem] = []
    rations: list[Ration] = []
    required = ("item", "quantity", "unit", "per", "group", "source", "unit_cost_usd", "cost_source")
    header = next(csv.reader(text.splitlines()), [])
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError([Problem(str(path), 1, "header", f"missing column(s) {', '.join(missing)}", "err_rations_missing_columns", {"columns": missing})])
    for line, row in enumerate(rows, start=2):
        item = row["item"].strip()

        def bad(field: str, code: str, english: str, **params) -> None:
            name = f"{item or 'item'}.{field}" if field != "item" else "item"
            problems.append(Problem(str(path), line, name, render(english, params, "en"), code, params))

        if item not in ITEM_UNITS:
            bad("item", "err_rations_unknown_item", "unknown item {item!r}; known: {known}", item=item, known=list(ITEM_UNITS))
            continue
        try:
            quantity = parse_quantity(f"{row['quantity']} {row['unit']}", expected=ITEM_UNITS[item])
            amount = float(quantity.to(ITEM_UNITS[item]).magnitude)
        except UnitError as err:
            problems.append(Problem(str(path), line, f"{item}.unit", str(err), err.code, err.params))
            continue
        except ValueError:
            bad("quantity", "err_not_a_number", "not a number: {value!r}", value=row["quantity"])
            continue
        if amount < 0:
            bad("quantity", "err_not_negative", "must not be negative, got {value}", value=row["quantity"])
        if row["per"] not in PER:
            bad("per", "err_rations_unknown_choice", "unknown {value!r}; expected one of {allowed}", value=row["per"], allowed=list(PER))
        if row["group"] not in GROUPS:
            bad("group", "err_rations_unknown_choice", "unknown {value!r}; expected one of {allowed}", value=row["group"], allowed=list(GROUPS))
        try:
            cost = float(row["unit_cost_usd"])
        except ValueError:
            bad("unit_cost_usd", "err_not_a_number", "not a number: {value!r}", value=row["unit_cost_usd"])
            continue
        if cost < 0:
            bad("unit_cost_usd", "err_not_negative", "must not be negative, got {value}", value=f"{cost:g}")
        for field in ("source", "cost_source"):
            if not row[field].strip():
                bad(field, "err_rations_no_source", "empty; every number needs its source (or 'assumption: why')")
        rations.append(
            Ration(item, row.get("name_fr", item), row.get("name_en", item), amount, ITEM_UNITS[item], row["per"], row["group"], row["source"], cost, row["cost_source"])
        )
    if problems:
        raise InputError(problems)
    return rations


def needs(impact: xr.Dataset, rations: list[Ration], household_size: float) -> xr.Dataset:
    """Daily needs per item and cercle, and their cost.

    Parameters
    ----------
    impact : xr.Dataset
        From :func:`sim.impact.people_impact` (day, cercle).
    household_size : float
        [person/household]

    Returns
    -------
    xr.Dataset
        ``need`` (item, day, cercle): the quantity needed that day in the item's unit —
        consumed that day, or new units handed out or built that day (whole numbers for
        kits, nets and latrines); ``cost`` (item, day, cercle) [USD]; ``unit`` per item.
    """
    people = impact["people"]
    displaced = people.sel(count="displaced").values
    food = impact["food_insecure"].values
    by_drought = impact["displaced_by_drought"].values if "displaced_by_drought" in impact else np.zeros_like(food)
    in_need = people.sel(count="in_need").values
    groups = {
        "in_need": in_need,
        "displaced": displaced,
        "in_sites": impact["displaced_in_sites"].values,
        "food_insecure": food,
        "fed": displaced - by_drought + food,  # the drought's displaced are among the food-insecure
        "destroyed": impact["destroyed_houses"].values,
        "wash": in_need - food + by_drought,  # flooded homes and the displaced
    }
    out = np.zeros((len(rations), *displaced.shape))
    for k, ration in enumerate(rations):
        present = groups[ration.group]
        if ration.per == "person_day":
            out[k] = ration.quantity * present
        elif ration.per == "person_month":
            out[k] = ration.quantity * present / DAYS_PER_MONTH
        elif ration.per == "person_once":
            out[k] = _new_whole(ration.quantity * np.maximum.accumulate(present, axis=0), ration.unit)
        elif ration.per == "household_once":
            out[k] = _new_whole(ration.quantity * np.maximum.accumulate(present, axis=0) / household_size, ration.unit)
        elif ration.per == "destroyed_house_once":
            out[k] = _new_whole(ration.quantity * np.maximum.accumulate(present, axis=0), ration.unit)
        elif ration.per == "person_present":
            out[k] = _new_whole(np.maximum.accumulate(_facilities(ration.quantity, present), axis=0), ration.unit)
    costs = out * np.array([r.unit_cost_usd for r in rations])[:, None, None]
    items = [r.item for r in rations]
    coords = {"item": items, "day": impact["day"].values, "cercle": impact["cercle"].values}
    return xr.Dataset(
        {
            "need": (("item", "day", "cercle"), out),
            "cost": (("item", "day", "cercle"), costs, {"units": "USD"}),
            "unit": ("item", [r.unit for r in rations]),
            "once": ("item", [r.per.endswith("once") or r.per == "person_present" for r in rations]),
        },
        coords=coords,
    )


def _new_whole(cumulative: np.ndarray, unit: str) -> np.ndarray:
    """New units each day from a cumulative requirement; counted items are whole numbers."""
    if unit in ("kit", "net", "latrine"):
        cumulative = np.ceil(np.round(cumulative, 6))
    return np.diff(cumulative, axis=0, prepend=0.0)


def _facilities(early_per_person: float, present: np.ndarray) -> np.ndarray:
    """Facilities needed for the people present: the early ratio for the first days, then the later one."""
    started = np.cumsum(present > 0, axis=0)
    ratio = np.where(started <= LATRINE_EARLY_DAYS, early_per_person, LATRINE_LATER_PER_PERSON)
    return ratio * present
