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

from sim.core.messages import CodedError
from sim.core.registry import Quantity, ureg

__all__ = ["ureg", "Quantity", "UnitError", "parse_quantity", "parse_units", "to_usd"]

# the registry lives in sim.core.registry, below sim.core.messages (which names units in French)


class UnitError(CodedError):
    """A quantity string that cannot be read, or that has the wrong dimension.

    ``code`` and ``params`` name the message (:mod:`sim.core.messages`); ``str()`` is the English text.
    """


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
        raise UnitError("err_quantity_not_text", "expected a quantity, got {value!r}", value=text)
    if isinstance(text, (int, float)):
        quantity = Quantity(float(text), "dimensionless")
    else:
        source = str(text).strip()
        if not source:
            raise UnitError("err_quantity_empty", "empty quantity")
        try:
            parsed = ureg.parse_expression(source)
        except pint.errors.UndefinedUnitError as err:
            names = list(getattr(err, "unit_names", ()) or ())
            if len(names) == 1 and _short(err) == f"{names[0]!r} is not defined in the unit registry":
                raise UnitError(
                    "err_quantity_unknown_unit",
                    "unknown unit in {text!r}: {unit!r} is not defined in the unit registry",
                    text=source,
                    unit=names[0],
                ) from None
            raise UnitError(
                "err_quantity_bad_unit", "unknown unit in {text!r}: {detail}", text=source, detail=_short(err)
            ) from None
        except pint.errors.DefinitionSyntaxError as err:
            raise UnitError(
                "err_quantity_bad_unit", "unknown unit in {text!r}: {detail}", text=source, detail=_short(err)
            ) from None
        except Exception as err:  # tokenizer errors come as several exception types
            raise UnitError(
                "err_quantity_unreadable",
                "cannot read {text!r} as a quantity ({detail})",
                text=source,
                detail=_short(err),
            ) from None
        quantity = parsed if isinstance(parsed, pint.Quantity) else Quantity(float(parsed))
    if expected is not None:
        want = ureg.parse_units(expected)
        if quantity.dimensionality != want.dimensionality:
            written = _NUMBER.sub("", str(text)).strip()
            dims = {
                "text": str(text).strip(),
                "expected": expected,
                "expected_dims": _dims(want),
                "written_dims": _dims(quantity),
            }
            if not written:
                raise UnitError(
                    "err_quantity_no_unit",
                    "{text!r} has the wrong unit: expected {expected} ({expected_dims}), got no unit ({written_dims})",
                    **dims,
                )
            raise UnitError(
                "err_quantity_wrong_unit",
                "{text!r} has the wrong unit: expected {expected} ({expected_dims}), got {written} ({written_dims})",
                written=written,
                **dims,
            )
    return quantity


def parse_units(text: str):
    """Units as a data file writes them, parsed by the project's registry.

    Pint's syntax (``"mm/day"``, ``"kg/m**2/s"``) and CF/UDUNITS products with exponents
    (``"kg m-2 s-1"``, ``"m^2"``) are both read.

    Parameters
    ----------
    text : str
        The units, e.g. a NetCDF ``units`` attribute or a GeoTIFF ``units`` tag.

    Returns
    -------
    pint.Quantity or number
        One of the units (``Quantity(1, "kg/m**2/s")``); a bare number for text without
        a unit (``"10"``), which the caller refuses or accepts.

    Raises
    ------
    pint.errors.UndefinedUnitError
        For a name the registry does not know.
    Exception
        Pint's tokenizer and parser errors for text that is no unit expression.

    References
    ----------
    CF Conventions, section 3.1 (units in the UDUNITS syntax), https://cfconventions.org
    """
    return ureg.parse_expression(_cf_to_pint(text))


def _cf_to_pint(text: str) -> str:
    """Rewrite CF/UDUNITS products such as ``"kg m-2 s-1"`` as ``"kg*m**-2*s**-1"``."""
    tokens = str(text).strip().split()
    if len(tokens) < 2:
        return _CF_POWER.sub(r"\1**\2", str(text).strip())
    return "*".join(_CF_POWER.sub(r"\1**\2", t) for t in tokens)


_CF_POWER = re.compile(r"^([A-Za-z]+)\^?(-?\d+)$")
"""A CF/UDUNITS unit with its exponent (``m-2``, ``m^2``, ``s2``)."""


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
        raise UnitError("err_quantity_exchange_rate", "exchange rate must be positive, got {rate}", rate=xof_per_usd)
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
