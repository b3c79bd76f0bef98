"""Issue 17's record: the early-action plan's triggers scored on synthetic seasons of flood-2022 at
0.05°, on 2 local processes and on a local Dask cluster of 2 single-threaded workers, with the
ratio of the two times and a check that both give the same scorecards.

Notes
-----
The issue asks for 500 seasons in about 10 minutes on 2 cores; ``SEASONS`` is 200 here to keep
``make bench`` within half an hour (the time per season is printed, and the CLI measurement
of 500 seasons is in the README).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from pathlib import Path

from sim.scenario import load_file, parse_text
from sim.triggers.run import score_triggers

ROOT = Path(__file__).resolve().parents[1]
SEASONS = 200
"""Seasons in each measured record [-]."""

SEED = 1


def _inputs():
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    scenario = parse_text(text.replace("resolution: 0.01 degree", "resolution: 0.05 degree"), "flood.yaml")
    return scenario, load_file(ROOT / "scenarios" / "plans" / "early-action.yaml", expect="plan")


def main(seasons: int = SEASONS) -> None:
    os.environ["DASK_LOGGING__DISTRIBUTED"] = "error"  # no log lines in make bench's output
    from distributed import LocalCluster  # the 'dist' extra, installed by make

    logging.getLogger("distributed").setLevel(logging.ERROR)
    scenario, plan = _inputs()
    base = ROOT / "scenarios"
    began = time.perf_counter()
    local = score_triggers(scenario, plan, seasons, SEED, base=base, workers=2).data
    local_s = time.perf_counter() - began
    with contextlib.ExitStack() as stack:
        cluster = stack.enter_context(
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
        )
        began = time.perf_counter()
        remote = score_triggers(scenario, plan, seasons, SEED, base=base, scheduler=cluster.scheduler_address).data
        dask_s = time.perf_counter() - began
    same = json.dumps(local, sort_keys=True) == json.dumps(remote, sort_keys=True)
    print(
        f"trigger record, {seasons} seasons of flood-2022 at 0.05°, early-action ({len(plan.triggers)} triggers): "
        f"2 local processes {local_s:.0f} s ({local_s / seasons:.2f} s a season, 500 seasons ≈ {500 * local_s / seasons / 60:.0f} min), "
        f"Dask 2 workers {dask_s:.0f} s; Dask / local {dask_s / local_s:.2f}; same scorecards: {'yes' if same else 'NO'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
