"""Page "Plan & simulation": edit and save a plan, play it (and another) against a season's ensemble."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from sim.ensemble import run_ensemble
from sim.results import summarize, write_outputs
from sim.run import combine_members, scenario_delta
from sim.scenario import InputError, dump_yaml, load_file, parse_text, save_file
from ui.common import Key, plan_files, scenario_files, scenario_folder
from ui.i18n import t

lang = st.session_state.get(Key.LANGUAGE, "fr")
ITEMS = ["nfi_kit", "shelter_kit", "mosquito_net", "dignity_kit", "cereal"]


def _edited_plan(base) -> dict:
    """The plan as the editor describes it (plain data, validated by the caller)."""
    data = base.model_dump(mode="python", exclude_none=True)
    data["name"] = st.session_state["plan_name"].strip()
    table = st.session_state["plan_stock_frame"]
    for warehouse in data["warehouses"]:
        row = table.loc[warehouse["hub"]]
        stock = dict(warehouse.get("stock") or {})
        for item in ITEMS:
            value = float(row[item])
            unit = {"mosquito_net": "net", "cereal": "kg"}.get(item, "kit")
            if value > 0:
                stock[item] = f"{value:g} {unit}"
            else:
                stock.pop(item, None)
        warehouse["stock"] = stock
    for trucks in data.get("fleet", {}).get("trucks", []):
        trucks["count"] = int(st.session_state["plan_trucks_frame"].loc[trucks["hub"], "count"])
    data.setdefault("distribution", {})["teams"] = int(st.session_state["plan_teams"])
    return data


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

with st.expander(t("edit_plan", lang)):
    stock = pd.DataFrame(
        {item: [float(getattr(w.stock, item).magnitude) if getattr(w.stock, item) is not None else 0.0 for w in base_plan.warehouses] for item in ITEMS},
        index=pd.Index([w.hub for w in base_plan.warehouses], name="hub"),
    )
    st.session_state["plan_stock_frame"] = st.data_editor(stock, key=f"plan_stock:{plan_a.stem}", width="stretch")
    trucks = pd.DataFrame({"count": [t_.count for t_ in base_plan.fleet.trucks]}, index=pd.Index([t_.hub for t_ in base_plan.fleet.trucks], name="hub"))
    st.caption(t("trucks", lang))
    st.session_state["plan_trucks_frame"] = st.data_editor(trucks, key=f"plan_trucks:{plan_a.stem}")
    st.number_input(t("teams", lang), min_value=0, max_value=200, value=base_plan.distribution.teams, step=1, key="plan_teams")
    st.text_input(t("plan_name", lang), value=f"{base_plan.name}-variant", key="plan_name")
    if st.button(t("save_plan", lang), key="plan_save"):
        text = dump_yaml(_edited_plan(base_plan))
        try:
            edited = parse_text(text, f"{st.session_state['plan_name']}.yaml", expect="plan")
            target = scenario_folder() / "plans" / f"{edited.name}.yaml"
            save_file(edited, target)
        except InputError as err:
            for problem in err.problems:
                st.error(str(problem))
        except (OSError, ValueError) as err:
            st.error(str(err))
        else:
            st.success(t("plan_saved", lang, path=target))

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
item = "nfi_kit"
st.subheader(t("stock_chart", lang, item=item))
days = pd.DatetimeIndex(result["day"].values)
chart = {"demand": result["demand"].sel(stock_item=item).isel(plan=0).sum("cercle").median("member").values}
for plan in result["plan"].values:
    chart[str(plan)] = result["distributed"].sel(stock_item=item, plan=plan).sum("cercle").median("member").values
st.line_chart(pd.DataFrame(chart, index=days))
d1, d2 = st.columns(2)
d1.download_button(t("download_report", lang), (folder / "report.pdf").read_bytes(), file_name=f"{summary['scenario']}-report.pdf", mime="application/pdf")
d2.download_button(t("download_workbook", lang), (folder / "report.xlsx").read_bytes(), file_name=f"{summary['scenario']}-report.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
