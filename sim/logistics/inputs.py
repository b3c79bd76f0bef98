"""What a plan is played against, built from one member's hazards and needs."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import xarray as xr

from sim.core.seeds import streams
from sim.delta.domain import Delta
from sim.logistics.season_data import SeasonInputs
from sim.needs import Ration
from sim.network import cut_days
from sim.plan import ITEM_SIZES


@lru_cache(maxsize=8)
def _nearest_cells(y: tuple, x: tuple, places: tuple) -> dict[str, tuple[int, int]]:
    """Row and column of the cell nearest to each (name, lon, lat), as
    ``DataArray.sel(x=lon, y=lat, method="nearest")`` picks it on coordinates ``y``, ``x``."""
    probe = xr.DataArray(
        np.arange(len(y) * len(x)).reshape(len(y), len(x)), dims=("y", "x"), coords={"y": np.array(y), "x": np.array(x)}
    )
    out = {}
    for name, lon, lat in places:
        flat = int(probe.sel(x=lon, y=lat, method="nearest"))
        out[name] = (flat // len(x), flat % len(x))
    return out


def season_inputs(
    delta: Delta,
    hazards: xr.Dataset,
    member_needs: xr.Dataset,
    rations: list[Ration],
    seed: int,
    member: int,
    closure_probability: float = 0.0,
) -> SeasonInputs:
    """Demand, road cuts, river stage, trigger indicators and prices for one member.

    Only items a warehouse can hold (``sim/data/items.csv``) are played; covered space is a
    need met through the emergency shelter kits.

    Parameters
    ----------
    hazards : xr.Dataset
        From :func:`hazards.season.hazard_season`.
    member_needs : xr.Dataset
        ``need`` (item, day, cercle) of this member.
    closure_probability : float
        Daily chance that insecurity closes access to a cercle [-].
    """
    depth = hazards["flood_depth"].transpose("time", "y", "x").values
    normal = hazards["normal_flood_depth"].transpose("y", "x").values
    dry = hazards["dry_season_depth"].transpose("y", "x").values
    road_cut = {}
    for link in delta.links:
        if link.mode == "road":
            cut = cut_days(delta, link, depth, normal, dry)
            road_cut[(link.origin, link.destination)] = cut
    stages = {str(g): hazards["stage"].sel(gauge=g).values for g in hazards["gauge"].values}
    rain = hazards["rainfall"].transpose("time", "y", "x")
    places = tuple((p.name, p.lon, p.lat) for p in delta.places if delta.grid.contains(p.lon, p.lat))
    cells = _nearest_cells(tuple(rain["y"].values.tolist()), tuple(rain["x"].values.tolist()), places)
    rainfall = {name: rain.values[:, row, column] for name, (row, column) in cells.items()}
    spi3 = float(np.nanmean(hazards["spi3"].values)) if "spi3" in hazards else None
    rng = streams(seed, member)
    stocked = [
        str(i) for i in member_needs["item"].values if str(i) in ITEM_SIZES
    ]  # covered space is met by shelter kits
    member_needs = member_needs.sel(item=stocked)
    return SeasonInputs(
        dates=pd.DatetimeIndex(hazards["time"].values),
        items=stocked,
        cercles=[str(c) for c in member_needs["cercle"].values],
        capitals=[delta.cercle(str(c)).capital for c in member_needs["cercle"].values],
        demand=member_needs["need"].transpose("item", "day", "cercle").values,
        road_cut=road_cut,
        mopti_stage=stages["Mopti"],
        stages=stages,
        spi3=spi3,
        rainfall=rainfall,
        unit_cost={r.item: r.unit_cost_usd for r in rations},
        lead_time_seed=rng["lead_times"],
        closure_seed=rng["closures"],
        closure_probability=closure_probability,
    )
