"""Texts in the reader's language: catalogs per language, and numbers and dates with Babel.

Every word a user reads — in the app, the reports, the messages about a bad file — is looked
up by key in the catalogs under ``sim/locales/<lang>/*.yaml`` (one file per part of the
product: ``app``, ``workshop``, ``messages``, ``report`` …; a key is defined in one file only).
French is the product's first language; English is the other. A key missing from a catalog
is a bug the tests catch (both languages define the same keys with the same placeholders).

A text that depends on a count is a mapping of CLDR plural categories (``one``, ``other``)
chosen with Babel's plural rules: in French 0 and 1 take ``one``, in English only 1 does.

Numbers and dates are formatted for the language with Babel: ``29 345 516`` and
``12 octobre 2022`` in French, ``29,345,516`` and ``12 October 2022`` in English.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from ruamel.yaml import YAML

LANGUAGES = {"fr": "Français", "en": "English"}
"""Languages of the product, French first."""

DEFAULT_LANGUAGE = "fr"

LOCALES = Path(__file__).resolve().parents[1] / "locales"
"""Folder of the catalogs: one sub-folder per language, one YAML file per part."""


class CatalogKeyError(KeyError):
    """A key defined twice in a language's catalogs, or asked for and defined nowhere."""


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str | dict[str, str]]:
    """Every text of ``lang`` (an unknown language falls back to French), key → text."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    texts: dict[str, str | dict[str, str]] = {}
    yaml = YAML(typ="safe")
    for path in sorted((LOCALES / lang).glob("*.yaml")):
        part = yaml.load(path.read_text(encoding="utf-8")) or {}
        clash = set(part) & set(texts)
        if clash:
            raise CatalogKeyError(f"{path}: keys defined twice in {lang}: {sorted(clash)}")
        texts.update(part)
    return texts


def language_of(lang: str | None) -> str:
    """``lang`` if the product speaks it, else French."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """Whether ``key`` is in the catalogs."""
    return key in catalog(language_of(lang))


def t(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang``, with ``values`` filled in (``str.format`` fields).

    Raises
    ------
    CatalogKeyError
        If no catalog defines ``key`` (a bug, caught by the tests).
    """
    try:
        text = catalog(language_of(lang))[key]
    except KeyError:
        raise CatalogKeyError(f"no text {key!r} in the {language_of(lang)} catalogs") from None
    if isinstance(text, dict):
        text = text.get("other") or next(iter(text.values()))
    return text.format(**values) if values else text


def tn(key: str, count: float, lang: str, **values) -> str:
    """The text for ``key`` chosen by the plural rule of ``lang`` for ``count``.

    ``count`` is also available to the text as ``{count}`` (formatted for the language).
    """
    lang = language_of(lang)
    forms = catalog(lang).get(key)
    if forms is None:
        raise CatalogKeyError(f"no text {key!r} in the {lang} catalogs")
    if isinstance(forms, str):
        text = forms
    else:
        category = Locale.parse(lang).plural_form(abs(count))
        text = forms.get(category) or forms["other"]
    return text.format(count=number(count, lang), **values)


# --- numbers and dates ----------------------------------------------------------------------


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """``value`` with ``digits`` decimals and the language's grouping (``29 345 516``, ``3,5``).

    None and NaN are written as a dash.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=language_of(lang))


def signed(value: float | None, lang: str, digits: int = 0) -> str:
    """A difference with its sign (``+3,5``, ``−1 200``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = number(abs(value), lang, digits)
    if round(value, digits) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


def percent(value: float | None, lang: str, digits: int = 0) -> str:
    """A share as a percentage in the language's style (``52 %`` in French, ``52%`` in English)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    locale = Locale.parse(language_of(lang))
    pattern = locale.percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return format_percent(value, format=pattern, locale=locale)


def points(value: float | None, lang: str, digits: int = 1) -> str:
    """A difference of two shares in percentage points, signed (``+3,5``)."""
    return signed(None if value is None else 100.0 * value, lang, digits)


def usd(value: float | None, lang: str) -> str:
    """An amount in US dollars (``69 265 US$`` in French, ``US$69,265`` in English)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return t("fmt_usd", lang, amount=number(value, lang))


def date_long(day: dt.date | str, lang: str) -> str:
    """``12 octobre 2022`` / ``12 October 2022``."""
    return format_date(_as_date(day), "d MMMM y", locale=language_of(lang))


def date_short(day: dt.date | str, lang: str) -> str:
    """``12 oct.`` / ``12 Oct``: a day within a season."""
    return format_date(_as_date(day), "d MMM", locale=language_of(lang))


def month_names(lang: str, width: str = "abbreviated") -> list[str]:
    """The twelve months in ``lang``, January first (``janv.``, ``févr.`` … or ``Jan``, ``Feb`` …)."""
    names = Locale.parse(language_of(lang)).months["format"][width]
    return [names[m] for m in range(1, 13)]


def _as_date(day: dt.date | str) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    return dt.date.fromisoformat(str(day)[:10])
