"""Ensembles through :func:`sim.ensemble.run_ensemble`: 1 against 2 local worker processes
(with the peak memory of the run), 1 against 2 workers of a local Dask cluster, and the app's
run of two plans on a warm :class:`sim.ensemble.LocalPool` against processes started per run.

flood-2022 with the baseline plan on a coarse copy of the scenario (:data:`RESOLUTION`, the
text of the scenario with its resolution replaced) so that 200 members fit in minutes on two
cores; the cost of one member on the default grid is in :mod:`benchmarks.bench_member`.

Memory: the resident set of this process and all its children (worker processes included),
summed and sampled every :data:`SAMPLE_S` seconds with psutil; without psutil, the largest
resident set of this process and of any one child (``resource.getrusage``), which is a lower
bound of the sum.

With ``workers=1`` :func:`run_ensemble` runs the members in this process, warmed by one
member first; with 2, it starts two spawned processes, each loading the delta and its caches
from the disk, inside the timed run (as a user meets it). The Dask workers are warmed by one
member each before both timed runs.

:func:`app` is issue 11's case: 10 members of flood-2022 on its own grid, baseline against
early-action, on 2 workers, from the click (the call) to the results (the members gathered,
combined and summarised, and the files written as the app writes them), with the time to the
first progress update; the aim is under :data:`APP_AIM_S`, the first update within
:data:`FIRST_AIM_S`. Run it with ``python -m benchmarks.bench_ensemble app`` (``local`` and
``dask`` name the others; all three by default).

Each line also gives the cores the run used (its CPU time over its wall time, workers
included): the machine is shared, and a speed-up below 2 with 2 workers that used about one
core says the other core was busy elsewhere, not that the members did not spread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from sim.ensemble import LocalPool, run_ensemble, run_member
from sim.results import summarize, write_outputs
from sim.run import combine_members, scenario_delta
from sim.scenario import parse_text

ROOT = Path(__file__).resolve().parents[1]
RESOLUTION = 0.05
"""Grid of the ensembles [degree]."""
LOCAL_MEMBERS = 200
DASK_MEMBERS = 40
DASK_ROUNDS = 2
SAMPLE_S = 0.1
SEED = 1
MiB = 1024 * 1024
APP_MEMBERS = 10
APP_WORKERS = 2
APP_ROUNDS = 2
APP_AIM_S = 20.0
"""Issue 11's aim from the click to the results of a 10-member comparison of two plans [s]."""
FIRST_AIM_S = 2.0
"""Issue 11's aim from the click to the first progress update [s]."""


def coarse_scenario() -> str:
    """flood-2022's text at :data:`RESOLUTION`."""
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    coarse = text.replace("resolution: 0.01 degree", f"resolution: {RESOLUTION} degree")
    if coarse == text:
        raise SystemExit(
            "ensemble benchmark: flood-2022.yaml no longer says 'resolution: 0.01 degree'; update benchmarks/bench_ensemble.py"
        )
    return coarse


def baseline_plan() -> str:
    return (ROOT / "scenarios" / "plans" / "baseline.yaml").read_text(encoding="utf-8")


def cpu_seconds() -> float:
    """CPU time [s] used so far by this process, its ended children and (with psutil) its live ones.

    The CPU time a run used over its wall time is the number of cores it got: on a machine
    shared with other work, a speed-up below 2 with 2 workers shows whether the workers were
    starved or the work did not spread.
    """
    times = os.times()
    total = times.user + times.system + times.children_user + times.children_system
    try:
        import psutil
    except ImportError:
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            cpu = child.cpu_times()
            total += cpu.user + cpu.system
        except Exception:  # ended between listing and reading
            pass
    return total


class PeakMemory:
    """Largest resident set of this process plus its children while the block runs [byte]."""

    def __init__(self) -> None:
        self.peak = 0
        self.start = 0
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:
            self._process = None
        else:
            self._process = psutil.Process()

    @property
    def sampled(self) -> bool:
        return self._process is not None

    def _total(self) -> int:
        total = 0
        for process in [self._process, *self._process.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except Exception:  # a child that ended between listing and reading
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._stop.wait(SAMPLE_S)

    def __enter__(self) -> PeakMemory:
        if self.sampled:
            self.start = self._total()
            self.peak = self.start
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.sampled:
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, self._total())
        else:
            self.peak = (
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            ) * 1024


class _Progress:
    """Notes when the first member came back (nothing printed: ``make bench`` prints results only)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.start = time.perf_counter()
        self.first: float | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.start


def local(members: int = LOCAL_MEMBERS) -> None:
    """``members`` members on 1 and on 2 local worker processes, with peak memory."""
    scenario, plan = coarse_scenario(), [baseline_plan()]
    run_ensemble(scenario, str(ROOT / "scenarios"), 1, SEED, plan, workers=1)  # this process's caches warm
    timings, memory, cores, first = {}, {}, {}, {}
    load = os.getloadavg()[0]
    for workers in (1, 2):
        with PeakMemory() as peak:
            start, cpu = time.perf_counter(), cpu_seconds()
            progress = _Progress(f"{workers} local worker(s)")
            results = run_ensemble(
                scenario, str(ROOT / "scenarios"), members, SEED, plan, workers=workers, progress=progress
            )
            timings[workers] = time.perf_counter() - start
        first[workers] = progress.first
        cores[workers] = (cpu_seconds() - cpu) / timings[workers]
        memory[workers] = peak
        del results
    how = (
        "sum over this process and its workers, sampled every 0.1 s"
        if memory[2].sampled
        else "getrusage: this process plus its largest child, a lower bound (psutil missing)"
    )
    print(
        f"{members} members of flood-2022 + baseline on a {RESOLUTION}° grid, local processes: 1 worker (this process) {timings[1]:.0f} s "
        f"({timings[1] / members:.2f} s a member), 2 worker processes {timings[2]:.0f} s (starting them included), speed-up {timings[1] / timings[2]:.2f}× "
        f"(first member back after {first[1]:.1f} and {first[2]:.1f} s; cores used: {cores[1]:.2f} and {cores[2]:.2f}; load average {load:.1f} → {os.getloadavg()[0]:.1f})"
    )
    print(
        f"peak memory of the {members}-member ensemble ({how}): 1 worker {memory[1].peak / MiB:,.0f} MiB, "
        f"2 workers {memory[2].peak / MiB:,.0f} MiB; this process held {memory[1].start / MiB:,.0f} MiB before the first run "
        f"(the results of {members} members, kept in this process, are part of the peak)"
    )


def dask(members: int = DASK_MEMBERS, rounds: int = DASK_ROUNDS) -> None:
    """``members`` members on a local Dask cluster of 1 and of 2 single-threaded worker processes.

    Both clusters stay up side by side and the runs alternate (1, 2, 1, 2, ...); the best
    round of each counts, so that a burst of load from elsewhere on the machine does not
    land on one side only.
    """
    os.environ["DASK_LOGGING__DISTRIBUTED"] = "error"  # no log lines in make bench's output, here or in the workers
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        print("Dask: distributed is not installed (pip install -e '.[dist]'); skipped")
        return
    dask.config.set({"logging.distributed": "error"})
    logging.getLogger("distributed").setLevel(logging.ERROR)
    scenario, plan, base = coarse_scenario(), [baseline_plan()], str(ROOT / "scenarios")
    timings: dict[int, list[float]] = {1: [], 2: []}
    cores: dict[int, list[float]] = {1: [], 2: []}
    load = os.getloadavg()[0]
    with contextlib.ExitStack() as stack:
        clusters = {}
        for workers in (1, 2):
            clusters[workers] = stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                    silence_logs=logging.ERROR,
                )
            )
            with Client(clusters[workers]) as client:  # one member on every worker first: all runs start warm
                client.run(run_member, scenario, base, SEED + 1, 0, 1, plan)
        for round_ in range(rounds):
            for workers, cluster in clusters.items():
                start, cpu = time.perf_counter(), cpu_seconds()
                run_ensemble(
                    scenario,
                    base,
                    members,
                    SEED,
                    plan,
                    scheduler=cluster.scheduler_address,
                    progress=_Progress(f"Dask round {round_ + 1}, {workers} worker(s)"),
                )
                timings[workers].append(time.perf_counter() - start)
                cores[workers].append((cpu_seconds() - cpu) / timings[workers][-1])
    best = {workers: min(times) for workers, times in timings.items()}
    print(
        f"{members} members of flood-2022 + baseline on a {RESOLUTION}° grid, local Dask cluster (127.0.0.1, one thread a worker), "
        f"best of {rounds} alternating rounds: 1 worker {best[1]:.1f} s, 2 workers {best[2]:.1f} s, speed-up {best[1] / best[2]:.2f}× "
        f"(all rounds: 1 worker {', '.join(f'{t:.0f}' for t in timings[1])} s; 2 workers {', '.join(f'{t:.0f}' for t in timings[2])} s; "
        f"cores used: 1 worker {', '.join(f'{c:.2f}' for c in cores[1])}, 2 workers {', '.join(f'{c:.2f}' for c in cores[2])}; "
        f"load average {load:.1f} → {os.getloadavg()[0]:.1f})"
    )


def app(members: int = APP_MEMBERS, workers: int = APP_WORKERS, rounds: int = APP_ROUNDS) -> None:
    """The app's comparison of baseline and early-action on flood-2022 (its own grid):
    processes started for each run (as before issue 11) against a warm :class:`LocalPool`
    (created, warmed in the background, then used); the best of ``rounds`` runs each,
    alternating."""
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    plans = [
        (ROOT / "scenarios" / "plans" / f"{name}.yaml").read_text(encoding="utf-8")
        for name in ("baseline", "early-action")
    ]
    base = str(ROOT / "scenarios")
    delta = scenario_delta(parse_text(text, "flood-2022.yaml", expect="scenario"), ROOT / "scenarios")
    load = os.getloadavg()[0]

    def click(**how) -> tuple[float, float, float]:
        """(click to results, click to first update, of which gathering the members) [s]."""
        progress = _Progress(f"app, {'warm pool' if 'pool' in how else 'processes per run'}")
        start = time.perf_counter()
        parts = run_ensemble(text, base, members, SEED, plans, progress=progress, **how)
        gathered = time.perf_counter() - start
        result = combine_members(parts)
        with tempfile.TemporaryDirectory() as folder:
            write_outputs(result, summarize(result, delta), folder)
        return time.perf_counter() - start, progress.first, gathered

    pool = LocalPool(workers)
    try:
        start = time.perf_counter()
        pool.warm()
        returned = time.perf_counter() - start
        while not pool.ready():
            time.sleep(0.05)
        warmed = time.perf_counter() - start
        runs: dict[str, list[tuple[float, float, float]]] = {"fresh": [], "pool": []}
        for _ in range(rounds):
            runs["fresh"].append(click(workers=workers))
            runs["pool"].append(click(pool=pool))
    finally:
        pool.shutdown()
    best = {how: min(times) for how, times in runs.items()}
    verdict = "under" if best["pool"][0] < APP_AIM_S and best["pool"][1] < FIRST_AIM_S else "over"
    print(
        f"the app's run of {members} members of flood-2022 (its own grid), baseline against early-action, on {workers} workers, click to results "
        f"(best of {rounds}): processes started per run {best['fresh'][0]:.1f} s (first update after {best['fresh'][1]:.1f} s), "
        f"warm pool {best['pool'][0]:.1f} s (first update after {best['pool'][1]:.1f} s; members gathered in {best['pool'][2]:.1f} s), "
        f"{best['fresh'][0] / best['pool'][0]:.1f}× faster ({verdict} issue 11's aims of {APP_AIM_S:g} s and {FIRST_AIM_S:g} s); "
        f"the pool's warm() returned in {returned * 1000:.0f} ms and its workers were warm after {warmed:.1f} s "
        f"(all runs, s: per run {', '.join(f'{r[0]:.1f}' for r in runs['fresh'])}; pool {', '.join(f'{r[0]:.1f}' for r in runs['pool'])}; "
        f"load average {load:.1f} → {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    # python -m benchmarks.bench_ensemble [local] [dask] [app]
    for name in sys.argv[1:] or ["local", "dask", "app"]:
        {"local": local, "dask": dask, "app": app}[name]()
