"""The contingency-plan report of a run: a PDF to read and a workbook (XLSX) to work in.

Both are made from ``summary.json`` and ``results.nc`` in a run's folder and written
atomically beside them, in French by default or in English: the summary sentence of
:func:`sim.verdict.verdict_sentence` first, the caseload, the timeline, the caseload by
cercle, the needs and their cost, and — when plans were played — each plan's KPIs, the paired
difference between plans, the needs left unmet and the stock distributed against demand;
last, the main assumptions, read from the model's constants so that they cannot drift from
the model.

In the PDF numbers are written for the reader's language with Babel (``29 345 516``,
``52 %``, ``69 265 US$``); in the workbook and the CSV files they stay numbers, under
translated headers and sheet names.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402
from babel.numbers import format_decimal  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from hazards import flood
from hazards.baselines import NORMAL_FLOOD_RETURN_PERIOD
from sim import impact
from sim.core.fileio import NETCDF_LOCK, write_bytes_atomic  # noqa: E402
from sim.core.i18n import (  # noqa: E402
    DEFAULT_LANGUAGE,
    language_of,
    month_names,
    number,
    percent,
    t,
    tn,
)
from sim.labels import (  # noqa: E402
    item_name,
    kpi_kind,
    kpi_name,
    kpi_number,
    kpi_unit,
    kpi_value,
    unit_name,
)
from sim.needs import DEFAULT_RATIONS, read_rations
from sim.tables import TIMELINE_COUNTS, build_frames, count_header, item_unit, sheet_name, workbook_bytes  # noqa: E402
from sim.triggers.words import record_sentence, trigger_table  # noqa: E402
from sim.verdict import verdict_sentence  # noqa: E402

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
"""A Unicode font shipped with matplotlib, so French text and units print offline."""

FONT_BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
"""Its bold face, for headings and table headers."""


STOCK_CHART_ITEMS = ("nfi_kit", "shelter_kit")
"""Items whose stock distributed against demand the PDF draws."""


CALIBRATION_AFFECTED_2022 = 30_638
"""People the 2022 floods affected in the delta [person], the figure
:data:`sim.impact.HOUSE_FREEBOARD_M` is calibrated on. References: IOM Mali Crisis Response
Plan 2023–2024."""


# --- tables ---------------------------------------------------------------------------------


# --- the main assumptions -------------------------------------------------------------------


def assumptions(summary: dict, lang: str, results: xr.Dataset | None = None) -> list[tuple[str, str]]:
    """The report's main assumptions as (assumption, source or status) in ``lang``.

    Every figure is read from the model: the module constants of :mod:`sim.impact` and
    :mod:`hazards.flood`, the default ration profile, and — from ``results`` — the
    displacement thresholds the members actually drew.
    """

    lang = language_of(lang)
    rows = [
        (
            t(
                "report_asm_freeboard",
                lang,
                freeboard=_decimal(impact.HOUSE_FREEBOARD_M, lang),
                years=_decimal(NORMAL_FLOOD_RETURN_PERIOD, lang),
                spread=_decimal(impact.HOUSE_FLOOR_SPREAD_M, lang),
            ),
            t("report_src_freeboard", lang, reported=number(CALIBRATION_AFFECTED_2022, lang)),
        )
    ]
    drawn = np.array([impact.DISPLACEMENT_DAMAGE])
    if results is not None and "displacement_damage" in results:
        drawn = np.atleast_1d(results["displacement_damage"].values).astype(float)
    median, low, high = (round(float(f(drawn)), 2) for f in (np.median, np.min, np.max))
    if low == high:
        threshold = t("report_asm_displacement_one", lang, median=_decimal(median, lang))
    else:
        threshold = t(
            "report_asm_displacement",
            lang,
            median=_decimal(median, lang),
            low=_decimal(low, lang),
            high=_decimal(high, lang),
        )
    range_low, range_high = impact.DISPLACEMENT_DAMAGE_RANGE
    rows.append(
        (
            threshold,
            t(
                "report_src_displacement",
                lang,
                default=_decimal(impact.DISPLACEMENT_DAMAGE, lang),
                range_low=_decimal(range_low, lang),
                range_high=_decimal(range_high, lang),
            ),
        )
    )
    rows.append(
        (t("report_asm_affected", lang, damage=_decimal(impact.AFFECTED_DAMAGE, lang)), t("report_src_affected", lang))
    )
    depths, ratios = impact.JRC_AFRICA_RESIDENTIAL
    curve = t("report_list_separator", lang).join(
        f"{_decimal(d, lang)}\u00a0m\u00a0→\u00a0{_decimal(r, lang)}" for d, r in zip(depths, ratios) if d > 0
    )
    rows.append((t("report_asm_depth_damage", lang, points=curve), t("report_src_depth_damage", lang)))
    rows.append((t("report_asm_rebuild", lang, days=number(impact.REBUILD_DAYS, lang)), t("report_src_rebuild", lang)))
    rows.append((t("report_asm_hosted", lang, share=percent(impact.HOSTED_SHARE, lang)), t("report_src_hosted", lang)))
    rows.append((t("report_asm_banco", lang, share=percent(impact.BANCO_SHARE, lang)), t("report_src_banco", lang)))
    rows.append(
        (
            t(
                "report_asm_area",
                lang,
                dry=number(flood.DRY_PERIOD_FLOOD_KM2, lang),
                most=number(flood.TOPOGRAPHIC_MAX_FLOOD_KM2, lang),
            ),
            t("report_src_area", lang),
        )
    )
    rations = str(summary.get("rations", ""))
    household = _decimal(summary.get("household_size", impact.ImpactSettings.household_size), lang)
    quantities = _default_rations(rations)
    if quantities:
        text = t(
            "report_asm_rations",
            lang,
            water=_decimal(quantities["water"], lang),
            cereal=_decimal(quantities["cereal"], lang),
            space=_decimal(quantities["covered_space"], lang),
            household=household,
        )
    else:
        text = t("report_asm_rations_other", lang, rations=rations, household=household)
    rows.append((text, t("report_src_rations", lang, rations=rations)))
    if summary.get("plans"):
        rows.append((t("report_asm_plans", lang), t("report_src_plans", lang)))
    return rows


def _default_rations(name: str) -> dict[str, float] | None:
    """Water, cereal and covered space per person of the shipped profile, if the run used it."""

    if name != DEFAULT_RATIONS.name:
        return None
    quantities = {r.item: r.quantity for r in read_rations(DEFAULT_RATIONS)}
    wanted = ("water", "cereal", "covered_space")
    return {k: quantities[k] for k in wanted} if all(k in quantities for k in wanted) else None


def _decimal(value: float, lang: str) -> str:
    """A parameter as written in a sentence: up to three decimals, none when whole (``1,6``, ``2``)."""
    return format_decimal(value, format="#,##0.###", locale=language_of(lang))


# --- files ----------------------------------------------------------------------------------


def png_bytes(fig, **savefig) -> bytes:
    """A matplotlib figure as PNG bytes, laid out tight; the figure is closed."""
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **savefig)
    plt.close(fig)
    return buffer.getvalue()


# --- charts ---------------------------------------------------------------------------------


def date_axis(ax, lang: str) -> None:
    """Months in ``lang`` on a date axis (``juin``, ``juil.`` …), the year under the first and January."""
    names = month_names(lang)
    ax.xaxis.set_major_locator(mdates.MonthLocator())

    def label(x, pos):
        day = mdates.num2date(x)
        return f"{names[day.month - 1]}\n{day.year}" if pos == 0 or day.month == 1 else names[day.month - 1]

    ax.xaxis.set_major_formatter(FuncFormatter(label))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: number(y, lang, 0 if float(y).is_integer() else 1)))


def _timeline_png(frame: pd.DataFrame, lang: str) -> bytes:
    days = frame.iloc[:, 0]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    for count in TIMELINE_COUNTS:
        column = count_header(count, lang)
        if column in frame:
            ax.plot(days, frame[column], label=column)
    ax.set_ylabel(t("report_axis_people", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    date_axis(ax, lang)
    return png_bytes(fig)


def _stock_png(summary: dict, results: xr.Dataset, item: str, lang: str) -> bytes:
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    days = pd.DatetimeIndex(results["day"].values)
    demand = results["demand"].sel(stock_item=item).sum("cercle").median("member")
    for plan in results["plan"].values:
        ax.plot(
            days,
            results["distributed"].sel(stock_item=item, plan=plan).sum("cercle").median("member"),
            label=t("report_legend_distributed", lang, plan=str(plan)),
        )
    ax.plot(days, demand.isel(plan=0), color="black", ls="--", label=t("report_legend_demand", lang))
    ax.set_ylabel(t("report_axis_cumulative", lang, unit=unit_name(item_unit(summary, results, item), lang)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    date_axis(ax, lang)
    return png_bytes(fig)


# --- the PDF --------------------------------------------------------------------------------


def new_pdf(title: str, lang: str):
    """An A4 document in DejaVu with page numbers in ``lang``, its first page begun with ``title``."""
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", size=7)
            self.set_text_color(110)
            self.cell(0, 5, t("report_page", lang, page=self.page_no(), pages=self.str_alias_nb_pages), align="C")
            self.set_text_color(0)

    pdf = Report(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(title)
    pdf.set_lang(lang)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", size=16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    return pdf


def pdf_bytes(
    summary: dict,
    results: xr.Dataset,
    frames: dict[str, pd.DataFrame],
    lang: str = DEFAULT_LANGUAGE,
    triggers: dict | None = None,
) -> bytes:
    """The report as a PDF in ``lang``; ``frames`` are :func:`build_frames` of the same ``lang``;
    ``triggers``, the data of a ``triggers.json`` (``python -m sim triggers``), adds the
    triggers' scorecards.

    Every table fits the page width and wraps long cells onto more lines: no text is cut.
    """
    lang = language_of(lang)
    pdf = new_pdf(t("report_title", lang, scenario=summary["scenario"]), lang)
    pdf.ln(1)
    pdf.set_font("DejaVu", size=8.5)
    pdf.set_text_color(70)
    intro = tn(
        "report_intro",
        summary["members"],
        lang,
        seed=summary["seed"],
        household=_decimal(summary["household_size"], lang),
        rations=summary["rations"],
    )
    pdf.multi_cell(0, 4.5, intro, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)

    pdf_heading(pdf, t("report_h_verdict", lang), keep=20)
    pdf.set_font("DejaVu", size=10.5)
    pdf.set_fill_color(228, 238, 248)
    pdf.multi_cell(
        0, 5.5, verdict_sentence(summary, lang), fill=True, padding=3, align="L", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_fill_color(255)

    caseload = _frame(frames, "caseload", lang)
    pdf_heading(pdf, t("report_h_caseload", lang))
    pdf_table(pdf, *_formatted(caseload, lang), widths=(52, 16, 16, 16))
    timeline = _timeline_png(_frame(frames, "timeline", lang), lang)
    pdf_heading(pdf, t("report_h_timeline", lang), keep=80)
    pdf.image(io.BytesIO(timeline), w=pdf.epw)

    pdf_heading(pdf, t("report_h_by_cercle", lang), keep=60)
    pdf_table(pdf, *_formatted(_frame(frames, "by_cercle", lang), lang), widths=(20, 13, 17, 17, 17, 16))
    pdf_heading(pdf, t("report_h_needs", lang))
    pdf_table(pdf, *_formatted(_frame(frames, "needs", lang), lang), widths=(32, 14, 18, 20, 16))

    if summary.get("plans"):
        pdf_heading(pdf, t("report_h_kpis", lang))
        pdf.set_font("DejaVu", size=8)
        note = t("report_kpis_note", lang) + (" " + t("report_kpis_paired", lang) if len(summary["plans"]) > 1 else "")
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        header, rows, align, widths = _kpi_table(summary["plans"], lang)
        pdf_table(pdf, header, rows, align, widths=widths)
        gaps = _frame(frames, "stock_gaps", lang)
        pdf_heading(pdf, t("report_h_stock_gaps", lang))
        pdf_table(pdf, *_formatted(gaps, lang), widths=(16, 28, 12, 16, 16, 12))
        for item in STOCK_CHART_ITEMS:
            if item in results["stock_item"].values:
                chart = _stock_png(summary, results, item, lang)
                pdf_heading(pdf, t("report_h_stock_chart", lang, item=item_name(item, lang)), keep=80)
                pdf.image(io.BytesIO(chart), w=pdf.epw)

    if triggers:
        pdf_heading(pdf, t("report_h_triggers", lang, seasons=number(triggers["seasons"], lang)))
        pdf.set_font("DejaVu", size=8)
        pdf.multi_cell(0, 4, record_sentence(triggers, lang), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf_table(pdf, *trigger_table(triggers, lang), ("LEFT", *["RIGHT"] * 6), widths=(30, 12, 12, 10, 10, 12, 14))
    pdf_heading(pdf, t("report_h_assumptions", lang))
    header = [t("report_col_assumption", lang), t("report_col_source", lang)]
    pdf_table(pdf, header, assumptions(summary, lang, results), ("LEFT", "LEFT"), widths=(50, 50))
    return bytes(pdf.output())


def _frame(frames: dict[str, pd.DataFrame], table: str, lang: str) -> pd.DataFrame:
    name = sheet_name(table, lang)
    if name in frames:
        return frames[name]
    if table in frames:
        return frames[table]
    raise KeyError(f"no table {name!r} among {list(frames)}: were the frames built in another language?")


def _formatted(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]], tuple[str, ...]]:
    """Header, rows as text written for ``lang``, and each column's alignment."""
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rows = [
        [_cell(value, lang) if is_number else str(value) for value, is_number in zip(row, numeric)]
        for row in frame.itertuples(index=False)
    ]
    return [str(c) for c in frame.columns], rows, tuple("RIGHT" if n else "LEFT" for n in numeric)


def _cell(value, lang: str) -> str:
    """A number in a table: grouped, whole from 100 up, one decimal below (two under 1)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    value = float(value)
    if value.is_integer() or abs(value) >= 100:
        return number(value, lang)
    return number(value, lang, 1 if abs(value) >= 1 else 2)


def _kpi_table(plans: dict, lang: str):
    """The plans' KPIs side by side, and each later plan's paired difference with the first."""
    names = list(plans)
    first = plans[names[0]]["kpis"]
    differences = [plans[n].get(f"minus_{names[0]}", {}) for n in names[1:]]
    header = [
        t("report_col_indicator", lang),
        *names,
        *(t("report_col_difference", lang, b=n, a=names[0]) for n in names[1:]),
    ]
    rows = []
    for kpi in first:
        entries = [plans[n]["kpis"].get(kpi, {}) for n in names]
        if kpi.startswith(("stock_left_", "unmet_person_days_")) and not any(
            _nonzero(e) for e in entries + [d.get(kpi, {}) for d in differences]
        ):
            continue  # an item the season did not call for
        label = kpi_name(kpi, lang)
        if kpi_kind(kpi) == "quantity" and kpi_unit(kpi, lang):
            label += f" ({kpi_unit(kpi, lang)})"
        cells = [_kpi_cell(kpi, e, lang, False) for e in entries] + [
            _kpi_cell(kpi, d.get(kpi, {}), lang, True) for d in differences
        ]
        rows.append([label, *cells])
    other = len(header) - 1
    widths = (34, *([66 / other] * other)) if other > 1 else (50, 50)
    return header, rows, ("LEFT", *("RIGHT",) * other), widths


def _kpi_cell(kpi: str, values: dict, lang: str, signed: bool) -> str:
    if not values or values.get("value") is None:
        return "—"
    median = kpi_value(kpi, values.get("value"), lang, signed=signed)
    if values.get("p10") is None or values.get("p90") is None:
        return median  # one member: no spread
    low, high = (kpi_number(kpi, values.get(q), lang, signed=signed) for q in ("p10", "p90"))
    return t("report_range", lang, value=median, low=low, high=high)


def _nonzero(values: dict) -> bool:
    return any(isinstance(values.get(q), (int, float)) and values.get(q) != 0 for q in ("value", "p10", "p90"))


def pdf_heading(pdf, text: str, keep: float = 25) -> None:
    """A section heading, on a new page when fewer than ``keep`` mm would follow it."""
    if pdf.get_y() + 10 + keep > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", size=12)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)


def pdf_table(pdf, header: list[str], rows: list, align: tuple[str, ...], widths) -> None:
    """A table across the page width; long cells wrap onto more lines, headers repeat on a new page.

    Columns are widened (taking from the others) to hold their longest word, so that no word
    is split; a number too long for one line breaks before its parenthesis first.
    """
    from fpdf.fonts import FontFace

    pdf.set_font("DejaVu", size=8)
    header = [str(h) for h in header]
    rows = [[str(c) for c in row] for row in rows]
    mm = _fit_widths(pdf, header, rows, widths)
    rows = [
        [
            _break(pdf, text, mm[k] - 2 * TABLE_PADDING_MM[1]) if align[k] == "RIGHT" else text
            for k, text in enumerate(row)
        ]
        for row in rows
    ]
    pdf.set_font("DejaVu", "B", size=8)
    header = [_break(pdf, text, mm[k] - 2 * TABLE_PADDING_MM[1]) for k, text in enumerate(header)]
    pdf.set_font("DejaVu", size=8)
    style = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))
    with pdf.table(
        col_widths=mm,
        width=pdf.epw,
        text_align=align,
        line_height=4,
        padding=TABLE_PADDING_MM,
        headings_style=style,
        repeat_headings=1,
    ) as table:
        cells = table.row()
        for text in header:
            cells.cell(text)
        for row in rows:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.ln(1)


TABLE_PADDING_MM = (1.0, 1.5)
"""Vertical and horizontal padding of a table cell [mm]."""


def _words(text: str) -> list[str]:
    """What a PDF line may not break: the text between spaces (no-break spaces hold)."""
    return [w for w in re.split(r"[ \n]", text) if w]


def _fit_widths(pdf, header: list[str], rows: list[list[str]], widths) -> list[float]:
    """Column widths [mm] in the proportions of ``widths``, each at least its longest word."""
    total = float(sum(widths))
    mm = [w / total * pdf.epw for w in widths]
    room = 2 * TABLE_PADDING_MM[1] + 0.8
    need = []
    for k in range(len(mm)):
        pdf.set_font("DejaVu", "B", size=8)
        longest = max((pdf.get_string_width(w) for w in _words(header[k])), default=0.0)
        pdf.set_font("DejaVu", size=8)
        longest = max([longest, *(pdf.get_string_width(w) for row in rows for w in _words(row[k]))])
        need.append(longest + room)
    short = sum(max(n - w, 0.0) for n, w in zip(need, mm))
    slack = [max(w - n, 0.0) for n, w in zip(need, mm)]
    if short > 0 and sum(slack) > 0:
        share = min(1.0, short / sum(slack))
        mm = [max(n, w) if n > w else w - s * share for n, w, s in zip(need, mm, slack)]
    return mm


def _break(pdf, text: str, width: float) -> str:
    """``text`` with a line break before its first parenthesis when it is wider than ``width`` [mm]."""
    if " (" in text and "\n" not in text and pdf.get_string_width(text) > width:
        return text.replace(" (", "\n(", 1)
    return text


def write_report(folder: str | Path, lang: str = DEFAULT_LANGUAGE) -> tuple[Path, Path]:
    """Write ``report.pdf`` and ``report.xlsx`` in ``lang`` into a run's folder; returns their paths.

    A ``triggers.json`` in the folder (``python -m sim triggers --out`` the same folder) adds the
    triggers' scorecards to the PDF.

    Raises
    ------
    FileNotFoundError
        When the folder holds no ``summary.json`` or ``results.nc``.
    """
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    with NETCDF_LOCK, xr.open_dataset(folder / "results.nc") as results:
        results = results.load()
    frames = build_frames(summary, results, lang)
    scored = folder / "triggers.json"
    triggers = json.loads(scored.read_text(encoding="utf-8")) if scored.is_file() else None
    pdf_path, xlsx_path = folder / "report.pdf", folder / "report.xlsx"
    write_bytes_atomic(xlsx_path, workbook_bytes(frames))
    write_bytes_atomic(pdf_path, pdf_bytes(summary, results, frames, lang, triggers))
    return pdf_path, xlsx_path
