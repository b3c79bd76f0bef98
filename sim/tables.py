"""The report's tables — caseload, cercles, needs, timeline, KPIs, stock gaps — in the reader's
language, and their files (XLSX, and CSV plain or for French Excel).

The PDF (:mod:`sim.report`) and the app's downloads are written from these frames, built from a
run's ``summary.json`` and results; nothing here draws.
"""

from __future__ import annotations

import io
import math
import re

import pandas as pd
import xarray as xr

from sim.core.i18n import (
    DEFAULT_LANGUAGE,
    language_of,
    t,
)
from sim.labels import (
    count_name,
    item_name,
    kpi_kind,
    kpi_name,
    kpi_unit,
    unit_name,
)
from sim.needs import ITEM_UNITS

SHEETS = ("caseload", "by_cercle", "needs", "timeline", "kpis", "stock_gaps")
"""The report's tables in workbook order (the last two only when plans were played)."""


TIMELINE_COUNTS = ("affected", "displaced", "in_need")
"""Counts drawn on the timeline (people exposed, far more numerous, are in the workbook)."""


EXCEL_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
"""Characters Excel refuses in a sheet name."""


def sheet_name(table: str, lang: str) -> str:
    """The workbook sheet (and PDF table) name of one of :data:`SHEETS` in ``lang``."""
    return t(f"report_sheet_{table}", lang)


def build_frames(summary: dict, results: xr.Dataset, lang: str = DEFAULT_LANGUAGE) -> dict[str, pd.DataFrame]:
    """The report's tables, one per workbook sheet, keyed by the sheet's name in ``lang``.

    Headers, indicator and item names and units are in ``lang``; values stay numbers
    (persons, US$, the item's unit; shares of the plans' KPIs in percent [%] and their
    differences in percentage points).
    """
    lang = language_of(lang)
    frames = {
        "caseload": _caseload(summary, lang),
        "by_cercle": pd.DataFrame(
            [
                (c["cercle"], c["pcode"], c["population"], c["affected_persons"], c["displaced_peak"], c["cost_usd"])
                for c in summary["by_cercle"]
            ],
            columns=[
                t(f"report_col_{c}", lang)
                for c in ("cercle", "pcode", "population", "affected", "displaced_peak", "cost_needs_usd")
            ],
        ),
        "needs": pd.DataFrame(
            [
                (
                    item_name(item, lang),
                    unit_name(n["unit"], lang),
                    n["peak"]["value"],
                    n["total"]["value"],
                    n["cost_usd"]["value"],
                )
                for item, n in summary["needs"].items()
            ],
            columns=[t(f"report_col_{c}", lang) for c in ("item", "unit", "peak_day", "total", "cost_usd")],
        ),
    }
    people = results["people"].median("member").sum("cercle")
    timeline = {t("report_col_day", lang): pd.DatetimeIndex(results["day"].values)}
    for count in results["count"].values:
        timeline[count_header(str(count), lang)] = people.sel(count=count).values
    frames["timeline"] = pd.DataFrame(timeline)
    if summary.get("plans"):
        frames["kpis"] = _kpi_frame(summary["plans"], lang)
        frames["stock_gaps"] = _stock_gaps(summary, results, lang)
    return {sheet_name(table, lang): frame for table, frame in frames.items()}


def _caseload(summary: dict, lang: str) -> pd.DataFrame:
    rows = (
        ("exposed_peak", ("exposed_persons", "peak")),
        ("affected", ("affected_persons",)),
        ("displaced_peak", ("displaced_persons", "peak")),
        ("displaced_total", ("displaced_persons", "total")),
        ("in_need_peak", ("in_need_persons", "peak")),
        ("food_insecure_peak", ("food_insecure_persons", "peak")),
        ("destroyed_houses", ("destroyed_houses",)),
        ("flood_peak", ("flood_peak_mopti_cm",)),
        ("cost", ("cost_usd",)),
    )
    out = []
    for key, path in rows:
        entry = summary
        for part in path:
            entry = entry.get(part) if isinstance(entry, dict) else None
        if isinstance(entry, dict) and "value" in entry:
            out.append(
                (
                    t(f"report_row_{key}", lang),
                    *(math.nan if entry.get(q) is None else entry[q] for q in ("value", "p10", "p90")),
                )
            )
    return pd.DataFrame(out, columns=[t(f"report_col_{c}", lang) for c in ("indicator", "median", "p10", "p90")])


def _kpi_frame(plans: dict, lang: str) -> pd.DataFrame:
    names = list(plans)
    rows = []

    def add(label: str, kpi: str, values: dict, difference: bool) -> None:
        scale = 100.0 if kpi_kind(kpi) == "share" else 1.0
        unit = t("report_unit_points", lang) if difference and scale == 100.0 else kpi_unit(kpi, lang)
        rows.append(
            (label, kpi_name(kpi, lang), unit, *(_scaled(values.get(q), scale) for q in ("value", "p10", "p90")))
        )

    for plan in names:
        for kpi, values in plans[plan]["kpis"].items():
            add(plan, kpi, values, False)
    for plan in names[1:]:
        label = t("report_col_difference", lang, b=plan, a=names[0])
        for kpi, values in plans[plan].get(f"minus_{names[0]}", {}).items():
            add(label, kpi, values, True)
    return pd.DataFrame(
        rows, columns=[t(f"report_col_{c}", lang) for c in ("plan", "indicator", "unit", "median", "p10", "p90")]
    )


def _stock_gaps(summary: dict, results: xr.Dataset, lang: str) -> pd.DataFrame:
    unmet = results["unmet"].isel(day=-1).sum("cercle").median("member")
    demand = results["demand"].isel(day=-1).sum("cercle").median("member")
    rows = []
    for plan in results["plan"].values:
        for item in results["stock_item"].values:
            wanted = float(demand.sel(plan=plan, stock_item=item))
            left = float(unmet.sel(plan=plan, stock_item=item))
            share = round(100.0 * left / wanted, 1) if wanted > 0 else math.nan
            rows.append(
                (
                    str(plan),
                    item_name(str(item), lang),
                    unit_name(item_unit(summary, results, str(item)), lang),
                    wanted,
                    left,
                    share,
                )
            )
    return pd.DataFrame(
        rows,
        columns=[t(f"report_col_{c}", lang) for c in ("plan", "item", "unit", "demand", "unmet_end", "share_unmet")],
    )


def item_unit(summary: dict, results: xr.Dataset, item: str) -> str:
    if item in summary.get("needs", {}):
        return summary["needs"][item]["unit"]
    if "unit" in results and item in results["item"].values:
        return str(results["unit"].sel(item=item).values)

    return ITEM_UNITS.get(item, "")


def _scaled(value, scale: float):
    if value is None:
        return math.nan
    return round(float(value) * scale, 6) if scale != 1.0 else value


def count_header(count: str, lang: str) -> str:
    name = count_name(count, lang)
    return name[:1].upper() + name[1:]


def workbook_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """The tables as an XLSX workbook, one sheet per table, named by its key.

    Names are made acceptable to Excel (at most 31 characters, none of ``[]:*?/\\``, no two
    alike); the header row is frozen and columns are as wide as their longest header or value.
    """
    from openpyxl.utils import get_column_letter

    buffer = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD") as writer:
        for name, frame in frames.items():
            sheet = _sheet_title(name, taken)
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for k, column in enumerate(frame.columns, start=1):
                values = frame[column].head(200)
                longest = max(
                    [len(str(column))] + [len(f"{v:,.1f}" if isinstance(v, float) else str(v)) for v in values]
                )
                ws.column_dimensions[get_column_letter(k)].width = min(60, max(8, longest + 2))
    return buffer.getvalue()


def _sheet_title(name: str, taken: set[str]) -> str:
    title = EXCEL_FORBIDDEN.sub("-", str(name)).strip("'") or "Sheet"
    title = title[:31]
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def csv_bytes(frame: pd.DataFrame, lang: str, excel: bool = False) -> bytes:
    """A table as CSV bytes.

    ``excel=True`` makes a file a spreadsheet opens as it is: UTF-8 with a byte-order mark,
    and for French ``;`` between fields and ``,`` as the decimal mark (French Excel's
    settings). Otherwise plain UTF-8 with ``,`` between fields and ``.`` as the decimal mark.
    """
    if excel and language_of(lang) == "fr":
        return frame.to_csv(index=False, sep=";", decimal=",", date_format="%Y-%m-%d").encode("utf-8-sig")
    return frame.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8-sig" if excel else "utf-8")
