"""A proposal in the reader's language: its verdict, tables, frontier chart and PDF report.

Everything here reads ``proposal.json``'s data (:func:`sim.propose.run.propose`), so the CLI's
``proposal.pdf`` and the app's panel show the same sentences, rows and chart.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from sim.core.i18n import language_of, number, percent, t, usd  # noqa: E402
from sim.labels import item_name, unit_name  # noqa: E402
from sim.report import new_pdf, pdf_heading, pdf_table, png_bytes  # noqa: E402


def _money(value: float | None, lang: str) -> str:
    return "—" if value is None else usd(value, lang)


def verdict(data: dict, lang: str) -> str:
    """The proposal in one sentence, in the reader's language."""
    out, start = data["out_of_sample"], data["out_of_sample_start"]
    met = out["share_meeting_target"] >= data["confidence"] - 1e-9
    return t(
        "propose_verdict_met" if met else "propose_verdict_missed",
        lang,
        members=data["members"],
        share=percent(out["share_meeting_target"], lang),
        target=percent(data["target"], lang),
        confidence=percent(data["confidence"], lang),
        fill=percent(out["fill_rate"]["median"], lang),
        start_fill=percent(start["fill_rate"]["median"], lang),
        start=data["start_plan"],
        cost=usd(data["cost_usd"]["total"], lang),
    )


def comparison_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """START, START scaled to the same money and the proposal, on the members none was fitted on."""
    header = [t("pr_col_plan", lang), t("pr_col_fill", lang), t("pr_col_p10_p90", lang), t("pr_col_share", lang)]
    scaled = data["out_of_sample_scaled_start"]
    named = [
        (data["start_plan"], data["out_of_sample_start"]),
        (t("pr_scaled", lang, start=data["start_plan"], factor=number(scaled["factor"], lang, 2)), scaled),
        (t("pr_proposal", lang), data["out_of_sample"]),
    ]
    rows = [
        [
            name,
            percent(kpis["fill_rate"]["median"], lang),
            f"{percent(kpis['fill_rate']['p10'], lang)} – {percent(kpis['fill_rate']['p90'], lang)}",
            percent(kpis["share_meeting_target"], lang),
        ]
        for name, kpis in named
    ]
    return header, rows


def stock_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """Stock per warehouse and item, START's beside the proposal's, then the reserve of money."""
    header = [
        t("col_warehouse", lang),
        t("col_item", lang),
        t("pr_col_start", lang, start=data["start_plan"]),
        t("pr_col_proposed", lang),
        t("col_unit", lang),
    ]
    start = data.get("stock_start", {})
    rows = []
    for hub, held in data["stock"].items():
        items = list(dict.fromkeys([*start.get(hub, {}), *held]))
        for item in items:
            before = start.get(hub, {}).get(item, {}).get("quantity", 0.0)
            entry = held.get(item) or start[hub][item]
            after = held.get(item, {}).get("quantity", 0.0)
            rows.append(
                [hub, item_name(item, lang), number(before, lang), number(after, lang), unit_name(entry["unit"], lang)]
            )
    reserve = data.get("reserve_usd", 0.0)
    if reserve:
        rows.append([t("pr_reserve_where", lang), t("pr_reserve", lang), "—", usd(reserve, lang), "US$"])
    return header, rows


def cost_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """What the proposal costs, expected over the training members [USD]."""
    header = [t("pr_col_cost", lang), t("pr_col_usd", lang)]
    cost = data["cost_usd"]
    keys = ("prepositioning", "storage", "procurement", "transport", "reserve", "total")
    return header, [[t(f"pr_cost_{key}", lang), usd(cost.get(key, 0.0), lang)] for key in keys]


def bounds_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """The perfect-information bound, the average-season plan and the value of the stochastic solution."""
    header = [t("pr_col_bound", lang), t("pr_col_usd", lang), t("pr_col_share", lang)]
    perfect, mean = data["perfect_information"], data["mean_value_plan"]
    vss = data["value_of_stochastic_solution_usd"]
    rows = [
        [
            t("pr_objective", lang),
            _money(data.get("objective_usd"), lang),
            percent(data["in_sample"]["share_meeting_target"], lang),
        ],
        [
            t("pr_perfect", lang),
            _money(perfect["expected_cost_usd"], lang),
            percent(perfect["share_meeting_target"], lang),
        ],
        [
            t("pr_mean_value", lang),
            _money(mean["expected_cost_usd"], lang),
            percent(mean["share_meeting_target"], lang),
        ],
        [t("pr_vss", lang), _money(vss, lang) if vss is not None else t("pr_vss_none", lang), ""],
    ]
    return header, rows


def bounds_note(data: dict, lang: str) -> str | None:
    """Why the value of the stochastic solution is not finite, when it is not; else None."""
    if data["value_of_stochastic_solution_usd"] is not None:
        return None
    share = data["mean_value_plan"]["share_meeting_target"]
    return t("pr_vss_note", lang, share=percent(share, lang), confidence=percent(data["confidence"], lang))


def gap_sentence(data: dict, lang: str) -> str:
    """What the linear programme promised on its members against what SimPy gave on others."""
    return t(
        "pr_gap",
        lang,
        lp=percent(data["in_sample"]["fill_rate"]["median"], lang),
        simpy=percent(data["out_of_sample"]["fill_rate"]["median"], lang),
        members=data["members"],
    )


def frontier_png(data: dict, lang: str) -> bytes:
    """Money before the season against coverage: the frontier, START and the proposal marked."""
    lang = language_of(lang)
    fig, ax = plt.subplots(figsize=(7.0, 4.2), dpi=110)
    budgets = [p["budget_usd"] for p in data["frontier"]]
    fills = [p["fill_rate"] for p in data["frontier"]]
    ax.plot(budgets, fills, "o-", color="#1f4e79", label=t("pr_legend_frontier", lang))
    ax.plot(
        0.0, data["out_of_sample_start"]["fill_rate"]["median"], "s", color="#7f7f7f", ms=9, label=data["start_plan"]
    )
    ax.plot(
        data["first_stage_usd"],
        data["out_of_sample"]["fill_rate"]["median"],
        "*",
        color="#c0392b",
        ms=14,
        label=t("pr_legend_proposal", lang),
    )
    ax.set_xlabel(t("axis_budget_usd", lang))
    ax.set_ylabel(t("axis_coverage", lang))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang)))
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return png_bytes(fig, metadata={"Software": None})


def proposal_pdf(data: dict, lang: str) -> bytes:
    """The proposal's report: verdict, comparison, stock, costs, frontier, bounds and method."""
    lang = language_of(lang)
    pdf = new_pdf(t("pr_title", lang, scenario=data["scenario"], start=data["start_plan"]), lang)
    pdf.set_font("DejaVu", size=8.5)
    pdf.set_text_color(70)
    intro = t(
        "pr_intro",
        lang,
        target=percent(data["target"], lang),
        confidence=percent(data["confidence"], lang),
        members=data["members"],
        seed=data["seed_training"],
        replay=data["seed_replay"],
        budget=_money(data["budget_usd"], lang) if data["budget_usd"] is not None else t("pr_no_budget", lang),
    )
    pdf.multi_cell(0, 4.5, intro, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf_heading(pdf, t("report_h_verdict", lang), keep=20)
    pdf.set_font("DejaVu", size=10.5)
    pdf.set_fill_color(228, 238, 248)
    sentence = verdict(data, lang) + ("" if data["reachable"] else " " + t("propose_out_of_reach", lang))
    pdf.multi_cell(0, 5.5, sentence, fill=True, padding=3, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255)
    pdf_heading(pdf, t("pr_h_comparison", lang))
    pdf_table(pdf, *comparison_table(data, lang), ("LEFT", "RIGHT", "RIGHT", "RIGHT"), widths=(40, 20, 20, 20))
    pdf.set_font("DejaVu", size=8)
    pdf.multi_cell(0, 4, gap_sentence(data, lang), new_x="LMARGIN", new_y="NEXT")
    pdf_heading(pdf, t("pr_h_stock", lang))
    pdf_table(pdf, *stock_table(data, lang), ("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"), widths=(22, 30, 16, 16, 16))
    pdf_heading(pdf, t("pr_h_costs", lang))
    pdf_table(pdf, *cost_table(data, lang), ("LEFT", "RIGHT"), widths=(70, 30))
    pdf_heading(pdf, t("pr_h_frontier", lang), keep=85)
    pdf.image(io.BytesIO(frontier_png(data, lang)), w=pdf.epw)
    pdf_heading(pdf, t("pr_h_bounds", lang))
    pdf_table(pdf, *bounds_table(data, lang), ("LEFT", "RIGHT", "RIGHT"), widths=(60, 20, 20))
    note = bounds_note(data, lang)
    if note:
        pdf.set_font("DejaVu", size=8)
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    pdf_heading(pdf, t("pr_h_method", lang))
    pdf.set_font("DejaVu", size=7.5)
    lp = data["lp"]
    method = t(
        "pr_method",
        lang,
        rows=number(lp["rows"], lang),
        columns=number(lp["columns"], lang),
        days=lp["period_days"],
    )
    pdf.multi_cell(0, 3.8, method, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
