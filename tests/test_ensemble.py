"""sim.ensemble: members on local processes and on a real Dask scheduler and worker on 127.0.0.1."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import sim_cli as cli

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


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
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", "127.0.0.1:0"], cwd=ROOT, env=env, stdout=(logs / "scheduler.log").open("w"), stderr=subprocess.STDOUT)
    worker = subprocess.Popen([dask, "worker", address, "--host", "127.0.0.1", "--nworkers", "2", "--nthreads", "1", "--dashboard-address", "127.0.0.1:0"], cwd=ROOT, env=env, stdout=(logs / "worker.log").open("w"), stderr=subprocess.STDOUT)
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
    path.write_text((ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8").replace("resolution: 0.01 degree", "resolution: 0.05 degree"), encoding="utf-8")
    return path


def test_dask_gives_the_same_summary_as_local_processes(dask_cluster, scenario, tmp_path):
    plans = ["--plan", ROOT / "scenarios" / "plans" / "baseline.yaml", "--plan", ROOT / "scenarios" / "plans" / "early-action.yaml"]
    local = cli("run", scenario, "--members", "3", "--seed", "11", "--out", tmp_path / "local", *plans)
    assert local.returncode == 0, local.stderr
    remote = cli("run", scenario, "--members", "3", "--seed", "11", "--out", tmp_path / "dask", "--scheduler", dask_cluster, *plans)
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
