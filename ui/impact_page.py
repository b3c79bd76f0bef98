"""Page "Impact & besoins / Impact & needs": edit a scenario, run it, see who is displaced and what they need.

The run's results live in session state (:data:`RESULT`); downloads and other reruns redraw
them from there. Saved scenarios go to the user's data folder (:mod:`sim.core.userdata`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from hazards.catalog import CatalogError, layer_kinds
from sim.core import userdata
from sim.core.loader import InputError, dump_yaml
from sim.labels import item_name, unit_name
from sim.needs import DEFAULT_RATIONS, read_rations
from sim.needs import optional_items as shipped_optional_items
from sim.results import summarize
from sim.run import run_scenario, scenario_delta
from sim.scenario import load_file, parse_text, save_file, validation_context
from sim.tables import csv_bytes, workbook_bytes
from ui.cercle_map import cercle_map, show_cercle_map
from ui.charts import time_chart
from ui.common import Key, choice, download, scenario_picker, show_error
from ui.i18n import has, number, t, usd
from ui.library import file_items, library_panel

lang = st.session_state.get(Key.LANGUAGE, "fr")
RESULT = Key.IMPACT_RESULT
FLASH = "impact_flash"


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
        flood.update(
            peak=f"{st.session_state[k(Key.IMPACT_PEAK)]:g} cm", peak_date=st.session_state[k(Key.IMPACT_PEAK_DATE)]
        )
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
    data.pop("include_items", None)
    if st.session_state[k(Key.IMPACT_INCLUDE)]:
        data["include_items"] = list(st.session_state[k(Key.IMPACT_INCLUDE)])
    domain = dict(data.get("domain") or {})
    for field, key in (("population", Key.IMPACT_POP_LAYER), ("terrain", Key.IMPACT_TERRAIN_LAYER)):
        layer = st.session_state.get(k(key)) or ""
        before = dict(domain.get(field) or {})
        domain.pop(field, None)
        if layer:
            domain[field] = before | {"layer": layer} if before.get("layer") == layer else {"layer": layer}
    data["domain"] = domain
    return data


def _source(ration, default_profile: bool) -> str:
    """A ration's source in the reader's language (the shipped profile's are in the catalogs)."""
    key = f"ration_source_{ration.item}"
    return t(key, lang) if default_profile and has(key, lang) else ration.source


def _needs_frame(summary: dict, rations, default_profile: bool) -> pd.DataFrame:
    """The season's needs per item, with numbers (for the files; :func:`_written` for the page)."""
    known = {r.item: r for r in rations}
    return pd.DataFrame(
        {
            t("col_item", lang): item_name(item, lang),
            t("col_unit", lang): unit_name(need["unit"], lang),
            t("col_peak", lang): need["peak"]["value"],
            t("col_total", lang): need["total"]["value"],
            t("col_cost", lang): need["cost_usd"]["value"],
            t("col_source", lang): _source(known[item], default_profile) if item in known else "",
        }
        for item, need in summary["needs"].items()
    )


def _cercle_frame(summary: dict) -> pd.DataFrame:
    """Caseload and needs per cercle, with numbers (for the files; :func:`_written` for the page)."""
    units = {item: unit_name(need["unit"], lang) for item, need in summary["needs"].items()}
    return pd.DataFrame(
        {
            t("col_cercle", lang): row["cercle"],
            t("col_pcode", lang): row["pcode"],
            t("col_affected", lang): row["affected_persons"],
            t("col_displaced_peak", lang): row["displaced_peak"],
            t("col_cost", lang): row["cost_usd"],
            **{f"{item_name(item, lang)} ({units.get(item, '')})": value for item, value in row["needs"].items()},
        }
        for row in summary["by_cercle"]
    )


def _written(frame: pd.DataFrame) -> pd.DataFrame:
    """The same table with its numbers written for the reader (``29 345``)."""
    return frame.apply(
        lambda column: [
            number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in column
        ]
    )


def _map(result: dict) -> None:
    summary, delta = result["summary"], result["delta"]
    levels = ["cercle", "commune"] if summary.get("by_commune") else ["cercle"]
    level = choice(
        st.radio,
        t("map_level", lang),
        levels,
        lambda v, lang: t(f"level_{v}", lang),
        Key.IMPACT_MAP_LEVEL,
        lang,
        horizontal=True,
    )
    if level == "commune":
        rows = summary["by_commune"]
        tips = {
            row["pcode"]: [
                (t("col_cercle", lang), delta.cercle(row["cercle_pcode"]).name),
                (t("col_affected", lang), number(row["affected_persons"], lang)),
                (t("col_displaced_peak", lang), number(row["displaced_peak"], lang)),
                (t("col_in_need_peak", lang), number(row["in_need_peak"], lang)),
            ]
            for row in rows
        }
        names = {row["pcode"]: row["commune"] for row in rows}
        st.subheader(t("map_displaced_communes", lang))
    else:
        rows = summary["by_cercle"]
        tips = {
            row["pcode"]: [
                (t("col_affected", lang), number(row["affected_persons"], lang)),
                (t("col_displaced_peak", lang), number(row["displaced_peak"], lang)),
                (t("col_needs_usd", lang), number(row["cost_usd"], lang)),
            ]
            for row in rows
        }
        names = {row["pcode"]: row["cercle"] for row in rows}
        st.subheader(t("map_displaced", lang))
    values = {row["pcode"]: float(row["displaced_peak"]) for row in rows}
    chart = cercle_map(
        delta,
        values,
        tips,
        t("col_displaced_peak", lang),
        lang,
        scheme="orangered",
        height=430,
        communes=level == "commune",
    )
    show_cercle_map(chart, f"impact_map_{level}", tips, names, lang)


def _commune_frame(summary: dict, delta, cercle: str | None) -> pd.DataFrame:
    """Caseload per commune (of one cercle, or all), most affected first, with numbers."""
    rows = [r for r in summary.get("by_commune", []) if cercle is None or r["cercle_pcode"] == cercle]
    rows.sort(key=lambda r: (-r["affected_persons"], r["commune"]))
    return pd.DataFrame(
        {
            t("col_commune", lang): r["commune"],
            t("col_pcode", lang): r["pcode"],
            t("col_cercle", lang): delta.cercle(r["cercle_pcode"]).name,
            t("col_population", lang): r["population"],
            t("col_affected", lang): r["affected_persons"],
            t("col_displaced_peak", lang): r["displaced_peak"],
            t("col_in_need_peak", lang): r["in_need_peak"],
        }
        for r in rows
    )


st.title(t("impact_title", lang))
st.write(t("impact_intro", lang))
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

base_path = scenario_picker(st, lang, "impact_scenario", label_key="base_scenario")
try:
    base = load_file(base_path, expect="scenario")
except InputError as err:
    show_error(err, lang)
    st.stop()
base_data = base.model_dump(mode="python", exclude_none=True)
layers = layer_kinds()
rain_layers = [""] + sorted(n for n, k in layers.items() if k == "rainfall")
flood_layers = sorted(n for n, k in layers.items() if k in ("flood-depth", "flood-extent"))
population_layers = [""] + sorted(n for n, k in layers.items() if k == "population")
elevation_layers = [""] + sorted(n for n, k in layers.items() if k == "elevation")
user_scenarios = userdata.user_folder("scenarios")
rations_files = [""] + sorted(
    {p.name for folder in (base_path.parent, user_scenarios) if folder.is_dir() for p in folder.glob("rations*.csv")}
)
# items a ration profile leaves out unless a scenario counts them (the shipped profile's, and the scenario's own)
optional_items = list(dict.fromkeys([*shipped_optional_items(), *base.include_items]))

with st.expander(t("my_scenarios", lang)):
    library_panel(
        file_items("scenarios"),
        lang,
        "scenarios_library",
        rename=lambda old, new: userdata.rename("scenarios", old, new),
        delete=lambda name: userdata.delete("scenarios", name),
        folder=user_scenarios,
    )


def k(key: str) -> str:
    """Form keys belong to the base scenario, so another base never inherits stale values."""
    return f"{key}:{base_path.stem}"


# fill the form from the base scenario the first time it is chosen
if k(Key.IMPACT_NAME) not in st.session_state:
    flood = base.flood
    shipped = userdata.is_shipped(base_path)
    st.session_state[k(Key.IMPACT_NAME)] = f"{base.name}-{t('variant_suffix', lang)}" if shipped else base.name
    st.session_state[k(Key.IMPACT_TITLE)] = base.title
    st.session_state[k(Key.IMPACT_SEASON)] = base.rainfall.season or "normal"
    st.session_state[k(Key.IMPACT_RAIN_RP)] = (
        float(base.rainfall.return_period.to("year").magnitude) if base.rainfall.return_period is not None else 0.0
    )
    st.session_state[k(Key.IMPACT_RAIN_LAYER)] = base.rainfall.layer or ""
    st.session_state[k(Key.IMPACT_FLOOD_MODE)] = (
        "layer" if flood and flood.layer else "return_period" if flood and flood.return_period is not None else "peak"
    )
    st.session_state[k(Key.IMPACT_PEAK)] = (
        float(flood.peak.to("cm").magnitude) if flood and flood.peak is not None else 600.0
    )
    st.session_state[k(Key.IMPACT_PEAK_DATE)] = (
        flood.peak_date if flood and flood.peak_date else dt.date(base.start_date.year, 10, 14)
    )
    st.session_state[k(Key.IMPACT_FLOOD_RP)] = (
        float(flood.return_period.to("year").magnitude) if flood and flood.return_period is not None else 10.0
    )
    st.session_state[k(Key.IMPACT_HOUSEHOLD)] = float(base.household_size.to("person/household").magnitude)
    st.session_state[k(Key.IMPACT_DAMAGE)] = float(base.impact.displacement_damage)
    st.session_state[k(Key.IMPACT_RATIONS)] = base.rations or ""
    st.session_state[k(Key.IMPACT_INCLUDE)] = list(base.include_items)
    st.session_state[k(Key.IMPACT_POP_LAYER)] = base.domain.population.layer if base.domain.population else ""
    st.session_state[k(Key.IMPACT_TERRAIN_LAYER)] = base.domain.terrain.layer if base.domain.terrain else ""
for key, options in (
    (Key.IMPACT_RAIN_LAYER, rain_layers),
    (Key.IMPACT_RATIONS, rations_files),
    (Key.IMPACT_POP_LAYER, population_layers),
    (Key.IMPACT_TERRAIN_LAYER, elevation_layers),
):
    if st.session_state.get(k(key)) not in options:  # a layer or profile that is gone
        st.session_state[k(key)] = ""

with st.form("scenario_form"):
    c1, c2 = st.columns(2)
    c1.text_input(t("scenario_name", lang), key=k(Key.IMPACT_NAME))
    c2.text_input(t("scenario_title", lang), key=k(Key.IMPACT_TITLE))
    c1, c2, c3 = st.columns(3)
    choice(
        c1.selectbox,
        t("rain_source", lang),
        rain_layers,
        lambda n, lg: n or t("generator", lg),
        k(Key.IMPACT_RAIN_LAYER),
        lang,
    )
    choice(
        c2.selectbox,
        t("season_type", lang),
        ["dry", "normal", "wet"],
        lambda s, lg: t("season_" + s, lg),
        k(Key.IMPACT_SEASON),
        lang,
    )
    c3.number_input(t("rain_return_period", lang), min_value=0.0, max_value=1000.0, step=1.0, key=k(Key.IMPACT_RAIN_RP))
    modes = ["peak", "return_period"] + (["layer"] if flood_layers else [])
    if st.session_state.get(k(Key.IMPACT_FLOOD_MODE)) not in modes:
        st.session_state[k(Key.IMPACT_FLOOD_MODE)] = "peak"
    c1, c2, c3 = st.columns(3)
    choice(
        c1.selectbox,
        t("flood_mode", lang),
        modes,
        lambda m, lg: t(
            {"peak": "flood_peak_mode", "return_period": "flood_rp_mode", "layer": "flood_layer_mode"}[m], lg
        ),
        k(Key.IMPACT_FLOOD_MODE),
        lang,
    )
    c2.number_input(t("mopti_peak", lang), min_value=100.0, max_value=900.0, step=1.0, key=k(Key.IMPACT_PEAK))
    c3.date_input(t("peak_date", lang), key=k(Key.IMPACT_PEAK_DATE), format="DD/MM/YYYY")
    c2.number_input(
        t("flood_return_period", lang), min_value=1.1, max_value=1000.0, step=1.0, key=k(Key.IMPACT_FLOOD_RP)
    )
    if flood_layers:
        if st.session_state.get(k(Key.IMPACT_FLOOD_LAYER)) not in flood_layers:
            st.session_state[k(Key.IMPACT_FLOOD_LAYER)] = flood_layers[0]
        c3.selectbox(t("flood_layer", lang), flood_layers, key=k(Key.IMPACT_FLOOD_LAYER))
    else:
        st.session_state[k(Key.IMPACT_FLOOD_LAYER)] = None
    c1, c2, c3 = st.columns(3)
    c1.number_input(t("household_size", lang), min_value=1.0, max_value=20.0, step=0.1, key=k(Key.IMPACT_HOUSEHOLD))
    c2.slider(t("damage_threshold", lang), min_value=0.3, max_value=0.7, step=0.05, key=k(Key.IMPACT_DAMAGE))
    choice(
        c3.selectbox,
        t("ration_profile", lang),
        rations_files,
        lambda n, lg: n or t("default_rations", lg),
        k(Key.IMPACT_RATIONS),
        lang,
    )
    if len(population_layers) > 1 or len(elevation_layers) > 1:
        c1, c2 = st.columns(2)
        choice(
            c1.selectbox,
            t("population_layer", lang),
            population_layers,
            lambda n, lg: n or t("builtin_population", lg),
            k(Key.IMPACT_POP_LAYER),
            lang,
        )
        choice(
            c2.selectbox,
            t("elevation_layer", lang),
            elevation_layers,
            lambda n, lg: n or t("builtin_terrain", lg),
            k(Key.IMPACT_TERRAIN_LAYER),
            lang,
        )
    st.multiselect(
        t("include_items", lang),
        optional_items,
        format_func=lambda item: item_name(item, lang),
        key=k(Key.IMPACT_INCLUDE),
        help=t("include_items_help", lang),
        placeholder=t("include_items_none", lang),
    )
    c1, c2 = st.columns(2)
    members = c1.number_input(t("members", lang), min_value=1, max_value=20, value=1, step=1, key=k(Key.IMPACT_MEMBERS))
    seed = c2.number_input(t("seed", lang), min_value=0, max_value=2**31 - 1, value=0, step=1, key=k(Key.IMPACT_SEED))
    b1, b2 = st.columns(2)
    run_clicked = b1.form_submit_button(t("run", lang), type="primary")
    save_clicked = b2.form_submit_button(t("save_scenario", lang))

if run_clicked or save_clicked:
    text = dump_yaml(_edited(base_data, k))
    name = st.session_state[k(Key.IMPACT_NAME)].strip() or "scenario"
    rations_folder = (
        user_scenarios
        if st.session_state[k(Key.IMPACT_RATIONS)]
        and (user_scenarios / st.session_state[k(Key.IMPACT_RATIONS)]).is_file()
        else base_path.parent
    )
    try:
        scenario = parse_text(text, f"{name}.yaml", expect="scenario", context=validation_context(layers=layers))
    except InputError as err:
        show_error(err, lang)
        st.stop()
    if save_clicked:
        try:
            target = userdata.target("scenarios", scenario.name)
            save_file(scenario, target)
        except (InputError, ValueError, OSError) as err:
            show_error(err, lang)
        else:
            st.session_state[Key.SCENARIO] = str(target)
            st.session_state.pop("impact_scenario", None)
            st.session_state[FLASH] = t("scenario_saved", lang, name=scenario.name, path=target)
            st.rerun()
    if run_clicked:
        request = (text, str(rations_folder), int(members), int(seed))
        previous = st.session_state.get(RESULT)
        if not previous or previous["request"] != request:
            try:
                with st.spinner(t("running", lang)):
                    result = run_scenario(scenario, members=int(members), seed=int(seed), base=rations_folder)
                    delta = scenario_delta(scenario, rations_folder)
                    st.session_state[RESULT] = {
                        "request": request,
                        "scenario": scenario,
                        "delta": delta,
                        "result": result,
                        "summary": summarize(result, delta),
                        "folder": rations_folder,
                    }
            except (InputError, CatalogError, ValueError, OSError) as err:
                show_error(err, lang)
                st.stop()

run = st.session_state.get(RESULT)
if not run:
    st.info(t("no_run", lang))
    st.stop()
scenario, result, summary = run["scenario"], run["result"], run["summary"]
st.header(t("results_title", lang, scenario=scenario.title))
members_run = summary["members"]


def spread(d):
    return (
        t("spread", lang, p10=number(d["p10"], lang), p90=number(d["p90"], lang), members=members_run)
        if "p10" in d
        else t("card_one_member", lang)
    )


m1, m2, m3, m4 = st.columns(4)
for column, label, entry, text in (
    (m1, "metric_affected", summary["affected_persons"], number(summary["affected_persons"]["value"], lang)),
    (
        m2,
        "metric_displaced_peak",
        summary["displaced_persons"]["peak"],
        number(summary["displaced_persons"]["peak"]["value"], lang),
    ),
    (
        m3,
        "metric_in_need",
        summary["in_need_persons"]["peak"],
        number(summary["in_need_persons"]["peak"]["value"], lang),
    ),
    (m4, "metric_cost", summary["cost_usd"], usd(summary["cost_usd"]["value"], lang)),
):
    with column.container(border=True):
        st.metric(t(label, lang), text)
        st.caption(spread(entry))

if "by_cause" in summary:
    causes = summary["by_cause"]
    rows = [
        {
            t("col_cause", lang): t(f"cause_{cause}", lang),
            t("col_affected", lang): number(causes[cause]["affected_persons"]["value"], lang),
            t("col_displaced_peak", lang): number(causes[cause]["displaced_persons"]["peak"]["value"], lang),
            t("col_in_need_peak", lang): number(causes[cause]["in_need_persons"]["peak"]["value"], lang),
        }
        for cause in ("flood", "storm", "drought")
    ]
    rows.append(
        {
            t("col_cause", lang): t("cause_total", lang),
            t("col_affected", lang): number(summary["affected_persons"]["value"], lang),
            t("col_displaced_peak", lang): number(summary["displaced_persons"]["peak"]["value"], lang),
            t("col_in_need_peak", lang): number(summary["in_need_persons"]["peak"]["value"], lang),
        }
    )
    st.subheader(t("by_cause_table", lang))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("by_cause_caption", lang))

left, right = st.columns([2, 3])
with left:
    _map(run)
people = result["people"].median("member").sum("cercle")
timeline = pd.DataFrame(
    {t("count_" + c, lang): people.sel(count=c).values for c in ("affected", "displaced", "in_need")},
    index=pd.DatetimeIndex(result["day"].values),
)
with right:
    st.subheader(t("timeline", lang))
    st.altair_chart(time_chart(timeline, lang, t("axis_people", lang), t("series", lang), height=430), width="stretch")

default_profile = not scenario.rations
rations = read_rations(DEFAULT_RATIONS if default_profile else (Path(run["folder"]) / scenario.rations))
needs_numbers = _needs_frame(summary, rations, default_profile)
cercles_numbers = _cercle_frame(summary)
st.subheader(t("needs_table", lang))
st.dataframe(_written(needs_numbers), hide_index=True, width="stretch")
st.subheader(t("by_cercle_table", lang))
st.dataframe(_written(cercles_numbers), hide_index=True, width="stretch")
communes_numbers = None
if summary.get("by_commune"):
    st.subheader(t("by_commune_table", lang))
    delta_run = run["delta"]
    pcodes = [""] + [c.pcode for c in delta_run.cercles]
    cercle_choice = choice(
        st.selectbox,
        t("commune_cercle_filter", lang),
        pcodes,
        lambda p, lang: t("all_cercles", lang) if not p else delta_run.cercle(p).name,
        Key.IMPACT_COMMUNE_CERCLE,
        lang,
    )
    communes_numbers = _commune_frame(summary, delta_run, cercle_choice or None)
    st.dataframe(_written(communes_numbers), hide_index=True, width="stretch")
st.subheader(t("downloads", lang))
all_communes = _commune_frame(summary, run["delta"], None) if communes_numbers is not None else None
d1, d2, d3, d4, d5, d6 = st.columns(6)
download(
    d1,
    t("download_needs_csv", lang),
    csv_bytes(needs_numbers, lang),
    f"{scenario.name}-{t('needs_file', lang)}.csv",
    "impact_needs_csv",
)
download(
    d2,
    t("download_needs_excel", lang),
    csv_bytes(needs_numbers, lang, excel=True),
    f"{scenario.name}-{t('needs_file', lang)}-excel.csv",
    "impact_needs_excel",
)
download(
    d3,
    t("download_cercles_csv", lang),
    csv_bytes(cercles_numbers, lang),
    f"{scenario.name}-{t('cercles_file', lang)}.csv",
    "impact_cercles_csv",
)
download(
    d4,
    t("download_cercles_excel", lang),
    csv_bytes(cercles_numbers, lang, excel=True),
    f"{scenario.name}-{t('cercles_file', lang)}-excel.csv",
    "impact_cercles_excel",
)
download(
    d5,
    t("download_xlsx", lang),
    workbook_bytes(
        {
            t("needs_table", lang): needs_numbers,
            t("by_cercle_table", lang): cercles_numbers,
            **({t("by_commune_table", lang): all_communes} if all_communes is not None else {}),
            t("timeline", lang): timeline.reset_index(names=t("col_day", lang)),
        }
    ),
    f"{scenario.name}.xlsx",
    "impact_xlsx",
)
if all_communes is not None:
    download(
        d6,
        t("download_communes_csv", lang),
        csv_bytes(all_communes, lang),
        f"{scenario.name}-{t('communes_file', lang)}.csv",
        "impact_communes_csv",
    )
