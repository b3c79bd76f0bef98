"""Dates and units as hazard files write them, and what a reader asks of them.

Dates come from band descriptions, tags, NetCDF time axes or file names
(``chirps_20240815.tif``, CHIRPS' ``2024.08.15``); units from a ``units`` tag or attribute,
in pint's syntax or CF's (``kg m-2 s-1``). :class:`ReadOptions` says which of them a
reader requires.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pint

from hazards.io.errors import RasterError
from sim.core.units import parse_units

__all__ = ["RAINFALL_READ", "ReadOptions", "date_from_filename", "date_index", "parse_date", "source_units"]


@dataclass(frozen=True)
class ReadOptions:
    """What a reader asks of a file besides its pixels.

    Attributes
    ----------
    dates_required : bool
        A file without dates is refused (rainfall); otherwise it is read as one undated map.
    default_units : str or None
        Units of a file that names none; None refuses such a file.
    units_hint : str
        Units the refusal of a file without units suggests (``--units mm/day``).
    resampling : str
        How the values are placed on the grid (:data:`hazards.io.regrid.RESAMPLINGS`):
        ``bilinear`` for rates, depths and heights, ``sum`` for counts, ``average`` for densities.
    check_source : callable or None
        ``check_source(file_name, values)`` refuses the source's own pixels (``(band, row,
        col)`` in the file's units, NaN for nodata) before they are resampled, e.g. a negative
        count that a sum onto the grid would hide.
    """

    dates_required: bool = True
    default_units: str | None = None
    units_hint: str = "mm/day"
    resampling: str = "bilinear"
    check_source: Callable[[str, np.ndarray], None] | None = None


RAINFALL_READ = ReadOptions()
"""What a rainfall file must give: dates and units (e.g. ``mm/day``)."""


def date_index(name: str, dates) -> pd.DatetimeIndex:
    """A sorted, duplicate-free index of dates (midnight)."""
    index = pd.DatetimeIndex([pd.Timestamp(d) for d in dates]).normalize()
    if index.has_duplicates:
        raise RasterError(
            "err_raster_repeated_dates",
            "{file}: repeated date(s) {dates}",
            file=name,
            dates=[str(d.date()) for d in index[index.duplicated()][:3]],
        )
    if not index.is_monotonic_increasing:
        raise RasterError("err_raster_dates_order", "{file}: dates are not in increasing order", file=name)
    return index


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y:%m:%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y-%m",
)
"""Date formats :func:`parse_date` tries, in order (ISO, compact, TIFF ``DateTime``, CHIRPS)."""


def parse_date(text) -> date | None:
    """A date from ISO text, ``YYYYMMDD``, ``YYYY-MM`` or a TIFF ``YYYY:MM:DD hh:mm:ss``."""
    if not text:
        return None
    text = str(text).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def date_from_filename(stem: str) -> date | None:
    """A date written ``YYYYMMDD`` or ``YYYY.MM.DD`` (CHIRPS) in a file name."""
    for match in re.finditer(r"(?<!\d)(\d{4})([._-]?)(\d{2})\2(\d{2})(?!\d)", stem):
        try:
            return date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            continue
    return None


def source_units(unit_text: str, name: str) -> pint.Quantity:
    """The units a file's values are in, as a quantity of one of them.

    Read by :func:`sim.core.units.parse_units` (pint's syntax or CF exponents: ``kg m-2 s-1``).

    Parameters
    ----------
    unit_text : str
        Units as written in the file (or given on the command line).
    name : str
        File name for error messages.

    Raises
    ------
    RasterError
        For an unknown unit, text that is no unit expression, or a bare number.
    """
    try:
        parsed = parse_units(unit_text)
    except pint.errors.UndefinedUnitError:
        raise RasterError(
            "err_raster_unknown_unit", "{file}: unknown unit {units!r}", file=name, units=unit_text
        ) from None
    except Exception:  # tokenizer and dimensionality errors from odd strings
        raise RasterError(
            "err_raster_unreadable_units", "{file}: cannot read units {units!r}", file=name, units=unit_text
        ) from None
    if not isinstance(parsed, pint.Quantity):
        raise RasterError(
            "err_raster_not_rainfall_units",
            "{file}: units {units!r} are not a rainfall rate or depth",
            file=name,
            units=unit_text,
        )
    return parsed
