"""One flood played on a commune's villages: which are flooded and for how long, which are cut
off and from which day, how many people and households that means, where the displaced could
go, and what the commune will need week by week.

The counts are the model's (:func:`sim.impact.flood_totals`, cell by cell on the commune's
cells: the same rules and numbers as the commune's results of a run), the needs those of the
ration profile (:func:`sim.needs.needs`, the Sphere standards of ``sim/data/rations.csv``).

A flood is either a stage at a gauge (:func:`stage_flood`: the river's flood alone, peaking on
the typical date) or a scenario's hazards (:func:`hazards_flood`: its control member, storms
included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from hazards.baselines import normal_flood_depth
from hazards.flood import GAUGE_RELATIONS, depth_at_cells, stage_hydrograph
from hazards.return_periods import TYPICAL_PEAK_DATE
from sim.commune.villages import VILLAGE_FLOODED_SHARE, Village, flooded_share, villages_of
from sim.delta.communes import Commune
from sim.delta.domain import Delta
from sim.impact import ImpactSettings, flood_totals
from sim.needs import Ration, needs

CUT_OFF_DEPTH_M = 0.5
"""Water over the land around a village from which it is cut off on foot and by cart, only a
boat reaching it [m]. Notes: assumption, knee- to waist-deep water over the paths; a village
is cut off on a day when every cell around its own stands under at least this much."""

HOST_RADIUS_KM = 15.0
"""Distance within which a dry village can host the displaced of a flooded one [km]. Notes:
assumption, a day's walk or a short trip by pirogue; most displaced people of the delta live
with host families (66 %, :data:`sim.impact.HOSTED_SHARE`)."""

HOST_SITES = 8
"""How many hosting sites are listed, the nearest first."""

SEASON_START = (6, 1)
"""(month, day) a stage flood's season starts on; it lasts :data:`SEASON_DAYS` [day]. Notes: the
model's flood season (June to January), the same as :mod:`hazards.baselines`'s."""

SEASON_DAYS = 240
"""Days of a stage flood's season [day]."""


@dataclass(frozen=True)
class CellFlood:
    """A flood on some cells of the grid: ``depth`` and ``rain`` (day, cell) [m], [mm/day] on
    the flat ``cells`` over ``dates``, and its Mopti peak [cm]."""

    dates: pd.DatetimeIndex
    cells: np.ndarray
    depth: np.ndarray
    rain: np.ndarray
    mopti_peak_cm: float


def mopti_equivalent(stage_cm: float, gauge: str) -> float:
    """The Mopti peak of the flood that peaks at ``stage_cm`` at ``gauge`` [cm]."""
    return float(stage_cm) / GAUGE_RELATIONS[gauge].ratio


def stage_flood(delta: Delta, cells: np.ndarray, stage_cm: float, gauge: str, year: int) -> CellFlood:
    """The river's flood that peaks at ``stage_cm`` at ``gauge``, on the typical date of ``year``,
    on ``cells`` (no rain)."""
    dates = pd.date_range(dt.date(year, *SEASON_START), periods=SEASON_DAYS, freq="D")
    peak = mopti_equivalent(stage_cm, gauge)
    date = dt.date(year, *TYPICAL_PEAK_DATE)
    stages = {name: stage_hydrograph(dates, peak, date, gauge=name) for name in GAUGE_RELATIONS}
    depth = depth_at_cells(delta, cells, stages)
    return CellFlood(dates, np.asarray(cells), depth, np.zeros_like(depth), peak)


def hazards_flood(hazards: xr.Dataset, cells: np.ndarray) -> CellFlood:
    """A scenario member's hazards (:func:`hazards.season.hazard_season`) on ``cells``."""
    days = hazards.sizes["time"]
    depth = hazards["flood_depth"].transpose("time", "y", "x").values.reshape(days, -1)[:, cells]
    rain = hazards["rainfall"].transpose("time", "y", "x").values.reshape(days, -1)[:, cells]
    peak = float(hazards.attrs.get("mopti_peak_cm", np.nan))
    return CellFlood(pd.DatetimeIndex(hazards["time"].values), np.asarray(cells), depth, rain, peak)


def commune_cells(delta: Delta, commune: Commune) -> np.ndarray:
    """Flat indices of the commune's cells."""
    k = [c.pcode for c in delta.communes].index(commune.pcode)
    return np.flatnonzero(delta.commune_index.ravel() == k)


def neighbours(delta: Delta, cell: int) -> list[int]:
    """The cells around ``cell`` (up to eight)."""
    rows, cols = delta.grid.shape
    r, c = divmod(int(cell), cols)
    return [
        (r + dr) * cols + (c + dc)
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        if (dr or dc) and 0 <= r + dr < rows and 0 <= c + dc < cols
    ]


def hosts_near(delta: Delta, flooded: list[Village], villages: list[Village]) -> list[tuple[Village, float]]:
    """Villages within :data:`HOST_RADIUS_KM` of a flooded one, with that distance [km], nearest first."""
    if not flooded:
        return []
    x, y = delta.grid.project_km([v.lon for v in flooded], [v.lat for v in flooded])
    names = {v.pcode for v in flooded}
    out = []
    for v in villages:
        if v.cell is None or v.pcode in names or v.people <= 0:
            continue
        vx, vy = delta.grid.project_km(v.lon, v.lat)
        distance = float(np.hypot(x - vx, y - vy).min())
        if distance <= HOST_RADIUS_KM:
            out.append((v, distance))
    return sorted(out, key=lambda pair: (pair[1], pair[0].name))


def cells_needed(delta: Delta, commune: Commune, villages: list[Village]) -> np.ndarray:
    """Every cell the commune's flood is read on: its own, its villages' and their neighbours',
    and those of the villages that could host its displaced (sorted flat indices)."""
    own = villages_of(commune, villages)
    cells = set(commune_cells(delta, commune).tolist())
    for v in own:
        cells.add(v.cell)
        cells.update(neighbours(delta, v.cell))
    cells.update(v.cell for v, _ in hosts_near(delta, own, villages))
    return np.array(sorted(cells), np.int64)


def _first(flags: np.ndarray) -> int | None:
    days = np.flatnonzero(flags)
    return int(days[0]) if days.size else None


def play_commune(
    delta: Delta,
    commune: Commune,
    villages: list[Village],
    flood: CellFlood,
    flooding_stage: dict[str, float | None],
    rations: list[Ration],
    settings: ImpactSettings,
) -> dict:
    """The flood on the commune (see the module): ``villages`` (the delta's, from
    :func:`sim.commune.villages.all_villages`) and ``flooding_stage`` (village pcode → the stage
    from which it floods, at the commune's gauge [cm], None if it does not) are given."""
    where = {int(c): k for k, c in enumerate(flood.cells)}
    normal = normal_flood_depth(delta).ravel()[flood.cells]
    people = delta.population.ravel()[flood.cells].astype(np.float64)
    units = np.arange(flood.cells.size, dtype=np.int64)
    totals = flood_totals(flood.rain, flood.depth, normal, people, units, flood.cells.size, settings)
    share = flooded_share(flood.depth, normal[None, :], settings)  # (day, cell)
    own = villages_of(commune, villages)
    size = settings.household_size
    inside = np.array([where[c] for c in commune_cells(delta, commune)], np.int64)
    mine = set(flood.cells[inside].tolist())
    rows, flooded = [], []
    for v in own:
        k = where[v.cell]
        cell_people = people[k]
        part = v.people / cell_people if cell_people > 0 else 0.0
        wet = share[:, k] >= VILLAGE_FLOODED_SHARE
        around = [where[n] for n in neighbours(delta, v.cell)]
        cut = (flood.depth[:, around] >= CUT_OFF_DEPTH_M).all(axis=1) if around else np.zeros(len(flood.dates), bool)
        first_wet, first_cut = _first(wet), _first(cut)
        affected = part * float(totals["affected"][:, -1, k].sum())
        displaced = part * float(totals["displaced"][:, :, k].sum(axis=0).max(initial=0.0))
        if first_wet is not None:
            flooded.append(v)
        rows.append(
            {
                "name": v.name,
                "pcode": v.pcode,
                "lon": v.lon,
                "lat": v.lat,
                "people": round(v.people),
                "households": round(v.people / size),
                "flooding_stage_cm": flooding_stage.get(v.pcode),
                "flooded": first_wet is not None,
                "flooded_from": None if first_wet is None else flood.dates[first_wet].date().isoformat(),
                "flooded_days": int(wet.sum()),
                "cut_off": first_cut is not None,
                "cut_off_from": None if first_cut is None else flood.dates[first_cut].date().isoformat(),
                "cut_off_days": int(cut.sum()),
                "affected_people": round(affected),
                "displaced_people": round(displaced),
                "cell_in_commune": v.cell in mine,
            }
        )
    by_day = {
        name: totals[name][:, :, inside].sum(axis=(0, 2)) for name in ("affected", "displaced", "in_need", "destroyed")
    }
    sites = []
    for v, distance in hosts_near(delta, flooded, villages):
        if (share[:, where[v.cell]] >= VILLAGE_FLOODED_SHARE).any():
            continue
        sites.append(
            {
                "name": v.name,
                "pcode": v.pcode,
                "commune_pcode": v.commune_pcode,
                "lon": v.lon,
                "lat": v.lat,
                "people": round(v.people),
                "distance_km": round(distance, 1),
            }
        )
        if len(sites) == HOST_SITES:
            break
    return {
        "villages": rows,
        "people": {
            "population": round(float(people[inside].sum())),
            "affected": round(float(by_day["affected"][-1])),
            "affected_households": round(float(by_day["affected"][-1]) / size),
            "displaced_peak": round(float(by_day["displaced"].max(initial=0.0))),
            "displaced_households_peak": round(float(by_day["displaced"].max(initial=0.0)) / size),
            "in_need_peak": round(float(by_day["in_need"].max(initial=0.0))),
        },
        "hosting_sites": sites,
        "needs_by_week": weekly_needs(flood.dates, by_day, commune, rations, settings),
    }


def weekly_needs(
    dates: pd.DatetimeIndex, by_day: dict[str, np.ndarray], commune: Commune, rations: list[Ration], settings
) -> list[dict]:
    """The commune's needs of each week with any (item → quantity in the item's unit), from the
    people of each day (the model's counts, as people)."""
    displaced = by_day["displaced"]
    exposed = np.zeros_like(displaced)  # not used by the rations
    people = np.stack([exposed, by_day["affected"], displaced, by_day["in_need"]])[:, :, None]
    zeros = np.zeros((len(dates), 1))
    impact = xr.Dataset(
        {
            "people": (("count", "day", "cercle"), people),
            "food_insecure": (("day", "cercle"), zeros),
            "displaced_by_drought": (("day", "cercle"), zeros),
            "displaced_in_sites": (("day", "cercle"), (displaced * (1.0 - settings.hosted_share))[:, None]),
            "destroyed_houses": (("day", "cercle"), (by_day["destroyed"] / settings.household_size)[:, None]),
        },
        coords={"count": ["exposed", "affected", "displaced", "in_need"], "day": dates, "cercle": [commune.pcode]},
    )
    need = needs(impact, rations, settings.household_size)["need"].isel(cercle=0)  # (item, day)
    weeks = np.arange(len(dates)) // 7
    out = []
    for week in np.unique(weeks):
        days = weeks == week
        amounts = need.values[:, days].sum(axis=1)
        if amounts.sum() <= 0:
            continue
        out.append(
            {
                "week_start": dates[days][0].date().isoformat(),
                "needs": {r.item: float(a) for r, a in zip(rations, amounts, strict=True)},
            }
        )
    return out


def _median_date(dates: list[str]) -> str | None:
    if not dates:
        return None
    ordinals = sorted(dt.date.fromisoformat(d).toordinal() for d in dates)
    return dt.date.fromordinal(ordinals[(len(ordinals) - 1) // 2]).isoformat()


def combine_members(played: list[dict]) -> dict:
    """Several members' :func:`play_commune` of one scenario as one: a village is flooded (cut
    off) when it is in at least half of the members, with the number of members it is in
    (``flooded_members``, ``cut_off_members``), the median of its days, dates and people; the
    commune's people and each week's needs are the medians over the members (a week absent from
    a member counts 0); the hosting sites are the first member's (the control member)."""
    if len(played) == 1:
        return played[0]
    count = len(played)
    villages = []
    for k, base in enumerate(played[0]["villages"]):
        rows = [p["villages"][k] for p in played]
        flooded = [r for r in rows if r["flooded"]]
        cut = [r for r in rows if r["cut_off"]]
        villages.append(
            base
            | {
                "flooded": 2 * len(flooded) >= count,
                "flooded_members": len(flooded),
                "flooded_from": _median_date([r["flooded_from"] for r in flooded]),
                "flooded_days": round(float(np.median([r["flooded_days"] for r in rows]))),
                "cut_off": 2 * len(cut) >= count,
                "cut_off_members": len(cut),
                "cut_off_from": _median_date([r["cut_off_from"] for r in cut]),
                "cut_off_days": round(float(np.median([r["cut_off_days"] for r in rows]))),
                "affected_people": round(float(np.median([r["affected_people"] for r in rows]))),
                "displaced_people": round(float(np.median([r["displaced_people"] for r in rows]))),
            }
        )
    people = {key: round(float(np.median([p["people"][key] for p in played]))) for key in played[0]["people"]}
    weeks = sorted({w["week_start"] for p in played for w in p["needs_by_week"]})
    items = list(played[0]["needs_by_week"][0]["needs"]) if played[0]["needs_by_week"] else []
    by_member = [{w["week_start"]: w["needs"] for w in p["needs_by_week"]} for p in played]
    needs = []
    for week in weeks:
        amounts = {item: float(np.median([m.get(week, {}).get(item, 0.0) for m in by_member])) for item in items}
        if sum(amounts.values()) > 0:
            needs.append({"week_start": week, "needs": amounts})
    return {"villages": villages, "people": people, "hosting_sites": played[0]["hosting_sites"], "needs_by_week": needs}
