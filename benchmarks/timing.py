"""Timing helper shared by the benchmarks: these machines are noisy, so take the best of a few runs."""

from __future__ import annotations

import time


def best_of(fn, repeat: int = 3, warmup: int = 0) -> tuple[float, object]:
    """Shortest wall time [s] of ``repeat`` calls of ``fn`` after ``warmup`` untimed ones, and its result."""
    for _ in range(warmup):
        fn()
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result
