"""Time charts in the reader's language: Altair (bundled with Streamlit, drawn in the browser,
nothing fetched) with month names and numbers from the catalogs, not Vega's English defaults."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ui.i18n import date_long, month_names, number


def _month_axis(lang: str) -> alt.Axis:
    """A date axis labelled ``1 oct.`` / ``1 Oct`` with the language's month names."""
    months = json.dumps(month_names(lang))
    return alt.Axis(
        title=None, labelExpr=f"date(datum.value) + ' ' + {months}[month(datum.value)]", labelOverlap=True, tickCount=8
    )


def number_expression(lang: str, value: str = "datum.value") -> str:
    """A Vega expression writing ``value`` with the language's grouping (``12 000`` / ``12,000``)."""
    separator = "\u202f" if lang == "fr" else ","
    return f"replace(format({value}, ',.0f'), /,/g, '{separator}')"


def legend_colours(field: str, names: list[str], colours: list[str]) -> alt.Color:
    """Each of ``names`` (values of ``field``, already in the reader's language) in its colour,
    with the legend under the chart and no title."""
    return alt.Color(
        field, title=None, legend=alt.Legend(orient="bottom"), scale=alt.Scale(domain=names, range=colours)
    )


def time_chart(frame: pd.DataFrame, lang: str, y_title: str, series_title: str, height: int = 320) -> alt.Chart:
    """Lines over days: ``frame`` has a DatetimeIndex and one column per series (already named
    for the reader); the tooltip shows the date and the value written for the language."""
    long = frame.rename_axis("day").reset_index().melt("day", var_name="series", value_name="value")
    long["date_text"] = [date_long(d, lang) for d in long["day"]]
    long["value_text"] = [number(v, lang) for v in long["value"]]
    return (
        alt.Chart(long, height=height)
        .mark_line()
        .encode(
            x=alt.X("day:T", axis=_month_axis(lang)),
            y=alt.Y("value:Q", title=y_title, axis=alt.Axis(labelExpr=number_expression(lang))),
            color=alt.Color("series:N", title=series_title, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("date_text:N", title=" "),
                alt.Tooltip("series:N", title=series_title),
                alt.Tooltip("value_text:N", title=y_title),
            ],
        )
    )
