"""Sentences about a workshop: decisions, events of a round, household stories.

The words come from the caller's ``text(key, **values)`` (French or English), the names of
items and cercles from ``item_name`` and ``cercle_name``; dates from the season's calendar;
numbers, money and dates are written for ``lang`` by :mod:`sim.core.i18n`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sim.core import facts, i18n
from sim.workshop.scoring import Score
from sim.workshop.stories import Story

Text = Callable[..., str]


def round_status(state: str, number: int, rounds: int, left: float | None, text: Text) -> str:
    """The clock line: round n of N and its state, with the time ``left`` [s] while a timed round runs."""
    said = text(f"ws_state_{state}")
    if state in ("open", "paused") and left is not None:
        return text(
            "ws_round_clock", n=number, rounds=rounds, state=said, minutes=int(left // 60), seconds=int(left % 60)
        )
    return text("ws_round_status", n=number, rounds=rounds, state=said)


def money(value: float, lang: str) -> str:
    """An amount in US dollars for ``lang`` (``12 500 US$``, ``US$12,500``)."""
    return i18n.usd(value, lang)


def unit_price(value: float, lang: str) -> str:
    """A price per unit: cents shown below 10 US$ (``0,01 US$`` a litre of water)."""
    return i18n.t("fmt_usd", lang, amount=i18n.number(value, lang, 2 if abs(value) < 10 else 0))


def number(value: float, lang: str) -> str:
    return i18n.number(value, lang)


def md(line: str) -> str:
    """A line for Markdown: its "$" escaped (Markdown reads two of them as maths)."""
    return line.replace("$", "\\$")


def day_label(dates: pd.DatetimeIndex, day: int, lang: str) -> str:
    """A day of the season as ``9 octobre 2022`` / ``9 October 2022``."""
    return i18n.date_long(dates[min(max(day, 0), len(dates) - 1)].date(), lang)


def decision_lines(
    decision: dict, text: Text, lang: str, item_name: Callable[[str], str], cercle_name: Callable[[str], str]
) -> list[str]:
    """One line per action of a decision."""
    lines = [
        text("ws_line_order", quantity=number(o["quantity"], lang), item=item_name(o["item"]), source=o["source"])
        for o in decision.get("orders", [])
    ]
    lines += [
        text(
            "ws_line_move",
            quantity=number(m["quantity"], lang),
            item=item_name(m["item"]),
            origin=m["from_hub"],
            destination=m["to_hub"],
        )
        for m in decision.get("moves", [])
    ]
    if decision.get("allocation"):
        lines.append(text("ws_line_allocation", rule=text(f"ws_rule_{decision['allocation']}")))
    if decision.get("priority") is not None:
        chosen = ", ".join(cercle_name(p) for p in decision["priority"])
        lines.append(text("ws_line_priority", cercles=chosen) if chosen else text("ws_line_no_priority"))
    if decision.get("mobilize"):
        lines.append(text("ws_line_mobilize"))
    if decision.get("forecast"):
        lines.append(text("ws_line_forecast"))
    return lines


def event_line(
    event,
    dates: pd.DatetimeIndex,
    text: Text,
    lang: str,
    item_name: Callable[[str], str],
    target_name: Callable[[str], str],
) -> str:
    """An event of the model's log: (day, key, values)."""
    day, key, values = event
    values = dict(values)
    if "item" in values:
        values["item"] = item_name(values["item"])
    if "quantity" in values:
        values["quantity"] = number(values["quantity"], lang)
    if "arrival" in values:
        values["arrival"] = day_label(dates, values["arrival"], lang)
    if "target" in values:
        values["target"] = target_name(values["target"])
    return (
        f"{day_label(dates, day, lang)} — {text(key, **{k: v for k, v in values.items() if k in _FIELDS.get(key, ())})}"
    )


_FIELDS = {
    "ws_ev_order": ("item", "quantity", "source", "arrival"),
    "ws_ev_move": ("item", "quantity", "from_hub", "to_hub"),
    "ws_ev_arrived": ("item", "quantity", "source"),
    "ws_ev_mobilize": (),
    "ws_ev_inject_road_cut": ("target",),
    "ws_ev_inject_warehouse_flooded": ("target",),
    "ws_ev_inject_funding_late": (),
    "ws_ev_inject_boats_stop": (),
    "ws_ev_inject_access_closure": ("target",),
}


def story_text(story: Story, dates: pd.DatetimeIndex, text: Text, lang: str, cercle_name: Callable[[str], str]) -> str:
    """A household's season in a few sentences, one per team."""
    parts = [
        text(
            "ws_story_start",
            name=story.name,
            cercle=cercle_name(story.cercle),
            date=day_label(dates, story.displaced_day, lang),
        )
    ]
    for team, day in story.sheltered.items():
        water = story.water_short_days[team]
        if day is None:
            parts.append(
                text("ws_story_not_sheltered", team=team, days=story.end_day - story.displaced_day, water=water)
            )
        else:
            parts.append(
                text(
                    "ws_story_sheltered",
                    team=team,
                    date=day_label(dates, day, lang),
                    days=max(day - story.displaced_day, 0),
                    water=water,
                )
            )
    return " ".join(parts)


def score_sentence(score: Score, text: Text, lang: str, cercle_name: Callable[[str], str]) -> str:
    """A team's score in one sentence: needs covered, money spent, crises avoided, people left
    without shelter and water, and the cercle served least."""
    worst = (
        text("ws_sentence_worst", cercle=cercle_name(score.worst_cercle), fill=i18n.percent(score.worst_fill, lang))
        if score.worst_cercle
        else ""
    )
    return text(
        "ws_sentence",
        team=score.team,
        fill=i18n.percent(score.fill_rate or 0.0, lang),
        spent=money(score.spent, lang),
        budget=money(score.budget, lang),
        avoided=score.crises_avoided,
        total=score.crises_avoided + score.crises,
        shelter=number(score.without_shelter, lang),
        water=number(score.without_water, lang),
        worst=worst,
    )


def item_namer(lang: str) -> Callable[[str], str]:
    """item id → its name in ``lang`` (``sim/data/items.csv``)."""

    names = {row["id"]: row["name_en" if lang == "en" else "name_fr"] for row in facts.read_table("items")}
    return lambda item: names.get(item, item)


def target_namer(delta) -> Callable[[str], str]:
    """An inject's target as people read it: a cercle's name, a hub, a road "A – B"."""
    cercles = {c.pcode: c.name for c in delta.cercles}

    def name(target: str) -> str:
        if target in cercles:
            return cercles[target]
        return " – ".join(target.split("|"))

    return name
