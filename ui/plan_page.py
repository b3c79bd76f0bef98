"""Page "Plan & simulation": edit and save a plan, play it (and another) against a season's ensemble."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from sim.ensemble import run_ensemble
from sim.results import summarize, write_outputs
from sim.run import combine_members, scenario_delta
from sim import facts
from sim.scenario import InputError, dump_yaml, load_file, parse_text, save_file, validation_context
from ui.common import Key, plan_files, scenario_files, scenario_folder
from ui.i18n import t
from ui.plan_editor import COLUMNS, ITEM_UNITS, TABLES, plan_data, plan_tables, where

lang = st.session_state.get(Key.LANGUAGE, "fr")
TABLE_TITLES = {"warehouses": "stock_table", "procurement": "tab_procurement", "pledges": "tab_funding", "trucks": "trucks", "boats": "boats", "triggers": "tab_triggers"}
HUBS = [row["name"] for row in facts.read_table("hubs")]
GAUGES = sorted({row["name"] for row in facts.read_table("gauges")})
PLACES = sorted(row["name"] for row in facts.read_table("settlements"))
ITEMS = list(ITEM_UNITS)
SHIPPED_PLANS = Path(__file__).resolve().parents[1] / "scenarios" / "plans"


def _column_config(table: str) -> dict:
    """Labels in the page's language; choices where a cell must be one of a list."""
    choices = {
        "hub": HUBS,
        "from_hub": HUBS,
        "to_hub": HUBS,
        "kind": ["local", "regional", "international"],
        "indicator": ["stage", "spi", "rainfall"],
        "action": ["preposition", "order", "release_funds", "start_distribution"],
        "gauge": GAUGES,
        "place": PLACES,
        "item": ITEMS,
    }
    config = {}
    for column in COLUMNS[table]:
        if column in ITEM_UNITS:
            config[column] = st.column_config.NumberColumn(f"{column} ({ITEM_UNITS[column]})", min_value=0.0)
        elif column in choices:
            config[column] = st.column_config.SelectboxColumn(t(f"pcol_{column}", lang), options=choices[column])
        elif column in {"name", "items", "date"}:
            config[column] = st.column_config.TextColumn(t(f"pcol_{column}", lang))
        else:
            config[column] = st.column_config.NumberColumn(t(f"pcol_{column}", lang))
    return config


def _editor(table: str, frame: pd.DataFrame, plan_key: str) -> None:
    st.session_state[f"plan_table:{table}"] = st.data_editor(
        frame, key=f"plan_{table}:{plan_key}", num_rows="dynamic", hide_index=True, width="stretch", column_config=_column_config(table)
    )


def _target(name: str) -> Path:
    """Where a plan called ``name`` is saved; the shipped plans are never overwritten."""
    target = scenario_folder() / "plans" / f"{name}.yaml"
    if target.resolve() == (SHIPPED_PLANS / f"{name}.yaml").resolve():
        raise ValueError(t("shipped_plan", lang, name=name))
    return target


def _show(problem) -> None:
    table, row, field = where(problem)
    if table is None:
        st.error(f"{field}: {problem.message}")
    else:
        st.error(t("table_problem", lang, table=t(TABLE_TITLES[table], lang), row=row, field=field, message=problem.message))


@st.cache_resource(show_spinner=False, max_entries=2)
def _simulate(scenario_text: str, base: str, plan_texts: tuple[str, ...], members: int, seed: int, _progress=None):
    parts = run_ensemble(scenario_text, base, members, seed, list(plan_texts), progress=_progress)
    result = combine_members(parts)
    scenario = parse_text(scenario_text, "scenario.yaml", expect="scenario")
    summary = summarize(result, scenario_delta(scenario, Path(base)))
    folder = Path(tempfile.mkdtemp(prefix="plan-run-"))
    write_outputs(result, summary, folder)
    from sim.report import write_report

    write_report(folder)
    return result, summary, folder


st.title(t("plan_title", lang))
st.write(t("plan_intro", lang))

plans = plan_files()
scenarios = scenario_files()
saved = st.session_state.pop("plan_saved_path", None)
if saved:  # a plan was just saved: select it as plan A and say where it went
    st.session_state["plan_a"] = next((p for p in plans if str(p) == saved), plans[0])
    st.success(t("plan_saved", lang, path=saved))
c1, c2, c3 = st.columns(3)
scenario_path = c1.selectbox(t("scenario", lang), scenarios, format_func=lambda p: p.stem, key="plan_scenario")
plan_a = c2.selectbox(t("plan_a", lang), plans, format_func=lambda p: p.stem, key="plan_a")
plan_b = c3.selectbox(t("plan_b", lang), [None] + plans, format_func=lambda p: p.stem if p else t("no_plan_b", lang), key="plan_b")
try:
    base_plan = load_file(plan_a, expect="plan")
except InputError as err:
    for problem in err.problems:
        st.error(str(problem))
    st.stop()

with st.expander(t("load_plan", lang)):
    upload = st.file_uploader(t("plan_file", lang), type=["yaml", "yml"], key="plan_upload")
    if st.button(t("add_plan", lang), key="plan_add", disabled=upload is None):
        try:
            text = upload.getvalue().decode("utf-8")
            loaded = parse_text(text, upload.name, expect="plan", context=validation_context())
            target = _target(loaded.name)
            save_file(loaded, target)
        except UnicodeDecodeError:
            st.error(t("not_utf8", lang, file=upload.name))
        except InputError as err:
            for problem in err.problems:
                st.error(str(problem))
        except (OSError, ValueError) as err:
            st.error(str(err))
        else:
            st.session_state["plan_saved_path"] = str(target)
            st.rerun()
    st.download_button(t("download_plan", lang, name=plan_a.name), plan_a.read_bytes(), file_name=plan_a.name, mime="application/yaml", key="plan_download")

with st.expander(t("edit_plan", lang)):
    tables = plan_tables(base_plan)
    tabs = st.tabs([t(k, lang) for k in ("tab_stock", "tab_procurement", "tab_funding", "tab_fleet", "tab_distribution", "tab_triggers")])
    with tabs[0]:
        _editor("warehouses", tables["warehouses"], plan_a.stem)
    with tabs[1]:
        st.caption(t("procurement_help", lang))
        _editor("procurement", tables["procurement"], plan_a.stem)
    with tabs[2]:
        st.number_input(t("funding_available", lang), min_value=0.0, value=float(base_plan.funding.available.to("USD").magnitude), step=10000.0, key=f"plan_funds:{plan_a.stem}")
        st.caption(t("pledges", lang))
        _editor("pledges", tables["pledges"], plan_a.stem)
    with tabs[3]:
        st.caption(t("trucks", lang))
        _editor("trucks", tables["trucks"], plan_a.stem)
        st.caption(t("boats", lang))
        _editor("boats", tables["boats"], plan_a.stem)
    with tabs[4]:
        st.number_input(t("teams", lang), min_value=0, max_value=500, value=base_plan.distribution.teams, step=1, key=f"plan_teams:{plan_a.stem}")
        st.number_input(
            t("households_per_team", lang), min_value=1.0, value=float(base_plan.distribution.households_per_team_per_day.to("household/day").magnitude), step=10.0, key=f"plan_households:{plan_a.stem}"
        )
        allocations = ["proportional", "worst_first", "equity_floor"]
        allocation = st.radio(t("allocation", lang), allocations, index=allocations.index(base_plan.allocation), format_func=lambda a: t(f"allocation_{a}", lang), key=f"plan_allocation:{plan_a.stem}", horizontal=True)
        st.slider(t("equity_floor", lang), 0.0, 1.0, float(base_plan.equity_floor), 0.05, key=f"plan_floor:{plan_a.stem}", disabled=allocation != "equity_floor")
    with tabs[5]:
        st.caption(t("triggers_help", lang))
        _editor("triggers", tables["triggers"], plan_a.stem)
    st.text_input(t("plan_name", lang), value=f"{base_plan.name}-variant", key=f"plan_name:{plan_a.stem}")
    if st.button(t("save_plan", lang), key="plan_save"):
        settings = {
            "name": st.session_state[f"plan_name:{plan_a.stem}"],
            "funding_available_usd": st.session_state[f"plan_funds:{plan_a.stem}"],
            "teams": st.session_state[f"plan_teams:{plan_a.stem}"],
            "households_per_team_per_day": st.session_state[f"plan_households:{plan_a.stem}"],
            "allocation": st.session_state[f"plan_allocation:{plan_a.stem}"],
            "equity_floor": st.session_state[f"plan_floor:{plan_a.stem}"],
        }
        edited_tables = {name: st.session_state[f"plan_table:{name}"] for name in TABLES}
        try:
            text = dump_yaml(plan_data(base_plan, edited_tables, settings))
            edited = parse_text(text, f"{str(settings['name']).strip() or 'plan'}.yaml", expect="plan", context=validation_context())
            target = _target(edited.name)
            save_file(edited, target)
        except InputError as err:
            for problem in err.problems:
                _show(problem)
        except (OSError, ValueError) as err:
            st.error(str(err))
        else:
            st.session_state["plan_saved_path"] = str(target)
            st.rerun()

c1, c2, c3 = st.columns(3)
members = int(c1.number_input(t("members", lang), min_value=1, max_value=200, value=4, step=1, key="plan_members"))
seed = int(c2.number_input(t("seed", lang), min_value=0, max_value=2**31 - 1, value=1, step=1, key="plan_seed"))
if c3.button(t("simulate", lang), type="primary", key="plan_run"):
    st.session_state["plan_request"] = (
        scenario_path.read_text(encoding="utf-8"),
        str(scenario_path.parent),
        tuple(p.read_text(encoding="utf-8") for p in (plan_a, plan_b) if p is not None),
        members,
        seed,
    )

request = st.session_state.get("plan_request")
if not request:
    st.stop()
bar = st.progress(0.0, text=t("progress", lang, done=0, total=request[3]))
try:
    result, summary, folder = _simulate(*request, _progress=lambda done, total: bar.progress(done / total, text=t("progress", lang, done=done, total=total)))
except InputError as err:
    for problem in err.problems:
        st.error(str(problem))
    st.stop()
bar.empty()

names = list(summary["plans"])
for name in names:
    kpis = summary["plans"][name]["kpis"]
    st.subheader(name)
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(t("kpi_fill", lang), f"{kpis['fill_rate']['value']:.0%}")
    k2.metric(t("kpi_worst", lang), f"{kpis['fill_rate_worst_cercle']['value']:.0%}")
    first = kpis["days_to_first_distribution"]["value"]
    k3.metric(t("kpi_first", lang), "—" if first is None else f"{first:g}")
    k4.metric(t("kpi_cost", lang), f"US$ {kpis['cost_total_usd']['value']:,.0f}".replace(",", "\u202f"))
if len(names) > 1:
    paired = summary["plans"][names[1]][f"minus_{names[0]}"]
    st.subheader(t("paired", lang))
    st.dataframe(
        pd.DataFrame([{"kpi": k, "median": v.get("value"), "p10": v.get("p10"), "p90": v.get("p90")} for k, v in paired.items()]),
        hide_index=True,
        width="stretch",
    )
stock_items = [str(i) for i in result["stock_item"].values]
item = st.selectbox(t("col_item", lang), stock_items, index=stock_items.index("nfi_kit") if "nfi_kit" in stock_items else 0, key="plan_chart_item")
st.subheader(t("stock_chart", lang, item=item))
days = pd.DatetimeIndex(result["day"].values)
chart = {"demand": result["demand"].sel(stock_item=item).isel(plan=0).sum("cercle").median("member").values}
for plan in result["plan"].values:
    chart[str(plan)] = result["distributed"].sel(stock_item=item, plan=plan).sum("cercle").median("member").values
st.line_chart(pd.DataFrame(chart, index=days))
d1, d2 = st.columns(2)
d1.download_button(t("download_report", lang), (folder / "report.pdf").read_bytes(), file_name=f"{summary['scenario']}-report.pdf", mime="application/pdf")
d2.download_button(t("download_workbook", lang), (folder / "report.xlsx").read_bytes(), file_name=f"{summary['scenario']}-report.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
