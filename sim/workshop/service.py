"""What the pages do: create a workshop, run its rounds, take the teams' decisions.

Each function opens what it needs from the database, checks, and writes in one
transaction; a refused action raises :class:`~sim.workshop.rules.WorkshopError` and leaves
the database as it was. The slow part — replaying the season for each team — runs between
transactions, so teams can keep reading while a round is being played.
"""

from __future__ import annotations

import functools
import sqlite3
import time

from sim.scenario import InputError, Plan, parse_text
from sim.workshop import db
from sim.workshop.engine import Season, forecast, play, season_of, snapshot
from sim.workshop.rules import (
    Inject,
    Settings,
    WorkshopError,
    budget_available,
    check_decision,
    check_settings,
    decision_cost,
    empty_decision,
    injects_between,
    round_bounds,
)


@functools.lru_cache(maxsize=8)
def plan_of(plan_text: str) -> Plan:
    return parse_text(plan_text, "plan.yaml", expect="plan")


def create_workshop(conn: sqlite3.Connection, settings: Settings, team_names: list[str], passcode: str) -> tuple[str, dict[str, str]]:
    """Check the scenario, the plan and the calendar, compute the season, store the workshop."""
    try:
        parse_text(settings.scenario_text, "scenario.yaml", expect="scenario")
        plan_of(settings.plan_text)
    except InputError as err:
        raise WorkshopError("ws_err_file", problem=str(err.problems[0])) from None
    season = season_of(settings)
    check_settings(settings, season.days)
    return db.insert_workshop(conn, settings, team_names, passcode)


def deadline(row: dict) -> float | None:
    """When the open round closes [s since the epoch], or None without a time limit."""
    minutes = row["settings"].round_minutes
    if minutes <= 0 or row["opened_at"] is None:
        return None
    return row["opened_at"] + minutes * 60.0


def time_left(row: dict, now: float | None = None) -> float | None:
    """Seconds left in the round (frozen while paused), None without a limit."""
    minutes = row["settings"].round_minutes
    if minutes <= 0:
        return None
    if row["state"] == "paused":
        return row["remaining"]
    end = deadline(row)
    return None if end is None else max(end - (now or time.time()), 0.0)


def start(conn: sqlite3.Connection, code: str, now: float | None = None) -> dict:
    """Play the days before the first round (the same for all) and open round 1."""
    row = db.workshop_row(conn, code)
    if row["state"] != "ready":
        raise WorkshopError("ws_err_state", state=row["state"])
    _store_round(conn, row, 0)
    return db.set_state(conn, code, ("ready",), state="open", round=1, opened_at=now or time.time(), remaining=None)


def pause(conn: sqlite3.Connection, code: str, now: float | None = None) -> dict:
    row = db.workshop_row(conn, code)
    return db.set_state(conn, code, ("open",), state="paused", remaining=time_left(row, now))


def resume(conn: sqlite3.Connection, code: str, now: float | None = None) -> dict:
    row = db.workshop_row(conn, code)
    now = now or time.time()
    minutes = row["settings"].round_minutes
    opened = now - (minutes * 60.0 - row["remaining"]) if minutes > 0 and row["remaining"] is not None else now
    return db.set_state(conn, code, ("paused",), state="open", opened_at=opened, remaining=None)


def advance(conn: sqlite3.Connection, code: str, now: float | None = None, number: int | None = None) -> dict:
    """Close the round (round ``number`` when given: a console showing an older round is
    refused), play it for every team, and open the next (or finish the workshop).

    Safe to repeat: a round left ``closed`` by a crash is played again from the stored decisions.
    """
    row = db.set_state(conn, code, ("open", "paused", "closed"), expect_round=number, state="closed")
    number = row["round"]
    _store_round(conn, row, number)
    if number >= row["settings"].rounds:
        return db.set_state(conn, code, ("closed",), state="finished", opened_at=None, remaining=None)
    return db.set_state(conn, code, ("closed",), state="open", round=number + 1, opened_at=now or time.time(), remaining=None)


def _store_round(conn: sqlite3.Connection, row: dict, number: int) -> None:
    """Each team's situation at the end of round ``number`` (0: at the start of round 1)."""
    settings = row["settings"]
    season = season_of(settings)
    plan = plan_of(settings.plan_text)
    end = settings.start_day if number == 0 else round_bounds(settings, number)[1]
    since = settings.start_day if number == 0 else round_bounds(settings, number)[0]
    results = {}
    for team in db.list_teams(conn, row["code"]):
        decisions = {k: v for k, v in db.team_decisions(conn, team["code"]).items() if k <= number}
        model = play(settings, plan, decisions, end)
        snap = snapshot(model, season, since=since)
        snap["costs"]["forecast"] = settings.forecast_price_usd if any(d.get("forecast") for d in decisions.values()) else 0.0
        snap["injects"] = [i.to_dict() for i in injects_between(settings, since if number else 0, end)]
        results[team["code"]] = snap
    with db.transaction(conn):
        for team_code, snap in results.items():
            db.put_result(conn, team_code, number, snap)


def add_inject(conn: sqlite3.Connection, code: str, inject: Inject) -> dict:
    """Script one more surprise during the workshop, on a day no round has played yet."""
    import json
    from dataclasses import replace

    row = db.workshop_row(conn, code)
    settings = row["settings"]
    season = season_of(settings)
    first = round_bounds(settings, row["round"])[0] if row["state"] in ("open", "paused") else settings.start_day
    if row["state"] in ("closed", "finished") or (row["state"] == "ready" and row["round"] != 0):
        raise WorkshopError("ws_err_state", state=row["state"])
    if not first <= inject.day < season.days:
        raise WorkshopError("ws_err_inject_past", day=inject.day)
    updated = replace(settings, injects=(*settings.injects, inject))
    check_settings(updated, season.days)
    with db.transaction(conn):
        now = db.workshop_row(conn, code)
        if (now["state"], now["round"]) != (row["state"], row["round"]):
            raise WorkshopError("ws_err_state", state=now["state"])
        conn.execute("UPDATE workshop SET settings = ? WHERE code = ?", (json.dumps(updated.to_dict()), row["code"]))
    return db.workshop_row(conn, code)


def forecast_owned(decisions: dict[int, dict], before: int | None = None) -> bool:
    return any(d.get("forecast") for k, d in decisions.items() if before is None or k < before)


def submit(conn: sqlite3.Connection, team_code: str, token: str, number: int, raw: dict, now: float | None = None) -> dict:
    """Record a team's decision for round ``number``; refused (nothing written) when the
    token is not the team's current one, the round is not open, time is up, the decision is
    malformed, or it costs more than the budget left."""
    now = now or time.time()
    team = db.team_row(conn, team_code)
    row = db.workshop_row(conn, team["workshop"])
    settings = row["settings"]
    season = season_of(settings)  # outside the transaction: may take seconds after a restart
    plan = plan_of(settings.plan_text)
    decision = check_decision(raw, plan, season.inputs.unit_cost, season.inputs.cercles)
    with db.transaction(conn):
        team = db.team_row(conn, team_code)
        if not token or team["token"] != token:
            raise WorkshopError("ws_err_stale_tab")
        row = db.workshop_row(conn, team["workshop"])
        if row["state"] != "open" or row["round"] != number:
            raise WorkshopError("ws_err_round_closed", round=number)
        end = deadline(row)
        if end is not None and now > end:
            raise WorkshopError("ws_err_time_up", round=number)
        earlier = db.team_decisions(conn, team["code"])
        owned = forecast_owned(earlier, before=number)
        cost = decision_cost(decision, plan, season.inputs.unit_cost, settings.forecast_price_usd, owned)
        if decision["forecast"] and settings.forecast_price_usd <= 0 and not owned:
            decision["forecast"] = False
        left = budget_available(settings, round_bounds(settings, number)[0]) - db.committed(conn, team["code"], besides_round=number)
        if cost > left + 1e-6:
            raise WorkshopError("ws_err_budget", cost=cost, left=max(left, 0.0))
        db.put_decision(conn, team["code"], number, decision, cost, now)
    return {**decision, "cost": cost}


def team_view(conn: sqlite3.Connection, team_code: str, token: str | None = None) -> dict:
    """Everything one team may see: its own decisions and results, never another team's."""
    team = db.team_row(conn, team_code)
    row = db.workshop_row(conn, team["workshop"])
    settings = row["settings"]
    decisions = db.team_decisions(conn, team["code"])
    results = db.team_results(conn, team["code"])
    number = row["round"]
    shown = number - 1 if row["state"] in ("open", "paused", "closed") else max(results, default=0)
    start_day = round_bounds(settings, number)[0] if number else settings.start_day
    owned = forecast_owned(decisions, before=number + 1)
    return {
        "team": {"code": team["code"], "name": team["name"]},
        "workshop": {"code": row["code"], "title": settings.title, "state": row["state"], "round": number, "rounds": settings.rounds},
        "settings": settings,
        "current_tab": token is not None and token == team["token"],
        "time_left": time_left(row),
        "situation": results.get(shown),
        "results": results,
        "decisions": decisions,
        "decision": decisions.get(number, empty_decision()),
        "budget_left": budget_available(settings, start_day) - db.committed(conn, team["code"]),
        "budget_now": budget_available(settings, start_day),
        "forecast": forecast(season_of(settings), start_day) if owned and row["state"] != "finished" else None,
        "round_days": round_bounds(settings, number) if number else (settings.start_day, settings.start_day),
    }


def trainer_view(conn: sqlite3.Connection, code: str) -> dict:
    """The whole workshop for its trainer: every team's decisions and results."""
    row = db.workshop_row(conn, code)
    teams = db.list_teams(conn, row["code"])
    return {
        "workshop": row,
        "teams": teams,
        "decisions": {t["code"]: db.team_decisions(conn, t["code"]) for t in teams},
        "results": {t["code"]: db.team_results(conn, t["code"]) for t in teams},
        "time_left": time_left(row),
    }


def final_models(row: dict, teams: list[dict], decisions: dict[str, dict[int, dict]]) -> tuple[Season, dict]:
    """Each team's plan replayed to the end of the last round played (for stories and the debrief)."""
    settings = row["settings"]
    season = season_of(settings)
    plan = plan_of(settings.plan_text)
    played = row["round"] if row["state"] == "finished" else row["round"] - 1
    end = round_bounds(settings, played)[1] if played >= 1 else settings.start_day
    models = {t["name"]: play(settings, plan, {k: v for k, v in decisions[t["code"]].items() if k <= played}, end) for t in teams}
    return season, models


def results_by_team(conn: sqlite3.Connection, code: str) -> dict[str, dict[int, dict]]:
    """Team name → its situation after each round: the numbers of the scoreboard, no decisions."""
    row = db.workshop_row(conn, code)
    return {t["name"]: db.team_results(conn, t["code"]) for t in db.list_teams(conn, row["code"])}
