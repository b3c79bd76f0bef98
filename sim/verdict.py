"""The sentence a planner reads first: what a run says about its plans, in the reader's language.

With two plans or more, each later plan is set against the first (plan A) on the share of
needs met, with the paired p10–p90 range of the difference and the difference in total cost:

    Sur 40 saisons simulées, le plan B « early-action » couvre 3,5 points de besoins de plus
    que le plan A « baseline » (p10–p90 : 0,0 à 10,8) pour 69 265 US$ de plus.

With one plan, its share of needs met (p10–p90) and its cost; without a plan, the caseload
and the cost of the needs. Below :data:`RELIABLE_MEMBERS` seasons a second sentence says that
the difference (or the range) is not reliable yet. The app's plan page and the PDF report
show the same sentence.
"""

from __future__ import annotations

import math
import string

from sim.core.i18n import number, percent, t, tn, usd

RELIABLE_MEMBERS = 20
"""Fewest simulated seasons for which the p10–p90 range of a paired difference is worth
reading [members]. Notes: assumption; with fewer members the 10th and 90th percentiles rest
on one or two seasons each."""

SAME_COST_USD = 1.0
"""A cost difference smaller than this is written "for the same cost" [USD]."""


def verdict_sentence(summary: dict, lang: str) -> str:
    """The run's summary sentence(s) in ``lang`` (``fr`` or ``en``).

    Parameters
    ----------
    summary : dict
        A run's ``summary.json``: ``members``, and ``plans`` with each plan's ``kpis``
        (``{"value", "p10", "p90"}`` per KPI; shares as fractions [-], costs [USD]) and, for
        the later plans, ``minus_<first plan>`` with the paired differences.
    lang : str
        Language of the sentence.
    """
    members = int(summary.get("members") or 0)
    seasons = tn("verdict_seasons", members, lang)
    plans = summary.get("plans") or {}
    names = list(plans)
    if not names:
        return _caseload(summary, seasons, lang)
    if len(names) == 1:
        text = _one_plan(names[0], plans[names[0]], seasons, lang)
        key = "verdict_unreliable_one"
    else:
        text = " ".join(
            _pair(
                names[0],
                name,
                plans[name].get(f"minus_{names[0]}", {}),
                string.ascii_uppercase[k] if k < 26 else str(k + 1),
                seasons,
                lang,
            )
            for k, name in enumerate(names[1:], start=1)
        )
        key = "verdict_unreliable_pair"
    if members < RELIABLE_MEMBERS:
        text += " " + tn(key, members, lang, needed=RELIABLE_MEMBERS)
    return text


def _pair(first: str, plan: str, difference: dict, letter: str, seasons: str, lang: str) -> str:
    fill = difference.get("fill_rate", {})
    value = _finite(fill.get("value"))
    shown = None if value is None else round(100 * value, 1)
    if shown is None or shown == 0:
        key = "verdict_pair_same"
    else:
        key = "verdict_pair_more" if shown > 0 else "verdict_pair_less"
    spread = _range("verdict_range_difference" if key == "verdict_pair_same" else "verdict_range", fill, _points, lang)
    clause = t(
        key,
        lang,
        seasons=seasons,
        letter=letter,
        a=first,
        b=plan,
        points=number(abs(shown or 0.0), lang, 1),
        range=spread,
    )
    cost = _finite(difference.get("cost_total_usd", {}).get("value"))
    if cost is None:
        return t("verdict_cost_unknown", lang, clause=clause)
    if abs(cost) < SAME_COST_USD:
        return t("verdict_cost_same", lang, clause=clause)
    return t("verdict_cost_more" if cost > 0 else "verdict_cost_less", lang, clause=clause, amount=usd(abs(cost), lang))


def _one_plan(plan: str, entry: dict, seasons: str, lang: str) -> str:
    kpis = entry.get("kpis", {})
    fill = kpis.get("fill_rate", {})
    cost = kpis.get("cost_total_usd", {})
    return t(
        "verdict_one",
        lang,
        seasons=seasons,
        plan=plan,
        fill=percent(_finite(fill.get("value")), lang),
        range=_range("verdict_range", fill, lambda v, lang: percent(_finite(v), lang), lang),
        cost=usd(_finite(cost.get("value")), lang),
    )


def _caseload(summary: dict, seasons: str, lang: str) -> str:
    affected = summary.get("affected_persons", {})
    displaced = summary.get("displaced_persons", {}).get("peak", {})
    return tn(
        "verdict_caseload",
        _finite(affected.get("value")) or 0,
        lang,
        seasons=seasons,
        range=_range("verdict_range", affected, lambda v, lang: number(_finite(v), lang), lang),
        displaced=number(_finite(displaced.get("value")), lang),
        cost=usd(_finite(summary.get("cost_usd", {}).get("value")), lang),
    )


def _range(key: str, spread: dict, write, lang: str) -> str:
    """`` (p10–p90 : low à high)``, or nothing when the run has one member (no p10 or p90)."""
    low, high = (_finite(spread.get(q)) for q in ("p10", "p90"))
    if low is None or high is None:
        return ""
    return t(key, lang, low=write(low, lang), high=write(high, lang))


def _points(share: float | None, lang: str) -> str:
    """A difference of shares in percentage points, one decimal, minus sign (−) when negative."""
    share = _finite(share)
    if share is None:
        return "—"
    text = number(abs(100 * share), lang, 1)
    return "\u2212" + text if round(100 * share, 1) < 0 else text


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
