"""From people in need to relief items: a ration profile turned into needs per cercle and day.

A ration profile is a CSV file (default ``sim/data/rations.csv``) with one row per item: the
quantity and unit, what it is counted per (``per``), which people it serves (``group``), its
source, and its unit cost in USD (per ``cost_unit``, by default per the item's unit) with the
cost's source. Quantities and costs are checked with pint against the item's kind (litres of
water, kilograms of cereal, kits, nets …) and converted once, here, to the item's unit.

A profile is a file a planner writes (often from a spreadsheet), so :func:`read_rations`
refuses everything it cannot use — a missing, unreadable, binary, non-UTF-8 or oversized
file, a header without the columns, a row of the wrong length, a number that is not finite
or beyond the bounds below, an item given twice — one line per problem naming the file,
the line and the field; :func:`check_rations` gives the same problems as a list.

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
import io
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from sim.core.limits import MAX_RATION_QUANTITY, MAX_RATIONS_BYTES, MAX_UNIT_COST_USD
from sim.core.loader import InputError, Problem, read_text
from sim.core.messages import render
from sim.core.units import UnitError, parse_quantity

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
"""Items a ration profile may hold, with the unit their needs are counted in (the units of
``sim/data/items.csv``)."""

PER = ("person_day", "person_month", "person_once", "household_once", "destroyed_house_once", "person_present")
GROUPS = ("in_need", "displaced", "in_sites", "destroyed", "food_insecure", "fed", "wash")
"""Who a ration serves: ``in_need`` everyone in need (flood and drought); ``displaced``;
``in_sites`` the displaced in sites (not hosted); ``destroyed`` destroyed houses;
``food_insecure``; ``fed`` the displaced and the food-insecure, each counted once; ``wash``
the people whose home is flooded or who are displaced — water trucking and hygiene, which a
failed harvest alone does not call for (Notes: the validation report found drought needs
at twice Africa RiskView's cost per person when water was trucked to every food-insecure
person)."""

REQUIRED_COLUMNS = ("item", "quantity", "unit", "per", "group", "source", "unit_cost_usd", "cost_source")
"""Columns every ration profile has; ``name_fr``, ``name_en``, ``cost_unit`` and ``included``
are optional."""

INCLUDED = {"yes": True, "no": False}
"""Values of the optional ``included`` column: ``no`` marks an item left out of the needs unless
a scenario switches it on (``include_items``); empty or absent means ``yes``."""

_PROFILE = "a ration profile"
"""What a ration file should be, in messages."""

DAYS_PER_MONTH = 365.25 / 12
"""Mean month [day], to turn per-month rations into daily ones."""

LATRINE_EARLY_DAYS = 30
"""Days of displacement after which the latrine ratio goes from 1:50 to 1:20. Notes:
assumption for the Sphere 'at first' / 'medium term' split."""

LATRINE_LATER_PER_PERSON = 1 / 20
"""Latrines per person after :data:`LATRINE_EARLY_DAYS` [latrine/person]. References: Sphere 2018, excreta management standard 3.2."""

_UNIT_TEXT = re.compile(r"[^\W\d]+(\s*(\*\*|\^)\s*-?\d)?(\s*[*/ ]\s*[^\W\d]+(\s*(\*\*|\^)\s*-?\d)?)*")
"""What a ``unit`` or ``cost_unit`` cell may hold: unit names joined by ``*``, ``/`` or a space,
each with an optional one-digit power (``m**2``, ``USD/kit``). Notes: pint evaluates the
powers it is given, and ``L**9**9**9`` never ends; a number in a unit cell (``1000 L``) is a
slip too."""

_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")


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
    included: bool = True


def read_rations(path: str | Path = DEFAULT_RATIONS) -> list[Ration]:
    """Read and check a ration profile.

    Parameters
    ----------
    path : path
        A CSV file in UTF-8 (a byte-order mark is allowed), comma-separated, with the
        columns of :data:`REQUIRED_COLUMNS`.

    Returns
    -------
    list of Ration
        One per item, quantities in the item's unit (:data:`ITEM_UNITS`), costs in USD per
        that unit.

    Raises
    ------
    InputError
        Every problem with its file, line and field: the file (missing, a folder, unreadable,
        larger than :data:`MAX_RATIONS_BYTES`, not UTF-8, binary, empty), the header (not a
        profile, missing or repeated columns, semicolons), a row (fewer or more fields than
        the header, an unknown or repeated item), a cell (a wrong unit, a quantity or cost
        that is not a finite number, negative, or above :data:`MAX_RATION_QUANTITY` or
        :data:`MAX_UNIT_COST_USD`, an unknown ``per`` or ``group``, a missing source).
    """
    file = str(path)
    records = _records(read_text(path, MAX_RATIONS_BYTES, _PROFILE), file)
    if not records:
        raise InputError(
            [
                _coded(
                    file,
                    None,
                    "file",
                    "err_file_empty",
                    "is empty; expected {what}",
                    what="a ration profile (a CSV header line, then one line per item)",
                )
            ]
        )
    header_line, header = records[0]
    _check_header(header, file, header_line)
    if len(records) == 1:
        raise InputError([_coded(file, records[0][0], "file", "err_rations_no_items", "has a header but no items")])
    problems: list[Problem] = []
    rations: list[Ration] = []
    first_line: dict[str, int] = {}
    for line, cells in records[1:]:
        if len(cells) != len(header):
            problems.append(_row_length(file, line, len(cells), len(header)))
            continue
        row = dict(zip(header, cells))
        item = row["item"]
        if item in first_line:
            problems.append(
                _coded(
                    file,
                    line,
                    "item",
                    "err_rations_duplicate_item",
                    "{item!r} is already on line {first}; one line per item",
                    item=item,
                    first=first_line[item],
                )
            )
            continue
        if item in ITEM_UNITS:
            first_line[item] = line
        ration = _ration(row, file, line, problems)
        if ration is not None:
            rations.append(ration)
    if problems:
        raise InputError(problems)
    return rations


def check_rations(path: str | Path) -> list[Problem]:
    """Every problem of a ration profile, as :func:`read_rations` finds them (empty when it can be used)."""
    try:
        read_rations(path)
    except InputError as err:
        return list(err.problems)
    return []


def _coded(file: str, line: int | None, field: str, code: str, english: str | dict, **params: Any) -> Problem:
    """A problem whose English message is ``english`` filled with ``params``."""
    return Problem(file, line, field, render(english, params, "en"), code, params)


def _records(text: str, file: str) -> list[tuple[int, list[str]]]:
    """(first line, stripped cells) of every non-blank CSV record; a record may span lines (a quoted newline)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise InputError(
                [_coded(file, line, "file", "err_rations_csv", "not readable as CSV ({detail})", detail=str(err))]
            ) from None
        cells = [cell.strip() for cell in cells]
        if any(cells):  # blank lines, and the ',,,,' rows spreadsheets leave, are skipped
            records.append((line, cells))
    return records


def _check_header(header: list[str], file: str, line: int) -> None:
    """Refuse a first line that is not a ration profile's header."""
    if not any(column in header for column in REQUIRED_COLUMNS):
        if len(header) == 1 and header[0].count(";") >= 2:
            raise InputError(
                [
                    _coded(
                        file,
                        line,
                        "header",
                        "err_rations_semicolons",
                        "columns are separated by ';'; save the profile as CSV with commas",
                    )
                ]
            )
        raise InputError(
            [
                _coded(
                    file,
                    line,
                    "header",
                    "err_rations_not_a_profile",
                    "not a ration profile: the first line names none of the columns {columns}",
                    columns=list(REQUIRED_COLUMNS),
                )
            ]
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            [
                _coded(
                    file, line, "header", "err_rations_missing_columns", "missing column(s) {columns}", columns=missing
                )
            ]
        )
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if repeated:
        raise InputError(
            [
                _coded(
                    file,
                    line,
                    "header",
                    "err_rations_duplicate_columns",
                    "column(s) {columns} appear more than once",
                    columns=repeated,
                )
            ]
        )


def _row_length(file: str, line: int, count: int, columns: int) -> Problem:
    if count < columns:
        english = {
            "one": "has {count} field, fewer than the {columns} of the header",
            "other": "has {count} fields, fewer than the {columns} of the header",
        }
        return _coded(file, line, "row", "err_rations_short_row", english, count=count, columns=columns)
    return _coded(
        file,
        line,
        "row",
        "err_rations_long_row",
        "has {count} fields, more than the {columns} of the header; put double quotes around a text that holds a comma",
        count=count,
        columns=columns,
    )


def _ration(row: dict[str, str], file: str, line: int, problems: list[Problem]) -> Ration | None:
    """The ration of one row, or None after adding its problems to ``problems``."""
    item = row["item"]
    before = len(problems)

    def bad(field: str, code: str, english: str, **params) -> None:
        name = f"{item or 'item'}.{field}" if field != "item" else "item"
        problems.append(_coded(file, line, name, code, english, **params))

    if item not in ITEM_UNITS:
        bad(
            "item",
            "err_rations_unknown_item",
            "unknown item {item!r}; known: {known}",
            item=item,
            known=list(ITEM_UNITS),
        )
        return None
    unit = ITEM_UNITS[item]
    amount = _number(row["quantity"], "quantity", bad)
    if amount is not None and _unit_text_ok(row["unit"], "unit", bad):
        try:
            amount = float(parse_quantity(f"{row['quantity']} {row['unit']}", expected=unit).to(unit).magnitude)
        except UnitError as err:
            problems.append(Problem(file, line, f"{item}.unit", str(err), err.code, err.params))
        else:
            _check_quantity(amount, row, unit, bad)
    for field, allowed in (("per", PER), ("group", GROUPS)):
        if row[field] not in allowed:
            bad(
                field,
                "err_rations_unknown_choice",
                "unknown {value!r}; expected one of {allowed}",
                value=row[field],
                allowed=list(allowed),
            )
    cost = _number(row["unit_cost_usd"], "unit_cost_usd", bad)
    cost_unit = row.get("cost_unit") or f"USD/{unit}"
    if cost is not None and _unit_text_ok(cost_unit, "cost_unit", bad):
        try:
            cost = float(
                parse_quantity(f"{row['unit_cost_usd']} {cost_unit}", expected=f"USD/{unit}")
                .to(f"USD/{unit}")
                .magnitude
            )
        except UnitError as err:
            problems.append(Problem(file, line, f"{item}.cost_unit", str(err), err.code, err.params))
        else:
            _check_cost(cost, row, unit, cost_unit, bad)
    for field in ("source", "cost_source"):
        if not row[field]:
            bad(field, "err_rations_no_source", "empty; every number needs its source (or 'assumption: why')")
    included = (row.get("included") or "yes").lower()
    if included not in INCLUDED:
        bad(
            "included",
            "err_rations_unknown_choice",
            "unknown {value!r}; expected one of {allowed}",
            value=row["included"],
            allowed=list(INCLUDED),
        )
    if len(problems) > before:
        return None
    return Ration(
        item,
        row.get("name_fr") or item,
        row.get("name_en") or item,
        amount,
        unit,
        row["per"],
        row["group"],
        row["source"],
        cost,
        row["cost_source"],
        INCLUDED[included],
    )


@lru_cache(maxsize=1)
def optional_items() -> tuple[str, ...]:
    """Items the shipped profile (:data:`DEFAULT_RATIONS`, read-only) marks ``included: no``."""
    return tuple(r.item for r in read_rations(DEFAULT_RATIONS) if not r.included)


def active_rations(rations: list[Ration], include: Collection[str] = ()) -> list[Ration]:
    """The rations that make the needs: those ``included``, and those a scenario switches on."""
    return [r for r in rations if r.included or r.item in include]


def _number(text: str, field: str, bad) -> float | None:
    """A cell as a finite number, or None after saying what is wrong with it."""
    try:
        value = float(text)
    except ValueError:
        if _DECIMAL_COMMA.fullmatch(text):
            bad(field, "err_rations_decimal_comma", "{value!r}: write decimals with a point (0.6, not 0,6)", value=text)
        else:
            bad(field, "err_not_a_number", "not a number: {value!r}", value=text)
        return None
    if not math.isfinite(value):
        bad(field, "err_quantity_not_finite", "must be a finite number, got {value}", value=text)
        return None
    return value


def _unit_text_ok(text: str, field: str, bad) -> bool:
    """Whether a unit cell is empty (pint then says a unit is missing) or unit names only."""
    if not text or _UNIT_TEXT.fullmatch(text):
        return True
    bad(
        field,
        "err_rations_not_a_unit",
        "{value!r} is not a unit: write a unit name such as L, kg or kit, joined by * or / and with powers such as **2",
        value=text,
    )
    return False


def _check_quantity(amount: float, row: dict[str, str], unit: str, bad) -> None:
    """A quantity in the item's unit is neither negative nor above :data:`MAX_RATION_QUANTITY`."""
    if amount < 0:
        bad("quantity", "err_not_negative", "must not be negative, got {value}", value=row["quantity"])
        return
    limit = MAX_RATION_QUANTITY[unit] * (DAYS_PER_MONTH if row["per"] == "person_month" else 1.0)
    if amount > limit:
        bad(
            "quantity",
            "err_rations_too_much",
            "must be at most {limit:g} {unit} per {per}, got {value}",
            limit=limit,
            unit=unit,
            per=row["per"],
            value=f"{row['quantity']} {row['unit']}",
        )


def _check_cost(cost: float, row: dict[str, str], unit: str, cost_unit: str, bad) -> None:
    """A cost in USD per the item's unit is neither negative nor above :data:`MAX_UNIT_COST_USD`."""
    if cost < 0:
        bad("unit_cost_usd", "err_not_negative", "must not be negative, got {value}", value=f"{cost:g}")
    elif cost > MAX_UNIT_COST_USD:
        bad(
            "unit_cost_usd",
            "err_rations_cost_too_high",
            "must be at most {limit:,.0f} USD per {unit}, got {value}",
            limit=MAX_UNIT_COST_USD,
            unit=unit,
            value=f"{row['unit_cost_usd']} {cost_unit}",
        )


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
