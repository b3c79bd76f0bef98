"""The workshop room played through the service layer (issue 13): fair rounds, the order form's
offers, empty new rounds, one ledger, decisions counted alike, end screens, the forecast's
error, the trainer's passcode on every view and action, nothing of the future sent to a team,
and guessing slowed in SQLite."""

from __future__ import annotations

import sqlite3
import time

import pytest

from hazards.settings import PEAK_SPREAD_CM
from sim.core.i18n import t
from sim.workshop import db, service
from sim.workshop.engine import peak_day, play, season_of
from sim.workshop.narrate import score_sentence
from sim.workshop.rules import (
    DEFAULT_ROUND_DAYS,
    FORECAST_ERROR_CM,
    Inject,
    WorkshopError,
    calendar_warnings,
    check_decision,
    default_start_day,
    last_day,
    round_bounds,
)
from sim.workshop.scoring import Score, scoreboard
from tests.conftest import ROOT
from tests.workshop.conftest import FIXED_LEAD_PLAN, workshop_settings

PASS = "room-passcode"
BASELINE = (ROOT / "scenarios" / "plans" / "baseline.yaml").read_text(encoding="utf-8")
LOCAL = "Marché local de Mopti"
REGIONAL = "Fournisseurs régionaux (Dakar, Abidjan)"
CEREAL = {
    "orders": [{"item": "cereal", "source": LOCAL, "quantity": 250_000}]
}  # 150,000 US$ at 0.6 US$/kg (sim/data/rations.csv)


def _tables(path):
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("workshop", "team", "decision", "result")
        }
    finally:
        conn.close()


def default_calendar(**changes):
    """The calendar the console offers: three rounds of 28 days ending two weeks after the peak."""
    peak = peak_day(season_of(workshop_settings(plan_text=BASELINE)))
    values = dict(
        plan_text=BASELINE,
        injects=(),
        budget_usd=400_000.0,
        start_day=default_start_day(peak),
        round_days=DEFAULT_ROUND_DAYS,
    )
    values.update(changes)
    return workshop_settings(**values)


def _workshop(path, settings, names):
    conn = db.connect(path)
    code, teams = service.create_workshop(conn, settings, names, PASS)
    service.start(conn, code, PASS)
    tokens = {name: service.join(conn, team)[1] for name, team in teams.items()}
    return conn, code, teams, tokens


# --- fair rounds -----------------------------------------------------------------------------


def test_workshop_default_calendar_runs_past_the_flood_peak_and_lead_times_fit():
    settings = default_calendar()
    season = season_of(settings)
    peak = peak_day(season)
    assert season.inputs.dates[peak].date().isoformat() == "2022-10-09"  # the scenario's peak at Mopti
    assert last_day(settings) == peak + 14  # the last round ends two weeks after it (last_day: the day after its last)
    warnings = calendar_warnings(settings, service.plan_of(BASELINE), peak)
    # local orders (7-42 days) arrive from any round; regional (30-90) only from rounds 1-2; UNHRD (60-120) only from round 1
    assert warnings == [
        ("ws_warn_late_from", {"source": REGIONAL, "days": 30.0, "n": 3, "end": peak + 13}),
        ("ws_warn_late_from", {"source": "Dépôt international (UNHRD)", "days": 60.0, "n": 2, "end": peak + 13}),
    ]
    # the calendar of issue 13 (three weeks from 30 August) ended before the peak, and no purchase could help
    old = calendar_warnings(
        workshop_settings(plan_text=BASELINE, start_day=90, round_days=7), service.plan_of(BASELINE), peak
    )
    assert old[0] == ("ws_warn_before_peak", {"end": 110, "peak": peak})
    assert ("ws_warn_never_arrives", {"source": REGIONAL, "days": 30.0, "end": 110}) in old


def test_workshop_orders_beat_idleness_and_their_timing_shows(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["À temps", "En retard", "Rien"])
    service.submit(conn, teams["À temps"], tokens["À temps"], 1, CEREAL)
    for number in (1, 2, 3):
        if number == 3:
            service.submit(
                conn, teams["En retard"], tokens["En retard"], 3, CEREAL
            )  # the same purchase, two months later
        service.advance(conn, code, PASS)
    board = {s.team: s for s in scoreboard(service.results_by_team(conn, code, PASS))}
    early, late, idle = board["À temps"], board["En retard"], board["Rien"]
    assert idle.rank == 3 and {early.rank, late.rank} == {1, 2}
    # the same purchase at another time: the same cereal handed out over the season (same
    # fill rate), but to other cercle-rounds, so a different number of crises avoided. With
    # the people in OCHA's listed places, needs gather at the flood peak and the round-3
    # order (arriving then) avoids more crises than the round-1 one (12 against 10 of 51)
    assert early.fill_rate == pytest.approx(late.fill_rate)
    assert early.crises_avoided != late.crises_avoided
    assert min(early.crises_avoided, late.crises_avoided) > idle.crises_avoided
    assert early.fill_rate > idle.fill_rate + 0.10  # visibly: more than ten points of needs covered
    assert early.spent > 150_000 > idle.spent  # and it paid for it


def test_workshop_console_warns_when_an_order_cannot_arrive_before_the_end(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    service.advance(conn, code, PASS)
    service.advance(conn, code, PASS)  # round 3 (days 116-143) is open
    view = service.trainer_view(conn, code, PASS)
    assert [name for name, _ in view["too_late"]] == [REGIONAL, "Dépôt international (UNHRD)"]
    order = {"orders": [{"item": "shelter_kit", "source": REGIONAL, "quantity": 100}]}
    service.submit(conn, teams["A"], tokens["A"], 3, order)
    late = service.trainer_view(conn, code, PASS)["late_orders"][teams["A"]]
    assert late[0]["round"] == 3 and late[0]["arrival"] >= 144
    offers = {(o["item"], o["source"]): o for o in service.team_view(conn, teams["A"], tokens["A"])["offers"]}
    assert (
        offers[("shelter_kit", REGIONAL)]["too_late"] and not offers[("cereal", LOCAL)]["too_late"]
    )  # the team is told too


# --- the order form --------------------------------------------------------------------------


def test_workshop_order_form_offers_only_what_a_supplier_sells(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    view = service.team_view(conn, teams["A"], tokens["A"])
    season = season_of(default_calendar())
    pairs = {(o["item"], o["source"]) for o in view["offers"]}
    assert ("shelter_kit", LOCAL) not in pairs  # issue 13: "Marché local de Mopti ne vend pas Kit abri d'urgence"
    assert ("shelter_kit", REGIONAL) in pairs and ("cereal", LOCAL) in pairs
    plan = service.plan_of(BASELINE)
    for offer in view["offers"]:  # every offer, at its minimum order, passes the checks
        quantity = max(offer["minimum"] / offer["price"], 1.0) if offer["price"] > 0 else 1.0
        check_decision(
            {"orders": [{"item": offer["item"], "source": offer["source"], "quantity": quantity * 1.01}]},
            plan,
            season.inputs.unit_cost,
            season.inputs.cercles,
        )


# --- a new round starts empty ----------------------------------------------------------------


def test_workshop_new_round_starts_empty_with_the_last_one_beside(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    a, token = teams["A"], tokens["A"]
    first = {**CEREAL, "priority": ["ML0405"], "allocation": "worst_first"}
    service.submit(conn, a, token, 1, first)
    service.advance(conn, code, PASS)
    view = service.team_view(conn, a, token)
    assert view["decision"] is None  # nothing sent for round 2: nothing re-ordered
    assert view["previous"]["orders"] == [{"item": "cereal", "source": LOCAL, "quantity": 250_000.0}]
    assert view["standing"] == {"allocation": "worst_first", "priority": ["ML0405"]}
    # an order in round 2 with the priority left as it was keeps the priority cercle
    service.submit(
        conn, a, token, 2, {"orders": [{"item": "water", "source": LOCAL, "quantity": 1000}], "priority": None}
    )
    decisions = db.team_decisions(conn, a)
    model = play(default_calendar(), service.plan_of(BASELINE), decisions, round_bounds(default_calendar(), 2)[1])
    assert model.priority == [season_of(default_calendar()).inputs.cercles.index("ML0405")]
    assert view["ledger"].purchases == pytest.approx(150_000.0)  # round 1's order counted once, not again


# --- one ledger ------------------------------------------------------------------------------


def test_workshop_one_ledger_on_every_screen(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(forecast_price_usd=15_000.0), ["A", "B"])
    a, token = teams["A"], tokens["A"]
    service.submit(conn, a, token, 1, {**CEREAL, "forecast": True})
    service.advance(conn, code, PASS)
    team = service.team_view(conn, a, token)["ledger"]
    console = service.trainer_view(conn, code, PASS)["ledgers"][a]
    assert team == console
    assert team.purchases == pytest.approx(150_000.0) and team.forecast == 15_000.0
    assert team.transport > 0 and team.storage > 0  # running costs of round 1 count against the budget
    assert team.left == pytest.approx(400_000.0 - 165_000.0 - team.transport - team.storage)
    with pytest.raises(WorkshopError) as err:  # what is left, to the cent, is what may be spent
        service.submit(
            conn, a, token, 2, {"orders": [{"item": "cereal", "source": LOCAL, "quantity": (team.left + 1.0) / 0.6}]}
        )
    assert err.value.key == "ws_err_budget" and err.value.values["left"] == pytest.approx(team.left)
    service.submit(
        conn, a, token, 2, {"orders": [{"item": "cereal", "source": LOCAL, "quantity": (team.left - 1.0) / 0.6}]}
    )
    service.advance(conn, code, PASS)
    service.advance(conn, code, PASS)
    board = {s.team: s for s in scoreboard(service.results_by_team(conn, code, PASS))}
    final = service.team_view(conn, a, token)
    assert final["ledger"].spent == pytest.approx(board["A"].spent)  # the scoreboard, the team and the console agree
    assert service.trainer_view(conn, code, PASS)["ledgers"][a].spent == pytest.approx(board["A"].spent)
    assert {s.team: s.spent for s in final["final"]["scores"]} == {s.team: s.spent for s in board.values()}


CAPPED_PLAN = FIXED_LEAD_PLAN.replace(
    "    items: [nfi_kit, water]\n", "    items: [nfi_kit, water]\n    capacity_per_month: {nfi_kit: 500 kit}\n"
)


def test_workshop_supplier_monthly_capacity_holds_for_team_orders(workshop_db):
    # rounds of 15 days from day 90: rounds 1 and 2 fall in the supplier's fourth 30-day month, round 3 in the fifth
    settings = workshop_settings(plan_text=CAPPED_PLAN, round_days=15, injects=())
    conn, code, teams, tokens = _workshop(workshop_db, settings, ["A"])
    a, token = teams["A"], tokens["A"]
    order = {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 300}]}
    with pytest.raises(WorkshopError) as err:
        service.submit(conn, a, token, 1, {"orders": order["orders"] * 2})  # 600 kits in one decision
    assert err.value.key == "ws_err_capacity" and err.value.values == {
        "source": "Marché local",
        "item": "nfi_kit",
        "capacity": 500.0,
        "ordered": 0,
    }
    service.submit(conn, a, token, 1, order)
    service.advance(conn, code, PASS)
    before = _tables(workshop_db)
    with pytest.raises(WorkshopError) as err:
        service.submit(conn, a, token, 2, order)  # 300 more in the same month
    assert err.value.key == "ws_err_capacity" and err.value.values["ordered"] == 300
    assert _tables(workshop_db) == before
    service.submit(conn, a, token, 2, {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 200}]})
    service.advance(conn, code, PASS)
    service.submit(
        conn, a, token, 3, {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 500}]}
    )  # a new month


# --- decisions counted alike; end screens ----------------------------------------------------


def test_workshop_decisions_count_is_the_same_for_console_and_team(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A", "B", "C"])
    service.submit(conn, teams["A"], tokens["A"], 1, CEREAL)
    service.submit(conn, teams["B"], tokens["B"], 1, {})  # sent on purpose with nothing in it
    console = service.trainer_view(conn, code, PASS)
    for name, team in teams.items():
        sent = service.team_view(conn, team, tokens[name])["decision"] is not None
        assert (team in console["submitted"]) == sent == (name in ("A", "B")), name
    service.advance(conn, code, PASS)
    assert service.trainer_view(conn, code, PASS)["submitted"] == []  # round 2: none yet, on both sides
    assert all(service.team_view(conn, team, tokens[name])["decision"] is None for name, team in teams.items())


def test_workshop_teams_see_their_score_and_rank_at_the_end(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A", "B"])
    service.submit(conn, teams["A"], tokens["A"], 1, CEREAL)
    for _ in range(3):
        service.advance(conn, code, PASS)
    board = scoreboard(service.results_by_team(conn, code, PASS))
    for name, team in teams.items():
        final = service.team_view(conn, team, tokens[name])["final"]
        assert final["scores"] == board and final["teams"] == 2
        assert final["rank"] == next(s.rank for s in board if s.team == name)
    assert service.team_view(conn, teams["A"], tokens["A"])["final"]["rank"] == 1


def test_workshop_score_is_explained_in_one_sentence():
    score = Score(
        team="Mairie de Djenné",
        fill_rate=0.69,
        without_shelter=1234.0,
        without_water=20.0,
        water_person_days=0.0,
        worst_cercle="ML0405",
        worst_fill=0.31,
        spent=32_301.0,
        budget=400_000.0,
        crises_avoided=4,
        crises=2,
    )
    french = score_sentence(score, lambda key, **v: t(key, "fr", **v), "fr", {"ML0405": "Youwarou"}.get)
    assert french == (
        "Mairie de Djenné a couvert 69\u00a0% des besoins en dépensant 32\u202f301 US$ sur 400\u202f000 US$ : 4 crises évitées sur 6, "
        "1\u202f234 personnes encore sans abri et 20 sans eau suffisante ; cercle le moins servi : Youwarou (31\u00a0%)."
    )
    english = score_sentence(score, lambda key, **v: t(key, "en", **v), "en", {"ML0405": "Youwarou"}.get)
    assert english.startswith(
        "Mairie de Djenné covered 69% of the needs spending US$32,301 of US$400,000: 4 crises avoided out of 6"
    )


# --- the forecast ----------------------------------------------------------------------------


def test_workshop_forecast_uses_opidin_error_and_says_when_the_peak_is_later(workshop_db):
    assert FORECAST_ERROR_CM == PEAK_SPREAD_CM == 25.0
    settings = default_calendar(forecast_price_usd=15_000.0)
    conn, code, teams, tokens = _workshop(workshop_db, settings, ["A"])
    service.submit(conn, teams["A"], tokens["A"], 1, {"forecast": True})
    season = season_of(settings)
    f = service.team_view(conn, teams["A"], tokens["A"])["forecast"]
    window = season.inputs.mopti_stage[f["from"] : f["to"]]
    assert f["stage_peak_cm"] == pytest.approx((window.max() - 25.0, window.max() + 25.0))
    assert (
        f["stage_peak_day"] is None
    )  # 31 July-29 August: still rising, the peak (9 October) is later; not "the last day of the window"
    own = season.impact["people"].sel(count="displaced").sum("cercle").values[f["from"] : f["to"]].max()
    assert f["displaced_peak"][0] <= own <= f["displaced_peak"][1] and f["displaced_peak"][0] < f["displaced_peak"][1]
    service.advance(conn, code, PASS)
    service.advance(conn, code, PASS)  # round 3 starts on 24 September: the window holds the peak
    f = service.team_view(conn, teams["A"], tokens["A"])["forecast"]
    assert f["stage_peak_day"] == peak_day(season)


# --- the trainer's passcode, every time -------------------------------------------------------

TRAINER_CALLS = {
    "trainer_view": lambda c, code, p: service.trainer_view(c, code, p),
    "results_by_team": lambda c, code, p: service.results_by_team(c, code, p),
    "debrief": lambda c, code, p: service.debrief(c, code, p),
    "pause": lambda c, code, p: service.pause(c, code, p),
    "resume": lambda c, code, p: service.resume(c, code, p),
    "advance": lambda c, code, p: service.advance(c, code, p),
    "add_inject": lambda c, code, p: service.add_inject(c, code, p, Inject(day=130, kind="boats_stop")),
    "start": lambda c, code, p: service.start(c, code, p),
}


@pytest.mark.parametrize("call", list(TRAINER_CALLS))
def test_workshop_every_trainer_view_and_action_needs_the_passcode(workshop_db, call):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    before = _tables(workshop_db)
    for wrong in ("", "room-passcodE", teams["A"]):  # a team's code is no passcode
        with pytest.raises(WorkshopError) as err:
            TRAINER_CALLS[call](conn, code, wrong)
        assert err.value.key == "ws_err_login"
    with pytest.raises(WorkshopError) as err:  # nor is it a workshop's code
        TRAINER_CALLS[call](conn, teams["A"], PASS)
    assert err.value.key in ("ws_err_login", "ws_err_wait")
    assert _tables(workshop_db) == before


def test_workshop_passcode_has_at_least_eight_characters(workshop_db):
    conn = db.connect(workshop_db)
    with pytest.raises(WorkshopError) as err:
        service.create_workshop(conn, default_calendar(), ["A"], "seven77")
    assert err.value.key == "ws_err_passcode_short" and err.value.values == {"n": 8}
    assert conn.execute("SELECT COUNT(*) FROM workshop").fetchone()[0] == 0
    service.create_workshop(conn, default_calendar(), ["A"], "eight888")


# --- nothing of the future sent to a team -----------------------------------------------------


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, (str, int, float)) or node is None:
        yield str(node)
    else:
        yield from _strings(getattr(node, "__dict__", {}))


def test_workshop_team_view_sends_nothing_of_the_future(workshop_db):
    settings = default_calendar(injects=(Inject(day=100, kind="access_closure", target="ML0406", value=5),))
    conn, code, teams, tokens = _workshop(workshop_db, settings, ["A"])
    a, token = teams["A"], tokens["A"]
    for number in (1, 2):  # day 100 is in round 2 (days 88-115)
        view = service.team_view(conn, a, token)
        sent = {k: v for k, v in view.items() if k not in ("delta", "dates")}  # the map and the calendar
        words = set(_strings(sent))
        assert "access_closure" not in words and "ws_ev_inject_access_closure" not in words, number
        assert "settings" not in view  # the trainer's settings, with the surprises to come, stay on the server
        start = round_bounds(settings, view["workshop"]["round"])[0]
        assert all(i["day"] < start for snap in view["results"].values() for i in snap["injects"])
        service.advance(conn, code, PASS)
    view = service.team_view(conn, a, token)  # round 2 played: the team has met the closure, and now hears of it
    assert any(i["kind"] == "access_closure" for i in view["situation"]["injects"])
    assert "ws_ev_inject_access_closure" in {e[1] for e in view["situation"]["events"]}


def test_workshop_team_calls_need_the_session_a_join_gave(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    for call in (service.team_view, service.team_status, service.team_stories):
        for team_code, token in ((teams["A"], None), (teams["A"], "guess"), ("ZZZZZZ", tokens["A"])):
            with pytest.raises(WorkshopError) as err:  # the same answer for a right or a wrong code: no oracle
                call(conn, team_code, token)
            assert err.value.key == "ws_err_session"


# --- guessing slowed, in SQLite ---------------------------------------------------------------


def test_workshop_wrong_team_codes_slow_to_a_few_tries_a_minute(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    checked = []
    t0 = now = time.time()
    while now < t0 + 600:  # a guesser trying a code every second for ten minutes
        try:
            service.join(conn, "ZZZZZ2", client="10.0.0.66", now=now)
        except WorkshopError as err:
            if err.key == "ws_err_team_code":
                checked.append(now)
            else:
                assert err.key == "ws_err_wait" and err.values["seconds"] >= 1
        now += 1.0
    assert 5 < len(checked) <= 11  # five free tries, then waits of 15, 30, 60, 120 and 240 s
    assert sum(1 for when in checked if when >= t0 + 300) <= 2  # in the last five minutes: two at most
    with pytest.raises(WorkshopError) as err:  # even the right code is refused while waiting: the wait tells nothing
        service.join(conn, teams["A"], client="10.0.0.66", now=now)
    assert err.value.key == "ws_err_wait"
    conn.close()
    restarted = db.connect(workshop_db)  # a restart does not reset it
    with pytest.raises(WorkshopError) as err:
        service.join(restarted, teams["A"], client="10.0.0.66", now=now + 1)
    assert err.value.key == "ws_err_wait"
    assert (
        service.join(restarted, teams["A"], client="10.0.0.7", now=now + 1)[0]["code"] == teams["A"]
    )  # another device is not held up


def test_workshop_guesses_from_many_addresses_are_slowed_together(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    t0 = time.time()
    service.join(conn, teams["A"], client="10.0.0.5", now=t0 + 1)  # the team's phone joined before
    for k in range(db.THROTTLE["teams"][0] + 1):  # one wrong code from each of 31 addresses
        with pytest.raises(WorkshopError):
            service.join(conn, "ZZZZZ2", client=f"10.0.1.{k}", now=t0 + 2 + k * 0.01)
    with pytest.raises(WorkshopError) as err:  # a 32nd address waits, whatever code it types
        service.join(conn, teams["A"], client="10.0.2.1", now=t0 + 3)
    assert err.value.key == "ws_err_wait"
    assert (
        service.join(conn, teams["A"], client="10.0.0.5", now=t0 + 3)[0]["code"] == teams["A"]
    )  # the team's own phone is let in


def test_workshop_wrong_passcodes_slow_down_and_the_trainer_keeps_the_console(workshop_db):
    conn, code, teams, tokens = _workshop(workshop_db, default_calendar(), ["A"])
    service.trainer_view(conn, code, PASS, client="10.0.0.2")  # the trainer's laptop
    t0 = time.time()
    free = db.THROTTLE["client"][0]
    for k in range(free):
        with pytest.raises(WorkshopError) as err:
            service.trainer_login(conn, code, f"guess-{k:04d}", client="10.0.0.66", now=t0 + 100 + k)
        assert err.value.key == "ws_err_login"
    with pytest.raises(WorkshopError) as err:  # the sixth wrong one is checked, then the guesser waits
        service.trainer_login(conn, code, "guess-9999", client="10.0.0.66", now=t0 + 106)
    assert err.value.key == "ws_err_login"
    with pytest.raises(WorkshopError) as err:  # even with the right passcode: the wait tells nothing
        service.trainer_login(conn, code, PASS, client="10.0.0.66", now=t0 + 107)
    assert err.value.key == "ws_err_wait" and err.value.values["seconds"] == 14
    with pytest.raises(WorkshopError) as err:  # the workshop waits too, for a newcomer from another address …
        service.trainer_login(conn, code, PASS, client="10.0.4.1", now=t0 + 109)
    assert err.value.key == "ws_err_wait"
    assert (
        service.trainer_login(conn, code, PASS, client="10.0.0.2", now=t0 + 109)["code"] == code
    )  # … not for the trainer's laptop
    conn.close()
    with pytest.raises(WorkshopError) as err:  # and a restart does not reset it
        service.trainer_login(db.connect(workshop_db), code, PASS, client="10.0.0.66", now=t0 + 110)
    assert err.value.key == "ws_err_wait"
