"""The debrief: the visual scoreboard, the timeline of decisions against the hazard, and the PDF.

Texts come from the caller as a function ``text(key, **values)`` (the app's French and
English tables), so the same code writes the debrief in either language. Figures are drawn
by matplotlib, the PDF by fpdf2 with the DejaVu font shipped with matplotlib: nothing is
fetched.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.core import i18n
from sim.report import FONT, png_bytes
from sim.workshop.rules import Settings, round_bounds
from sim.workshop.scoring import Score

TEAM_COLOURS = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#1f78b4",
    "#b2df8a",
    "#fb9a99",
    "#cab2d6",
)
"""Colour-blind-safe qualitative colours (ColorBrewer Dark2, then Paired) for up to 12 teams."""

Text = Callable[..., str]


def scoreboard_png(scores: list[Score], text: Text, lang: str, width_in: float = 9.0, dpi: int = 100) -> bytes:
    """Five bar charts, one bar per team in its colour: big numbers for low-literacy groups."""
    teams = [s.team for s in scores]
    colours = {team: TEAM_COLOURS[k % len(TEAM_COLOURS)] for k, team in enumerate(sorted(teams))}

    def count(v):
        return i18n.number(v, lang)

    panels = (
        (text("ws_score_crises_avoided"), [s.crises_avoided for s in scores], count),
        (text("ws_score_fill"), [s.fill_rate or 0.0 for s in scores], lambda v: i18n.percent(v, lang)),
        (text("ws_score_shelter"), [s.without_shelter for s in scores], count),
        (text("ws_score_water"), [s.without_water for s in scores], count),
        (text("ws_score_spent"), [s.spent for s in scores], lambda v: i18n.usd(v, lang)),
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(width_in, 0.55 * len(scores) + 1.6), dpi=dpi)
    for ax, (title, values, fmt) in zip(axes, panels):
        ax.barh(range(len(scores)), values, color=[colours[t] for t in teams])
        top = max(max(values, default=0), 1e-9)
        for y, value in enumerate(values):
            ax.annotate(
                fmt(value),
                (value, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                fontweight="bold",
            )
        ax.set_xlim(0, top * 1.45)
        ax.set_yticks(
            range(len(scores)), [f"{s.rank}. {s.team}" for s in scores] if ax is axes[0] else [""] * len(scores)
        )
        ax.invert_yaxis()
        ax.set_title(textwrap.fill(title, 18), fontsize=9)
        ax.set_xticks([])
        ax.tick_params(left=False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    return png_bytes(fig)


MARKERS = {"order": "^", "move": "s", "forecast": "*", "mobilize": "o", "allocation": "D"}


def decision_marks(decision: dict) -> list[str]:
    """Kinds of action in a decision, for the timeline's markers."""
    marks = []
    if decision.get("orders"):
        marks.append("order")
    if decision.get("moves"):
        marks.append("move")
    if decision.get("forecast"):
        marks.append("forecast")
    if decision.get("mobilize"):
        marks.append("mobilize")
    if decision.get("allocation") or decision.get("priority"):
        marks.append("allocation")
    return marks


def timeline_png(
    season,
    settings: Settings,
    decisions: dict[str, dict[int, dict]],
    text: Text,
    played: int,
    width_in: float = 9.0,
    dpi: int = 100,
) -> bytes:
    """Mopti's stage and the displaced people over the workshop's weeks, the injects, and each
    team's decisions on its own line below."""
    first = max(settings.start_day - 14, 0)
    last = round_bounds(settings, settings.rounds)[1]
    dates = pd.DatetimeIndex(season.inputs.dates)
    days = np.arange(first, last)
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(width_in, 4.2 + 0.35 * len(decisions)),
        dpi=dpi,
        sharex=True,
        gridspec_kw={"height_ratios": [3, 0.6 + 0.35 * len(decisions)]},
    )
    top.plot(dates[days], season.inputs.mopti_stage[days], color="#1f5fa8", lw=2, label=text("ws_tl_stage"))
    top.set_ylabel(text("ws_tl_stage"))
    twin = top.twinx()
    displaced = season.impact["people"].sel(count="displaced").sum("cercle").values
    twin.fill_between(dates[days], displaced[days], color="#d95f02", alpha=0.25, label=text("ws_tl_displaced"))
    twin.set_ylabel(text("ws_tl_displaced"))
    top.set_zorder(twin.get_zorder() + 1)  # the stage line over the displaced area
    top.patch.set_visible(False)
    for number in range(1, settings.rounds + 1):
        start, end = round_bounds(settings, number)
        for ax in (top, bottom):
            ax.axvspan(
                dates[start],
                dates[min(end, len(dates) - 1)],
                color="#000000" if number % 2 else "#ffffff",
                alpha=0.04 if number <= played else 0.0,
            )
        top.annotate(
            text("ws_tl_round", n=number),
            (dates[start], 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            va="bottom",
        )
    for inject in settings.injects:
        if first <= inject.day < last:
            for ax in (top, bottom):
                ax.axvline(dates[inject.day], color="#b2182b", ls="--", lw=1)
            top.annotate(
                text(f"ws_inject_{inject.kind}"),
                (dates[inject.day], 0.02),
                xycoords=("data", "axes fraction"),
                rotation=90,
                fontsize=7,
                color="#b2182b",
                va="bottom",
            )
    names = list(decisions)
    for row, team in enumerate(names):
        colour = TEAM_COLOURS[sorted(names).index(team) % len(TEAM_COLOURS)]
        for number, decision in decisions[team].items():
            if number > played:
                continue
            day = round_bounds(settings, number)[0]
            for offset, mark in enumerate(decision_marks(decision)):
                bottom.scatter(
                    dates[day] + pd.Timedelta(hours=20 * offset),
                    row,
                    marker=MARKERS[mark],
                    s=70,
                    color=colour,
                    zorder=3,
                )
    bottom.set_yticks(range(len(names)), names)
    bottom.set_ylim(len(names) - 0.5, -0.5)
    handles = [
        plt.Line2D([], [], marker=m, ls="", color="#333333", label=text(f"ws_mark_{k}")) for k, m in MARKERS.items()
    ]
    top.legend(
        handles=[*top.get_lines()[:1], *twin.collections[:1], *handles],
        fontsize=7,
        ncol=4,
        loc="upper left",
        framealpha=0.9,
    )
    top.grid(alpha=0.3)
    fig.autofmt_xdate()
    return png_bytes(fig)


def pdf_bytes(
    title: str,
    settings: Settings,
    scores: list[Score],
    sentences: list[str],
    stories_text: list[str],
    decisions_text: dict[str, list[str]],
    scoreboard_image: bytes,
    timeline_image: bytes,
    text: Text,
    lang: str,
    cercle_name: Callable[[str], str],
) -> bytes:
    """The debrief as a PDF: scoreboard and one sentence per team, timeline, stories, and each team's decisions."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", size=16)
    pdf.multi_cell(0, 9, text("ws_pdf_title", title=title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(
        0,
        5,
        text(
            "ws_pdf_intro",
            rounds=settings.rounds,
            days=settings.round_days,
            budget=i18n.usd(settings.budget_usd, lang),
            seed=settings.seed,
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, text("ws_scoreboard"))
    pdf.image(io.BytesIO(scoreboard_image), w=185)
    header = [
        text("ws_col_rank"),
        text("ws_col_team"),
        text("ws_score_crises_avoided"),
        text("ws_score_fill"),
        text("ws_score_shelter"),
        text("ws_score_water"),
        text("ws_score_worst"),
        text("ws_score_spent"),
    ]
    pdf.set_font("DejaVu", size=7)
    with pdf.table(
        col_widths=(8, 22, 14, 14, 16, 18, 24, 16),
        line_height=4,
        headings_style=FontFace(emphasis=None, fill_color=(235, 235, 235)),
    ) as table:
        table.row(header)
        for s in scores:
            worst = f"{cercle_name(s.worst_cercle)} {i18n.percent(s.worst_fill, lang)}" if s.worst_cercle else "—"
            table.row(
                (
                    str(s.rank),
                    s.team,
                    f"{s.crises_avoided} / {s.crises_avoided + s.crises}",
                    i18n.percent(s.fill_rate or 0.0, lang),
                    i18n.number(s.without_shelter, lang),
                    i18n.number(s.without_water, lang),
                    worst,
                    i18n.usd(s.spent, lang),
                )
            )
    pdf.set_font("DejaVu", size=9)
    pdf.ln(2)
    for sentence in sentences:
        pdf.multi_cell(0, 5, sentence, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_font("DejaVu", size=8)
    pdf.multi_cell(0, 4, text("ws_score_rule"), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, text("ws_timeline"))
    pdf.image(io.BytesIO(timeline_image), w=185)
    _heading(pdf, text("ws_stories"))
    for story in stories_text:
        pdf.multi_cell(0, 5, story, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_font("DejaVu", size=7)
    pdf.multi_cell(0, 4, text("ws_stories_note"), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, text("ws_decisions_all"))
    for team, lines in decisions_text.items():
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(0, 6, team, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=8)
        for line in lines or [text("ws_no_decision")]:
            pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _heading(pdf, heading: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
