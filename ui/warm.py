"""What the pages compute once per server process, and a warm-up that computes it early.

A simulated season (hazards) of a scenario and seed is kept here in a plain process cache
(not Streamlit's: it draws nothing, and the warm-up thread fills it outside any page run).
:func:`start_warm_up`, called on the app's first run, loads on a background thread what the
hazards and plan pages need first — the hazard modules and their compiled kernels, the
default scenario's delta and season, the map frame, the ensemble's worker pool — while the
user reads the first page.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from hazards.season import hazard_season
from sim.core import userdata
from sim.ensemble import warm_pool
from sim.run import scenario_delta
from sim.scenario import load_file
from ui.maps import raster_map_png

DEFAULT_SEED = 1
"""The seed the hazards page opens with."""

POOL_DELAY_S = 3.0
"""Seconds the warm-up waits before starting the ensemble's workers [s]. Notes: assumption;
their start takes both cores for a few seconds, which the first page drawn should not share."""

log = logging.getLogger(__name__)
_lock = threading.Lock()
_started = False


@lru_cache(maxsize=4)
def _season(path: str, modified: float, seed: int):
    scenario = load_file(path, expect="scenario")
    delta = scenario_delta(scenario, Path(path).parent)
    season = hazard_season(scenario, delta, seed=seed)
    area = delta.grid.cell_area_km2[:, None]
    depth = season.flood_depth.values
    facts = {
        "dates": pd.DatetimeIndex(season["time"].values),
        "flooded_km2": np.array([float(((day > 0) * area).sum()) for day in depth]),
        "max_depth": float(np.nanmax(depth)) if np.isfinite(depth).any() else 1.0,
        "rain_total": season.rainfall.sum("time").values,
    }
    return scenario, delta, season, facts


def season_view(path: str, modified: float, seed: int):
    """(scenario, delta, season, facts) of a scenario file and seed, computed once per process.

    ``modified`` (the file's modification time) keys the cache, so an edited file is
    recomputed; ``facts`` holds the dates, the flooded area per day [km²], the deepest water
    [m] and the season's rain total per cell [mm].
    """
    with _lock:  # one computation at a time: the warm-up and a page never compute it twice
        return _season(path, modified, seed)


def start_warm_up() -> None:
    """Start the background warm-up once per server process; returns at once."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_warm_up, name="delta-sim-warm-up", daemon=True).start()


def _warm_up() -> None:
    try:
        first = userdata.entries("scenarios")[0].path
        _, delta, _, facts = season_view(str(first), first.stat().st_mtime, DEFAULT_SEED)
        raster_map_png(delta, facts["rain_total"], "fr", "mm")  # draws the map frame once
        time.sleep(POOL_DELAY_S)
        warm_pool()  # last: its workers take both cores for a few seconds
    except Exception as err:  # noqa: BLE001  (a warm-up that fails only costs time later)
        log.warning("warm-up did not finish: %s", err)
