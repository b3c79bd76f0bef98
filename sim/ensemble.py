"""Ensemble members spread over local processes or an existing Dask cluster.

Members are independent: each is hazards → impact → needs (→ plans) for its own seed
streams (:mod:`sim.seeds`). They run in local processes by default, or on a Dask distributed
cluster given its scheduler address; either way the results are gathered in member order,
so the same seed gives the same ``summary.json`` byte for byte.

No home-made cluster code: Dask's client does the scheduling.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import xarray as xr


class SchedulerError(ValueError):
    """The Dask scheduler cannot be reached; one line with its address."""


def run_member(scenario_text: str, base: str | None, seed: int, member: int, members: int, plan_texts: list[str]) -> xr.Dataset:
    """One member from the scenario's and plans' YAML text (picklable arguments only)."""
    from hazards.catalog import layer_kinds
    from sim.run import run_members
    from sim.scenario import parse_text, validation_context

    scenario = parse_text(scenario_text, "scenario.yaml", expect="scenario", context=validation_context(layers=layer_kinds()))
    plans = [parse_text(text, "plan.yaml", expect="plan") for text in plan_texts]
    return run_members(scenario, [member], members, seed, Path(base) if base else None, plans=plans or None)


def run_ensemble(
    scenario_text: str,
    base: str | None,
    members: int,
    seed: int,
    plan_texts: list[str] = (),
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[xr.Dataset]:
    """Every member's results, in member order.

    Parameters
    ----------
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler; local processes when absent.
    workers : int, optional
        Local processes (default: the number of CPUs, at most ``members``).
    """
    arguments = [(scenario_text, base, seed, m, members, list(plan_texts)) for m in range(members)]
    results: dict[int, xr.Dataset] = {}
    if scheduler:
        try:
            from distributed import Client, as_completed as dask_completed
        except ImportError:
            raise SchedulerError("the Dask client is not installed: pip install -e '.[dist]'") from None
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler} ({str(err).splitlines()[0] if str(err) else type(err).__name__})") from None
        with client:
            futures = {client.submit(run_member, *args, key=f"member-{args[3]}-{seed}", pure=False): args[3] for args in arguments}
            for future in dask_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(len(results), members)
    elif members == 1 or (workers or os.cpu_count() or 1) <= 1:
        for args in arguments:
            results[args[3]] = run_member(*args)
            if progress:
                progress(len(results), members)
    else:
        count = min(workers or os.cpu_count() or 1, members)
        # spawn, not fork: a forked child of a process that has started numba's or BLAS's
        # threads can crash or deadlock
        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(run_member, *args): args[3] for args in arguments}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(len(results), members)
    return [results[m] for m in range(members)]
