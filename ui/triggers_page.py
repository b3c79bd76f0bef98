"""Déclencheurs / Triggers: a plan's triggers scored over many synthetic seasons (issue 17).

Pick a scenario, a plan with triggers and the number of seasons; "Évaluer" plays the record
(:func:`sim.triggers.run.score_triggers`) on the app's grid for records, and keeps it in session
state with the request that made it, so a rerun, a download or another threshold redraws without
playing again. Each trigger gets a scorecard in a donor's words, its sweep chart, and a
threshold to try on the spot, counted from the seasons already played.
"""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from sim.core.loader import InputError
from sim.ensemble import shared_pool
from sim.scenario import dump_text, load_file
from sim.triggers.run import Scored, score_triggers
from sim.triggers.words import record_sentence, scorecard, try_sentence
from ui.charts import legend_colours, number_expression
from ui.common import Key, choice, download, file_label, plan_files, scenario_picker, show_error
from ui.i18n import number, percent, t, usd

# Grid the app plays a record on [degree] (a page script's bare strings are drawn by Streamlit,
# so this is a comment): 10 seasons in about a minute on two cores; the CLI plays the
# scenario's own grid.
RECORD_RESOLUTION = 0.05


def _sweep_chart(card: dict, lang: str) -> alt.Chart:
    rows = card["threshold_sweep"]
    frame = pd.DataFrame(
        [{"seuil": r["threshold"], "what": t("tr_hit_rate", lang), "value": r["hit_rate"]} for r in rows]
        + [
            {"seuil": r["threshold"], "what": t("tr_false_alarm_ratio", lang), "value": r["false_alarm_ratio"]}
            for r in rows
        ]
    )
    percent = number_expression(lang, "datum.value * 100") + " + '\u00a0%'"
    decimal = "replace(format(datum.value, '.2~f'), /\\./g, ',')" if lang == "fr" else "format(datum.value, '.2~f')"
    x = alt.X("seuil:Q", title=t("tr_threshold", lang), scale=alt.Scale(zero=False), axis=alt.Axis(labelExpr=decimal))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(labelExpr=percent))
    lines = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=legend_colours(
                "what:N", [t("tr_hit_rate", lang), t("tr_false_alarm_ratio", lang)], ["#2e7d32", "#e67e22"]
            ),
        )
    )
    rule = alt.Chart(pd.DataFrame({"seuil": [card["threshold"]]})).mark_rule(color="#c0392b").encode(x="seuil:Q")
    return (lines + rule).properties(height=220)


def _sweep_table(card: dict, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("tr_threshold", lang): number(r["threshold"], lang, 2 if abs(r["threshold"]) < 10 else 0),
                t("tr_col_activation", lang): percent(r["activation_rate"], lang),
                t("tr_hit_rate", lang): percent(r["hit_rate"], lang),
                t("tr_false_alarm_ratio", lang): percent(r["false_alarm_ratio"], lang),
                t("tr_col_gain", lang): number(100 * r["fill_rate_gain"]["median"], lang, 1),
                t("tr_col_cost", lang): usd(r["cost_per_season_usd"], lang),
            }
            for r in card["threshold_sweep"]
        ]
    )


def _try_threshold(scored: Scored, k: int, card: dict, lang: str, key: str) -> None:
    step = 0.05 if card["indicator"] == "spi" else 1.0
    value = st.number_input(
        t("tr_try", lang),
        value=float(card["threshold"]),
        step=step,
        key=key,
        format="%.2f" if step < 1 else "%.0f",
    )
    st.caption(try_sentence(scored.try_threshold(k, value), lang))


lang = st.session_state.get(Key.LANGUAGE, "fr")
st.title(t("tr_page_title", lang))
st.caption(t("tr_page_help", lang))
c1, c2, c3 = st.columns([2, 2, 1])
scenario_path = scenario_picker(c1, lang, "tr_scenario")
plans = [str(p) for p in plan_files()]
plan_path = choice(c2.selectbox, t("tr_plan", lang), plans, file_label, "tr_plan", lang)
seasons = int(c3.number_input(t("tr_seasons", lang), 10, 2000, 100, 10, key="tr_seasons"))
try:
    plan = load_file(Path(plan_path), expect="plan")
    scenario = load_file(scenario_path, expect="scenario")
except (InputError, ValueError, OSError) as err:
    show_error(err, lang)
    st.stop()
if not plan.triggers:
    st.info(t("tr_no_triggers", lang, plan=plan.name))
    st.stop()
request = (dump_text(scenario), str(scenario_path.parent), dump_text(plan), seasons)
if st.button(t("tr_button", lang), key="tr_run", type="primary"):
    kept = st.session_state.get(Key.TRIGGERS_RESULT)
    if not kept or kept["request"] != request:
        bar = st.progress(0.0, text=t("tr_progress", lang, done=0, total=seasons))

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=t("tr_progress", lang, done=number(done, lang), total=number(total, lang)))

        try:
            scored = score_triggers(
                scenario,
                plan,
                seasons,
                seed=1,
                base=scenario_path.parent,
                progress=progress,
                resolution=RECORD_RESOLUTION,
                pool=shared_pool(),
            )
        except (InputError, ValueError, OSError) as err:
            bar.empty()
            show_error(err, lang)
            st.stop()
        bar.empty()
        st.session_state[Key.TRIGGERS_RESULT] = {"request": request, "scored": scored}
kept = st.session_state.get(Key.TRIGGERS_RESULT)
if kept and kept["request"] == request:
    scored: Scored = kept["scored"]
    data = scored.data
    st.markdown(record_sentence(data, lang))
    names = [card["name"] for card in data["triggers"]]
    shown = [(f"p{j}", names.index(card["triggers"][0]), card, True) for j, card in enumerate(data["protocols"])]
    shown += [(str(k), k, card, False) for k, card in enumerate(data["triggers"])]
    for key, k, card, together in shown:
        with st.container(border=True):
            title = t("tr_protocol", lang, count=len(card["triggers"])) if together else card["name"]
            st.markdown(f"**{title}** — {scorecard(card, lang)}")
            if together:
                st.caption(" · ".join(card["triggers"]))
            left, right = st.columns([3, 2])
            left.dataframe(_sweep_table(card, lang), hide_index=True, width="stretch")
            right.altair_chart(_sweep_chart(card, lang), width="stretch")
            _try_threshold(scored, k, card, lang, f"tr_try_{key}")
    download(
        st,
        t("tr_download", lang),
        (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8"),
        "triggers.json",
        "tr_download",
    )
