"""Ensemble members spread over local processes or an existing Dask cluster.

Members are independent: each is hazards → impact → needs (→ plans) for its own seed
streams (:mod:`sim.core.seeds`). They run in local processes by default, or on a Dask distributed
cluster given its scheduler address; either way the results are gathered in member order,
so the same seed gives the same ``summary.json`` byte for byte.

A one-off caller (the CLI) starts its worker processes for the run and stops them after. A
long-lived one (the app) keeps a :class:`LocalPool` instead: its processes start once, are
warmed in the background (imports, the delta from the disk cache, the compiled kernels, a
member of each shipped scenario) and serve every later run — :func:`warm_pool` at page load,
then ``run_ensemble(..., pool=shared_pool())``.

No home-made cluster code: Dask's client does the scheduling.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path

import xarray as xr

from hazards.catalog import layer_kinds
from sim.core.errors import BadInputError
from sim.run import run_members
from sim.scenario import parse_text, validation_context

ROOT = Path(__file__).resolve().parents[1]

WARM_SCENARIOS = ROOT / "scenarios"
"""Folder whose scenarios (``*.yaml``) a pool's workers run one member of while warming, each
with the first plan of its ``plans`` folder: every delta, cache and compiled kernel a shipped
scenario needs is then loaded before the first real run."""

log = logging.getLogger(__name__)


class SchedulerError(BadInputError):
    """The Dask scheduler cannot be reached; one line with its address."""


def run_member(
    scenario_text: str, base: str | None, seed: int, member: int, members: int, plan_texts: list[str]
) -> xr.Dataset:
    """One member from the scenario's and plans' YAML text (picklable arguments only)."""

    scenario = _parsed(scenario_text, "scenario", tuple(sorted(layer_kinds().items())))
    plans = [_parsed(text, "plan", ()) for text in plan_texts]
    return run_members(scenario, [member], members, seed, Path(base) if base else None, plans=plans or None)


@lru_cache(maxsize=32)
def _parsed(text: str, kind: str, layers: tuple[tuple[str, str], ...]):
    """A scenario or plan checked once per process for the same text and catalog: the members
    of a run share it (the models are frozen), and a warm worker skips the YAML of later runs."""

    context = validation_context(layers=dict(layers)) if kind == "scenario" else None
    return parse_text(text, f"{kind}.yaml", expect=kind, context=context)


def warm_up_runs(folder: Path = WARM_SCENARIOS) -> list[tuple]:
    """:func:`run_member` arguments of the warm-up: member 0 of a one-member run (seed 0) of
    each scenario in ``folder`` with the first plan of ``folder / "plans"``."""
    plans = sorted((folder / "plans").glob("*.yaml"))
    plan_texts = [plans[0].read_text(encoding="utf-8")] if plans else []
    return [
        (path.read_text(encoding="utf-8"), str(folder), 0, 0, 1, plan_texts) for path in sorted(folder.glob("*.yaml"))
    ]


WORKER_NICENESS = 5
"""How much lower the pool's workers run than the process that started them (``os.nice``).
Notes: assumption; the app's server must stay responsive (pages, progress bars, other
sessions) while members are computed — the workers still take all the idle cores."""


PARENT_CHECK_S = 2.0
"""How often a pool's worker checks that the process that started it is still there [s]."""


def _exit_with_parent(parent: int) -> None:
    """End this worker when its parent is gone (killed, or stopped without shutting the pool
    down): a warm worker holds most of a GB, which must not outlive the app."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _warm_worker(runs: list[tuple], warmed, parent: int) -> None:
    """Initializer of a pool's worker process: watch ``parent`` (the pool's process, given by
    it: a parent killed while this worker was still importing would otherwise leave it
    watching the process it was handed to), lower its priority, play the warm-up ``runs``,
    then freeze what is loaded out of the garbage collector's way (it stays for the process's
    life), and count the worker in ``warmed``. Best effort: a run that fails is logged, not
    raised (the real run will report the problem)."""
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # a platform without priorities: run as is
        pass
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    try:
        for args in runs:
            try:
                run_member(*args)
            except Exception as err:  # a broken shipped scenario must not break the pool
                log.warning("warm-up run failed: %s", err)
        gc.collect()
        gc.freeze()
    finally:
        with warmed.get_lock():
            warmed.value += 1


def _ping() -> int:
    """A task that makes the pool start a worker; its process id."""
    return os.getpid()


class LocalPool:
    """Worker processes kept for many ensemble runs (spawned, not forked: a forked child of
    a process that has started numba's or BLAS's threads can crash or deadlock).

    Parameters
    ----------
    workers : int, optional
        Worker processes (default: the number of CPUs).
    warm_runs : list of tuple, optional
        :func:`run_member` arguments each worker plays when it starts (default
        :func:`warm_up_runs`); ``[]`` only starts the processes.

    Creating the pool starts nothing; :meth:`warm` starts every worker at once, in the
    background, and returns.
    """

    def __init__(self, workers: int | None = None, warm_runs: list[tuple] | None = None) -> None:
        self.workers = max(1, int(workers or os.cpu_count() or 1))
        self._runs = warm_up_runs() if warm_runs is None else list(warm_runs)
        self._context = multiprocessing.get_context("spawn")
        self._warmed = self._context.Value("i", 0)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._started = False
        self.closed = False

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self.closed:
                raise RuntimeError("the ensemble pool is shut down")
            if self._executor is None:
                with self._warmed.get_lock():
                    self._warmed.value = 0
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=self._context,
                    initializer=_warm_worker,
                    initargs=(self._runs, self._warmed, os.getpid()),
                )
                self._started = False
            return self._executor

    def warm(self) -> None:
        """Start every worker now (each warms itself up in its own process); returns at once."""
        executor = self._pool()
        with self._lock:
            if self._started:
                return
            self._started = True
        # one task per worker: with no worker idle yet, each submit starts a process
        for _ in range(self.workers):
            executor.submit(_ping)

    def warmed(self) -> int:
        """How many workers have finished warming up."""
        return self._warmed.value

    def ready(self) -> bool:
        """Whether every worker is warm."""
        return self._started and self.warmed() >= self.workers

    def submit(self, fn: Callable, *args) -> Future:
        """``fn(*args)`` on a worker."""
        self.warm()
        return self._pool().submit(fn, *args)

    def restart(self) -> None:
        """Replace broken worker processes by new ones (warming up again)."""
        with self._lock:
            old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
        self.warm()

    def run(
        self,
        fn: Callable,
        arguments: Sequence[tuple],
        progress: Callable[[int, int], None] | None = None,
        running: Callable[[int, int], None] | None = None,
    ) -> dict[int, object]:
        """``fn(*arguments[k])`` for each ``k``, by ``k``; ``progress(done, total)`` after each
        task, ``running(computing, total)`` when the workers take new ones. Tasks still waiting
        are cancelled if the caller stops (an exception, e.g. from ``progress``); if a worker
        dies, the pool is restarted and the tasks not yet back run once more (they are
        deterministic)."""
        results: dict[int, object] = {}
        tasks = dict(enumerate(arguments))
        try:
            _gather(self.submit, fn, tasks, progress, results, running=running, slots=self.workers)
        except BrokenProcessPool:
            log.warning(
                "a worker died; restarting the pool and running the %d tasks not yet back again",
                len(arguments) - len(results),
            )
            self.restart()
            _gather(
                self.submit,
                fn,
                {k: args for k, args in tasks.items() if k not in results},
                progress,
                results,
                total=len(arguments),
                running=running,
                slots=self.workers,
            )
        return results

    def shutdown(self, wait: bool = True, terminate: bool = False) -> None:
        """Stop the workers: members still waiting are cancelled; with ``terminate`` the
        worker processes are ended at once, in the middle of a warm-up or a member."""
        with self._lock:
            self.closed = True
            executor, self._executor = self._executor, None
        if executor is None:
            return
        # ProcessPoolExecutor has no public way to end its workers before Python 3.14
        processes = list((getattr(executor, "_processes", None) or {}).values()) if terminate else []
        executor.shutdown(wait=wait and not terminate, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes if wait else []:
            process.join(timeout=10)


_shared: LocalPool | None = None
_shared_lock = threading.Lock()


def shared_pool(workers: int | None = None) -> LocalPool:
    """This process's :class:`LocalPool`, created on the first call (``workers`` counts then
    only) and shut down when the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.closed:
            _shared = LocalPool(workers)
        return _shared


def warm_pool(workers: int | None = None) -> LocalPool:
    """Start warming this process's shared pool in the background and return it at once:
    call it when a page loads, so that the first run finds its workers ready."""
    pool = shared_pool(workers)
    pool.warm()
    return pool


def shutdown_pool() -> None:
    """End the shared pool's workers, if it was started, without waiting for a warm-up or a
    member in progress (run when the process exits)."""
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.shutdown(wait=True, terminate=True)


# At exit, concurrent.futures joins its pools before atexit handlers run, and a pool joins only
# once its workers have finished what they hold (a warm-up takes seconds): end them first, in
# the same hook concurrent.futures uses (hooks run last registered first); atexit otherwise.
getattr(threading, "_register_atexit", atexit.register)(shutdown_pool)


RUNNING_POLL_S = 0.2
"""How often a run looks which members the workers are computing [s] (for ``running``)."""


def _gather(
    submit: Callable[..., Future],
    fn: Callable,
    tasks: dict[int, tuple],
    progress: Callable[[int, int], None] | None,
    results: dict[int, object],
    total: int | None = None,
    running: Callable[[int, int], None] | None = None,
    slots: int = 1,
) -> dict[int, object]:
    """Each task's result ``fn(*tasks[k])`` into ``results[k]`` as it comes back, with
    ``progress(tasks back, total)`` after each, and ``running(tasks being computed, total)``
    when that count changes (at most ``slots``, the workers); the tasks not started yet are
    cancelled if this stops early."""
    total = len(tasks) if total is None else total
    futures = {submit(fn, *args): k for k, args in tasks.items()}
    pending = set(futures)
    busy = -1
    try:
        while pending:
            done, pending = wait(pending, timeout=RUNNING_POLL_S if running else None, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=futures.get):
                results[futures[future]] = future.result()
                if progress:
                    progress(len(results), total)
            if running:
                now = min(sum(f.running() for f in pending), slots)
                if now != busy:
                    busy = now
                    running(now, total)
    finally:
        for future in futures:
            future.cancel()
    return results


def _on_dask(
    fn: Callable,
    arguments: Sequence[tuple],
    scheduler: str,
    key: str,
    progress: Callable[[int, int], None] | None,
) -> dict[int, object]:
    """``fn(*arguments[k])`` for each ``k`` on the Dask cluster of ``scheduler``, by ``k``; the
    task keys are ``{key}-{k}``. :class:`SchedulerError` if the client is missing or the
    scheduler cannot be reached."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise SchedulerError("the Dask client is not installed: pip install -e '.[dist]'") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as err:
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {scheduler} ({str(err).splitlines()[0] if str(err) else type(err).__name__})"
        ) from None
    results: dict[int, object] = {}
    with client:
        futures = {client.submit(fn, *args, key=f"{key}-{k}", pure=False): k for k, args in enumerate(arguments)}
        for future in dask_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress(len(results), len(arguments))
    return results


def map_tasks(
    fn: Callable,
    arguments: Sequence[tuple],
    key: str,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    pool: LocalPool | None = None,
    running: Callable[[int, int], None] | None = None,
) -> list:
    """``fn(*args)`` for every tuple of ``arguments``, in their order, on this process, local
    processes, a warm ``pool`` or a Dask cluster: independent, deterministic tasks (ensemble
    members, seasons of a record) give the same results whatever runs them.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled to the workers), with picklable arguments.
    key : str
        Names the tasks on a Dask cluster (``{key}-{index}``); make it unique per run.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler; local processes when absent.
    workers : int, optional
        Local processes started for this call (default: the number of CPUs, at most one per
        task); 1 runs the tasks in this process. Ignored with ``pool``.
    progress : callable, optional
        ``progress(done, total)`` each time a task comes back.
    pool : LocalPool, optional
        Warm worker processes to run the tasks on (e.g. :func:`shared_pool`), instead of
        processes started for this call.
    running : callable, optional
        ``running(tasks being computed, total)`` when the workers take up tasks (with ``pool``
        only), so that a progress bar moves before the first task is back.
    """
    results: dict[int, object] = {}
    if scheduler:
        results = _on_dask(fn, arguments, scheduler, key, progress)
    elif pool is not None:
        results = pool.run(fn, arguments, progress, running)
    elif len(arguments) <= 1 or (workers or os.cpu_count() or 1) <= 1:
        for k, args in enumerate(arguments):
            results[k] = fn(*args)
            if progress:
                progress(len(results), len(arguments))
    else:
        count = min(workers or os.cpu_count() or 1, len(arguments))
        # spawn, not fork: a forked child of a process that has started numba's or BLAS's
        # threads can crash or deadlock
        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")) as executor:
            _gather(executor.submit, fn, dict(enumerate(arguments)), progress, results)
    return [results[k] for k in range(len(arguments))]


def run_ensemble(
    scenario_text: str,
    base: str | None,
    members: int,
    seed: int,
    plan_texts: list[str] = (),
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    pool: LocalPool | None = None,
    running: Callable[[int, int], None] | None = None,
) -> list[xr.Dataset]:
    """Every member's results, in member order (:func:`map_tasks` of :func:`run_member`; its
    parameters)."""
    arguments = [(scenario_text, base, seed, m, members, list(plan_texts)) for m in range(members)]
    return map_tasks(run_member, arguments, f"member-{seed}", scheduler, workers, progress, pool, running)
