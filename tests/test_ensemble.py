"""sim.ensemble: members on local processes and on a real Dask scheduler and worker on 127.0.0.1."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr

from sim.ensemble import LocalPool, run_ensemble, warm_up_runs
from sim.results import summarize, write_outputs
from sim.run import combine_members, scenario_delta
from sim.scenario import parse_text
from tests.conftest import sim_cli as cli

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PLANS = [
    (ROOT / "scenarios" / "plans" / name).read_text(encoding="utf-8") for name in ("baseline.yaml", "early-action.yaml")
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """`dask scheduler` and one `dask worker`, both bound to 127.0.0.1 (dashboards on a free local port)."""
    dask = shutil.which("dask", path=str(BIN)) or shutil.which("dask")
    assert dask, "the dask command comes with the project's 'dist' extra"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask")
    env = dict(os.environ, SIM_CACHE_DIR=str(logs / "cache"))
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", "127.0.0.1:0"],
        cwd=ROOT,
        env=env,
        stdout=(logs / "scheduler.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            dask,
            "worker",
            address,
            "--host",
            "127.0.0.1",
            "--nworkers",
            "2",
            "--nthreads",
            "1",
            "--dashboard-address",
            "127.0.0.1:0",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    if len(client.scheduler_info()["workers"]) >= 2:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dask did not start: {(logs / 'worker.log').read_text()[-1500:]}")
            time.sleep(1)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("ensemble") / "flood.yaml"
    path.write_text(
        (ROOT / "scenarios" / "flood-2022.yaml")
        .read_text(encoding="utf-8")
        .replace("resolution: 0.01 degree", "resolution: 0.05 degree"),
        encoding="utf-8",
    )
    return path


def test_dask_gives_the_same_summary_as_local_processes(dask_cluster, scenario, tmp_path):
    plans = [
        "--plan",
        ROOT / "scenarios" / "plans" / "baseline.yaml",
        "--plan",
        ROOT / "scenarios" / "plans" / "early-action.yaml",
    ]
    local = cli("run", scenario, "--members", "3", "--seed", "11", "--out", tmp_path / "local", *plans)
    assert local.returncode == 0, local.stderr
    remote = cli(
        "run",
        scenario,
        "--members",
        "3",
        "--seed",
        "11",
        "--out",
        tmp_path / "dask",
        "--scheduler",
        dask_cluster,
        *plans,
    )
    assert remote.returncode == 0, remote.stderr
    assert (tmp_path / "local" / "summary.json").read_bytes() == (tmp_path / "dask" / "summary.json").read_bytes()
    single = cli("run", scenario, "--members", "3", "--seed", "11", "--out", tmp_path / "one", "--workers", "1", *plans)
    assert single.returncode == 0, single.stderr
    assert (tmp_path / "one" / "summary.json").read_bytes() == (tmp_path / "local" / "summary.json").read_bytes()


def test_an_unreachable_scheduler_exits_2_and_writes_nothing(scenario, tmp_path):
    result = cli("run", scenario, "--scheduler", f"tcp://127.0.0.1:{_free_port()}", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def _summary_bytes(scenario_text: str, parts, folder: Path) -> bytes:
    """summary.json of the members as the CLI and the app write it."""
    write_outputs(
        combine_members(parts),
        summarize(
            combine_members(parts),
            scenario_delta(parse_text(scenario_text, "s.yaml", expect="scenario"), ROOT / "scenarios"),
        ),
        folder,
    )
    return (folder / "summary.json").read_bytes()


@pytest.fixture(scope="module")
def pool():
    """Two warm workers, warmed on a member of the coarse scenario (not the shipped ones: quicker)."""
    coarse = (
        (ROOT / "scenarios" / "flood-2022.yaml")
        .read_text(encoding="utf-8")
        .replace("resolution: 0.01 degree", "resolution: 0.05 degree")
    )
    pool = LocalPool(2, warm_runs=[(coarse, str(ROOT / "scenarios"), 0, 0, 1, PLANS[:1])])
    yield pool
    pool.shutdown()


def test_a_warm_pool_gives_the_same_summary_as_one_process_with_progress_per_member(scenario, pool, tmp_path):
    text = scenario.read_text(encoding="utf-8")
    started = time.monotonic()
    pool.warm()
    assert time.monotonic() - started < 5  # warming runs in the background
    deadline = time.monotonic() + 180
    while not pool.ready():
        assert time.monotonic() < deadline, "the pool did not warm up"
        time.sleep(0.2)
    seen = []
    pooled = run_ensemble(
        text, str(ROOT / "scenarios"), 4, 11, PLANS, pool=pool, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [int(p["member"][0]) for p in pooled] == [0, 1, 2, 3]
    alone = run_ensemble(text, str(ROOT / "scenarios"), 4, 11, PLANS, workers=1)
    assert _summary_bytes(text, pooled, tmp_path / "pool") == _summary_bytes(text, alone, tmp_path / "alone")
    # a second run on the same (now warm) workers gives the same again
    again = run_ensemble(text, str(ROOT / "scenarios"), 4, 11, PLANS, pool=pool)
    assert _summary_bytes(text, again, tmp_path / "again") == _summary_bytes(text, alone, tmp_path / "alone2")


def test_a_pool_says_which_members_are_being_computed_before_the_first_is_back(scenario, pool):
    """``running`` reports members taken up by the workers (never more than the two workers)
    before the first member comes back, so a progress bar moves from the start; it ends at 0."""
    text = scenario.read_text(encoding="utf-8")
    events = []
    run_ensemble(
        text,
        str(ROOT / "scenarios"),
        4,
        3,
        PLANS,
        pool=pool,
        progress=lambda done, total: events.append(("done", done)),
        running=lambda busy, total: events.append(("running", busy)),
    )
    first_done = events.index(("done", 1))
    assert any(kind == "running" and busy >= 1 for kind, busy in events[:first_done])
    assert all(busy <= 2 for kind, busy in events if kind == "running")
    assert events[-1] == ("running", 0) or events[-1] == ("done", 4)


def test_a_stopped_run_frees_the_pool(scenario, pool):
    text = scenario.read_text(encoding="utf-8")

    def stop(done, total):
        raise KeyboardInterrupt  # as the app's script is stopped when the user clicks again

    with pytest.raises(KeyboardInterrupt):
        run_ensemble(text, str(ROOT / "scenarios"), 12, 3, PLANS[:1], pool=pool, progress=stop)
    started = time.monotonic()
    run_ensemble(text, str(ROOT / "scenarios"), 1, 3, PLANS[:1], pool=pool)
    assert time.monotonic() - started < 60  # the cancelled members did not all run first


def test_warm_up_runs_every_shipped_scenario_with_a_plan():
    runs = warm_up_runs()
    assert len(runs) == len(list((ROOT / "scenarios").glob("*.yaml"))) >= 1
    for scenario_text, _base, seed, member, members, plans in runs:
        assert parse_text(scenario_text, "s.yaml", expect="scenario") and len(plans) == 1
        assert (seed, member, members) == (0, 0, 1)


def test_a_pool_whose_worker_died_starts_again(scenario):
    text = scenario.read_text(encoding="utf-8")
    pool = LocalPool(1, warm_runs=[])
    try:
        os.kill(pool.submit(os.getpid).result(timeout=120), signal.SIGKILL)
        time.sleep(0.5)
        parts = run_ensemble(text, str(ROOT / "scenarios"), 2, 5, PLANS[:1], pool=pool)
        alone = run_ensemble(text, str(ROOT / "scenarios"), 2, 5, PLANS[:1], workers=1)
        for a, b in zip(parts, alone):
            xr.testing.assert_identical(a, b)
    finally:
        pool.shutdown()


def test_a_pools_workers_end_when_the_app_is_killed(tmp_path):
    """A warm worker holds most of a GB: killed without shutting its pool down, the parent
    leaves no worker behind (each watches its parent and ends with it)."""
    import subprocess
    import sys

    script = tmp_path / "parent.py"
    script.write_text(
        "import os, time\n"
        "from sim.ensemble import LocalPool\n"
        "if __name__ == '__main__':\n"
        "    pool = LocalPool(2, warm_runs=[]); pool.warm(); time.sleep(3)\n"
        "    print(' '.join(str(p.pid) for p in pool._executor._processes.values()), flush=True)\n"
        "    os._exit(0)\n",
        encoding="utf-8",
    )
    parent = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    workers = [int(p) for p in parent.stdout.split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 30
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.5)
        alive = [
            pid
            for pid in workers
            if Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
        ]
    assert alive == []
