"""The contingency-plan report of a run: a PDF to read and a workbook (XLSX) to work in.

Both are made from ``summary.json`` and ``results.nc`` in a run's folder and written
atomically beside them: the scenario and its main assumptions, the caseload by cercle, the
needs and their cost, the timeline, and — when plans were played — each plan's KPIs, stock
gaps and the paired difference between plans.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402

from sim.fileio import write_bytes_atomic  # noqa: E402

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
"""A Unicode font shipped with matplotlib, so French text and units print offline."""

ASSUMPTIONS = (
    ("Houses stand 1 m above a median year's flood", "calibrated on the 30,638 people the 2022 floods affected (IOM)"),
    ("A house is destroyed, its people displaced, at damage 0.55", "IDMC/ETH global displacement risk model; 0.3-0.7 across members"),
    ("Depth-damage", "Huizinga et al. 2017 (JRC), Africa residential"),
    ("Flooded area from the Akka stage", "OPIDIN 2014 anchors, dry period 3,840 km², maximum 36,470 km² (ONISDIN)"),
    ("Rations", "Sphere Handbook 2018: 15 L water, 2,100 kcal, 3.5 m² per person; costs in sim/data/rations.csv"),
    ("Displaced hosted by families", "66 % (Shelter Cluster Mali, end 2021)"),
    ("Plan stock, lead times, truck and storage costs", "assumptions where no figure was found (see the plan file)"),
)


def build_frames(summary: dict, results: xr.Dataset) -> dict[str, pd.DataFrame]:
    """The report's tables, one per workbook sheet."""
    frames = {
        "caseload": pd.DataFrame(
            [
                ("affected persons", summary["affected_persons"]["value"]),
                ("displaced persons, peak", summary["displaced_persons"]["peak"]["value"]),
                ("displaced persons, total", summary["displaced_persons"]["total"]["value"]),
                ("in need, peak", summary["in_need_persons"]["peak"]["value"]),
                ("food-insecure, peak", summary["food_insecure_persons"]["peak"]["value"]),
                ("destroyed houses", summary["destroyed_houses"]["value"]),
                ("cost of the needs (US$)", summary["cost_usd"]["value"]),
            ],
            columns=["indicator", "median"],
        ),
        "by_cercle": pd.DataFrame(
            [
                {"cercle": c["cercle"], "pcode": c["pcode"], "population": c["population"], "affected": c["affected_persons"], "displaced_peak": c["displaced_peak"], "cost_usd": c["cost_usd"]}
                for c in summary["by_cercle"]
            ]
        ),
        "needs": pd.DataFrame(
            [
                {"item": item, "unit": n["unit"], "peak_day": n["peak"]["value"], "total": n["total"]["value"], "cost_usd": n["cost_usd"]["value"]}
                for item, n in summary["needs"].items()
            ]
        ),
    }
    people = results["people"].median("member").sum("cercle")
    frames["timeline"] = pd.DataFrame({str(c): people.sel(count=c).values for c in results["count"].values}, index=pd.DatetimeIndex(results["day"].values, name="day")).reset_index()
    plans = summary.get("plans")
    if plans:
        rows = []
        for plan, entry in plans.items():
            for kpi, values in entry["kpis"].items():
                rows.append({"plan": plan, "kpi": kpi, "median": values.get("value"), "p10": values.get("p10"), "p90": values.get("p90")})
            for kpi, values in entry.items():
                if kpi.startswith("minus_"):
                    for name, diff in values.items():
                        rows.append({"plan": f"{plan} {kpi.replace('_', ' ')}", "kpi": name, "median": diff.get("value"), "p10": diff.get("p10"), "p90": diff.get("p90")})
        frames["kpis"] = pd.DataFrame(rows)
        unmet = results["unmet"].isel(day=-1).sum("cercle").median("member")
        demand = results["demand"].isel(day=-1).sum("cercle").median("member")
        gaps = []
        for plan in results["plan"].values:
            for item in results["stock_item"].values:
                gaps.append({"plan": str(plan), "item": str(item), "demand": float(demand.sel(plan=plan, stock_item=item)), "unmet_at_end": float(unmet.sel(plan=plan, stock_item=item))})
        frames["stock_gaps"] = pd.DataFrame(gaps)
    return frames


def png_bytes(fig, **savefig) -> bytes:
    """A matplotlib figure as PNG bytes, laid out tight; the figure is closed."""
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **savefig)
    plt.close(fig)
    return buffer.getvalue()


def workbook_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """The tables as an XLSX workbook."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def _timeline_png(frames: dict[str, pd.DataFrame]) -> bytes:
    frame = frames["timeline"]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    for column in ("affected", "displaced", "in_need"):
        ax.plot(frame["day"], frame[column], label=column.replace("_", " "))
    ax.set_ylabel("persons")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.autofmt_xdate()
    return png_bytes(fig)


def _stock_png(results: xr.Dataset, item: str) -> bytes:
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    days = pd.DatetimeIndex(results["day"].values)
    demand = results["demand"].sel(stock_item=item).sum("cercle").median("member")
    for plan in results["plan"].values:
        ax.plot(days, results["distributed"].sel(stock_item=item, plan=plan).sum("cercle").median("member"), label=f"distributed, {plan}")
    ax.plot(days, demand.isel(plan=0), color="black", ls="--", label="demand")
    ax.set_ylabel(f"{item} (cumulative)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.autofmt_xdate()
    return png_bytes(fig)


def pdf_bytes(summary: dict, results: xr.Dataset, frames: dict[str, pd.DataFrame]) -> bytes:
    """The report as a PDF."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", size=16)
    pdf.multi_cell(0, 9, f"Plan de contingence — {summary['scenario']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, f"{summary['members']} member(s), seed {summary['seed']}, household size {summary['household_size']:g}, rations {summary['rations']}. Medians across members.", new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "Caseload")
    _table(pdf, frames["caseload"], widths=(110, 60))
    _heading(pdf, "Timeline")
    pdf.image(io.BytesIO(_timeline_png(frames)), w=180)
    _heading(pdf, "By cercle")
    _table(pdf, frames["by_cercle"], widths=(32, 22, 30, 30, 32, 30))
    _heading(pdf, "Needs and their cost")
    _table(pdf, frames["needs"], widths=(40, 22, 38, 42, 36))
    if "kpis" in frames:
        _heading(pdf, "Plans: key indicators (median, p10, p90)")
        _table(pdf, frames["kpis"], widths=(52, 62, 24, 24, 24))
        _heading(pdf, "Stock gaps at the end of the season")
        _table(pdf, frames["stock_gaps"], widths=(50, 40, 45, 45))
        for item in ("nfi_kit", "shelter_kit"):
            if item in results["stock_item"].values:
                _heading(pdf, f"Stock against demand: {item}")
                pdf.image(io.BytesIO(_stock_png(results, item)), w=180)
    _heading(pdf, "Main assumptions")
    _table(pdf, pd.DataFrame(ASSUMPTIONS, columns=["assumption", "source or status"]), widths=(80, 100))
    return bytes(pdf.output())


def write_report(folder: str | Path) -> tuple[Path, Path]:
    """Write ``report.pdf`` and ``report.xlsx`` into a run's folder; returns their paths.

    Raises
    ------
    FileNotFoundError
        When the folder holds no ``summary.json`` or ``results.nc``.
    """
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    with xr.open_dataset(folder / "results.nc") as results:
        results = results.load()
    frames = build_frames(summary, results)
    pdf_path, xlsx_path = folder / "report.pdf", folder / "report.xlsx"
    write_bytes_atomic(xlsx_path, workbook_bytes(frames))
    write_bytes_atomic(pdf_path, pdf_bytes(summary, results, frames))
    return pdf_path, xlsx_path


def _heading(pdf, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)


def _table(pdf, frame: pd.DataFrame, widths) -> None:
    pdf.set_font("DejaVu", size=8)
    for k, column in enumerate(frame.columns):
        pdf.cell(widths[k], 6, str(column), border=1)
    pdf.ln()
    for _, row in frame.iterrows():
        for k, value in enumerate(row):
            text = f"{value:,.3g}" if isinstance(value, float) and abs(value) < 1000 else f"{value:,.0f}" if isinstance(value, (int, float)) and value == value else str(value)
            pdf.cell(widths[k], 5, text[:48], border=1)
        pdf.ln()
