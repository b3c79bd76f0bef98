"""Page "Impact & besoins / Impact & needs": edit a scenario, run it, see who is displaced and what they need."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from hazards.catalog import CatalogError, layer_kinds
from sim.needs import DEFAULT_RATIONS, read_rations
from sim.report import workbook_bytes
from sim.results import summarize
from sim.run import run_scenario, scenario_delta
from sim.scenario import InputError, dump_yaml, load_file, parse_text, save_file, validation_context
from ui.common import Key, scenario_files, scenario_folder
from ui.i18n import t
from ui.maps import choropleth_png

lang = st.session_state.get(Key.LANGUAGE, "fr")


@st.cache_resource(show_spinner=False, max_entries=3)
def _run(text: str, base: str, members: int, seed: int):
    scenario = parse_text(text, "scenario.yaml", expect="scenario", context=validation_context(layers=layer_kinds()))
    result = run_scenario(scenario, members=members, seed=seed, base=Path(base))
    delta = scenario_delta(scenario, Path(base))
    return scenario, delta, result, summarize(result, delta)


def _edited(base_data: dict, k) -> dict:
    """The scenario as the form describes it (plain data, validated by the caller)."""
    data = dict(base_data)
    data["name"] = st.session_state[k(Key.IMPACT_NAME)].strip()
    data["title"] = st.session_state[k(Key.IMPACT_TITLE)].strip() or data["title"]
    rain = dict(data.get("rainfall") or {})
    layer = st.session_state[k(Key.IMPACT_RAIN_LAYER)]
    if layer:
        rain.update(source="layer", layer=layer)
        rain.pop("return_period", None)
    else:
        rain.update(source="generator", season=st.session_state[k(Key.IMPACT_SEASON)])
        rain.pop("layer", None)
        period = st.session_state[k(Key.IMPACT_RAIN_RP)]
        rain.pop("return_period", None)
        if period and period > 1:
            rain["return_period"] = f"{period:g} year"
    data["rainfall"] = rain
    flood = {"gauge": (data.get("flood") or {}).get("gauge", "Mopti")}
    mode = st.session_state[k(Key.IMPACT_FLOOD_MODE)]
    if mode == "peak":
        flood.update(peak=f"{st.session_state[k(Key.IMPACT_PEAK)]:g} cm", peak_date=st.session_state[k(Key.IMPACT_PEAK_DATE)])
    elif mode == "return_period":
        flood["return_period"] = f"{st.session_state[k(Key.IMPACT_FLOOD_RP)]:g} year"
    else:
        flood["layer"] = st.session_state[k(Key.IMPACT_FLOOD_LAYER)]
    data["flood"] = flood
    data["household_size"] = f"{st.session_state[k(Key.IMPACT_HOUSEHOLD)]:g} person/household"
    impact = dict(data.get("impact") or {})
    impact["displacement_damage"] = float(st.session_state[k(Key.IMPACT_DAMAGE)])
    data["impact"] = impact
    rations = st.session_state[k(Key.IMPACT_RATIONS)]
    data.pop("rations", None)
    if rations:
        data["rations"] = rations
    return data


def _fmt(value) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def _needs_frame(summary: dict, rations) -> pd.DataFrame:
    names = {r.item: (r.name_fr if lang == "fr" else r.name_en) for r in rations}
    sources = {r.item: r.source for r in rations}
    rows = []
    for item, need in summary["needs"].items():
        rows.append(
            {
                t("col_item", lang): names.get(item, item),
                t("col_unit", lang): need["unit"],
                t("col_peak", lang): need["peak"]["value"],
                t("col_total", lang): need["total"]["value"],
                t("col_cost", lang): need["cost_usd"]["value"],
                t("col_source", lang): sources.get(item, ""),
            }
        )
    return pd.DataFrame(rows)


def _cercle_frame(summary: dict) -> pd.DataFrame:
    rows = []
    for row in summary["by_cercle"]:
        rows.append(
            {
                t("col_cercle", lang): row["cercle"],
                t("col_pcode", lang): row["pcode"],
                t("col_affected", lang): row["affected_persons"],
                t("col_displaced_peak", lang): row["displaced_peak"],
                t("col_cost", lang): row["cost_usd"],
                **{item: value for item, value in row["needs"].items()},
            }
        )
    return pd.DataFrame(rows)


st.title(t("impact_title", lang))
st.write(t("impact_intro", lang))

files = scenario_files()
base_path = st.selectbox(t("base_scenario", lang), files, format_func=lambda p: p.stem, key=Key.IMPACT_BASE)
try:
    base = load_file(base_path, expect="scenario")
except InputError as err:
    for problem in err.problems:
        st.error(str(problem))
    st.stop()
base_data = base.model_dump(mode="python", exclude_none=True)
layers = layer_kinds()
rain_layers = [""] + sorted(n for n, k in layers.items() if k == "rainfall")
flood_layers = sorted(n for n, k in layers.items() if k in ("flood-depth", "flood-extent"))
rations_files = [""] + sorted(p.name for p in scenario_folder().glob("rations*.csv"))



def k(key: str) -> str:
    """Form keys belong to the base scenario, so another base never inherits stale values."""
    return f"{key}:{base_path.stem}"


# fill the form from the base scenario the first time it is chosen
if k(Key.IMPACT_NAME) not in st.session_state:
    flood = base.flood
    st.session_state[k(Key.IMPACT_NAME)] = f"{base.name}-variant"
    st.session_state[k(Key.IMPACT_TITLE)] = base.title
    st.session_state[k(Key.IMPACT_SEASON)] = base.rainfall.season or "normal"
    st.session_state[k(Key.IMPACT_RAIN_RP)] = float(base.rainfall.return_period.to("year").magnitude) if base.rainfall.return_period is not None else 0.0
    st.session_state[k(Key.IMPACT_RAIN_LAYER)] = base.rainfall.layer or ""
    st.session_state[k(Key.IMPACT_FLOOD_MODE)] = "layer" if flood and flood.layer else "return_period" if flood and flood.return_period is not None else "peak"
    st.session_state[k(Key.IMPACT_PEAK)] = float(flood.peak.to("cm").magnitude) if flood and flood.peak is not None else 600.0
    st.session_state[k(Key.IMPACT_PEAK_DATE)] = (flood.peak_date if flood and flood.peak_date else dt.date(base.start_date.year, 10, 14))
    st.session_state[k(Key.IMPACT_FLOOD_RP)] = float(flood.return_period.to("year").magnitude) if flood and flood.return_period is not None else 10.0
    st.session_state[k(Key.IMPACT_HOUSEHOLD)] = float(base.household_size.to("person/household").magnitude)
    st.session_state[k(Key.IMPACT_DAMAGE)] = float(base.impact.displacement_damage)
    st.session_state[k(Key.IMPACT_RATIONS)] = base.rations or ""

with st.form("scenario_form"):
    c1, c2 = st.columns(2)
    c1.text_input(t("scenario_name", lang), key=k(Key.IMPACT_NAME))
    c2.text_input(t("scenario_title", lang), key=k(Key.IMPACT_TITLE))
    c1, c2, c3 = st.columns(3)
    c1.selectbox(t("rain_source", lang), rain_layers, format_func=lambda n: n or t("generator", lang), key=k(Key.IMPACT_RAIN_LAYER))
    c2.selectbox(t("season_type", lang), ["dry", "normal", "wet"], format_func=lambda s: t("season_" + s, lang), key=k(Key.IMPACT_SEASON))
    c3.number_input(t("rain_return_period", lang), min_value=0.0, max_value=1000.0, step=1.0, key=k(Key.IMPACT_RAIN_RP))
    modes = ["peak", "return_period"] + (["layer"] if flood_layers else [])
    c1, c2, c3 = st.columns(3)
    c1.selectbox(t("flood_mode", lang), modes, format_func=lambda m: t({"peak": "flood_peak_mode", "return_period": "flood_rp_mode", "layer": "flood_layer_mode"}[m], lang), key=k(Key.IMPACT_FLOOD_MODE))
    c2.number_input(t("mopti_peak", lang), min_value=100.0, max_value=900.0, step=1.0, key=k(Key.IMPACT_PEAK))
    c3.date_input(t("peak_date", lang), key=k(Key.IMPACT_PEAK_DATE))
    c2.number_input(t("flood_return_period", lang), min_value=1.1, max_value=1000.0, step=1.0, key=k(Key.IMPACT_FLOOD_RP))
    if flood_layers:
        c3.selectbox(t("flood_layer", lang), flood_layers, key=k(Key.IMPACT_FLOOD_LAYER))
    else:
        st.session_state.setdefault(k(Key.IMPACT_FLOOD_LAYER), None)
    c1, c2, c3 = st.columns(3)
    c1.number_input(t("household_size", lang), min_value=1.0, max_value=20.0, step=0.1, key=k(Key.IMPACT_HOUSEHOLD))
    c2.slider(t("damage_threshold", lang), min_value=0.3, max_value=0.7, step=0.05, key=k(Key.IMPACT_DAMAGE))
    c3.selectbox(t("ration_profile", lang), rations_files, format_func=lambda n: n or t("default_rations", lang), key=k(Key.IMPACT_RATIONS))
    c1, c2 = st.columns(2)
    members = c1.number_input(t("members", lang), min_value=1, max_value=20, value=1, step=1, key=k(Key.IMPACT_MEMBERS))
    seed = c2.number_input(t("seed", lang), min_value=0, max_value=2**31 - 1, value=0, step=1, key=k(Key.IMPACT_SEED))
    b1, b2 = st.columns(2)
    run_clicked = b1.form_submit_button(t("run", lang), type="primary")
    save_clicked = b2.form_submit_button(t("save_scenario", lang))

if run_clicked or save_clicked:
    text = dump_yaml(_edited(base_data, k))
    try:
        scenario = parse_text(text, f"{st.session_state[k(Key.IMPACT_NAME)]}.yaml", expect="scenario", context=validation_context(layers=layers))
    except InputError as err:
        for problem in err.problems:
            st.error(str(problem))
        st.stop()
    if save_clicked:
        target = scenario_folder() / f"{scenario.name}.yaml"
        try:
            save_file(scenario, target)
        except (OSError, ValueError, InputError) as err:
            st.error(str(err))
        else:
            st.success(t("scenario_saved", lang, path=target))
    if run_clicked:
        st.session_state[Key.IMPACT_RESULT] = (text, str(base_path.parent), int(members), int(seed))

request = st.session_state.get(Key.IMPACT_RESULT)
if not request:
    st.info(t("no_run", lang))
    st.stop()
try:
    with st.spinner(t("running", lang)):
        scenario, delta, result, summary = _run(*request)
except (InputError, CatalogError, ValueError, OSError) as err:
    problems = getattr(err, "problems", None) or [err]
    for problem in problems:
        st.error(str(problem))
    st.stop()

m1, m2, m3, m4 = st.columns(4)
spread = lambda d: t("spread", lang, p10=_fmt(d["p10"]), p90=_fmt(d["p90"])) if "p10" in d else None  # noqa: E731
m1.metric(t("metric_affected", lang), _fmt(summary["affected_persons"]["value"]), help=spread(summary["affected_persons"]))
m2.metric(t("metric_displaced_peak", lang), _fmt(summary["displaced_persons"]["peak"]["value"]), help=spread(summary["displaced_persons"]["peak"]))
m3.metric(t("metric_in_need", lang), _fmt(summary["in_need_persons"]["peak"]["value"]), help=spread(summary["in_need_persons"]["peak"]))
m4.metric(t("metric_cost", lang), f"US$ {_fmt(summary['cost_usd']['value'])}", help=spread(summary["cost_usd"]))

left, right = st.columns([2, 3])
displaced_peak = {row["pcode"]: row["displaced_peak"] for row in summary["by_cercle"]}
left.image(choropleth_png(delta, displaced_peak, lang, t("map_displaced", lang)), width="stretch")
people = result["people"].median("member").sum("cercle")
timeline = pd.DataFrame(
    {t("count_" + c, lang): people.sel(count=c).values for c in ("affected", "displaced", "in_need")},
    index=pd.DatetimeIndex(result["day"].values),
)
right.subheader(t("timeline", lang))
right.line_chart(timeline)

rations = read_rations(DEFAULT_RATIONS if not scenario.rations else (base_path.parent / scenario.rations))
needs_frame = _needs_frame(summary, rations)
cercle_frame = _cercle_frame(summary)
st.subheader(t("needs_table", lang))
st.dataframe(needs_frame, hide_index=True, width="stretch")
st.subheader(t("by_cercle_table", lang))
st.dataframe(cercle_frame, hide_index=True, width="stretch")
d1, d2, d3 = st.columns(3)
d1.download_button(t("download_csv", lang) + " — " + t("needs_table", lang), needs_frame.to_csv(index=False).encode("utf-8"), file_name=f"{scenario.name}-needs.csv", mime="text/csv")
d2.download_button(t("download_csv", lang) + " — " + t("by_cercle_table", lang), cercle_frame.to_csv(index=False).encode("utf-8"), file_name=f"{scenario.name}-by-cercle.csv", mime="text/csv")
d3.download_button(
    t("download_xlsx", lang),
    workbook_bytes({t("needs_table", lang): needs_frame, t("by_cercle_table", lang): cercle_frame, "timeline": timeline.reset_index(names="day")}),
    file_name=f"{scenario.name}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
