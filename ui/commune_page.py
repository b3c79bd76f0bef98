"""Ma commune / My commune: a commune's own contingency plan, from its villages (issue 18).

Type a commune's or a village's name; choose the flood (a stage at a gauge, or a scenario's);
"Préparer le plan" plays it on the commune's villages (:func:`sim.commune.build.commune_plan`)
and keeps the plan in session state with the request that made it, so a rerun or a download
redraws without playing again. The page shows the warning levels, a map of the villages, the
villages at risk, the hosting sites, the needs by week, and the one-page PDF to print.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st
from shapely.geometry import mapping

from hazards.flood import GAUGE_RELATIONS
from hazards.return_periods import MOPTI_ANNUAL_PEAKS_CM
from sim.commune.build import DEFAULT_STAGE_YEAR, FloodRequest, commune_plan
from sim.commune.command import on_commune_grid
from sim.commune.sheet import (
    flood_sentence,
    hosting_table,
    need_cards,
    people_sentence,
    plan_pdf,
    village_table,
    warning_rows,
    week_table,
)
from sim.commune.villages import at_gauge
from sim.core.loader import InputError
from sim.core.messages import CodedError
from sim.needs import read_rations
from sim.run import rations_path, scenario_delta
from sim.scenario import load_file
from ui.charts import legend_colours
from ui.common import Key, cached_delta, download, scenario_picker, show_error
from ui.i18n import number, t

# What the map colours (the page's bare strings would be drawn, so comments): a village's state
# for the flood played, in the order of the legend.
STATES = ("flooded", "cut_off", "dry", "host")
STATE_COLOURS = ("#c0392b", "#e67e22", "#7f8c8d", "#2e7d32")


def _map(data: dict, geometry, lang: str) -> alt.Chart:
    outline = (
        alt.Chart(alt.Data(values=[{"type": "Feature", "geometry": mapping(geometry), "properties": {}}]))
        .mark_geoshape(fill="#f4f1e8", stroke="#555555", strokeWidth=1)
        .encode(tooltip=alt.value(None))
    )
    hosts = {s["pcode"] for s in data["hosting_sites"]}
    rows = [
        {
            "lon": v["lon"],
            "lat": v["lat"],
            "name": v["name"],
            "state": t(f"cm_state_{'flooded' if v['flooded'] else 'cut_off' if v['cut_off'] else 'dry'}", lang),
            "people": number(v["people"], lang),
        }
        for v in data["villages"]
        if v["pcode"] not in hosts
    ]
    rows += [
        {
            "lon": s["lon"],
            "lat": s["lat"],
            "name": s["name"],
            "state": t("cm_state_host", lang),
            "people": number(s["people"], lang),
        }
        for s in data["hosting_sites"]
    ]
    names = [t(f"cm_state_{s}", lang) for s in STATES]
    dots = (
        alt.Chart(pd.DataFrame(rows))
        .mark_circle(size=70, opacity=0.9)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=legend_colours("state:N", names, list(STATE_COLOURS)),
            tooltip=[
                alt.Tooltip("name:N", title=t("cm_col_village", lang)),
                alt.Tooltip("state:N", title=" "),
                alt.Tooltip("people:N", title=t("cm_col_people", lang)),
            ],
        )
    )
    return (outline + dots).project(type="mercator").properties(height=420)


def _frame(header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=header)


lang = st.session_state.get(Key.LANGUAGE, "fr")
st.title(t("cm_page_title", lang))
st.caption(t("cm_page_help", lang))
c1, c2 = st.columns([2, 3])
query = c1.text_input(t("cm_search", lang), value="Kouakourou", key="cm_query")
mode = c2.radio(
    t("cm_flood_kind", lang),
    ["stage", "scenario"],
    format_func=lambda m: t(f"cm_flood_kind_{m}", lang),
    horizontal=True,
    key="cm_mode",
)
rations = read_rations()
if mode == "stage":
    g1, g2 = st.columns(2)
    gauges = list(GAUGE_RELATIONS)
    gauge = g1.selectbox(t("cm_gauge", lang), gauges, index=gauges.index("Mopti"), key="cm_gauge")
    default = round(float(at_gauge(MOPTI_ANNUAL_PEAKS_CM[DEFAULT_STAGE_YEAR], gauge)))
    stage = g2.number_input(t("cm_stage", lang), 100, 1500, default, 1, key=f"cm_stage_{gauge}")
    request_key = (query.strip(), "stage", gauge, int(stage))
else:
    s1, s2 = st.columns([3, 1])
    scenario_path = scenario_picker(s1, lang, "cm_scenario")
    members = int(s2.number_input(t("cm_members", lang), 1, 20, 1, 1, key="cm_members"))
    request_key = (
        query.strip(),
        "scenario",
        scenario_path.read_text(encoding="utf-8"),
        str(scenario_path.parent),
        members,
    )
if st.button(t("cm_button", lang), key="cm_run", type="primary"):
    kept = st.session_state.get(Key.COMMUNE_RESULT)
    if not kept or kept["request"] != request_key:
        with st.spinner(t("cm_working", lang)):
            try:
                if mode == "stage":
                    delta = cached_delta()
                    flood = FloodRequest(stage_cm=float(stage), gauge=gauge)
                else:
                    scenario = on_commune_grid(load_file(scenario_path, expect="scenario"))
                    delta = scenario_delta(scenario, scenario_path.parent)
                    rations = read_rations(rations_path(scenario, scenario_path.parent))
                    flood = FloodRequest(scenario=scenario, members=members)
                data = commune_plan(delta, query, flood, rations)
            except (InputError, CodedError, ValueError, OSError) as err:
                show_error(err, lang)
                st.stop()
        geometry = next(c.geometry for c in delta.communes if c.pcode == data["commune"]["pcode"])
        st.session_state[Key.COMMUNE_RESULT] = {"request": request_key, "data": data, "geometry": geometry}
kept = st.session_state.get(Key.COMMUNE_RESULT)
if kept and kept["request"] == request_key:
    data = kept["data"]
    commune = data["commune"]
    st.subheader(t("cm_sheet_title", lang, commune=commune["name"]))
    if commune["found_through_village"]:
        st.caption(t("cm_found_through", lang, village=commune["found_through_village"], commune=commune["name"]))
    st.markdown(f"{flood_sentence(data, lang)} {people_sentence(data, lang)}")
    left, right = st.columns([3, 2])
    with left:
        st.altair_chart(_map(data, kept["geometry"], lang), width="stretch")
    with right:
        st.markdown(f"**{t('cm_levels_title', lang, gauge=data['reference_gauge'])}**")
        levels = warning_rows(data, lang)
        st.table(_frame([t("cm_col_when", lang), t("cm_col_stage", lang, gauge=data["reference_gauge"])], levels))
        st.markdown(f"**{t('cm_needs_title', lang)}**")
        cols = st.columns(2)
        for k, card in enumerate(need_cards(data, lang)):
            cols[k % 2].metric(card.label, card.amount, help=card.caption)
    st.markdown(f"**{t('cm_villages_title', lang)}**")
    header, rows, _ = village_table(data, lang, limit=None)
    st.dataframe(_frame(header, rows), hide_index=True, width="stretch")
    st.markdown(f"**{t('cm_hosts_title', lang)}**")
    header, rows = hosting_table(data, lang)
    if rows:
        st.table(_frame(header, rows))
    else:
        st.info(t("cm_no_hosts", lang))
    st.markdown(f"**{t('cm_week_title', lang)}**")
    st.dataframe(_frame(*week_table(data, lang)), hide_index=True, width="stretch")
    d1, d2 = st.columns(2)
    download(d1, t("cm_download_pdf", lang), plan_pdf(data, lang), "commune-plan.pdf", "cm_download_pdf")
    download(
        d2,
        t("cm_download_json", lang),
        (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8"),
        "commune.json",
        "cm_download_json",
    )
    st.caption(t("cm_assumptions_note", lang))
