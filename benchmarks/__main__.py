"""``make bench`` (``python -m benchmarks [name ...]``): ratios against peers and references,
each measured in the same run on this machine, so that they hold on a noisy shared machine
where absolute times do not.

Benchmarks, in the order they run (all by default; name some to run only those):

* ``spi``: SPI on a whole grid against the climate-indices package cell by cell;
* ``impact``: the impact step against a plain per-cell Python loop (checked to agree first),
  and CLIMADA's ImpactCalc when ``make bench-climada`` has built its venv (``climada``
  runs only that part);
* ``events``: the SimPy plan model's events per second against raw SimPy;
* ``dask``: members on a local Dask cluster of 1 and of 2 workers;
* ``local``: 200 members on 1 and 2 local worker processes, and the run's peak memory;
* ``member``: one member of flood-2022 with the baseline plan end to end, stage by stage;
* ``delta``: the built-in delta generated against read from its disk cache;
* ``hazards``: the hazard pipeline's throughput in cell-days per second;
* ``propose``: the stock programme of issue 16 (HiGHS) on flood-2022's problem at 10 and 40
  members (dual simplex against interior point at 10), beside the SimPy replay's time;
* ``triggers``: issue 17's record of synthetic seasons on 2 local processes and on a Dask
  cluster of 2 workers, and whether both give the same scorecards;
* ``app``: the plan page's 10-member comparison through the app's warm worker pool, against
  worker processes started for each run (no browser);
* ``browser``: the app in a real browser on ``make run``: the hazards page's first draw, a
  move of the day slider and the 10-member comparison from click to cards (issue 11's aims).

The whole run takes about 25 minutes on two cores, ``propose`` about 3 of them and ``triggers`` about 10.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time


def delta_cache() -> None:
    from benchmarks.timing import best_of
    from sim.delta import domain

    previous = os.environ.get("SIM_CACHE_DIR")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["SIM_CACHE_DIR"] = cache
        try:
            build = best_of(lambda: domain.build_delta(use_disk_cache=False))[0]
            domain.build_delta(use_disk_cache=True)
            cached = best_of(lambda: domain.build_delta(use_disk_cache=True))[0]
        finally:
            if previous is None:
                os.environ.pop("SIM_CACHE_DIR", None)
            else:
                os.environ["SIM_CACHE_DIR"] = previous
    print(
        f"built-in delta, 0.01° (370×370): generate {build:.3f} s, from disk cache {cached:.3f} s, ratio {build / cached:.1f}×"
    )


def _benchmarks() -> dict:
    from benchmarks import (
        bench_app,
        bench_ensemble,
        bench_hazards,
        bench_impact,
        bench_member,
        bench_plans,
        bench_propose,
        bench_spi,
        bench_triggers,
    )

    return {
        "spi": bench_spi.main,
        "impact": bench_impact.main,
        "climada": bench_impact.climada,
        "events": bench_plans.main,
        "dask": bench_ensemble.dask,
        "local": bench_ensemble.local,
        "member": bench_member.main,
        "delta": delta_cache,
        "hazards": bench_hazards.main,
        "propose": bench_propose.main,
        "triggers": bench_triggers.main,
        "app": bench_ensemble.app,
        "browser": bench_app.main,
    }


DEFAULT = ("spi", "impact", "events", "dask", "local", "member", "delta", "hazards", "propose", "app", "browser")


def main(argv: list[str]) -> int:
    known = _benchmarks()
    wanted = argv or list(DEFAULT)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        print(f"benchmarks: unknown {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, load average {load:.1f} at the start; ratios are within this run"
    )
    start = time.perf_counter()
    for name in wanted:
        began = time.perf_counter()
        known[name]()
        sys.stdout.flush()
        print(f"  [{name}: {time.perf_counter() - began:.0f} s]", file=sys.stderr, flush=True)
    print(f"# {len(wanted)} benchmark(s) in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
