"""A commune's plan as data (what ``commune.json`` holds): the commune, the flood played, the
warning levels at its gauge, its villages, its people, the hosting sites and the needs by week.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hazards.flood import GAUGE_RELATIONS
from hazards.return_periods import MOPTI_ANNUAL_PEAKS_CM
from hazards.season import hazard_season
from sim.commune.find import Found, find_commune
from sim.commune.season import (
    CUT_OFF_DEPTH_M,
    HOST_RADIUS_KM,
    cells_needed,
    combine_members,
    hazards_flood,
    play_commune,
    stage_flood,
)
from sim.commune.villages import (
    STAGE_SCAN_CM,
    VILLAGE_FLOODED_SHARE,
    all_villages,
    at_gauge,
    flooding_stage,
    read_places,
    reference_gauge,
    village_names,
    villages_of,
    warning_levels,
)
from sim.core.messages import CodedError
from sim.delta.domain import Delta
from sim.impact import HOUSE_FLOOR_SPREAD_M, HOUSE_FREEBOARD_M, ImpactSettings
from sim.needs import Ration
from sim.scenario import Scenario

DEFAULT_STAGE_YEAR = 2024
"""Without a stage or a scenario, the flood played is Mopti's peak of this year (716 cm, the
highest on record, :data:`hazards.return_periods.MOPTI_ANNUAL_PEAKS_CM`), at the commune's gauge."""

STAGE_RANGE_CM = (1.0, 2000.0)
"""Stages a person may ask for, exclusive [cm]. Notes: the same bounds as an event's stage."""


MAX_MEMBERS = 50
"""Most members of a scenario a commune's plan plays [-]. Notes: each is a season's hazards on
the 0.01° grid (a few seconds); the medians settle within a few tens."""


class CommuneFloodError(CodedError):
    """A flood asked for that cannot be played (a stage out of range, an unknown gauge)."""


@dataclass(frozen=True)
class FloodRequest:
    """The flood to play: a ``stage_cm`` at a ``gauge`` (None: the commune's gauge), or a
    ``scenario`` (its first ``members`` members of ``seed``, member 0 the control member) — or
    neither, :data:`DEFAULT_STAGE_YEAR`'s peak."""

    stage_cm: float | None = None
    gauge: str | None = None
    scenario: Scenario | None = None
    seed: int = 1
    members: int = 1


def check_flood(request: FloodRequest) -> None:
    """Refuse a stage out of range or an unknown gauge, in one line."""
    if request.gauge is not None and request.gauge not in GAUGE_RELATIONS:
        raise CommuneFloodError(
            "err_commune_gauge",
            "unknown gauge '{gauge}'; known: {known}",
            gauge=request.gauge,
            known=", ".join(GAUGE_RELATIONS),
        )
    if not 1 <= request.members <= MAX_MEMBERS:
        raise CommuneFloodError(
            "err_commune_members",
            "--members must be between 1 and {most}, got {members}",
            most=MAX_MEMBERS,
            members=request.members,
        )
    low, high = STAGE_RANGE_CM
    if request.stage_cm is not None and not (np.isfinite(request.stage_cm) and low < request.stage_cm < high):
        raise CommuneFloodError(
            "err_commune_stage",
            "stage {stage} cm: expected between {low} and {high} cm",
            stage=request.stage_cm,
            low=low,
            high=high,
        )


def commune_plan(
    delta: Delta,
    query: str,
    request: FloodRequest,
    rations: list[Ration],
    settings: ImpactSettings | None = None,
    places: list[dict[str, str]] | None = None,
) -> dict:
    """The plan of the commune ``query`` names (see the module) for the flood of ``request``;
    ``delta`` must be the grid the flood is played on (the scenario's, for a scenario)."""
    check_flood(request)
    settings = settings or ImpactSettings()
    places = read_places() if places is None else places
    found: Found = find_commune(query, delta.communes, village_names(places))
    commune = found.commune
    villages = all_villages(delta, places)
    own = villages_of(commune, villages)
    gauge = reference_gauge(delta, own)
    stages = at_gauge(flooding_stage(delta, [v.cell for v in own], settings), gauge)
    by_village = {v.pcode: _at_least(s) for v, s in zip(own, stages, strict=True)}
    cells = cells_needed(delta, commune, villages)
    if request.scenario is not None:
        floods = [
            hazards_flood(hazard_season(request.scenario, delta, seed=request.seed, member=m), cells)
            for m in range(request.members)
        ]
        flood = floods[0]
        described = {
            "kind": "scenario",
            "scenario": request.scenario.name,
            "seed": request.seed,
            "members": request.members,
            "mopti_peak_cm": round(flood.mopti_peak_cm, 1),
            "at_gauge_cm": round(float(at_gauge(flood.mopti_peak_cm, gauge)), 1),
        }
    else:
        flood_gauge = request.gauge or gauge
        stage = request.stage_cm
        if stage is None:
            stage = float(at_gauge(MOPTI_ANNUAL_PEAKS_CM[DEFAULT_STAGE_YEAR], flood_gauge))
        flood = stage_flood(delta, cells, stage, flood_gauge, DEFAULT_STAGE_YEAR)
        described = {
            "kind": "stage",
            "gauge": flood_gauge,
            "stage_cm": round(float(stage), 1),
            "mopti_peak_cm": round(flood.mopti_peak_cm, 1),
            "at_gauge_cm": round(float(at_gauge(flood.mopti_peak_cm, gauge)), 1),
        }
    if request.scenario is not None:
        played = combine_members(
            [play_commune(delta, commune, villages, f, by_village, rations, settings) for f in floods]
        )
    else:
        played = play_commune(delta, commune, villages, flood, by_village, rations, settings)
    levels = warning_levels(stages)
    cercle = next((c for c in delta.cercles if c.pcode == commune.cercle_pcode), None)
    return {
        "commune": {
            "name": commune.name,
            "pcode": commune.pcode,
            "cercle_pcode": commune.cercle_pcode,
            "cercle": cercle.name if cercle else None,
            "found_through_village": found.village,
        },
        "date": dt.date.today().isoformat(),
        "flood": described,
        "reference_gauge": gauge,
        "warning_levels": {
            "gauge": gauge,
            "villages": len(own),
            "first_village_cm": _whole(levels["first"]),
            "half_cm": _whole(levels["half"]),
            "all_cm": _whole(levels["all"]),
            "scan_top_cm": round(float(at_gauge(STAGE_SCAN_CM[1], gauge))),
        },
        **played,
        "units": {r.item: r.unit for r in rations},
        "assumptions": {
            "village_flooded_share": VILLAGE_FLOODED_SHARE,
            "house_freeboard_m": HOUSE_FREEBOARD_M,
            "house_floor_spread_m": HOUSE_FLOOR_SPREAD_M,
            "cut_off_depth_m": CUT_OFF_DEPTH_M,
            "host_radius_km": HOST_RADIUS_KM,
            "stage_scan_mopti_cm": list(STAGE_SCAN_CM),
            "household_size": settings.household_size,
            "grid_resolution_degree": delta.grid.resolution,
        },
    }


def _whole(value: float | None) -> int | None:
    return None if value is None else _at_least(value)


def _at_least(stage_cm: float) -> int | None:
    """A flooding stage as the whole centimetre at or above it (the village is flooded there),
    None for not flooded [cm]."""
    return None if not np.isfinite(stage_cm) else math.ceil(float(stage_cm) - 1e-9)


def plan_files(out: Path) -> tuple[Path, Path]:
    """Where the plan's two files go in ``out``."""
    return out / "commune.json", out / "commune-plan.pdf"
