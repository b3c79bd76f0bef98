"""Sentences about a workshop: decisions, events of a round, household stories.

The words come from the caller's ``text(key, **values)`` (French or English), the names of
items and cercles from ``item_name`` and ``cercle_name``; dates from the season's calendar.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sim.workshop.stories import Story

Text = Callable[..., str]


def round_status(row: dict, left: float | None, text: Text) -> str:
    """The clock line: round n of N and its state, with the time ``left`` [s] while a timed round runs."""
    rounds = row["settings"].rounds
    state = text(f"ws_state_{row['state']}")
    if row["state"] in ("open", "paused") and left is not None:
        return text("ws_round_clock", n=row["round"], rounds=rounds, state=state, minutes=int(left // 60), seconds=int(left % 60))
    return text("ws_round_status", n=row["round"], rounds=rounds, state=state)


def money(value: float) -> str:
    """US dollars with thin spaces between thousands: ``12 500 USD`` (no "$", which Markdown reads as maths)."""
    return f"{value:,.0f}".replace(",", "\u202f") + " USD"


def number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def day_label(dates: pd.DatetimeIndex, day: int) -> str:
    return dates[min(max(day, 0), len(dates) - 1)].strftime("%d/%m/%Y")


def decision_lines(decision: dict, text: Text, item_name: Callable[[str], str], cercle_name: Callable[[str], str]) -> list[str]:
    """One line per action of a decision."""
    lines = [text("ws_line_order", quantity=number(o["quantity"]), item=item_name(o["item"]), source=o["source"]) for o in decision.get("orders", [])]
    lines += [text("ws_line_move", quantity=number(m["quantity"]), item=item_name(m["item"]), origin=m["from_hub"], destination=m["to_hub"]) for m in decision.get("moves", [])]
    if decision.get("allocation"):
        lines.append(text("ws_line_allocation", rule=text(f"ws_rule_{decision['allocation']}")))
    if decision.get("priority"):
        lines.append(text("ws_line_priority", cercles=", ".join(cercle_name(p) for p in decision["priority"])))
    if decision.get("mobilize"):
        lines.append(text("ws_line_mobilize"))
    if decision.get("forecast"):
        lines.append(text("ws_line_forecast"))
    return lines


def event_line(event, dates: pd.DatetimeIndex, text: Text, item_name: Callable[[str], str], target_name: Callable[[str], str]) -> str:
    """An event of the model's log: (day, key, values)."""
    day, key, values = event
    values = dict(values)
    if "item" in values:
        values["item"] = item_name(values["item"])
    if "quantity" in values:
        values["quantity"] = number(values["quantity"])
    if "arrival" in values:
        values["arrival"] = day_label(dates, values["arrival"])
    if "target" in values:
        values["target"] = target_name(values["target"])
    return f"{day_label(dates, day)} — {text(key, **{k: v for k, v in values.items() if k in _FIELDS.get(key, ())})}"


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


def story_text(story: Story, dates: pd.DatetimeIndex, text: Text, cercle_name: Callable[[str], str]) -> str:
    """A household's season in a few sentences, one per team."""
    parts = [text("ws_story_start", name=story.name, cercle=cercle_name(story.cercle), date=day_label(dates, story.displaced_day))]
    for team, day in story.sheltered.items():
        water = story.water_short_days[team]
        if day is None:
            parts.append(text("ws_story_not_sheltered", team=team, days=story.end_day - story.displaced_day, water=water))
        else:
            parts.append(text("ws_story_sheltered", team=team, date=day_label(dates, day), days=max(day - story.displaced_day, 0), water=water))
    return " ".join(parts)


def item_namer(lang: str) -> Callable[[str], str]:
    """item id → its name in ``lang`` (``sim/data/items.csv``)."""
    from sim import facts

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
