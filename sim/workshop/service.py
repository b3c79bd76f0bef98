"""What the pages do: create a workshop, run its rounds, take the teams' decisions.

Each function opens what it needs from the database, checks, and writes in one
transaction; a refused action raises :class:`~sim.workshop.rules.WorkshopError` and leaves
the database as it was. The slow part — replaying the season for each team — runs between
transactions, so teams can keep reading while a round is being played.

Who may do what is checked here, not only on the pages:

* every view and action of the trainer's console needs the workshop's code *and* its
  trainer's passcode (:func:`trainer_login`), tried under the limits of
  :data:`sim.workshop.db.THROTTLE`;
* a team joins with its code (:func:`join`, under the same limits) and gets a session token;
  everything else a team does needs that token, so the service is no faster way to guess
  codes than the page;
* what a team is sent (:func:`team_view`) holds its own decisions and results, the calendar,
  the map and what it may buy — never another team's decisions, nor a surprise the trainer
  scripted for a day not yet played.

``client`` is the address the request came from (the pages pass the browser's), the key of
the per-client limits.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import time
from dataclasses import replace

from sim.core.loader import InputError
from sim.plan import Plan
from sim.scenario import parse_text
from sim.workshop import db
from sim.workshop.engine import (
    Season,
    arrival_day,
    displaced_range,
    forecast,
    peak_day,
    play,
    season_of,
    snapshot,
)
from sim.workshop.rules import (
    Inject,
    Ledger,
    Settings,
    WorkshopError,
    calendar_warnings,
    check_capacity,
    check_decision,
    check_settings,
    decision_cost,
    injects_between,
    last_day,
    lead_days,
    ledger,
    offers,
    round_bounds,
    too_late,
)
from sim.workshop.scoring import scoreboard

RUNNING = ("transport", "storage")
"""Running costs of the engine that count against a team's budget."""


@functools.lru_cache(maxsize=8)
def plan_of(plan_text: str) -> Plan:
    return parse_text(plan_text, "plan.yaml", expect="plan")


def create_workshop(
    conn: sqlite3.Connection, settings: Settings, team_names: list[str], passcode: str
) -> tuple[str, dict[str, str]]:
    """Check the scenario, the plan and the calendar, compute the season, store the workshop."""
    if len(passcode or "") < db.MIN_PASSCODE:  # before the season is computed: a quick refusal
        raise WorkshopError("ws_err_passcode_short", n=db.MIN_PASSCODE)
    try:
        parse_text(settings.scenario_text, "scenario.yaml", expect="scenario")
        plan_of(settings.plan_text)
    except InputError as err:
        raise WorkshopError("ws_err_file", problem=str(err.problems[0])) from None
    season = season_of(settings)
    check_settings(settings, season.days)
    return db.insert_workshop(conn, settings, team_names, passcode)


def calendar_preview(settings: Settings) -> dict:
    """The calendar a trainer is about to create: its days, the crisis's peak, the warnings."""
    season = season_of(settings)
    peak = peak_day(season)
    return {
        "start": settings.start_day,
        "end": last_day(settings),
        "peak": peak,
        "dates": season.inputs.dates,
        "warnings": calendar_warnings(settings, plan_of(settings.plan_text), peak),
    }


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


# --- the trainer ----------------------------------------------------------------------------


def trainer_login(
    conn: sqlite3.Connection, code: str, passcode: str, client: str = "", now: float | None = None
) -> dict:
    """The workshop, if ``passcode`` is its trainer's; every try counts against the limits."""
    now = now or time.time()
    code = db.normal_code(code)
    counted = db.begin_try(conn, [f"client:{client}", f"workshop:{code}"], client, f"workshop:{code}", now)
    row = db.check_trainer(conn, code, passcode)  # a wrong one leaves the try counted
    db.try_succeeded(conn, counted, client, f"workshop:{code}", now)
    return row


def start(conn: sqlite3.Connection, code: str, passcode: str, client: str = "", now: float | None = None) -> dict:
    """Play the days before the first round (the same for all) and open round 1."""
    row = trainer_login(conn, code, passcode, client)
    if row["state"] != "ready":
        raise WorkshopError("ws_err_state", state=row["state"])
    _store_round(conn, row, 0)
    return db.set_state(conn, code, ("ready",), state="open", round=1, opened_at=now or time.time(), remaining=None)


def pause(conn: sqlite3.Connection, code: str, passcode: str, client: str = "", now: float | None = None) -> dict:
    row = trainer_login(conn, code, passcode, client)
    return db.set_state(conn, code, ("open",), state="paused", remaining=time_left(row, now))


def resume(conn: sqlite3.Connection, code: str, passcode: str, client: str = "", now: float | None = None) -> dict:
    row = trainer_login(conn, code, passcode, client)
    now = now or time.time()
    minutes = row["settings"].round_minutes
    opened = now - (minutes * 60.0 - row["remaining"]) if minutes > 0 and row["remaining"] is not None else now
    return db.set_state(conn, code, ("paused",), state="open", opened_at=opened, remaining=None)


def advance(
    conn: sqlite3.Connection,
    code: str,
    passcode: str,
    client: str = "",
    now: float | None = None,
    number: int | None = None,
) -> dict:
    """Close the round (round ``number`` when given: a console showing an older round is
    refused), play it for every team, and open the next (or finish the workshop).

    Safe to repeat: a round left ``closed`` by a crash is played again from the stored decisions.
    """
    trainer_login(conn, code, passcode, client)
    row = db.set_state(conn, code, ("open", "paused", "closed"), expect_round=number, state="closed")
    number = row["round"]
    _store_round(conn, row, number)
    if number >= row["settings"].rounds:
        return db.set_state(conn, code, ("closed",), state="finished", opened_at=None, remaining=None)
    return db.set_state(
        conn, code, ("closed",), state="open", round=number + 1, opened_at=now or time.time(), remaining=None
    )


def _running(results: dict[int, dict], number: int) -> dict[str, float]:
    """Transport and storage of the rounds played up to ``number`` (from round 1's first day) [USD]."""
    played = [k for k in results if k <= number]
    if not played or 0 not in results:
        return {k: 0.0 for k in RUNNING}
    last, start = results[max(played)]["costs"], results[0]["costs"]
    return {k: max(float(last.get(k, 0.0)) - float(start.get(k, 0.0)), 0.0) for k in RUNNING}


def account(settings: Settings, decisions: dict[int, dict], results: dict[int, dict], number: int, day: int) -> Ledger:
    """A team's ledger with its decisions of rounds up to ``number`` and the running costs of
    the rounds played up to it, the budget arrived by ``day``: the one account every screen shows."""
    season = season_of(settings)
    return ledger(
        settings,
        plan_of(settings.plan_text),
        season.inputs.unit_cost,
        {k: d for k, d in decisions.items() if k <= number},
        _running(results, number),
        day,
    )


def _account_now(row: dict, decisions: dict[int, dict], results: dict[int, dict]) -> Ledger:
    """The ledger as it stands: the open round's decision included."""
    settings = row["settings"]
    if row["state"] == "finished":
        return account(settings, decisions, results, settings.rounds, last_day(settings))
    number = max(row["round"], 0)
    day = round_bounds(settings, number)[0] if number else settings.start_day
    return account(settings, decisions, results, number, day)


def _store_round(conn: sqlite3.Connection, row: dict, number: int) -> None:
    """Each team's situation at the end of round ``number`` (0: at the start of round 1), with its ledger."""
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
        snap["costs"]["forecast"] = (
            settings.forecast_price_usd if any(d.get("forecast") for d in decisions.values()) else 0.0
        )
        snap["injects"] = [i.to_dict() for i in injects_between(settings, since if number else 0, end)]
        earlier = db.team_results(conn, team["code"])
        earlier[number] = snap
        snap["ledger"] = account(settings, decisions, earlier, number, end).to_dict()
        results[team["code"]] = snap
    with db.transaction(conn):
        for team_code, snap in results.items():
            db.put_result(conn, team_code, number, snap)


def add_inject(conn: sqlite3.Connection, code: str, passcode: str, inject: Inject, client: str = "") -> dict:
    """Script one more surprise during the workshop, on a day no round has played yet."""
    row = trainer_login(conn, code, passcode, client)
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


def trainer_view(conn: sqlite3.Connection, code: str, passcode: str, client: str = "") -> dict:
    """The whole workshop for its trainer: every team's decisions, results and ledger, who has
    decided in the open round, and what cannot arrive before the end."""
    row = trainer_login(conn, code, passcode, client)
    settings = row["settings"]
    season = season_of(settings)
    plan = plan_of(settings.plan_text)
    teams = db.list_teams(conn, row["code"])
    decisions = {t["code"]: db.team_decisions(conn, t["code"]) for t in teams}
    results = {t["code"]: db.team_results(conn, t["code"]) for t in teams}
    number = row["round"]
    end = last_day(settings)
    late_orders = {}
    for team in teams:
        for k, decision in decisions[team["code"]].items():
            for order in decision.get("orders", []):
                day = arrival_day(settings, plan, k, order)
                if day >= end:
                    late_orders.setdefault(team["code"], []).append({**order, "round": k, "arrival": day})
    return {
        "workshop": row,
        "teams": teams,
        "decisions": decisions,
        "results": results,
        "ledgers": {t["code"]: _account_now(row, decisions[t["code"]], results[t["code"]]) for t in teams},
        "submitted": [
            t["code"] for t in teams if row["state"] in ("open", "paused", "closed") and number in decisions[t["code"]]
        ],
        "time_left": time_left(row),
        "peak_day": peak_day(season),
        "warnings": calendar_warnings(settings, plan, peak_day(season)),
        "too_late": too_late(settings, plan, number) if row["state"] in ("open", "paused") else [],
        "late_orders": late_orders,
    }


def played_rounds(row: dict) -> int:
    """Rounds played so far."""
    return row["round"] if row["state"] == "finished" else max(row["round"] - 1, 0)


def _final_models(row: dict, teams: list[dict], decisions: dict[str, dict[int, dict]]) -> tuple[Season, dict]:
    """Each team's plan replayed to the end of the last round played (for stories and the debrief)."""
    settings = row["settings"]
    season = season_of(settings)
    plan = plan_of(settings.plan_text)
    played = played_rounds(row)
    end = round_bounds(settings, played)[1] if played >= 1 else settings.start_day
    models = {
        t["name"]: play(settings, plan, {k: v for k, v in decisions[t["code"]].items() if k <= played}, end)
        for t in teams
    }
    return season, models


def debrief(conn: sqlite3.Connection, code: str, passcode: str, client: str = "") -> tuple[dict, Season, dict]:
    """The trainer's view, the season and every team's model played to the last round played."""
    view = trainer_view(conn, code, passcode, client)
    season, models = _final_models(view["workshop"], view["teams"], view["decisions"])
    return view, season, models


def _results_by_name(conn: sqlite3.Connection, row: dict) -> dict[str, dict[int, dict]]:
    played = played_rounds(row)
    return {
        t["name"]: {k: v for k, v in db.team_results(conn, t["code"]).items() if k <= played}
        for t in db.list_teams(conn, row["code"])
    }


def results_by_team(conn: sqlite3.Connection, code: str, passcode: str, client: str = "") -> dict[str, dict[int, dict]]:
    """Team name → its situation after each round played: the numbers of the scoreboard, no decisions."""
    return _results_by_name(conn, trainer_login(conn, code, passcode, client))


# --- the teams ------------------------------------------------------------------------------


def join(conn: sqlite3.Connection, team_code: str, client: str = "", now: float | None = None) -> tuple[dict, str]:
    """Open a team on this device with its code: its session token (an older tab becomes read-only).
    Every try counts against the limits."""
    now = now or time.time()
    code = db.normal_code(team_code)
    counted = db.begin_try(conn, [f"client:{client}", "teams:all"], client, f"team:{code}", now)
    team, token = db.join_team(conn, code, now)  # a wrong code leaves the try counted
    db.try_succeeded(conn, counted, client, f"team:{code}", now)
    return team, token


def take_over(conn: sqlite3.Connection, team_code: str, token: str) -> str:
    """Make this tab (holding an older token of the team) the one that may submit again."""
    db.check_token(conn, team_code, token)
    return db.join_team(conn, team_code)[1]


def team_status(conn: sqlite3.Connection, team_code: str, token: str) -> dict:
    """The state and round of a team's workshop and the time left: what its page watches."""
    team = db.check_token(conn, team_code, token)
    row = db.workshop_row(conn, team["workshop"])
    return {
        "state": row["state"],
        "round": row["round"],
        "rounds": row["settings"].rounds,
        "time_left": time_left(row),
        "current_tab": team["token"] == token,
    }


def forecast_owned(decisions: dict[int, dict], before: int | None = None) -> bool:
    return any(d.get("forecast") for k, d in decisions.items() if before is None or k < before)


def standing_rules(decisions: dict[int, dict], before: int) -> dict:
    """The distribution rule and priority cercles in force at the start of round ``before``
    (None: the plan's rule, no priority)."""
    out = {"allocation": None, "priority": []}
    for k in sorted(decisions):
        if k >= before:
            break
        if decisions[k].get("allocation"):
            out["allocation"] = decisions[k]["allocation"]
        if decisions[k].get("priority") is not None:
            out["priority"] = list(decisions[k]["priority"])
    return out


def submit(
    conn: sqlite3.Connection, team_code: str, token: str, number: int, raw: dict, now: float | None = None
) -> dict:
    """Record a team's decision for round ``number``; refused (nothing written) when the
    token is not the team's current one, the round is not open, time is up, the decision is
    malformed, a supplier cannot deliver that much this month, or it costs more than the
    ledger has left."""
    now = now or time.time()
    team = db.check_token(conn, team_code, token)
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
        if decision["forecast"] and settings.forecast_price_usd <= 0 and not owned:
            decision["forecast"] = False
        check_capacity(settings, plan, number, decision, earlier)
        cost = decision_cost(decision, plan, season.inputs.unit_cost, settings.forecast_price_usd, owned)
        others = {k: d for k, d in earlier.items() if k != number}
        left = account(
            settings, others, db.team_results(conn, team["code"]), number, round_bounds(settings, number)[0]
        ).left
        if cost > left + 1e-6:
            raise WorkshopError("ws_err_budget", cost=cost, left=max(left, 0.0))
        db.put_decision(conn, team["code"], number, decision, cost, now)
    return {**decision, "cost": cost}


def _offers(settings: Settings, plan: Plan, season: Season, number: int) -> list[dict]:
    """What a team may order in round ``number``: each item a supplier sells, its price, lead
    time and monthly capacity, and whether it can arrive before the end."""
    late = {name for name, _ in too_late(settings, plan, number)} if number else set()
    sources = {s.name: s for s in plan.procurement}
    out = []
    for item, name in offers(plan, list(season.inputs.items)):
        source = sources[name]
        low, mode, high = lead_days(source)
        cap = getattr(source.capacity_per_month, item, None) if source.capacity_per_month is not None else None
        out.append(
            {
                "item": item,
                "source": name,
                "price": season.inputs.unit_cost.get(item, 0.0) * source.price_factor,
                "lead": (low, mode, high),
                "minimum": float(source.minimum_order.to("USD").magnitude),
                "capacity": None if cap is None else float(cap.magnitude),
                "too_late": name in late,
            }
        )
    return out


def team_view(conn: sqlite3.Connection, team_code: str, token: str) -> dict:
    """Everything one team may see: its own decisions, results and ledger, the calendar, the
    map and what it may buy; at the end, the scoreboard. Never another team's decisions, and
    nothing of the days not yet played (no scripted surprise, no stage or need to come
    unless the team bought the forecast)."""
    team = db.check_token(conn, team_code, token)
    row = db.workshop_row(conn, team["workshop"])
    settings = row["settings"]
    season = season_of(settings)
    plan = plan_of(settings.plan_text)
    decisions = db.team_decisions(conn, team["code"])
    results = db.team_results(conn, team["code"])
    number = row["round"]
    shown = number - 1 if row["state"] in ("open", "paused", "closed") else max(results, default=0)
    start_day = round_bounds(settings, number)[0] if number else settings.start_day
    owned = forecast_owned(decisions, before=number + 1)
    current = decisions.get(number) if row["state"] in ("open", "paused", "closed") else None
    end = last_day(settings)
    final = None
    if row["state"] == "finished":
        board = scoreboard(_results_by_name(conn, row))  # numbers only, no decisions
        mine = next((s for s in board if s.team == team["name"]), None)
        final = {"scores": board, "rank": mine.rank if mine else None, "teams": len(board)}
    return {
        "team": {"code": team["code"], "name": team["name"]},
        "workshop": {
            "code": row["code"],
            "title": settings.title,
            "state": row["state"],
            "round": number,
            "rounds": settings.rounds,
            "round_days": settings.round_days,
            "start_day": settings.start_day,
            "end_day": end,
            "budget": settings.budget_usd,
            "forecast_price": settings.forecast_price_usd,
            "resolution": settings.resolution,
        },
        "current_tab": token == team["token"],
        "time_left": time_left(row),
        "situation": results.get(shown),
        "results": results,
        "decisions": decisions,
        "decision": current,
        "previous": decisions.get(number - 1) if number > 1 else None,
        "standing": standing_rules(decisions, number),
        "arrivals": [arrival_day(settings, plan, number, o) for o in current["orders"]] if current else [],
        "ledger": _account_now(row, decisions, results),
        "forecast": forecast(
            season,
            start_day,
            displaced_range(settings.scenario_text, settings.scenario_base, settings.seed, settings.resolution),
        )
        if owned and row["state"] != "finished"
        else None,
        "round_dates": round_bounds(settings, number) if number else (settings.start_day, settings.start_day),
        "offers": _offers(settings, plan, season, number),
        "hubs": [w.hub for w in plan.warehouses],
        "items": list(season.inputs.items),
        "cercles": list(season.inputs.cercles),
        "dates": season.inputs.dates,
        "delta": season.delta,
        "final": final,
    }


def team_stories(conn: sqlite3.Connection, team_code: str, token: str) -> tuple[Season, dict]:
    """The team's own model played to the last round played, for its households' stories."""
    team = db.check_token(conn, team_code, token)
    row = db.workshop_row(conn, team["workshop"])
    return _final_models(row, [team], {team["code"]: db.team_decisions(conn, team["code"])})
