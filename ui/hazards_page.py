"""Page "Aléas / Hazards": a simulated season's rainfall, flood and drought, and the layer upload form."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from matplotlib.colors import BoundaryNorm, LogNorm, TwoSlopeNorm

from hazards.catalog import CatalogError, add_layer, list_layers, prepare_layer
from hazards.flood import banco_collapse_fraction, ponding_depth
from hazards.io import LAYER_KINDS
from hazards.season import hazard_season
from sim.scenario import InputError, load_file
from ui.common import Key, cached_delta, scenario_files
from ui.i18n import t
from ui.maps import hydrograph_png, raster_map_png

lang = st.session_state.get(Key.LANGUAGE, "fr")


@st.cache_resource(show_spinner=False, max_entries=2)
def _season(path: str, seed: int):
    scenario = load_file(path, expect="scenario")
    domain = scenario.domain
    delta = cached_delta(float(domain.resolution.to("degree").magnitude), domain.population_year, domain.boundaries)
    return scenario, delta, hazard_season(scenario, delta, seed=seed)


@st.cache_data(show_spinner=False, max_entries=64)
def _map(key: tuple, _values: np.ndarray, label: str, cmap: str, _norm, title: str) -> bytes:
    path, seed, *_ = key
    _, delta, _ = _season(path, seed)
    return raster_map_png(delta, _values, lang, label, cmap=cmap, norm=_norm, title=title)


def _area_km2(delta, mask: np.ndarray) -> float:
    return float((mask * delta.grid.cell_area_km2[:, None]).sum())


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


st.title(t("hazards_title", lang))
st.write(t("hazards_intro", lang))

files = scenario_files()
with st.sidebar:
    chosen = st.selectbox(t("scenario", lang), files, format_func=lambda p: p.stem, key=Key.HAZARD_SCENARIO)
    seed = int(st.number_input(t("seed", lang), min_value=0, max_value=2**31 - 1, value=1, step=1, key=Key.HAZARD_SEED))

try:
    with st.spinner(t("computing", lang)):
        scenario, delta, season = _season(str(chosen), seed)
except (InputError, CatalogError, ValueError, OSError) as err:
    st.error(t("error_season", lang, error=err))
    st.stop()

key = (str(chosen), seed)
dates = pd.DatetimeIndex(season["time"].values)
total = season.rainfall.sum("time").values
peak = season.attrs["mopti_peak_cm"]
c1, c2, c3 = st.columns(3)
c1.metric(t("metric_rain", lang), f"{float(np.nanmean(total)):.0f} mm")
c2.metric(t("metric_peak", lang), f"{peak:g} cm", help=season.attrs["mopti_peak_date"])
flooded_series = ((season.flood_depth > 0) * delta.grid.cell_area_km2[:, None]).sum(("y", "x")).values
c3.metric(t("metric_flooded", lang) + " (max.)", f"{_fmt(flooded_series.max())} km²")

rain_tab, flood_tab, drought_tab, gauge_tab, add_tab = st.tabs(
    [t("tab_rain", lang), t("tab_flood", lang), t("tab_drought", lang), t("tab_gauges", lang), t("tab_add", lang)]
)

with rain_tab:
    st.image(_map(key + ("rain",), total, t("rain_total", lang), "YlGnBu", None, scenario.title), width=760)

with flood_tab:
    default_day = min(max(pd.Timestamp(season.attrs["mopti_peak_date"]).date(), dates[0].date()), dates[-1].date())
    day = st.slider(t("day", lang), min_value=dates[0].date(), max_value=dates[-1].date(), value=default_day, step=dt.timedelta(days=1), format="YYYY-MM-DD", key=Key.HAZARD_DAY)
    index = int((pd.Timestamp(day) - dates[0]).days)
    depth = season.flood_depth.isel(time=index).values
    rain_day = season.rainfall.isel(time=index).values
    ponding = ponding_depth(season.rainfall.isel(time=slice(max(index - 10, 0), index + 1))).isel(time=-1).values
    d1, d2, d3 = st.columns(3)
    d1.metric(t("metric_flooded", lang), f"{_fmt(_area_km2(delta, depth > 0))} km²")
    d2.metric(t("metric_storm", lang), f"{float(rain_day.max()):.0f} mm")
    d3.metric(t("collapse_label", lang), f"{float(banco_collapse_fraction(rain_day).max()):.0%}")
    left, right = st.columns(2)
    shown = np.where(depth > 0, depth, np.nan)
    left.image(_map(key + ("depth", index), shown, t("flood_depth_label", lang), "Blues", None, str(day)), width="stretch")
    rain_shown = np.where(rain_day > 0.5, rain_day, np.nan)
    right.image(_map(key + ("rainday", index), rain_shown, t("rain_day", lang), "PuBu", LogNorm(vmin=1, vmax=200), str(day)), width="stretch")
    if float(ponding.max()) > 0:
        st.image(_map(key + ("ponding", index), np.where(ponding > 0, ponding, np.nan), t("ponding_label", lang), "Purples", None, str(day)), width=760)

with drought_tab:
    if "spi3" not in season:
        st.info(t("no_drought", lang))
    else:
        left, right = st.columns(2)
        left.image(_map(key + ("spi",), season.spi3.values, t("spi_label", lang), "BrBG", TwoSlopeNorm(0.0, -3.0, 3.0), ""), width="stretch")
        wrsi_norm = BoundaryNorm([0, 50, 60, 80, 95, 100.01], ncolors=256)
        right.image(_map(key + ("wrsi",), season.wrsi.values, t("wrsi_label", lang), "RdYlGn", wrsi_norm, ""), width="stretch")
        st.metric(t("crop_failure_share", lang), f"{float((season.wrsi < 50).mean()):.0%}")

with gauge_tab:
    alerts = {g.name: g.alerts_cm for g in delta.gauges}
    st.image(hydrograph_png(season.stage, alerts, lang, lambda name: t("level_" + name, lang)), width=900)

with add_tab:
    st.write(t("add_intro", lang))
    with st.form("layer_form"):
        upload = st.file_uploader(t("upload", lang), type=["tif", "tiff", "nc", "nc4", "geojson", "json", "gpkg", "zip"], key=Key.LAYER_FILE)
        name = st.text_input(t("layer_name", lang), key=Key.LAYER_NAME)
        kind = st.selectbox(t("layer_kind", lang), LAYER_KINDS, format_func=lambda k: t("kind_" + k, lang), key=Key.LAYER_KIND)
        units = st.text_input(t("layer_units", lang), key=Key.LAYER_UNITS)
        crs = st.text_input(t("layer_crs", lang), key=Key.LAYER_CRS)
        source = st.text_input(t("layer_source", lang), key=Key.LAYER_SOURCE)
        licence = st.text_input(t("layer_licence", lang), key=Key.LAYER_LICENCE)
        checked = st.form_submit_button(t("check", lang))
    if checked:
        st.session_state.pop(Key.LAYER_READY, None)
        if upload is None:
            st.error(t("need_file", lang))
        else:
            folder = Path(tempfile.mkdtemp(prefix="layer-upload-"))
            path = folder / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            options = dict(units=units or None, crs=crs or None, source=source or "unspecified", licence=licence or "unspecified")
            try:
                card, data = prepare_layer(path, name.strip(), kind, **options)
            except CatalogError as err:
                st.error(str(err))
            else:
                st.session_state[Key.LAYER_READY] = (str(path), name.strip(), kind, options)
                field = data.isel(time=0).values if "time" in data.dims else data.values
                st.image(raster_map_png(cached_delta(), np.where(np.isfinite(field), field, np.nan), lang, card.units, cmap="viridis", title=t("preview", lang, name=card.name, kind=t("kind_" + kind, lang), units=card.units)), width=700)
    ready = st.session_state.get(Key.LAYER_READY)
    if ready and st.button(t("save", lang), key=Key.LAYER_SAVE):
        path, name, kind, options = ready
        try:
            card = add_layer(path, name, kind, **options)
        except CatalogError as err:
            st.error(str(err))
        else:
            st.session_state.pop(Key.LAYER_READY, None)
            st.success(t("saved", lang, name=card.name))
    st.subheader(t("catalog_table", lang))
    cards, problems = list_layers()
    for problem in problems:
        st.warning(str(problem))
    if cards:
        st.dataframe(
            pd.DataFrame(
                {
                    t("layer_name", lang): [c.name for c in cards],
                    t("layer_kind", lang): [t("kind_" + c.kind, lang) for c in cards],
                    "units": [c.units for c in cards],
                    "dates": [f"{c.time_coverage.start} – {c.time_coverage.end}" if c.time_coverage else "—" for c in cards],
                    t("layer_source", lang): [c.source for c in cards],
                    t("layer_licence", lang): [c.licence for c in cards],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(t("no_layers", lang))
