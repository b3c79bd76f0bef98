"""Issue 12, hardening — nothing bad gets in, nothing is lost.

Every hostile scenario or plan file (the table in :mod:`tests.hostile.cases`) is refused by
``python -m sim validate FILE`` and ``python -m sim run FILE --out DIR [--plan PLAN]``:

- exit code 2, one line per problem on stderr naming the file (``FILE:LINE: field: message``,
  or ``error: FILE…`` for a refusal that is not about a line);
- no traceback, no "internal error" (that is exit 1, for defects of the program only);
- nothing written: the ``--out`` folder not created or left empty, no file beside the input;
- the input files unchanged (same bytes and mtime);
- fast: the alias bomb is refused within seconds, and nothing hangs.

``validate`` runs in this process (``sim.cli.main``) with a deadline; ``run`` runs in a
subprocess for a handful of cases, the bad command-line options and the alias bomb. A failure
names its symptoms first (accepted, exit 1, traceback, hang, wrote output, …).

The unit-equivalence test plays the shipped baseline plan and the same plan with every quantity
written in another unit of its dimension: the KPIs must not change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sim import cli
from tests.hostile.cases import (
    BASELINE,
    BOMB,
    CASES,
    CONTROLS,
    PCODE_FIELD,
    ROOT,
    SCENARIO,
    Built,
    Case,
    build,
    cercle_features,
    whole,
)

HANG_S = 20
"""A command still running after this long hangs [s]."""

RUN_HANG_S = 60
"""The same for ``run``, which may simulate a whole season before answering when it accepts [s]."""

SLOW_S = 5.0
"""Generous bound on any refusal by ``validate`` in this process [s]. Notes: all but the largest
files are refused in well under a second."""

BOMB_S = 2.0
"""Bound on the alias bomb's refusal itself, in this process [s]. Notes: well under a second of
work; expanded, the bomb would be 9**8 values."""

BOMB_SUBPROCESS_S = 10.0
"""Generous bound on the same in a subprocess, interpreter start-up included [s]. Notes: a plain
``validate`` of a good plan takes 2 s on a quiet machine and 5 s on a loaded one (imports)."""


# --- running the command line ---------------------------------------------------------------


@dataclass
class Outcome:
    code: int | str
    """Exit code, or ``"hang"``."""
    out: str
    err: str
    elapsed: float
    """[s]"""


class Hang(BaseException):
    """The deadline passed (a BaseException: the command line's ``except Exception`` lets it by)."""


@contextlib.contextmanager
def deadline(seconds: float):
    def expire(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def in_process(capsys, *args) -> Outcome:
    """``python -m sim ARGS`` through ``sim.cli.main`` in this process."""
    capsys.readouterr()
    start = time.perf_counter()
    try:
        with deadline(HANG_S):
            code = cli.main([str(a) for a in args])
    except Hang:
        code = "hang"
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    return Outcome(code, out, err, elapsed)


def subprocess_cli(*args, timeout: float = RUN_HANG_S) -> Outcome:
    """``python -m sim ARGS`` in a subprocess of its own session (ended with its workers on a hang)."""
    env = {k: v for k, v in os.environ.items() if k != "SIM_DEBUG"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | str = proc.returncode
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = "hang"
    return Outcome(code, out, err, time.perf_counter() - start)


@pytest.fixture(scope="module", autouse=True)
def _imported():
    """What ``validate`` imports on its first call, imported before any refusal is timed."""
    import hazards.catalog  # noqa: F401
    import sim.run  # noqa: F401


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch):
    """SIM_DEBUG=1 would turn internal errors into tracebacks on purpose."""
    monkeypatch.delenv("SIM_DEBUG", raising=False)


# --- what a refusal looks like --------------------------------------------------------------


def snapshot(built: Built) -> dict:
    """Every file in the case folder and every watched file: kind, bytes and mtime."""
    state = {}
    for path in [*sorted(built.folder.rglob("*")), *built.watched]:
        if path.is_dir():
            state[str(path)] = "folder"
        elif path.exists():
            stat = path.stat()
            state[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns)
    return state


def line_count(name: str, built: Built) -> int | None:
    path = Path(name) if Path(name).is_absolute() else built.folder / name
    if not path.is_file():
        return None
    return path.read_bytes().count(b"\n") + 1


def bad_lines(err: str, built: Built) -> list[str]:
    """The stderr lines that are not ``FILE:LINE: field: message`` or ``error: FILE…``."""
    lines = err.splitlines()
    if not lines:
        return ["(stderr is empty)"]
    bad = []
    for line in lines:
        refusal = line.startswith("error: ")
        rest = line[len("error: ") :] if refusal else line
        name = next((n for n in built.names if rest.startswith(n)), None)
        if name is None:
            bad.append(line)
            continue
        tail = rest[len(name) :]
        match = (
            re.fullmatch(r"(?::(\d+))?: (.+)", tail)
            if refusal
            else re.fullmatch(r"(?::(\d+))?: ([^\s:]+): (\S.*)", tail)
        )
        if match is None:
            bad.append(line)
            continue
        count = line_count(name, built)
        if match.group(1) is not None and count is not None and not 1 <= int(match.group(1)) <= count:
            bad.append(f"{line}  (line {match.group(1)} of a {count}-line file)")
    return bad


def symptoms(
    outcome: Outcome, built: Built, before: dict, out_dir: Path | None = None, slow: float | None = None
) -> list[str]:
    """What is wrong with this refusal (empty when it is right); ``slow``: the bound on its time [s]."""
    found = []
    if slow is not None and outcome.code != "hang" and outcome.elapsed > slow:
        found.append(f"slow ({outcome.elapsed:.1f} s)")
    if outcome.code == "hang":
        found.append("hang")
    elif outcome.code == 0:
        found.append("accepted (exit 0)")
    elif outcome.code == 1:
        found.append("exit 1")
    elif outcome.code != 2:
        found.append(f"exit {outcome.code}")
    if "Traceback" in outcome.err:
        found.append("traceback")
    if "internal error" in outcome.err:
        found.append("internal error")
    if out_dir is not None and out_dir.exists() and any(out_dir.iterdir()):
        found.append(f"wrote output ({', '.join(sorted(p.name for p in out_dir.iterdir()))})")
    after = snapshot(built)
    if after != before:
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        found.append(f"changed or wrote files beside the input ({', '.join(changed)})")
    if outcome.code == 2:
        bad = bad_lines(outcome.err, built)
        if bad:
            found.append(f"stderr lines not naming the file ({bad[0][:200]!r})")
    return found


def describe(case_id: str, found: list[str], outcome: Outcome) -> str:
    lines = outcome.err.splitlines()
    first = next(
        (line for line in lines if "internal error" in line or line.startswith(("Traceback", "error:"))),
        lines[0] if lines else "",
    )
    if "Traceback" in outcome.err:
        first = lines[-1]
    return f"{case_id}: {'; '.join(found)} [exit {outcome.code}, {outcome.elapsed:.1f} s]\n  stderr: {first[:300]}"


def assert_refused(
    case_id: str, outcome: Outcome, built: Built, before: dict, out_dir: Path | None = None, slow: float | None = None
) -> None:
    found = symptoms(outcome, built, before, out_dir, slow)
    assert not found, describe(case_id, found, outcome)


def run_args(built: Built, out_dir: Path, *extra) -> list:
    args = ["run", built.scenario, "--out", out_dir, "--members", 1, "--seed", 0, "--workers", 1, *extra]
    if built.plan is not None:
        args += ["--plan", built.plan]
    return args


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_validate_refuses(case: Case, tmp_path, capsys):
    built = build(case, tmp_path / "case")
    before = snapshot(built)
    outcome = in_process(capsys, "validate", built.file)
    assert_refused(case.id, outcome, built, before, slow=SLOW_S)
    assert f"{built.file}: ok" not in outcome.out


@pytest.mark.parametrize("case", [c for c in CASES if c.run], ids=lambda c: c.id)
def test_run_refuses(case: Case, tmp_path):
    built = build(case, tmp_path / "case")
    before = snapshot(built)
    out_dir = tmp_path / "out"
    outcome = subprocess_cli(*run_args(built, out_dir))
    assert_refused(case.id, outcome, built, before, out_dir)


def test_the_bomb_is_353_bytes():
    assert len(BOMB.encode("utf-8")) == 353


@pytest.mark.parametrize("command", ["validate", "run"])
def test_alias_bomb_is_refused_fast(command, tmp_path):
    built = build(Case("alias-bomb", "plan", whole(BOMB)), tmp_path / "case")
    before = snapshot(built)
    out_dir = tmp_path / "out"
    args = ["validate", built.file] if command == "validate" else run_args(built, out_dir)
    outcome = subprocess_cli(*args, timeout=HANG_S)
    assert_refused(f"alias-bomb-{command}", outcome, built, before, out_dir if command == "run" else None)
    assert outcome.elapsed < BOMB_SUBPROCESS_S, f"alias bomb refused in {outcome.elapsed:.1f} s"


def test_alias_bomb_refusal_itself_is_fast(tmp_path, capsys):
    built = build(Case("alias-bomb", "plan", whole(BOMB)), tmp_path / "case")
    in_process(capsys, "validate", built.scenario)  # the imports, once
    outcome = in_process(capsys, "validate", built.file)
    assert outcome.code == 2, outcome.err
    assert outcome.elapsed < BOMB_S, f"alias bomb refused in {outcome.elapsed:.2f} s"


OPTIONS = [
    pytest.param(["--members", "10000000"], id="members-1e7"),
    pytest.param(["--members", "0"], id="members-0"),
    pytest.param(["--workers", "0"], id="workers-0"),
    pytest.param(["--workers", "-1"], id="workers-minus-1"),
    pytest.param(["--seed", "-1"], id="seed-minus-1"),
]


@pytest.mark.parametrize("options", OPTIONS)
def test_run_refuses_bad_option(options, tmp_path, request):
    built = build(Case("options", "scenario", lambda text, folder: text), tmp_path / "case")
    before = snapshot(built)
    out_dir = tmp_path / "out"
    args = [
        "run",
        built.scenario,
        "--out",
        out_dir,
        "--members",
        "1",
        "--seed",
        "0",
        *options,
    ]  # the last of a repeated option wins
    outcome = subprocess_cli(*args)
    found = [s for s in symptoms(outcome, built, before, out_dir) if not s.startswith("stderr lines")]
    option = options[0]
    if outcome.code == 2 and not all(
        line.startswith("error: ") and option in line for line in outcome.err.splitlines() or [""]
    ):
        found.append(f"stderr not one 'error: … {option} …' line")
    assert not found, describe(request.node.callspec.id, found, outcome)


@pytest.mark.parametrize("case", CONTROLS, ids=lambda c: c.id)
def test_controls_are_accepted(case: Case, tmp_path, capsys):
    built = build(case, tmp_path / "case")
    outcome = in_process(capsys, "validate", built.file)
    assert outcome.code == 0, outcome.err


def test_the_boundaries_and_rations_written_here_are_good(tmp_path):
    """The spoilt boundaries and ration files are copies of good ones: they are refused for the spoiling."""
    from sim.delta.boundaries import read_boundaries
    from sim.needs import read_rations
    from tests.hostile.cases import geojson, rations_csv

    geojson()(tmp_path / "b.geojson")
    pcodes = [f["properties"][PCODE_FIELD] for f in cercle_features()]
    assert set(read_boundaries(tmp_path / "b.geojson", pcodes)) == set(pcodes)
    rations_csv()(tmp_path / "r.csv")
    assert read_rations(tmp_path / "r.csv")


# --- unit equivalence -------------------------------------------------------------------------


def in_other_units(text: str) -> str:
    """The baseline plan with every quantity in another unit of its dimension (USD, kit and
    net have none), and the fleet's and warehouses' defaults written out in other units."""

    def must(pattern: str, replace, text: str) -> str:
        new, n = re.subn(pattern, replace, text)
        assert n, f"{pattern!r} is not in the baseline plan any more"
        return new

    text = must(r"(?m)^name: baseline$", "name: baseline-other-units", text)
    text = must(
        r"(?m)^(    capacity: )(\d+) m\*\*3$",
        lambda m: f"{m[1]}{int(m[2]) * 1000} L\n    storage_cost: 0.003 USD/L/month",
        text,
    )
    text = must(r"cereal: (\d+) kg", lambda m: f"cereal: {int(m[1]) / 1000:g} t", text)
    text = must(r"(\d+) day\b", lambda m: f"{int(m[1]) * 24} h", text)
    text = must(r"250 household/day", "1750 household/week", text)
    trucks, boats = text.split("  boats:\n")
    trucks = must(
        r"(?m)^(      count: \d+)$",
        r"\1\n      payload: 30000 kg\n      volume: 85000 L\n      speed: 40000 m/h\n      cost_per_tonne_km: 0.00015 USD/kg/km",
        trucks,
    )
    boats = must(
        r"(?m)^(      count: \d+)$",
        r"\1\n      payload: 30000 kg\n      volume: 90000 L\n      speed: 160000 m/day\n      min_stage: 3 m\n      cost_per_tonne_km: 0.00008 USD/kg/km",
        boats,
    )
    return trucks + "  boats:\n" + boats


def flatten(node, prefix: str = "") -> dict[str, float]:
    if isinstance(node, dict):
        return {
            k: v
            for key, value in node.items()
            for k, v in flatten(value, f"{prefix}.{key}" if prefix else str(key)).items()
        }
    if isinstance(node, list):
        return {k: v for i, value in enumerate(node) for k, v in flatten(value, f"{prefix}[{i}]").items()}
    return {prefix: node}


def same(a, b) -> bool:
    """Equal, numbers within float noise (a litre is 0.001 m³ only to 1e-16)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return b == pytest.approx(a, rel=1e-6, abs=1e-9)
    return a == b


def test_a_plan_in_other_units_plays_the_same(tmp_path):
    text = BASELINE.read_text(encoding="utf-8")
    other = tmp_path / "baseline-other-units.yaml"
    other.write_text(in_other_units(text), encoding="utf-8")
    assert "100 t" in other.read_text(encoding="utf-8")
    out_dir = tmp_path / "out"
    # one run, two plans: the same needs and random streams for both (the paired comparison)
    outcome = subprocess_cli(
        "run", SCENARIO, "--plan", BASELINE, "--plan", other, "--members", 1, "--seed", 0, "--out", out_dir, timeout=600
    )
    assert outcome.code == 0, outcome.err
    plans = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))["plans"]
    original, rewritten = plans["baseline"], plans["baseline-other-units"]
    for part in ("kpis", "by_cercle", "probability_all_demand_met"):
        a, b = flatten(original[part]), flatten(rewritten[part])
        assert a.keys() == b.keys()
        differ = {k: (a[k], b[k]) for k in a if not same(a[k], b[k])}
        assert not differ, f"{part} change with the units (original, other units): {differ}"
