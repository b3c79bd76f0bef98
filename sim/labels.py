"""Names a reader sees for the model's keys: items, units, KPIs, hubs, counts — in their language.

The model speaks in keys (``nfi_kit``, ``m**3``, ``fill_rate``); the app, the reports and the
workbooks show these names instead, from the catalogs (``sim/locales/<lang>/labels.yaml``)
and from the ``name_fr``/``name_en``/``role_fr``/``role_en`` columns of ``sim/data``.
"""

from __future__ import annotations

import math
from functools import lru_cache

from sim.core import facts
from sim.core.i18n import has, language_of, number, percent, t, usd
from sim.needs import read_rations

UNIT_KEYS = {"m**3": "m3", "m**2": "m2", "m³": "m3", "m²": "m2", "USD": "usd", "US$": "usd"}
"""Unit spellings of the files → key of their printed name in the catalogs (``unit_m3`` …)."""


@lru_cache(maxsize=None)
def _item_names() -> dict[str, dict[str, str]]:
    names = {row["id"]: {"fr": row["name_fr"], "en": row["name_en"]} for row in facts.read_table("items")}
    for ration in read_rations():
        names.setdefault(ration.item, {"fr": ration.name_fr, "en": ration.name_en})
    return names


def item_name(item: str, lang: str) -> str:
    """``Kit d'articles ménagers essentiels`` for ``nfi_kit`` (``sim/data/items.csv``, ``rations.csv``)."""
    names = _item_names().get(item)
    return names[language_of(lang)] if names else item


def unit_name(unit: str, lang: str) -> str:
    """How a unit is printed: ``m³`` for ``m**3``, ``US$`` for ``USD``, ``moustiquaires`` for ``net``."""
    key = "unit_" + UNIT_KEYS.get(unit, unit.replace("/", "_per_").replace("**", "").replace(" ", ""))
    return t(key, lang) if has(key, lang) else unit.replace("**3", "³").replace("**2", "²")


def hub_role(hub: str, lang: str) -> str:
    """What a logistics hub is for (``role_fr``/``role_en`` of ``sim/data/hubs.csv``)."""
    row = next((r for r in facts.read_table("hubs") if r["name"] == hub), None)
    if row is None:
        return ""
    return row.get(f"role_{language_of(lang)}") or row["role_en"]


def count_name(count: str, lang: str) -> str:
    """``affected`` → ``touchées``: the counts of people of :mod:`sim.impact`."""
    return t(f"count_{count}", lang)


# --- KPIs -----------------------------------------------------------------------------------

KPI_KINDS = {
    "fill_rate": "share",
    "fill_rate_worst_cercle": "share",
    "share_bought_locally": "share",
    "all_demand_met": "share",
    "days_to_first_distribution": "days",
    "days_to_80pct_coverage": "days",
    "person_days_below_sphere_water": "person_days",
    "cost_procurement_usd": "usd",
    "cost_transport_usd": "usd",
    "cost_storage_usd": "usd",
    "cost_total_usd": "usd",
}
"""How each KPI is written: a share (%), days, person-days or US$; the per-item ones below."""


def kpi_kind(kpi: str) -> str:
    """``share``, ``days``, ``person_days``, ``usd`` or ``quantity`` (``stock_left_<item>``)."""
    if kpi in KPI_KINDS:
        return KPI_KINDS[kpi]
    if kpi.startswith("unmet_person_days_"):
        return "person_days"
    if kpi.startswith("stock_left_"):
        return "quantity"
    return "number"


def kpi_name(kpi: str, lang: str) -> str:
    """The KPI's name in ``lang``: ``Taux de couverture`` for ``fill_rate``."""
    for prefix in ("unmet_person_days_", "stock_left_"):
        if kpi.startswith(prefix):
            name = item_name(kpi[len(prefix) :], lang)
            if prefix == "unmet_person_days_" and name[1:2].islower():
                name = name[0].lower() + name[1:]  # inside a sentence: "sans eau potable"
            return t(f"kpi_{prefix.rstrip('_')}", lang, item=name)
    return t(f"kpi_{kpi}", lang)


def kpi_unit(kpi: str, lang: str) -> str:
    """The unit a KPI is written in (``%``, ``jours``, ``personnes-jours``, ``US$`` or the item's)."""
    kind = kpi_kind(kpi)
    if kind == "quantity":
        item = kpi[len("stock_left_") :]
        row = next((r for r in facts.read_table("items") if r["id"] == item), None)
        return unit_name(row["unit"], lang) if row else ""
    return t(f"kpi_unit_{kind}", lang) if kind != "number" else ""


def kpi_value(kpi: str, value: float | None, lang: str, signed: bool = False) -> str:
    """A KPI's value written for the reader: ``52 %``, ``12 j``, ``1 672 000``, ``245 000 US$``.

    ``signed`` writes a difference: shares in percentage points (``+3,2 pts``), others with a sign.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    kind = kpi_kind(kpi)
    sign = ("+" if value > 0 else "\u2212" if value < 0 else "") if signed else ""
    size = abs(value) if signed else value
    if kind == "share":
        return f"{sign}{number(100 * size, lang, 1)} {t('unit_points', lang)}" if signed else percent(size, lang)
    if kind == "days":
        return f"{sign}{number(size, lang, 1 if size < 10 and size != int(size) else 0)} {t('unit_day_short', lang)}"
    if kind == "usd":
        return sign + usd(size, lang)
    return sign + number(size, lang)


def kpi_number(kpi: str, value: float | None, lang: str, signed: bool = False) -> str:
    """A KPI's value without its unit, with the digits :func:`kpi_value` gives it (``52``, ``+3,2``).

    For a range after a value that carries the unit: ``52 % (47 à 68)``. Shares are written in
    percent (in percentage points when ``signed``); negative values take a minus sign (−),
    and ``signed`` adds ``+`` to positive ones.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    kind = kpi_kind(kpi)
    size = abs(value)
    if kind == "share":
        size, digits = 100 * size, 1 if signed else 0
    elif kind == "days":
        digits = 1 if size < 10 and size != int(size) else 0
    else:
        digits = 0
    text = number(size, lang, digits)
    if round(size, digits) == 0:
        return text
    if value < 0:
        return "\u2212" + text
    return "+" + text if signed else text
