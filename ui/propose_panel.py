"""The Plan page's "Proposer un plan / Propose a plan": the least-cost stock for a target.

The proposal (:func:`sim.propose.run.propose`) is kept in session state
(:data:`ui.common.Key.PROPOSE_RESULT`) with the request that made it, so a rerun, a download or
another widget redraws it without solving again. "Utiliser comme plan B" saves the proposed
plan to the user's plans and picks it as plan B, to be played beside plan A on the same members.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from sim.core import userdata
from sim.core.loader import InputError
from sim.ensemble import shared_pool
from sim.plan import Plan
from sim.propose.report import (
    bounds_note,
    bounds_table,
    comparison_table,
    cost_table,
    gap_sentence,
    proposal_pdf,
    stock_table,
    verdict,
)
from sim.propose.run import propose
from sim.scenario import dump_text, load_file, save_file
from ui.charts import legend_colours, number_expression
from ui.common import Key, download, show_error
from ui.i18n import t

STEPS = 4
"""Lines :func:`sim.propose.run.propose` logs, one per step, for the progress bar."""


def _frame(table: tuple[list[str], list[list[str]]]) -> pd.DataFrame:
    header, rows = table
    return pd.DataFrame(rows, columns=header)


def _frontier_chart(data: dict, lang: str) -> alt.Chart:
    frame = pd.DataFrame(
        {
            "budget": [p["budget_usd"] for p in data["frontier"]],
            "fill": [p["fill_rate"] for p in data["frontier"]],
        }
    )
    x = alt.X("budget:Q", title=t("axis_budget_usd", lang), axis=alt.Axis(labelExpr=number_expression(lang)))
    percent = number_expression(lang, "datum.value * 100") + (" + '\u00a0%'")
    y = alt.Y(
        "fill:Q", title=t("axis_coverage", lang), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(labelExpr=percent)
    )
    line = alt.Chart(frame).mark_line(point=True).encode(x=x, y=y)
    marks = pd.DataFrame(
        {
            "budget": [0.0, data["first_stage_usd"]],
            "fill": [data["out_of_sample_start"]["fill_rate"]["median"], data["out_of_sample"]["fill_rate"]["median"]],
            "what": [t("mark_start", lang), t("mark_proposal", lang)],
        }
    )
    points = (
        alt.Chart(marks)
        .mark_point(size=120, filled=True)
        .encode(
            x=x,
            y=y,
            color=legend_colours("what:N", list(marks["what"]), ["#7f7f7f", "#c0392b"]),
        )
    )
    return (line + points).properties(height=280)


def propose_panel(scenario_path: Path, start: Plan, lang: str) -> None:
    """The panel: its inputs, the button, and the proposal kept in session state."""
    with st.expander(t("propose_title", lang)):
        st.caption(t("propose_help", lang))
        c1, c2, c3, c4 = st.columns(4)
        target = c1.slider(t("propose_target", lang), 0.5, 1.0, 0.9, 0.05, key="propose_target")
        confidence = c2.slider(t("propose_confidence", lang), 0.5, 1.0, 0.8, 0.05, key="propose_confidence")
        budget = c3.number_input(
            t("propose_budget", lang), min_value=0.0, value=0.0, step=10000.0, key="propose_budget"
        )
        members = int(c4.number_input(t("propose_members", lang), 2, 100, 10, 1, key="propose_members"))
        request = (
            scenario_path.read_text(encoding="utf-8"),
            str(scenario_path.parent),
            dump_text(start),
            target,
            confidence,
            budget,
            members,
        )
        if st.button(t("propose_button", lang), key="propose_run"):
            previous = st.session_state.get(Key.PROPOSE_RESULT)
            if not previous or previous["request"] != request:
                bar = st.progress(0.0, text=t("propose_step_0", lang))
                steps = {"done": 0}

                def step(_line: str) -> None:
                    bar.progress(min(steps["done"] / STEPS, 1.0), text=t(f"propose_step_{steps['done']}", lang))
                    steps["done"] += 1

                try:
                    scenario = load_file(scenario_path, expect="scenario")
                    outcome = propose(
                        scenario,
                        start,
                        target,
                        confidence,
                        members,
                        seed=1,
                        budget_usd=budget or None,
                        base=scenario_path.parent,
                        log=step,
                        pool=shared_pool(),
                    )
                except (InputError, ValueError, OSError) as err:
                    bar.empty()
                    show_error(err, lang)
                    return
                bar.empty()
                st.session_state[Key.PROPOSE_RESULT] = {"request": request, "plan": outcome.plan, "data": outcome.data}
        kept = st.session_state.get(Key.PROPOSE_RESULT)
        if not kept:
            return
        data, plan = kept["data"], kept["plan"]
        if not data["reachable"]:
            st.warning(t("propose_out_of_reach", lang))
        st.markdown(f"**{verdict(data, lang)}**")
        st.dataframe(_frame(comparison_table(data, lang)), hide_index=True, width="stretch")
        st.caption(gap_sentence(data, lang))
        left, right = st.columns([3, 2])
        with left:
            st.dataframe(_frame(stock_table(data, lang)), hide_index=True, width="stretch")
        with right:
            st.altair_chart(_frontier_chart(data, lang), width="stretch")
        left, right = st.columns(2)
        left.dataframe(_frame(cost_table(data, lang)), hide_index=True, width="stretch")
        right.dataframe(_frame(bounds_table(data, lang)), hide_index=True, width="stretch")
        note = bounds_note(data, lang)
        if note:
            right.caption(note)
        b1, b2, b3 = st.columns(3)
        if b1.button(t("propose_use_as_b", lang), key="propose_use_b"):
            try:
                target_path = userdata.target("plans", plan.name)
                save_file(plan, target_path)
            except (ValueError, OSError) as err:
                show_error(err, lang)
            else:
                st.session_state[Key.PLAN_B] = str(target_path)
                st.session_state.pop("plan_b", None)
                st.session_state[Key.PLAN_FLASH] = t("propose_saved_as_b", lang, name=plan.name, path=target_path)
                st.rerun()
        download(
            b2,
            t("download_plan", lang, name=f"{plan.name}.yaml"),
            dump_text(plan).encode("utf-8"),
            f"{plan.name}.yaml",
            "propose_download",
        )
        download(
            b3,
            t("propose_download_pdf", lang),
            _report(kept, lang),
            f"{plan.name}-{lang}.pdf",
            "propose_download_pdf",
        )


def _report(kept: dict, lang: str) -> bytes:
    """The proposal's PDF in ``lang``, made once per language and kept with the proposal."""
    reports = kept.setdefault("reports", {})
    if lang not in reports:
        reports[lang] = proposal_pdf(kept["data"], lang)
    return reports[lang]
