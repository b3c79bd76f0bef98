"""Page "Aléas / Hazards": a simulated season's rainfall, flood and drought, and the layer catalog.

The season of a scenario and seed is computed once per server (a cached function that draws
nothing); the day slider lives in a fragment, so moving it redraws only the day's maps, which
are pasted into a pre-drawn frame (:func:`ui.maps.raster_map_png`) in milliseconds.

An uploaded layer is written to a temporary folder only while it is checked or saved, and
the folder is deleted right after (:func:`_upload_copy`); an upload larger than
:data:`hazards.catalog.MAX_LAYER_BYTES` is refused before it is written.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from matplotlib.colors import BoundaryNorm, LogNorm, Normalize, TwoSlopeNorm

from hazards.catalog import (
    CatalogError,
    add_layer,
    catalog_folder,
    check_size,
    delete_layer,
    layer_entries,
    prepare_layer,
    rename_layer,
)
from hazards.flood import banco_collapse_fraction, ponding_depth
from hazards.io.layers import LAYER_KINDS
from sim.core.loader import InputError
from ui.common import Key, cached_delta, choice, scenario_picker, show_error
from ui.i18n import date_long, number, percent, t
from ui.library import Item, library_panel
from ui.maps import hydrograph_png, raster_map_png
from ui.warm import DEFAULT_SEED, season_view

lang = st.session_state.get(Key.LANGUAGE, "fr")
MAP_WIDTH_PX = 760


@st.cache_data(show_spinner=False, max_entries=32)
def _hydrograph(path: str, modified: float, seed: int, lang: str) -> bytes:
    _, delta, season, _ = season_view(path, modified, seed)
    alerts = {g.name: g.alerts_cm for g in delta.gauges}
    return hydrograph_png(season.stage, alerts, lang, lambda name: t("level_" + name, lang))


def _area_km2(delta, mask: np.ndarray) -> float:
    return float((mask * delta.grid.cell_area_km2[:, None]).sum())


@st.fragment
def _flood_day(path: str, modified: float, seed: int) -> None:
    """The flood tab: a day slider and that day's maps, redrawn alone when the slider moves."""
    scenario, delta, season, facts = season_view(path, modified, seed)
    dates = facts["dates"]
    days = [d.date() for d in dates]
    peak_day = pd.Timestamp(season.attrs["mopti_peak_date"]).date()
    default = min(max(peak_day, days[0]), days[-1])
    key = f"{Key.HAZARD_DAY}:{Path(path).stem}:{seed}"
    if st.session_state.get(key) not in days:
        st.session_state[key] = default
    day = choice(st.select_slider, t("day", lang), days, date_long, key, lang)
    index = days.index(day)
    depth = season.flood_depth.values[index]
    rain_day = season.rainfall.values[index]
    ponding = ponding_depth(season.rainfall.isel(time=slice(max(index - 10, 0), index + 1))).isel(time=-1).values
    d1, d2, d3 = st.columns(3)
    d1.metric(t("metric_flooded", lang), f"{number(facts['flooded_km2'][index], lang)} km²")
    d2.metric(t("metric_storm", lang), f"{number(float(rain_day.max()), lang)} mm")
    d3.metric(t("collapse_label", lang), percent(float(banco_collapse_fraction(rain_day).max()), lang))
    left, right = st.columns(2)
    title = date_long(day, lang)
    left.image(
        raster_map_png(
            delta,
            np.where(depth > 0, depth, np.nan),
            lang,
            t("flood_depth_label", lang),
            cmap="Blues",
            norm=Normalize(0.0, max(facts["max_depth"], 0.1)),
            title=title,
        ),
        width="stretch",
    )
    right.image(
        raster_map_png(
            delta,
            np.where(rain_day > 0.5, rain_day, np.nan),
            lang,
            t("rain_day", lang),
            cmap="PuBu",
            norm=LogNorm(vmin=1, vmax=200),
            title=title,
        ),
        width="stretch",
    )
    if float(ponding.max()) > 0:
        st.image(
            raster_map_png(
                delta,
                np.where(ponding > 0, ponding, np.nan),
                lang,
                t("ponding_label", lang),
                cmap="Purples",
                norm=Normalize(0.0, max(float(ponding.max()), 0.01)),
                title=title,
            ),
            width=MAP_WIDTH_PX,
        )


def _kind_label(kind: str, lang: str) -> str:
    return t("kind_" + kind, lang)


def _layer_items() -> list[Item]:
    entries, _ = layer_entries()
    return [
        Item(card.name, shipped, folder / card.file, f"{t('kind_' + card.kind, lang)} · {card.units}")
        for card, folder, shipped in entries
    ]


@contextlib.contextmanager
def _upload_copy(upload) -> Iterator[Path]:
    """A copy of an upload in a temporary folder (``layer-upload-*``), deleted when done.

    Raises
    ------
    CatalogError
        If the upload is larger than :data:`hazards.catalog.MAX_LAYER_BYTES` (nothing written).
    """
    name = re.split(r"[\\/]", upload.name)[-1].strip()
    name = name if name not in ("", ".", "..") else "upload"
    check_size(name, upload.size)
    with tempfile.TemporaryDirectory(prefix="layer-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(upload.getvalue())
        yield path


def _fingerprint(upload) -> tuple:
    """What tells an upload from another: its id, name and size. [byte]"""
    return (getattr(upload, "file_id", None), upload.name, upload.size)


def _add_tab() -> None:
    st.write(t("add_intro", lang))
    with st.form("layer_form"):
        upload = st.file_uploader(
            t("upload", lang), type=["tif", "tiff", "nc", "nc4", "geojson", "json", "gpkg", "zip"], key=Key.LAYER_FILE
        )
        name = st.text_input(t("layer_name", lang), key=Key.LAYER_NAME)
        kind = choice(st.selectbox, t("layer_kind", lang), list(LAYER_KINDS), _kind_label, Key.LAYER_KIND, lang)
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
            options = dict(
                units=units or None, crs=crs or None, source=source or "unspecified", licence=licence or "unspecified"
            )
            try:
                with _upload_copy(upload) as path:
                    card, data = prepare_layer(path, name.strip(), kind, **options)
            except CatalogError as err:
                show_error(err, lang)
            else:
                st.session_state[Key.LAYER_READY] = (_fingerprint(upload), name.strip(), kind, options)
                field = data.isel(time=0).values if "time" in data.dims else data.values
                st.image(
                    raster_map_png(
                        cached_delta(),
                        np.where(np.isfinite(field), field, np.nan),
                        lang,
                        card.units,
                        cmap="viridis",
                        title=t("preview", lang, name=card.name, kind=t("kind_" + kind, lang), units=card.units),
                    ),
                    width=700,
                )
    ready = st.session_state.get(Key.LAYER_READY)
    if ready and st.button(t("save", lang), key=Key.LAYER_SAVE):
        fingerprint, name, kind, options = ready
        if upload is None or _fingerprint(upload) != fingerprint:
            st.session_state.pop(Key.LAYER_READY, None)
            st.error(t("upload_changed", lang))
        else:
            try:
                with _upload_copy(upload) as path:
                    card = add_layer(path, name, kind, **options)
            except CatalogError as err:
                show_error(err, lang)
            else:
                st.session_state.pop(Key.LAYER_READY, None)
                st.success(t("saved", lang, name=card.name, folder=catalog_folder()))
    st.subheader(t("catalog_table", lang))
    _, problems = layer_entries()
    for problem in problems:
        show_error(problem, lang)
    items = _layer_items()
    if not items:
        st.caption(t("no_layers", lang))
    library_panel(
        items,
        lang,
        "layers_library",
        rename=rename_layer,
        delete=delete_layer,
        folder=catalog_folder(),
    )


def _drought(season, delta) -> None:
    if "spi3" not in season:
        st.info(t("no_drought", lang))
        return
    left, right = st.columns(2)
    left.image(
        raster_map_png(
            delta, season.spi3.values, lang, t("spi_label", lang), cmap="BrBG", norm=TwoSlopeNorm(0.0, -3.0, 3.0)
        ),
        width="stretch",
    )
    right.image(
        raster_map_png(
            delta,
            season.wrsi.values,
            lang,
            t("wrsi_label", lang),
            cmap="RdYlGn",
            norm=BoundaryNorm([0, 50, 60, 80, 95, 100.01], ncolors=256),
        ),
        width="stretch",
    )
    st.metric(t("crop_failure_share", lang), percent(float((season.wrsi < 50).mean()), lang))


st.title(t("hazards_title", lang))
st.write(t("hazards_intro", lang))

with st.sidebar:
    chosen = scenario_picker(st, lang, Key.HAZARD_SCENARIO)
    seed = int(
        st.number_input(
            t("seed", lang), min_value=0, max_value=2**31 - 1, value=DEFAULT_SEED, step=1, key=Key.HAZARD_SEED
        )
    )

try:
    modified = chosen.stat().st_mtime
    with st.spinner(t("computing", lang)):
        scenario, delta, season, facts = season_view(str(chosen), modified, seed)
except (InputError, CatalogError, ValueError, OSError) as err:
    show_error(err, lang)
    st.stop()

peak = season.attrs["mopti_peak_cm"]
c1, c2, c3 = st.columns(3)
c1.metric(t("metric_rain", lang), f"{number(float(np.nanmean(facts['rain_total'])), lang)} mm")
c2.metric(t("metric_peak", lang), f"{number(peak, lang)} cm", help=date_long(season.attrs["mopti_peak_date"], lang))
c3.metric(t("metric_flooded", lang) + " (max.)", f"{number(facts['flooded_km2'].max(), lang)} km²")

# lazy tabs: only the open tab's content runs; the others cost nothing until they are opened
rain_tab, flood_tab, drought_tab, gauge_tab, add_tab = st.tabs(
    [t("tab_rain", lang), t("tab_flood", lang), t("tab_drought", lang), t("tab_gauges", lang), t("tab_add", lang)],
    key="hazard_tab",
    on_change="rerun",
)
if rain_tab.open:
    with rain_tab:
        st.image(
            raster_map_png(
                delta, facts["rain_total"], lang, t("rain_total", lang), cmap="YlGnBu", title=scenario.title
            ),
            width=MAP_WIDTH_PX,
        )
if flood_tab.open:
    with flood_tab:
        _flood_day(str(chosen), modified, seed)
if drought_tab.open:
    with drought_tab:
        _drought(season, delta)
if gauge_tab.open:
    with gauge_tab:
        st.image(_hydrograph(str(chosen), modified, seed, lang), width=900)
if add_tab.open:
    with add_tab:
        _add_tab()
