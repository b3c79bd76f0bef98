"""Page "Le delta / The delta": population, cercles, rivers, gauges and hubs of the built-in delta."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.delta.boundaries import BoundariesError
from sim.delta.domain import DEFAULT_YEAR, OFFICIAL_CERCLES, Delta
from sim.labels import hub_role
from ui.cercle_map import cercle_map, show_cercle_map
from ui.common import RESOLUTIONS, Key, boundaries_path, cached_delta
from ui.i18n import number, t
from ui.maps import delta_map_png

lang = st.session_state.get(Key.LANGUAGE, "fr")


@st.cache_data(show_spinner=False, max_entries=12)
def _map_png(resolution: float, year: int, boundaries: str | None, lang: str) -> bytes:
    return delta_map_png(cached_delta(resolution, year, boundaries), lang)


def _cercle_table(delta: Delta) -> pd.DataFrame:
    sums = delta.cercle_population()
    return pd.DataFrame(
        {
            t("col_cercle", lang): [c.name for c in delta.cercles],
            t("col_pcode", lang): [c.pcode for c in delta.cercles],
            t("col_region", lang): [c.region for c in delta.cercles],
            t("col_pop2009", lang): [number(c.population_2009, lang) for c in delta.cercles],
            t("col_growth", lang): [number(100 * c.growth_rate, lang, 1) for c in delta.cercles],
            t("col_pop", lang, year=delta.year): [number(sums[c.pcode], lang) for c in delta.cercles],
            t("col_boundary", lang): [t("approximate" if c.approximate else "official", lang) for c in delta.cercles],
        }
    )


def _gauge_table(delta: Delta) -> pd.DataFrame:
    rows = [
        {
            t("col_gauge", lang): g.name,
            t("col_river", lang): g.river,
            t("col_level", lang): t("level_" + name, lang),
            t("col_level_cm", lang): number(level, lang),
        }
        for g in delta.gauges
        for name, level in g.alerts_cm.items()
    ]
    return pd.DataFrame(rows)


def _link_table(delta: Delta) -> pd.DataFrame:
    def duration(link) -> str:
        if link.time_min_h is None:
            return ""
        unit, factor = (t("unit_day_short", lang), 24.0) if link.mode == "river" else ("h", 1.0)
        low, high = link.time_min_h / factor, link.time_max_h / factor
        digits = 0 if float(low).is_integer() and float(high).is_integer() else 1
        return (
            f"{number(low, lang, digits)} {unit}"
            if low == high
            else f"{number(low, lang, digits)}–{number(high, lang, digits)} {unit}"
        )

    return pd.DataFrame(
        {
            t("col_from", lang): [link.origin for link in delta.links],
            t("col_to", lang): [link.destination for link in delta.links],
            t("col_mode", lang): [t("mode_" + link.mode, lang) for link in delta.links],
            t("col_distance", lang): [number(link.distance_km, lang) for link in delta.links],
            t("col_time", lang): [duration(link) for link in delta.links],
            t("col_seasonal", lang): [t("yes" if link.seasonal else "no", lang) for link in delta.links],
        }
    )


st.title(t("app_title", lang))
st.write(t("delta_intro", lang))

with st.sidebar:
    year = st.number_input(t("year", lang), min_value=2009, max_value=2050, value=DEFAULT_YEAR, step=1, key=Key.YEAR)
    resolution = st.select_slider(t("resolution", lang), options=RESOLUTIONS, value=0.01, key=Key.RESOLUTION)

boundaries = boundaries_path()
try:
    with st.spinner("…"):
        delta = cached_delta(resolution, int(year), boundaries)
        png = _map_png(resolution, int(year), boundaries, lang)
except (BoundariesError, ValueError, OSError) as err:
    st.error(t("error_domain", lang, error=err))
    st.stop()

if delta.approximate:
    st.info(t("boundaries_approximate", lang))
elif delta.boundaries == str(OFFICIAL_CERCLES):
    st.caption(t("boundaries_builtin", lang))
else:
    st.caption(t("boundaries_official", lang, source=delta.boundaries))

population = sum(delta.cercle_population().values())
floodplain_km2 = float((delta.terrain.floodplain * delta.grid.cell_area_km2[:, None]).sum())
c1, c2, c3 = st.columns(3)
c1.metric(t("metric_population", lang, year=delta.year), number(population, lang))
c2.metric(t("metric_cercles", lang), len(delta.cercles))
c3.metric(t("metric_floodplain", lang), f"{number(floodplain_km2, lang)} km²")

approx = t("approximate" if delta.approximate else "official", lang)
map_column, table_column = st.columns([3, 2])
with map_column:
    density_tab, cercle_tab = st.tabs([t("tab_density_map", lang), t("tab_cercle_map", lang)])
    with density_tab:
        st.image(png, caption=t("map_caption", lang, year=delta.year, approx=approx), width="stretch")
    with cercle_tab:
        sums = delta.cercle_population()
        tips = {
            c.pcode: [
                (t("col_pcode", lang), c.pcode),
                (t("col_region", lang), c.region),
                (t("col_pop2009", lang), number(c.population_2009, lang)),
                (t("col_pop", lang, year=delta.year), number(sums[c.pcode], lang)),
                (t("col_growth", lang), number(100 * c.growth_rate, lang, 1)),
            ]
            for c in delta.cercles
        }
        chart = cercle_map(
            delta,
            {p: float(v) for p, v in sums.items()},
            tips,
            t("col_pop", lang, year=delta.year),
            lang,
            scheme="yelloworangebrown",
            height=560,
        )
        show_cercle_map(chart, "delta_map", tips, {c.pcode: c.name for c in delta.cercles}, lang)
with table_column:
    st.subheader(t("table_cercles", lang))
    st.dataframe(_cercle_table(delta), hide_index=True, width="stretch", height=640)
left, right = st.columns(2)
with left:
    st.subheader(t("table_gauges", lang))
    st.dataframe(_gauge_table(delta), hide_index=True, width="stretch")
with right:
    st.subheader(t("table_hubs", lang))
    st.dataframe(
        pd.DataFrame(
            {
                t("col_hub", lang): [h.name for h in delta.hubs],
                t("col_role", lang): [hub_role(h.name, lang) for h in delta.hubs],
            }
        ),
        hide_index=True,
        width="stretch",
    )
st.dataframe(_link_table(delta), hide_index=True, width="stretch")
st.caption(t("sources", lang))
