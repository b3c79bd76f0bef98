"""The building blocks of the file schemas: a strict model, a quantity with its unit, a date.

:class:`Strict` refuses unknown keys and non-finite floats; :func:`Measure` is a field
holding a quantity converted once, at load, to the field's unit; :data:`Date` a date within
the years of :mod:`sim.core.limits`. The validators raise pydantic's own
``PydanticCustomError(code, english, ctx)`` (:func:`invalid`); a check about another field
than the one it sits on names it in ``ctx["field"]`` (``flood.gauge``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

import pint
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
)
from pydantic_core import PydanticCustomError

from sim.core import limits
from sim.core.messages import render
from sim.core.units import UnitError, parse_quantity

__all__ = ["NAME_PATTERN", "Strict", "Measure", "Date", "invalid"]

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def invalid(code: str, english: str, field: str | None = None, **params: Any) -> PydanticCustomError:
    """A validation error with a message code (pydantic's own mechanism: ``err.errors()`` gives
    ``type`` = ``code`` and ``ctx`` = ``params``); ``field`` names another field than the one
    being checked (``flood.gauge``), relative to it."""
    ctx = dict(params)
    if field:
        ctx["field"] = field
    return PydanticCustomError(code, render(english, params, "en"), ctx)


def exact_number(value: float) -> str:
    """``value`` written so that it reads back to the same float, without a trailing ``.0``:
    ``1172329``, ``0.1``, ``2.5e-07`` (``:g`` kept six digits: 1172329 came back 1172330)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def Measure(
    unit: str,
    description: str,
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    default: Any = ...,
):
    """A field holding a quantity string with the dimension of ``unit``.

    The value is parsed with pint, converted once to ``unit`` (the field's canonical unit:
    ``"2 t"`` of cereal in kg is ``2000 kg``) and kept as a :class:`pint.Quantity` in it, so
    that the model reads ``.magnitude`` in ``unit`` whatever the file wrote; it is written
    back to files as ``"<magnitude> <unit>"``. It must be finite; ``gt``/``ge``/``le`` bound
    its magnitude in ``unit`` (the upper bounds are in :mod:`sim.core.limits`).
    """

    def check(value: Any) -> pint.Quantity | None:
        if value is None and default is None:
            return None
        if isinstance(value, pint.Quantity):
            quantity = value
        else:
            try:
                quantity = parse_quantity(value, expected=unit)
            except UnitError as err:
                raise PydanticCustomError(err.code, str(err), err.params) from None
        quantity = quantity.to(unit)
        magnitude = float(quantity.magnitude)
        if not math.isfinite(magnitude):
            raise invalid("err_quantity_not_finite", "must be a finite number, got {value}", value=_written(value))
        if gt is not None and not magnitude > gt:
            raise invalid(
                "err_greater_than_unit",
                "must be greater than {gt:g} {unit}, got {value}",
                gt=gt,
                unit=unit,
                value=_written(value),
            )
        if ge is not None and not magnitude >= ge:
            if ge == 0:
                raise invalid("err_not_negative", "must not be negative, got {value}", value=_written(value))
            raise invalid(
                "err_at_least_unit",
                "must be at least {ge:g} {unit}, got {value}",
                ge=ge,
                unit=unit,
                value=_written(value),
            )
        if le is not None and not magnitude <= le:
            raise invalid(
                "err_at_most_unit",
                "must be at most {le:g} {unit}, got {value}",
                le=le,
                unit=unit,
                value=_written(value),
            )
        return quantity

    def dump(quantity: pint.Quantity | None) -> str | None:
        return None if quantity is None else f"{exact_number(float(quantity.magnitude))} {quantity.units:~C}"

    return Annotated[
        Any,
        BeforeValidator(check),
        PlainSerializer(dump, return_type=str),
        Field(default=default, description=f"{description} [{unit}]", json_schema_extra={"unit": unit}),
    ]


def _written(value: Any) -> Any:
    """A value as the file wrote it, for a message."""
    return str(value) if isinstance(value, pint.Quantity) else value


class Strict(BaseModel):
    """Base of every schema: unknown keys are errors, every field is described."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)


def _year_in_range(value: dt.date) -> dt.date:
    if not limits.MIN_YEAR <= value.year <= limits.MAX_YEAR:
        raise invalid(
            "err_date_year_range",
            "{date} is outside the years {low} to {high}",
            date=value.isoformat(),
            low=limits.MIN_YEAR,
            high=limits.MAX_YEAR,
        )
    return value


Date = Annotated[dt.date, AfterValidator(_year_in_range)]
"""A date in the years :data:`sim.core.limits.MIN_YEAR` to :data:`sim.core.limits.MAX_YEAR`."""
