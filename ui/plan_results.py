"""The plan page's run and its results: KPI cards with their spread, the verdict, the paired
difference, results per cercle (table and map), stock against demand, and the downloads.

A run's results are kept in session state (:data:`ui.common.Key.PLAN_RESULT`) as plain data
and an xarray Dataset; every rerun (a download, another item, the language) redraws them from
there, and the report files are made from them once per language and kept beside them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from sim.core.loader import InputError
from sim.ensemble import run_ensemble, shared_pool
from sim.labels import item_name, kpi_name, kpi_value, unit_name
from sim.report import pdf_bytes
from sim.results import summarize
from sim.run import combine_members, scenario_delta
from sim.scenario import parse_text
from sim.tables import build_frames, csv_bytes, workbook_bytes
from sim.verdict import RELIABLE_MEMBERS, verdict_sentence
from ui.cercle_map import cercle_map, show_cercle_map
from ui.charts import time_chart
from ui.common import Key, choice, download, show_error
from ui.i18n import number, percent, t

CARDS = (
    "fill_rate",
    "fill_rate_worst_cercle",
    "days_to_first_distribution",
    "person_days_below_sphere_water",
    "cost_total_usd",
)
"""KPIs shown as cards, in order."""

TABLE_KPIS = (
    "fill_rate",
    "fill_rate_worst_cercle",
    "days_to_first_distribution",
    "days_to_80pct_coverage",
    "person_days_below_sphere_water",
    "unmet_person_days_water",
    "unmet_person_days_cereal",
    "cost_procurement_usd",
    "cost_transport_usd",
    "cost_storage_usd",
    "cost_total_usd",
    "share_bought_locally",
)
"""KPIs of the difference table, in order."""


def run_plans(
    scenario_path: Path, plan_texts: list[str], members: int, seed: int, lang: str, unsaved: str | None
) -> None:
    """Play the plans on the scenario's ensemble with a progress bar; keep the results in session state."""
    scenario_text = scenario_path.read_text(encoding="utf-8")
    request = (scenario_text, str(scenario_path.parent), tuple(plan_texts), members, seed)
    previous = st.session_state.get(Key.PLAN_RESULT)
    if previous and previous["request"] == request:
        return  # the same settings: the results on screen are those
    bar = st.progress(0.0, text=t("progress", lang, done=0, total=members))
    state = {"done": 0, "running": 0}

    def show(**now) -> None:
        """Members back count whole, members being computed half: the bar moves from the start."""
        state.update(now)
        done, running = state["done"], state["running"]
        text = (
            t("progress_running", lang, done=done, total=members, running=running)
            if running and done < members
            else t("progress", lang, done=done, total=members)
        )
        bar.progress(min((done + 0.5 * running) / members, 1.0), text=text)

    try:
        scenario = parse_text(scenario_text, str(scenario_path), expect="scenario")
        parts = run_ensemble(
            scenario_text,
            str(scenario_path.parent),
            members,
            seed,
            list(plan_texts),
            pool=shared_pool(),
            progress=lambda done, total: show(done=done),
            running=lambda running, total: show(running=running),
        )
    except (InputError, ValueError, OSError) as err:
        bar.empty()
        show_error(err, lang)
        return
    bar.empty()
    result = combine_members(parts)
    delta = scenario_delta(scenario, scenario_path.parent)
    st.session_state[Key.PLAN_RESULT] = {
        "request": request,
        "scenario": scenario.title,
        "summary": summarize(result, delta),
        "result": result,
        "delta": delta,
        "unsaved": unsaved,
        "files": {},
    }


def _report_files(run: dict, lang: str) -> tuple[bytes, bytes]:
    """The report (PDF) and workbook (XLSX) of the run in ``lang``, made once from the results
    in memory and kept."""
    if lang not in run["files"]:
        frames = build_frames(run["summary"], run["result"], lang)
        run["files"][lang] = (pdf_bytes(run["summary"], run["result"], frames, lang), workbook_bytes(frames))
    return run["files"][lang]


def _card(column, kpi: str, spread: dict, members: int, lang: str) -> None:
    with column.container(border=True):
        st.metric(kpi_name(kpi, lang), kpi_value(kpi, spread.get("value"), lang))
        if "p10" in spread:
            st.caption(
                t(
                    "card_spread",
                    lang,
                    p10=kpi_value(kpi, spread["p10"], lang),
                    p90=kpi_value(kpi, spread["p90"], lang),
                    members=members,
                )
            )
        else:
            st.caption(t("card_one_member", lang))


def _difference_frame(summary: dict, names: list[str], lang: str) -> pd.DataFrame:
    a, b = names
    paired = summary["plans"][b][f"minus_{a}"]
    rows = []
    for kpi in TABLE_KPIS:
        if kpi not in summary["plans"][a]["kpis"]:
            continue
        d = paired.get(kpi, {})
        rows.append(
            {
                t("col_indicator", lang): kpi_name(kpi, lang),
                t("col_plan_value", lang, name=a): kpi_value(kpi, summary["plans"][a]["kpis"][kpi].get("value"), lang),
                t("col_plan_value", lang, name=b): kpi_value(kpi, summary["plans"][b]["kpis"][kpi].get("value"), lang),
                t("col_difference", lang): kpi_value(kpi, d.get("value"), lang, signed=True),
                t("col_p10", lang): kpi_value(kpi, d.get("p10"), lang, signed=True),
                t("col_p90", lang): kpi_value(kpi, d.get("p90"), lang, signed=True),
            }
        )
    return pd.DataFrame(rows)


def _rate_text(entry: dict, lang: str) -> str:
    value = entry["fill_rate"].get("value")
    if value is None:
        return "—"
    if "p10" in entry["fill_rate"]:
        return t(
            "rate_with_spread",
            lang,
            value=percent(value, lang),
            p10=percent(entry["fill_rate"]["p10"], lang),
            p90=percent(entry["fill_rate"]["p90"], lang),
        )
    return percent(value, lang)


def cercle_frame(summary: dict, lang: str, written: bool = True) -> pd.DataFrame:
    """One row per cercle: caseload, needs and each plan's fill rate — written for the reader,
    or (``written=False``, for the CSV files) as numbers with the pcode and the p10/p90."""
    names = list(summary.get("plans", {}))
    by_plan = {name: {row["pcode"]: row for row in summary["plans"][name]["by_cercle"]} for name in names}
    shown = (lambda value: number(value, lang)) if written else (lambda value: value)
    rows = []
    for row in summary["by_cercle"]:
        entry = {t("col_cercle", lang): row["cercle"]}
        if not written:
            entry[t("col_pcode", lang)] = row["pcode"]
        entry[t("col_affected", lang)] = shown(row["affected_persons"])
        entry[t("col_displaced_peak", lang)] = shown(row["displaced_peak"])
        entry[t("col_needs_usd", lang)] = shown(row["cost_usd"])
        for name in names:
            column = t("col_fill_of", lang, name=name)
            rate = by_plan[name][row["pcode"]]
            if written:
                entry[column] = _rate_text(rate, lang)
                continue
            entry[column] = rate["fill_rate"].get("value")
            for q in ("p10", "p90"):
                if q in rate["fill_rate"]:
                    entry[f"{column} {q}"] = rate["fill_rate"][q]
        rows.append(entry)
    return pd.DataFrame(rows)


def _map(run: dict, lang: str) -> None:
    summary = run["summary"]
    names = list(summary["plans"])
    shown = st.radio(t("map_plan", lang), names, horizontal=True, key="plan_map_plan") if len(names) > 1 else names[0]
    by_plan = {name: {row["pcode"]: row for row in summary["plans"][name]["by_cercle"]} for name in names}
    values = {pcode: row["fill_rate"].get("value") for pcode, row in by_plan[shown].items()}
    tips, names_of = {}, {}
    for row in summary["by_cercle"]:
        lines = [
            (t("col_affected", lang), number(row["affected_persons"], lang)),
            (t("col_displaced_peak", lang), number(row["displaced_peak"], lang)),
            (t("col_needs_usd", lang), number(row["cost_usd"], lang)),
        ]
        lines += [(t("col_fill_of", lang, name=name), _rate_text(by_plan[name][row["pcode"]], lang)) for name in names]
        tips[row["pcode"]], names_of[row["pcode"]] = lines, row["cercle"]
    chart = cercle_map(
        run["delta"],
        values,
        tips,
        t("map_fill_legend", lang, name=shown),
        lang,
        scheme="redyellowgreen",
        domain=(0.0, 1.0),
        percent=True,
        height=500,
    )
    show_cercle_map(chart, "plan_map", tips, names_of, lang)


def show_results(run: dict, lang: str) -> None:
    """Everything a planner reads after a run, in ``lang``."""
    summary, result = run["summary"], run["result"]
    names = list(summary["plans"])
    members = summary["members"]
    st.header(t("results_title", lang, scenario=run["scenario"]))
    st.caption(t("results_setup", lang, members=members, seed=summary["seed"]))
    if run["unsaved"]:
        st.info(t("played_unsaved", lang, name=run["unsaved"]))
    verdict = verdict_sentence(summary, lang)
    (st.warning if members < RELIABLE_MEMBERS and len(names) > 1 else st.info)(verdict.replace("$", "\\$"))
    for label, name in zip(("A", "B"), names):
        st.subheader(t("plan_heading", lang, label=label, name=name))
        columns = st.columns(len(CARDS))
        for column, kpi in zip(columns, CARDS):
            _card(column, kpi, summary["plans"][name]["kpis"].get(kpi, {"value": None}), members, lang)
    if len(names) > 1:
        st.subheader(t("paired", lang, a=names[0], b=names[1]))
        st.dataframe(_difference_frame(summary, names, lang), hide_index=True, width="stretch")
    st.subheader(t("by_cercle_plans", lang))
    left, right = st.columns([3, 2])
    with left:
        _map(run, lang)
    with right:
        st.dataframe(cercle_frame(summary, lang), hide_index=True, width="stretch", height=560)
    stock_items = [str(i) for i in result["stock_item"].values]
    item = choice(
        st.selectbox,
        t("col_item", lang),
        stock_items,
        item_name,
        "plan_chart_item",
        lang,
        index=stock_items.index("nfi_kit") if "nfi_kit" in stock_items else 0,
    )
    st.subheader(t("stock_chart", lang, item=item_name(item, lang)))
    days = pd.DatetimeIndex(result["day"].values)
    chart = {
        t("series_demand", lang): result["demand"]
        .sel(stock_item=item)
        .isel(plan=0)
        .sum("cercle")
        .median("member")
        .values
    }
    for plan in result["plan"].values:
        chart[t("series_distributed", lang, name=str(plan))] = (
            result["distributed"].sel(stock_item=item, plan=plan).sum("cercle").median("member").values
        )
    unit = str(result["unit"].sel(item=item).values) if item in result["item"].values else ""
    st.altair_chart(
        time_chart(
            pd.DataFrame(chart, index=days),
            lang,
            t("axis_cumulative", lang, unit=unit_name(unit, lang) if unit else ""),
            t("series", lang),
        ),
        width="stretch",
    )
    st.subheader(t("downloads", lang))
    numbers = cercle_frame(summary, lang, written=False)
    d1, d2, d3, d4 = st.columns(4)
    with st.spinner(t("making_report", lang)):
        pdf, xlsx = _report_files(run, lang)
    download(
        d1,
        t("download_report", lang),
        pdf,
        f"{summary['scenario']}-{t('report_file', lang)}.pdf",
        "plan_pdf",
    )
    download(
        d2,
        t("download_workbook", lang),
        xlsx,
        f"{summary['scenario']}-{t('report_file', lang)}.xlsx",
        "plan_xlsx",
    )
    download(
        d3,
        t("download_csv_excel", lang),
        csv_bytes(numbers, lang, excel=True),
        f"{summary['scenario']}-{t('cercles_file', lang)}-excel.csv",
        "plan_csv_excel",
    )
    download(
        d4,
        t("download_csv_plain", lang),
        csv_bytes(numbers, lang, excel=False),
        f"{summary['scenario']}-{t('cercles_file', lang)}.csv",
        "plan_csv",
    )
