"""Workshops, teams, decisions and results in SQLite, under ``$SIM_DATA_DIR``.

The database is in WAL mode (readers never block the writer) with a busy timeout; every
change runs in a ``BEGIN IMMEDIATE`` transaction that re-reads what it checks, so two teams
submitting at the same moment are written one after the other and neither is lost, and a
refused action changes nothing.

The trainer's passcode is kept as a salted scrypt hash, never in clear. Team codes are six
characters of an alphabet without look-alikes (no 0/O, 1/I/L).

Guessing is slowed here, in the database, so that a restart does not reset it: every try of
a team code or a passcode is counted in "buckets" — the client's address, the workshop (for
its passcode) and all team codes together — *before* it is checked (so that tries sent at
the same moment are all counted), and given back if it was right (:func:`begin_try`,
:func:`try_succeeded`). After a few free failures a bucket makes everyone wait, with a delay
that doubles at each new failure (:data:`THROTTLE`); a try refused while waiting is not
checked at all, so the wait tells nothing about the code. A client
that has already opened a workshop or a team is not held up by the shared buckets for that
same workshop or team (it knows the secret already), only by its own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from sim.core.userdata import data_dir
from sim.workshop.rules import Settings, WorkshopError

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Characters of team and workshop codes: easy to read aloud and to type on a phone."""

CODE_LENGTH = 6
"""Characters of a code: 31**6, about 900 million codes [-]. Notes: assumption, short enough to read aloud."""

MIN_PASSCODE = 8
"""Shortest trainer passcode [character]. References: NIST SP 800-63B (2017), section 5.1.1.1:
memorized secrets of at least 8 characters, with the number of failed attempts limited
(here by :data:`THROTTLE`)."""

THROTTLE = {"client": (5, 15.0), "workshop": (5, 15.0), "teams": (30, 5.0)}
"""Bucket kind → (free failures, first delay [s]): after the free failures, each new failure
makes the bucket wait the delay, doubled at every further failure, up to :data:`MAX_WAIT_S`.
``client``: one address (team codes and passcodes alike); ``workshop``: its passcode, from any
address; ``teams``: every wrong team code, from any address. Notes: assumption; a team that
mistypes its code a few times is not held up, a guesser gets a few tries a minute at first,
then one every five minutes."""

MAX_WAIT_S = 300.0
"""Longest wait a bucket imposes [s]. Notes: assumption, short enough for a room to recover."""

FORGET_S = 3600.0
"""A bucket's failures are forgotten after this long without a new one [s]. Notes: assumption."""

MAX_TEAMS = 12
"""Most teams in a workshop [-]. Notes: assumption, what one room and one laptop serve."""

BUSY_TIMEOUT_MS = 15_000
"""How long a writer waits for another to finish before giving up [ms]. Notes: assumption; a
write here takes milliseconds, so this only matters if a transaction is stuck."""
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
"""scrypt cost parameters (the values recommended for interactive logins in the scrypt paper,
Percival 2009)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS workshop (
    code TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    salt BLOB NOT NULL,
    passcode_hash BLOB NOT NULL,
    state TEXT NOT NULL DEFAULT 'ready',
    round INTEGER NOT NULL DEFAULT 0,
    opened_at REAL,
    remaining REAL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS team (
    code TEXT PRIMARY KEY,
    workshop TEXT NOT NULL REFERENCES workshop(code),
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    token TEXT,
    UNIQUE (workshop, name)
);
CREATE TABLE IF NOT EXISTS decision (
    team TEXT NOT NULL REFERENCES team(code),
    round INTEGER NOT NULL,
    payload TEXT NOT NULL,
    cost REAL NOT NULL,
    submitted_at REAL NOT NULL,
    PRIMARY KEY (team, round)
);
CREATE TABLE IF NOT EXISTS attempt (
    bucket TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at REAL NOT NULL,
    blocked_until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS trusted (
    bucket TEXT NOT NULL,
    client TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (bucket, client)
);
CREATE TABLE IF NOT EXISTS session (
    token_hash BLOB PRIMARY KEY,
    team TEXT NOT NULL REFERENCES team(code),
    issued_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS result (
    team TEXT NOT NULL REFERENCES team(code),
    round INTEGER NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (team, round)
);
"""

STATES = ("ready", "open", "paused", "closed", "finished")
"""ready: created, no round open; open: teams may submit; paused: the clock and submissions
stop; closed: the round is being played; finished: the last round has been played."""


def database_path() -> Path:
    return data_dir() / "workshops.sqlite"


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, busy timeout."""
    path = Path(path) if path is not None else database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(SCHEMA)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection):
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code: str) -> str:
    """A code as typed (spaces, lower case) in its stored form."""
    return "".join(str(code or "").split()).upper()


def hash_passcode(passcode: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passcode.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)


# --- workshops ------------------------------------------------------------------------------


def insert_workshop(
    conn: sqlite3.Connection, settings: Settings, team_names: list[str], passcode: str, now: float | None = None
) -> tuple[str, dict[str, str]]:
    """Store a new workshop and its teams; returns its code and each team's code."""
    names = [n.strip() for n in team_names if n.strip()]
    if len(passcode) < MIN_PASSCODE:
        raise WorkshopError("ws_err_passcode_short", n=MIN_PASSCODE)
    if not 1 <= len(names) <= MAX_TEAMS:
        raise WorkshopError("ws_err_teams", most=MAX_TEAMS)
    if len(set(n.casefold() for n in names)) != len(names):
        raise WorkshopError("ws_err_team_twice")
    salt = secrets.token_bytes(16)
    digest = hash_passcode(passcode, salt)
    with transaction(conn):
        taken = {r[0] for r in conn.execute("SELECT code FROM workshop UNION SELECT code FROM team")}
        code = _fresh(taken)
        conn.execute(
            "INSERT INTO workshop (code, settings, salt, passcode_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            (code, json.dumps(settings.to_dict()), salt, digest, now or time.time()),
        )
        teams = {}
        for position, name in enumerate(names):
            team_code = _fresh(taken)
            conn.execute(
                "INSERT INTO team (code, workshop, name, position) VALUES (?, ?, ?, ?)",
                (team_code, code, name, position),
            )
            teams[name] = team_code
    return code, teams


def _fresh(taken: set[str]) -> str:
    while True:
        code = new_code()
        if code not in taken:
            taken.add(code)
            return code


def workshop_row(conn: sqlite3.Connection, code: str) -> dict:
    row = conn.execute("SELECT * FROM workshop WHERE code = ?", (normal_code(code),)).fetchone()
    if row is None:
        raise WorkshopError("ws_err_workshop_code")
    data = dict(row)
    data["settings"] = Settings.from_dict(json.loads(data["settings"]))
    return data


def check_trainer(conn: sqlite3.Connection, code: str, passcode: str) -> dict:
    """The workshop, if ``passcode`` is its trainer's; the same message for a wrong code or passcode."""
    row = conn.execute("SELECT code, salt, passcode_hash FROM workshop WHERE code = ?", (normal_code(code),)).fetchone()
    if row is None or not hmac.compare_digest(hash_passcode(passcode or "", row["salt"]), row["passcode_hash"]):
        raise WorkshopError("ws_err_login")
    return workshop_row(conn, row["code"])


def list_teams(conn: sqlite3.Connection, workshop: str) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute("SELECT code, name, position FROM team WHERE workshop = ? ORDER BY position", (workshop,))
    ]


def team_row(conn: sqlite3.Connection, team_code: str) -> dict:
    row = conn.execute(
        "SELECT code, workshop, name, position, token FROM team WHERE code = ?", (normal_code(team_code),)
    ).fetchone()
    if row is None:
        raise WorkshopError("ws_err_team_code")
    return dict(row)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(str(token).encode("utf-8")).digest()


def join_team(conn: sqlite3.Connection, team_code: str, now: float | None = None) -> tuple[dict, str]:
    """Open the team on this device: a new session token; an older tab becomes read-only.

    Not throttled: callers go through :func:`sim.workshop.service.join`."""
    token = secrets.token_urlsafe(16)
    with transaction(conn):
        team = team_row(conn, team_code)
        conn.execute("UPDATE team SET token = ? WHERE code = ?", (token, team["code"]))
        conn.execute(
            "INSERT INTO session (token_hash, team, issued_at) VALUES (?, ?, ?)",
            (token_hash(token), team["code"], now or time.time()),
        )
    team["token"] = token
    return team, token


def check_token(conn: sqlite3.Connection, team_code: str, token: str | None) -> dict:
    """The team, if ``token`` was issued to it by a join (the current tab or an older one)."""
    row = conn.execute("SELECT team FROM session WHERE token_hash = ?", (token_hash(token or ""),)).fetchone()
    if not token or row is None or row["team"] != normal_code(team_code):
        raise WorkshopError("ws_err_session")
    return team_row(conn, team_code)


# --- slowing down guesses -------------------------------------------------------------------


def _delay(kind: str, failures: int) -> float:
    free, first = THROTTLE[kind]
    return 0.0 if failures <= free else min(first * 2.0 ** (failures - free - 1), MAX_WAIT_S)


def begin_try(
    conn: sqlite3.Connection, buckets: list[str], client: str, trusted_for: str | None, now: float
) -> list[str]:
    """Count one try in every bucket (``kind:key``), or refuse it if one of them is waiting;
    returns the buckets counted (for :func:`try_succeeded`).

    A bucket other than the client's own is skipped for a client already trusted for
    ``trusted_for`` (it opened that workshop or team before). Raises
    ``WorkshopError("ws_err_wait", seconds=…)`` with nothing counted when a bucket is waiting.
    """
    with transaction(conn):
        trusted = (
            trusted_for is not None
            and conn.execute("SELECT 1 FROM trusted WHERE bucket = ? AND client = ?", (trusted_for, client)).fetchone()
            is not None
        )
        counted = [b for b in buckets if not (trusted and not b.startswith("client:"))]
        rows = {b: _attempt(conn, b, now) for b in counted}
        wait = max((r["blocked_until"] - now for r in rows.values()), default=0.0)
        if wait > 0:
            raise WorkshopError("ws_err_wait", seconds=math.ceil(wait))
        for bucket, row in rows.items():
            failures = row["failures"] + 1
            conn.execute(
                "INSERT INTO attempt (bucket, failures, last_at, blocked_until) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (bucket) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at, blocked_until = excluded.blocked_until",
                (bucket, failures, now, now + _delay(bucket.split(":", 1)[0], failures)),
            )
    return counted


def _attempt(conn: sqlite3.Connection, bucket: str, now: float) -> dict:
    row = conn.execute("SELECT failures, last_at, blocked_until FROM attempt WHERE bucket = ?", (bucket,)).fetchone()
    if row is None or now - row["last_at"] > FORGET_S:
        return {"failures": 0, "last_at": now, "blocked_until": 0.0}
    return dict(row)


def try_succeeded(conn: sqlite3.Connection, counted: list[str], client: str, trust: str, now: float) -> None:
    """Give back the try :func:`begin_try` counted in the buckets ``counted`` (earlier failures
    stay counted: a right code does not buy more guesses); the client is trusted for
    ``trust`` from now on."""
    with transaction(conn):
        for bucket in counted:
            row = conn.execute("SELECT failures FROM attempt WHERE bucket = ?", (bucket,)).fetchone()
            if row is not None:
                failures = max(row["failures"] - 1, 0)
                kind = bucket.split(":", 1)[0]
                conn.execute(
                    "UPDATE attempt SET failures = ?, blocked_until = MIN(blocked_until, last_at + ?) WHERE bucket = ?",
                    (failures, _delay(kind, failures), bucket),
                )
        conn.execute(
            "INSERT INTO trusted (bucket, client, at) VALUES (?, ?, ?) ON CONFLICT (bucket, client) DO UPDATE SET at = excluded.at",
            (trust, client, now),
        )


def set_state(
    conn: sqlite3.Connection, code: str, expect: tuple[str, ...], expect_round: int | None = None, **values
) -> dict:
    """Change the workshop's state columns if its state is one of ``expect`` and, when given,
    its round is ``expect_round`` (else an error: another tab of the console got there first)."""
    with transaction(conn):
        row = workshop_row(conn, code)
        if row["state"] not in expect or (expect_round is not None and row["round"] != expect_round):
            raise WorkshopError("ws_err_state", state=row["state"])
        columns = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE workshop SET {columns} WHERE code = ?", (*values.values(), row["code"]))
    return workshop_row(conn, code)


# --- decisions and results ------------------------------------------------------------------


def team_decisions(conn: sqlite3.Connection, team_code: str) -> dict[int, dict]:
    """One team's decisions: round → decision (with its cost)."""
    out = {}
    for row in conn.execute(
        "SELECT round, payload, cost, submitted_at FROM decision WHERE team = ? ORDER BY round", (team_code,)
    ):
        decision = json.loads(row["payload"])
        decision["cost"] = row["cost"]
        decision["submitted_at"] = row["submitted_at"]
        out[row["round"]] = decision
    return out


def committed(conn: sqlite3.Connection, team_code: str, besides_round: int | None = None) -> float:
    """Money a team has committed [USD], leaving out the decision of ``besides_round``."""
    row = conn.execute(
        "SELECT COALESCE(SUM(cost), 0) FROM decision WHERE team = ? AND round IS NOT ?", (team_code, besides_round)
    ).fetchone()
    return float(row[0])


def put_decision(
    conn: sqlite3.Connection, team_code: str, number: int, decision: dict, cost: float, now: float
) -> None:
    conn.execute(
        "INSERT INTO decision (team, round, payload, cost, submitted_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (team, round) DO UPDATE SET payload = excluded.payload, cost = excluded.cost, submitted_at = excluded.submitted_at",
        (team_code, number, json.dumps(decision), cost, now),
    )


def put_result(conn: sqlite3.Connection, team_code: str, number: int, snapshot: dict) -> None:
    conn.execute(
        "INSERT INTO result (team, round, payload) VALUES (?, ?, ?) ON CONFLICT (team, round) DO UPDATE SET payload = excluded.payload",
        (team_code, number, json.dumps(snapshot)),
    )


def team_results(conn: sqlite3.Connection, team_code: str) -> dict[int, dict]:
    """A team's situation at the end of each round played (round 0: the start)."""
    return {
        r["round"]: json.loads(r["payload"])
        for r in conn.execute("SELECT round, payload FROM result WHERE team = ? ORDER BY round", (team_code,))
    }
