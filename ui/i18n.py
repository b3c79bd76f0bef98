"""The app's texts: :func:`t` and the formatting helpers of :mod:`sim.core.i18n`, where the catalogs live.

The texts themselves are in ``sim/locales/<lang>/*.yaml``.
"""

from __future__ import annotations

from sim.core.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    catalog,
    date_long,
    date_short,
    has,
    month_names,
    number,
    percent,
    points,
    signed,
    t,
    tn,
    usd,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "catalog",
    "date_long",
    "has",
    "date_short",
    "month_names",
    "number",
    "percent",
    "points",
    "signed",
    "t",
    "tn",
    "usd",
]
