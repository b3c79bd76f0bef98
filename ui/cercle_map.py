"""Interactive maps of the cercles: Vega-Lite geoshapes (Altair, bundled with Streamlit).

Hover a cercle to read its numbers, click it to select it. The map is drawn by the browser
from the delta's own polygons, on a plain equirectangular projection: there is no base map,
so no tile, style or font is ever fetched. (deck.gl's map view fetches a base-map style
from a CDN, and its software rendering in a GPU-less browser drew every polygon black.)
"""

from __future__ import annotations

import altair as alt
import streamlit as st
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

from sim.delta.domain import Delta
from ui.charts import number_expression
from ui.i18n import t

SIMPLIFY_DEG = 0.004
"""Outline simplification before sending polygons to the browser [deg] (~400 m): invisible at
the map's scale, and keeps the page light."""

RIVER_COLOUR = "#1f5fa8"


def _clockwise(geometry):
    """d3-geo (Vega's projections) wants exterior rings clockwise, the opposite of GeoJSON's rule;
    a counter-clockwise ring is read as the whole globe but the polygon."""
    if isinstance(geometry, Polygon):
        return orient(geometry, sign=-1.0)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(part, sign=-1.0) for part in geometry.geoms])
    return geometry


def _features(units, values: dict[str, float | None], tips: dict[str, list[tuple[str, str]]]) -> list[dict]:
    """GeoJSON features of the cercles or communes (anything with ``pcode``, ``name``, ``geometry``)."""
    width = max((len(v) for v in tips.values()), default=0)
    features = []
    for unit in units:
        lines = tips.get(unit.pcode, [])
        properties = {"pcode": unit.pcode, "name": unit.name, "value": values.get(unit.pcode)}
        for k in range(width):
            properties[f"v{k}"] = lines[k][1] if k < len(lines) else ""
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(_clockwise(unit.geometry.simplify(SIMPLIFY_DEG, preserve_topology=True))),
                "properties": properties,
            }
        )
    return features


def cercle_map(
    delta: Delta,
    values: dict[str, float | None],
    tips: dict[str, list[tuple[str, str]]],
    legend_title: str,
    lang: str,
    scheme: str = "orangered",
    domain: tuple[float, float] | None = None,
    percent: bool = False,
    height: int = 480,
    communes: bool = False,
) -> alt.LayerChart:
    """The cercles coloured by ``values`` (pcode → number), with rivers and the capitals' names.

    Parameters
    ----------
    tips : dict
        pcode → the (label, value) lines of the cercle's tooltip, already written for the reader.
    scheme : str
        A Vega colour scheme (``orangered``, ``redyellowgreen`` …).
    percent : bool
        Write the legend's values as percentages (values are shares 0–1).
    communes : bool
        Draw the communes (``values`` and ``tips`` keyed by commune pcode) instead of the cercles.
    """
    features = _features(delta.communes if communes else delta.cercles, values, tips)
    labels = next(iter(tips.values()), [])
    selection = alt.selection_point(fields=["pcode"], name="cercle", on="click")
    legend_labels = (
        f"{number_expression(lang, 'datum.value * 100')} + ' %'" if percent else number_expression(lang, "datum.value")
    )
    scale = alt.Scale(scheme=scheme, domain=list(domain)) if domain else alt.Scale(scheme=scheme)
    tooltip = [alt.Tooltip("name:N", title=" ")] + [
        alt.Tooltip(f"v{k}:N", title=label) for k, (label, _) in enumerate(labels)
    ]
    cercles = (
        alt.Chart(alt.Data(values=features))
        .transform_calculate(
            pcode="datum.properties.pcode",
            name="datum.properties.name",
            value="datum.properties.value",
            **{f"v{k}": f"datum.properties.v{k}" for k in range(len(labels))},
        )
        .mark_geoshape(stroke="#555555", strokeWidth=0.3 if communes else 0.7)
        .encode(
            color=alt.condition(
                "isValid(datum.value)",
                alt.Color(
                    "value:Q",
                    scale=scale,
                    legend=alt.Legend(title=legend_title, orient="bottom", labelExpr=legend_labels, gradientLength=260),
                ),
                alt.value("#e6e6e6"),
            ),
            opacity=alt.condition(selection, alt.value(0.95), alt.value(0.55)),
            tooltip=tooltip,
        )
        .add_params(selection)
    )
    rivers = (
        alt.Chart(
            alt.Data(
                values=[
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[float(x), float(y)] for x, y in zip(r.lon, r.lat)],
                        },
                        "properties": {"width": 2.2 if r.name in ("Niger", "Bani") else 1.2},
                    }
                    for r in delta.rivers
                ]
            )
        )
        .mark_geoshape(filled=False, stroke=RIVER_COLOUR)
        .encode(strokeWidth=alt.StrokeWidth("properties.width:Q", legend=None, scale=None), tooltip=alt.value(None))
    )
    towns = [
        {"lon": p.lon, "lat": p.lat, "name": p.name}
        for p in delta.places
        if p.kind == "cercle_capital" and delta.grid.contains(p.lon, p.lat)
    ]
    dots = (
        alt.Chart(alt.Data(values=towns))
        .mark_circle(size=18, color="black")
        .encode(longitude="lon:Q", latitude="lat:Q", tooltip=alt.value(None))
    )
    names = (
        alt.Chart(alt.Data(values=towns))
        .mark_text(dx=4, dy=-6, align="left", fontSize=10, color="#222222")
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N", tooltip=alt.value(None))
    )
    grid = delta.grid
    frame = {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [grid.west, grid.south],
                    [grid.west, grid.north],
                    [grid.east, grid.north],
                    [grid.east, grid.south],
                    [grid.west, grid.south],
                ]
            ],
        },
    }
    return (
        alt.layer(cercles, rivers, dots, names)
        .project(type="equirectangular", fit=frame)
        .properties(height=height, width="container")
        .configure_view(stroke=None)
    )


def selected_pcode(state) -> str | None:
    """The pcode of the cercle clicked on a map drawn with ``on_select="rerun"``, if any."""
    try:
        points = state.selection["cercle"]
    except (AttributeError, KeyError, TypeError):
        return None
    if isinstance(points, list) and points:
        return points[0].get("pcode")
    return None


def details_markdown(name: str, lines: list[tuple[str, str]], lang: str) -> str:
    """The selected cercle's numbers, as Markdown to show under the map."""
    colon = " :" if lang == "fr" else ":"
    rows = "\n".join(f"- {label}{colon} **{value}**" for label, value in lines)
    return f"**{name.replace('*', '')}**\n\n{rows}"


def show_cercle_map(
    chart: alt.LayerChart, key: str, tips: dict[str, list[tuple[str, str]]], names: dict[str, str], lang: str
) -> None:
    """Draw a map of :func:`cercle_map` and, under it, the numbers of the cercle clicked (or a hint)."""
    state = st.altair_chart(chart, on_select="rerun", selection_mode="cercle", key=key, width="stretch")
    pcode = selected_pcode(state)
    if pcode in tips:
        st.markdown(details_markdown(names[pcode], tips[pcode], lang))
    else:
        st.caption(t("map_hint", lang))
