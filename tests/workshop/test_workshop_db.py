"""sim.workshop.db and service: passcodes, team codes, misuse refused with nothing changed,
restarts, and two teams submitting at the same moment."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from sim.workshop import db, service
from sim.workshop.rules import WorkshopError
from tests.workshop.conftest import workshop_settings

ORDER = {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 100}]}
PASS = "s3cret-pass"


def _snapshot_of(path):
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("workshop", "team", "decision", "result")
        }
    finally:
        conn.close()


@pytest.fixture
def workshop_started(workshop_db, workshop_flood):
    conn = db.connect(workshop_db)
    code, teams = service.create_workshop(conn, workshop_flood, ["Équipe A", "Équipe B"], PASS)
    service.start(conn, code, PASS)
    tokens = {name: service.join(conn, team)[1] for name, team in teams.items()}
    return conn, code, teams, tokens


def test_workshop_database_is_in_wal_mode(workshop_db):
    conn = db.connect(workshop_db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_workshop_passcode_is_stored_hashed_and_checked(workshop_started, workshop_db):
    conn, code, _, _ = workshop_started
    conn.execute("PRAGMA wal_checkpoint(FULL)")
    stored = b"".join(p.read_bytes() for p in workshop_db.parent.glob("workshops.sqlite*"))
    assert b"s3cret-pass" not in stored
    assert db.check_trainer(conn, code.lower(), "s3cret-pass")["code"] == code  # codes are typed in any case
    for wrong_code, wrong_pass in ((code, "s3cret-pasS"), ("ZZZZZZ", "s3cret-pass"), (code, "")):
        with pytest.raises(WorkshopError) as err:
            db.check_trainer(conn, wrong_code, wrong_pass)
        assert err.value.key == "ws_err_login"


def test_workshop_team_codes_are_short_and_unambiguous(workshop_started):
    _, _, teams, _ = workshop_started
    for team_code in teams.values():
        assert len(team_code) == 6 and set(team_code) <= set(db.CODE_ALPHABET)
        assert not set(team_code) & set("0O1IL")


@pytest.mark.parametrize(
    ("misuse", "key"),
    [
        (lambda c, code, teams, tokens: service.join(c, "XXXXXX"), "ws_err_team_code"),
        (
            lambda c, code, teams, tokens: service.submit(c, teams["Équipe A"], "not-the-token", 1, ORDER),
            "ws_err_session",
        ),
        (
            lambda c, code, teams, tokens: service.submit(c, teams["Équipe A"], tokens["Équipe B"], 1, ORDER),
            "ws_err_session",
        ),
        (
            lambda c, code, teams, tokens: service.submit(c, teams["Équipe A"], tokens["Équipe A"], 2, ORDER),
            "ws_err_round_closed",
        ),
        (
            lambda c, code, teams, tokens: service.submit(
                c,
                teams["Équipe A"],
                tokens["Équipe A"],
                1,
                {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 10_000}]},
            ),
            "ws_err_budget",
        ),
        (
            lambda c, code, teams, tokens: service.submit(
                c,
                teams["Équipe A"],
                tokens["Équipe A"],
                1,
                {"moves": [{"item": "nfi_kit", "from_hub": "Gao", "to_hub": "Bamako", "quantity": 1}]},
            ),
            "ws_err_move",
        ),
    ],
)
def test_workshop_misuse_is_refused_and_changes_nothing(workshop_started, workshop_db, misuse, key):
    conn, code, teams, tokens = workshop_started
    service.submit(conn, teams["Équipe B"], tokens["Équipe B"], 1, ORDER)
    before = _snapshot_of(workshop_db)
    with pytest.raises(WorkshopError) as err:
        misuse(conn, code, teams, tokens)
    assert err.value.key == key
    assert _snapshot_of(workshop_db) == before


def test_workshop_budget_counts_what_earlier_rounds_committed(workshop_started):
    conn, code, teams, tokens = workshop_started
    a, token = teams["Équipe A"], tokens["Équipe A"]
    # 200,000 US$ budget; nfi kits at 55 US$ (sim/data/rations.csv): 3,000 kits = 165,000 US$
    assert service.submit(
        conn, a, token, 1, {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 3000}]}
    )["cost"] == pytest.approx(165_000)
    # resubmitting round 1 replaces it: 3,600 kits = 198,000 US$ still fits
    service.submit(conn, a, token, 1, {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 3600}]})
    service.advance(conn, code, PASS)
    running = service.team_view(conn, a, token)["ledger"]
    assert running.transport + running.storage > 0  # round 1 moved and stored stock
    with pytest.raises(
        WorkshopError
    ) as err:  # 2,000 US$ left less round 1's transport and storage; 100 kits cost 5,500 US$
        service.submit(conn, a, token, 2, ORDER)
    assert err.value.key == "ws_err_budget" and err.value.values["left"] == pytest.approx(
        max(2_000 - running.transport - running.storage, 0.0)
    )


def test_workshop_second_tab_takes_over_and_the_first_is_refused(workshop_started):
    conn, _, teams, tokens = workshop_started
    a = teams["Équipe A"]
    _, newer = service.join(conn, a)
    with pytest.raises(WorkshopError) as err:
        service.submit(conn, a, tokens["Équipe A"], 1, ORDER)
    assert err.value.key == "ws_err_stale_tab"
    assert service.submit(conn, a, newer, 1, ORDER)["cost"] > 0


def test_workshop_time_limit_closes_the_round(workshop_db):
    conn = db.connect(workshop_db)
    code, teams = service.create_workshop(conn, workshop_settings(round_minutes=10), ["A"], PASS)
    service.start(conn, code, PASS, now=1_000.0)
    _, token = service.join(conn, teams["A"])
    service.submit(conn, teams["A"], token, 1, ORDER, now=1_000.0 + 599)
    with pytest.raises(WorkshopError) as err:
        service.submit(conn, teams["A"], token, 1, {}, now=1_000.0 + 601)
    assert err.value.key == "ws_err_time_up"
    service.pause(conn, code, PASS, now=1_000.0 + 300)  # paused with 300 s left …
    row = service.resume(conn, code, PASS, now=5_000.0)  # … resumed much later: still 300 s left
    assert service.time_left(row, now=5_000.0) == pytest.approx(300.0)


def test_workshop_state_survives_a_restart(workshop_started, workshop_db):
    conn, code, teams, tokens = workshop_started
    service.submit(conn, teams["Équipe A"], tokens["Équipe A"], 1, ORDER)
    service.advance(conn, code, PASS)
    before = service.team_view(conn, teams["Équipe A"], tokens["Équipe A"])
    conn.close()
    reopened = db.connect(workshop_db)  # a new server process opens the same file
    after = service.team_view(reopened, teams["Équipe A"], tokens["Équipe A"])
    assert after["workshop"]["round"] == 2 and after["workshop"]["state"] == "open"
    assert after["decisions"][1]["orders"] == before["decisions"][1]["orders"]
    assert after["situation"] == before["situation"]
    assert after["ledger"] == before["ledger"]


def test_workshop_a_round_left_closed_by_a_crash_is_played_again(workshop_started):
    conn, code, teams, tokens = workshop_started
    service.submit(conn, teams["Équipe A"], tokens["Équipe A"], 1, ORDER)
    db.set_state(conn, code, ("open",), state="closed")  # the server died while playing round 1
    row = service.advance(conn, code, PASS)
    assert (row["state"], row["round"]) == ("open", 2)
    assert set(db.team_results(conn, teams["Équipe A"])) == {0, 1}


def test_workshop_two_teams_submitting_at_the_same_moment_lose_nothing(workshop_started, workshop_db):
    _, _, teams, tokens = workshop_started
    barrier = threading.Barrier(4)
    errors = []

    def send(name, quantity):
        conn = db.connect(workshop_db)  # one connection per client, as in the server's threads
        try:
            barrier.wait()
            service.submit(
                conn,
                teams[name],
                tokens[name],
                1,
                {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": quantity}]},
            )
        except Exception as err:  # noqa: BLE001  (collected and checked below)
            errors.append(err)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=send, args=(name, q))
        for name, q in (("Équipe A", 100), ("Équipe B", 200), ("Équipe A", 100), ("Équipe B", 200))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    conn = db.connect(workshop_db)
    assert db.team_decisions(conn, teams["Équipe A"])[1]["orders"][0]["quantity"] == 100
    assert db.team_decisions(conn, teams["Équipe B"])[1]["orders"][0]["quantity"] == 200


def test_workshop_team_view_shows_only_its_own_decisions(workshop_started):
    conn, _, teams, tokens = workshop_started
    service.submit(
        conn,
        teams["Équipe B"],
        tokens["Équipe B"],
        1,
        {"orders": [{"item": "nfi_kit", "source": "Marché local", "quantity": 777}]},
    )
    view = service.team_view(conn, teams["Équipe A"], tokens["Équipe A"])
    assert view["decisions"] == {}

    def quantities(node):
        """Every order or move quantity anywhere in the view (a leak would show B's 777)."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("orders", "moves") and isinstance(value, list):
                    yield from (entry.get("quantity") for entry in value if isinstance(entry, dict))
                yield from quantities(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                yield from quantities(value)

    assert 777 not in list(quantities(view))


def test_workshop_a_console_showing_an_older_round_cannot_close_the_next_one(workshop_started, workshop_db):
    conn, code, _, _ = workshop_started
    service.advance(conn, code, PASS, number=1)  # one console tab closes round 1
    before = _snapshot_of(workshop_db)
    with pytest.raises(WorkshopError) as err:
        service.advance(conn, code, PASS, number=1)  # a second tab, still showing round 1, clicks too
    assert err.value.key == "ws_err_state"
    assert _snapshot_of(workshop_db) == before


def test_workshop_trainer_adds_a_surprise_for_a_day_not_yet_played(workshop_started, workshop_db):
    from sim.workshop.rules import Inject

    conn, code, teams, _ = workshop_started
    service.advance(conn, code, PASS, number=1)  # round 2 (days 97-103) is open
    before = _snapshot_of(workshop_db)
    with pytest.raises(WorkshopError) as err:
        service.add_inject(conn, code, PASS, Inject(day=96, kind="boats_stop"))  # round 1 is played: too late
    assert err.value.key == "ws_err_inject_past"
    assert _snapshot_of(workshop_db) == before
    row = service.add_inject(conn, code, PASS, Inject(day=99, kind="access_closure", target="ML0403", value=5))
    assert row["settings"].injects[-1] == Inject(day=99, kind="access_closure", target="ML0403", value=5)
    service.advance(conn, code, PASS, number=2)
    events = [e[1] for e in db.team_results(conn, teams["Équipe A"])[2]["events"]]
    assert "ws_ev_inject_access_closure" in events  # every team meets it in round 2


def test_workshop_decision_sent_after_the_round_closed_is_refused(workshop_started, workshop_db):
    conn, code, teams, tokens = workshop_started
    service.advance(conn, code, PASS, number=1)  # the trainer closes round 1 while team A is still deciding
    before = _snapshot_of(workshop_db)
    with pytest.raises(WorkshopError) as err:
        service.submit(conn, teams["Équipe A"], tokens["Équipe A"], 1, ORDER)  # its page still shows round 1
    assert err.value.key == "ws_err_round_closed" and err.value.values == {"round": 1}
    assert _snapshot_of(workshop_db) == before
