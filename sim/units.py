"""The one unit registry of the project, and parsing of quantity strings from files.

Pint is used at the edges only (scenario and plan files, the app, reports). Inside the
model every quantity is a plain float in a canonical unit: mm/day, m, person, household,
kit, L, kg, USD, day.

Counts are dimensions of their own, so that a file cannot give litres where kits are
expected: ``person``, ``household``, ``kit`` and the relief items counted one by one
(``net``, ``latrine``, ``tarpaulin``, ``jerrycan``, ``blanket``, ``item``). Currencies are
dimensions too (``USD``, ``XOF``) and deliberately not convertible into each other: an
exchange rate is data, see :func:`to_usd`. Household size is a scenario parameter, never
a unit constant.
"""

from __future__ import annotations

import re

import pint

__all__ = ["ureg", "Quantity", "UnitError", "parse_quantity", "to_usd", "CANONICAL"]

ureg = pint.UnitRegistry(force_ndarray_like=True, autoconvert_offset_to_baseunit=True)
"""The project's registry. ``force_ndarray_like=True`` so that pint-xarray works with it."""

for _definition in (
    "person = [person] = _ = persons = people = pers",
    "household = [household] = _ = households = hh",
    "kit = [kit] = _ = kits",
    "net = [net] = _ = nets",
    "latrine = [latrine] = _ = latrines = toilet = toilets",
    "tarpaulin = [tarpaulin] = _ = tarpaulins = tarp",
    "jerrycan = [jerrycan] = _ = jerrycans",
    "blanket = [blanket] = _ = blankets",
    "item = [item] = _ = items",
    "USD = [currency_usd] = _ = usd = US_dollar",
    "XOF = [currency_xof] = _ = xof = FCFA = CFA_franc",
):
    ureg.define(_definition)

Quantity = ureg.Quantity

CANONICAL = {
    "rainfall_rate": "mm/day",
    "depth": "m",
    "stage": "cm",
    "volume": "m**3",
    "mass": "kg",
    "water": "L",
    "area": "km**2",
    "time": "day",
    "money": "USD",
}
"""Canonical units used inside the model, by kind of quantity."""


class UnitError(ValueError):
    """A quantity string that cannot be read, or that has the wrong dimension."""


def parse_quantity(text: str | int | float, expected: str | None = None) -> pint.Quantity:
    """Read a quantity such as ``"15 L/person/day"`` and check its dimension.

    Parameters
    ----------
    text : str or number
        The quantity as written in a file, e.g. ``"3.5 m**2/person"`` or
        ``"250 g/person/month"``. A bare number is read as dimensionless.
    expected : str, optional
        A unit expression whose dimension the quantity must have, e.g. ``"L/person/day"``.

    Returns
    -------
    pint.Quantity
        The quantity in the units it was written in.

    Raises
    ------
    UnitError
        With a one-line message naming the unit found and the unit expected.
    """
    if isinstance(text, bool):
        raise UnitError(f"expected a quantity, got {text!r}")
    if isinstance(text, (int, float)):
        quantity = Quantity(float(text), "dimensionless")
    else:
        source = str(text).strip()
        if not source:
            raise UnitError("empty quantity")
        try:
            parsed = ureg.parse_expression(source)
        except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as err:
            raise UnitError(f"unknown unit in {source!r}: {_short(err)}") from None
        except Exception as err:  # tokenizer errors come as several exception types
            raise UnitError(f"cannot read {source!r} as a quantity ({_short(err)})") from None
        quantity = parsed if isinstance(parsed, pint.Quantity) else Quantity(float(parsed))
    if expected is not None:
        want = ureg.parse_units(expected)
        if quantity.dimensionality != want.dimensionality:
            written = _NUMBER.sub("", str(text)).strip() or "no unit"
            raise UnitError(
                f"{str(text).strip()!r} has the wrong unit: expected {expected} "
                f"({_dims(want)}), got {written} ({_dims(quantity)})"
            )
    return quantity


def magnitude_in(text: str | int | float, unit: str) -> float:
    """Parse ``text`` and return its magnitude in ``unit`` as a plain float.

    Raises
    ------
    UnitError
        If the quantity cannot be read or has another dimension than ``unit``.
    """
    return float(parse_quantity(text, expected=unit).to(unit).magnitude)


def to_usd(amount: pint.Quantity, xof_per_usd: float) -> pint.Quantity:
    """Convert a money amount to US dollars with an explicit exchange rate.

    Parameters
    ----------
    amount : pint.Quantity
        In USD or XOF (or a unit built on them, e.g. ``XOF/kit``).
    xof_per_usd : float
        The exchange rate used. [XOF/USD]
    """
    if xof_per_usd <= 0:
        raise UnitError(f"exchange rate must be positive, got {xof_per_usd}")
    xof = ureg.XOF
    usd = ureg.USD
    dims = amount.dimensionality
    power = dims.get("[currency_xof]", 0)
    if power == 0:
        return amount
    converted = amount * (usd / (xof_per_usd * xof)) ** power
    return converted.to_reduced_units()


_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _dims(value) -> str:
    text = str(value.dimensionality)
    return "dimensionless" if text == "dimensionless" else text.replace(" ", "")


def _short(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__
