"""The built-in inland Niger delta: grid, cercles, people, rivers, gauges, hubs and roads.

Everything is generated deterministically from the facts in ``sim/data/`` and the code
here, on first use, and cached (in memory, and on disk under :func:`cache_dir`). Nothing
happens at import.

>>> from sim.delta.domain import load_delta
>>> delta = load_delta()                      # 0.01°, population of DEFAULT_YEAR
>>> delta.cercle_population()["ML0501"]       # Mopti cercle, persons, exact

Notes
-----
Cercles that the grid's edge cuts (San, Tominian, Koro, Douentza, Goundam, Ségou) keep
their whole population, placed in the part that lies on the grid: the model covers
the delta's cercles, not the delta's rectangle.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import xarray as xr
from shapely.geometry.base import BaseGeometry

from sim.core import facts
from sim.core.fileio import NETCDF_LOCK
from sim.core.grid import CRS, Grid
from sim.core.settings import cache_dir
from sim.delta.boundaries import BoundariesError, approximate_cercles, rasterize_cercles, read_boundaries
from sim.delta.communes import Commune, rasterize_communes, read_communes
from sim.delta.population import (
    CENSUS_YEAR,
    population_raster,
    project_population,
    settlement_weights,
    village_weights,
)
from sim.delta.terrain import River, Terrain, build_terrain, rivers_from_rows

DEFAULT_RESOLUTION = 0.01
"""Default cell size [deg] (about 1.1 km)."""

DEFAULT_YEAR = 2024
"""Default year the census populations are projected to."""

MIN_RESOLUTION = 0.002
"""Finest cell size accepted [deg]; finer grids do not fit comfortably in memory."""

DOMAIN_VERSION = "3"
"""Bump when the generation code changes, to invalidate disk caches."""

OFFICIAL_CERCLES = facts.DATA_DIR / "admin" / "cercles.geojson"
"""The built-in delta's cercle boundaries: OCHA COD-AB, CC0 (``sim/data/admin/README.md``)."""

OFFICIAL_COMMUNES = facts.DATA_DIR / "admin" / "communes.geojson"
"""The communes of the delta's cercles: OCHA COD-AB, CC0 (``sim/data/admin/README.md``)."""

LISTED_PLACES = facts.DATA_DIR / "admin" / "settlements.csv"
"""The populated places of the delta's cercles: OCHA COD-AB, CC0 (``sim/data/admin/README.md``)."""

APPROXIMATE = "approximate"
"""``boundaries`` value for the generated cercles (Voronoi cells around the capitals), the
fallback for a delta without boundary data."""


@dataclass(frozen=True)
class Cercle:
    """A cercle (admin level 2) of the domain.

    Attributes
    ----------
    population_2009 : int
        RGPH 2009 census population. [person]
    population : int
        Projected to the domain's year. [person]
    growth_rate : float
        Annual growth rate used for the projection. [1/yr]
    approximate : bool
        Whether ``geometry`` is the generated approximation rather than an official boundary.
    """

    pcode: str
    name: str
    region: str
    capital: str
    population_2009: int
    population: int
    growth_rate: float
    approximate: bool
    geometry: BaseGeometry = field(repr=False)


@dataclass(frozen=True)
class Place:
    """A settlement or hub with coordinates [deg]."""

    name: str
    kind: str
    cercle_pcode: str
    lon: float
    lat: float
    population_2009: int | None


@dataclass(frozen=True)
class Gauge:
    """A river gauge, its published alert levels and recorded stages [cm].

    Attributes
    ----------
    alerts_cm : dict
        Alert levels by name (``dnh_alert``, ``danger``, ``eap_orange``, …). [cm]
    records_cm : dict
        Observed, typical or forecast stages by name (``2022-10-09``, ``dry_season``, …). [cm]
    """

    name: str
    river: str
    lon: float
    lat: float
    alerts_cm: dict[str, float]
    records_cm: dict[str, float]


@dataclass(frozen=True)
class Link:
    """A road or river leg between two places.

    Attributes
    ----------
    distance_km : float or None
        [km]
    time_min_h, time_max_h : float or None
        Published travel time range, when a source gives one; otherwise the vehicle's
        speed in the plan decides. [h]
    seasonal : bool
        Cut or impassable in the rainy or flood season according to the source.
    """

    origin: str
    destination: str
    mode: str
    distance_km: float | None
    time_min_h: float | None
    time_max_h: float | None
    seasonal: bool


@dataclass(frozen=True)
class Hub:
    """A logistics hub where a plan may hold a warehouse."""

    name: str
    place: str
    role: str


@dataclass(frozen=True, eq=False)
class Delta:
    """The built-in delta at one resolution, for one population year."""

    grid: Grid
    year: int
    cercles: tuple[Cercle, ...]
    places: tuple[Place, ...]
    rivers: tuple[River, ...]
    lakes: tuple[dict, ...]
    gauges: tuple[Gauge, ...]
    hubs: tuple[Hub, ...]
    links: tuple[Link, ...]
    terrain: Terrain
    cercle_index: np.ndarray = field(repr=False)
    population: np.ndarray = field(repr=False)
    boundaries: str = APPROXIMATE
    communes: tuple[Commune, ...] = ()
    commune_index: np.ndarray | None = field(default=None, repr=False)
    """Commune of each cell (position in ``communes``), -1 where none (:mod:`sim.delta.communes`)."""

    @property
    def approximate(self) -> bool:
        """Whether the cercle polygons are the generated approximation."""
        return any(c.approximate for c in self.cercles)

    def cercle(self, pcode: str) -> Cercle:
        """The cercle with this pcode."""
        for c in self.cercles:
            if c.pcode == pcode:
                return c
        raise KeyError(f"unknown cercle {pcode!r}; known: {', '.join(c.pcode for c in self.cercles)}")

    def place(self, name: str) -> Place:
        """The settlement or hub with this name."""
        for p in self.places:
            if p.name == name:
                return p
        raise KeyError(f"unknown place {name!r}")

    def hub_names(self) -> list[str]:
        """Names of the logistics hubs."""
        return [h.name for h in self.hubs]

    def gauge_names(self) -> list[str]:
        """Names of the river gauges."""
        return [g.name for g in self.gauges]

    def cercle_population(self) -> dict[str, int]:
        """Sum of the population raster over each cercle. [person]"""
        sums = np.bincount(
            self.cercle_index.ravel() + 1, weights=self.population.ravel(), minlength=len(self.cercles) + 1
        )
        return {c.pcode: int(round(sums[k + 1])) for k, c in enumerate(self.cercles)}

    def commune_population(self) -> dict[str, int]:
        """Sum of the population raster over each commune. [person]"""
        if self.commune_index is None or not self.communes:
            return {}
        sums = np.bincount(
            self.commune_index.ravel() + 1, weights=self.population.ravel(), minlength=len(self.communes) + 1
        )
        return {c.pcode: int(round(sums[k + 1])) for k, c in enumerate(self.communes)}

    def to_dataset(self) -> xr.Dataset:
        """The rasters as an xarray Dataset on (y, x), with units and CRS attributes."""
        coords = {
            "y": ("y", self.grid.y, {"units": "degrees_north", "standard_name": "latitude"}),
            "x": ("x", self.grid.x, {"units": "degrees_east", "standard_name": "longitude"}),
        }
        dims = ("y", "x")
        data = {
            "population": (dims, self.population, {"units": "person", "long_name": f"population {self.year}"}),
            "cercle": (
                dims,
                self.cercle_index,
                {"long_name": "cercle index (-1 outside)", "pcodes": " ".join(c.pcode for c in self.cercles)},
            ),
            "hand": (dims, self.terrain.hand_m, {"units": "m", "long_name": "height above nearest drainage"}),
            "floodplain": (dims, self.terrain.floodplain.astype(np.int8), {"long_name": "inside the floodplain (1)"}),
            "river_distance": (
                dims,
                self.terrain.river_distance_km,
                {"units": "km", "long_name": "distance to the nearest channel"},
            ),
        }
        attrs = {
            "crs": CRS,
            "resolution_deg": self.grid.resolution,
            "population_year": self.year,
            "boundaries": self.boundaries,
            "floodplain_half_width_scale": self.terrain.half_width_scale,
        }
        return xr.Dataset(data, coords=coords, attrs=attrs)


def cached_array(name: str, key: str, compute) -> np.ndarray:
    """``compute()``, an array kept on disk under :func:`cache_dir` for the next process.

    ``key`` must name everything the array depends on (code, constants, library versions):
    the file is ``NAME-HASH.npy`` with a hash of it, so a changed key is a new file. A
    missing or damaged file is computed again; a cache folder that cannot be written costs
    the computation next time, nothing else.
    """
    digest = hashlib.sha256(f"{DOMAIN_VERSION}|{key}".encode()).hexdigest()[:20]
    path = cache_dir() / f"{name}-{digest}.npy"
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        pass
    array = np.asarray(compute())
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
        with os.fdopen(handle, "wb") as out:
            np.save(out, array, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
    return array


def load_delta(
    resolution: float = DEFAULT_RESOLUTION,
    year: int = DEFAULT_YEAR,
    boundaries: str | Path | None = None,
    use_disk_cache: bool = True,
) -> Delta:
    """The built-in delta, from the in-memory or disk cache when possible.

    Parameters
    ----------
    resolution : float
        Cell size. [deg]
    year : int
        Year the census populations are projected to.
    boundaries : path or "approximate", optional
        Official cercle boundaries (see :func:`sim.delta.boundaries.read_boundaries`); by default
        the shipped OCHA ones (:data:`OFFICIAL_CERCLES`); :data:`APPROXIMATE` for polygons
        generated from the capitals.
    """
    boundaries = _boundaries(boundaries)
    key = (
        round(float(resolution), 6),
        int(year),
        APPROXIMATE if boundaries == APPROXIMATE else str(Path(boundaries).resolve()),
        use_disk_cache,
    )
    stamp = None if boundaries == APPROXIMATE else _file_stamp(boundaries)
    return _load_cached(*key, stamp)


@lru_cache(maxsize=8)
def _load_cached(resolution, year, boundaries, use_disk_cache, _stamp) -> Delta:
    return build_delta(resolution, year, boundaries, use_disk_cache=use_disk_cache)


def build_delta(
    resolution: float = DEFAULT_RESOLUTION,
    year: int = DEFAULT_YEAR,
    boundaries: str | Path | None = None,
    use_disk_cache: bool = False,
) -> Delta:
    """Generate the delta from the facts (see :func:`load_delta` for the parameters)."""
    if not MIN_RESOLUTION <= resolution <= 0.1:
        raise ValueError(f"resolution must be between {MIN_RESOLUTION}° and 0.1°, got {resolution}°")
    if not CENSUS_YEAR <= year <= 2050:
        raise ValueError(f"population year must be between {CENSUS_YEAR} and 2050, got {year}")
    grid = Grid(resolution=resolution)
    rates = _growth_rates()
    places = _places()
    capitals = {}
    for row in facts.read_table("cercles"):
        capital = next(p for p in places if p.name == row["capital"] and p.kind == "cercle_capital")
        capitals[row["pcode"]] = (capital.lon, capital.lat)
    pcodes = list(capitals)
    boundaries = _boundaries(boundaries)
    if boundaries == APPROXIMATE:
        shapes = approximate_cercles(grid, capitals)
        source = APPROXIMATE
    else:
        shapes = read_boundaries(boundaries, pcodes)
        source = str(boundaries)
    cercles = []
    for row in facts.read_table("cercles"):
        rate = rates.get(row["region"], rates["Mali"])
        p2009 = int(row["population_2009"])
        cercles.append(
            Cercle(
                pcode=row["pcode"],
                name=row["cercle"],
                region=row["region"],
                capital=row["capital"],
                population_2009=p2009,
                population=project_population(p2009, rate, year),
                growth_rate=rate,
                approximate=shapes[row["pcode"]].approximate,
                geometry=shapes[row["pcode"]].geometry,
            )
        )
    communes = read_communes(OFFICIAL_COMMUNES, pcodes) if OFFICIAL_COMMUNES.exists() else ()
    rivers = tuple(rivers_from_rows(facts.read_table("rivers"), {p.name: (p.lon, p.lat) for p in places}))
    lakes = tuple(facts.read_table("lakes"))

    cached = _read_rasters(grid, year, source) if use_disk_cache else None
    if cached is None:
        terrain = build_terrain(grid, list(rivers), lakes)
        cercle_index = rasterize_cercles(grid, shapes, pcodes)
        empty = [pcode for k, pcode in enumerate(pcodes) if not (cercle_index == k).any()]
        if empty:
            raise BoundariesError(
                "err_boundaries_no_cell",
                "{file}: the cercles {empty} hold no cell centre of the {resolution}° grid; choose a finer grid",
                file=source,
                empty=empty,
                resolution=resolution,
            )
        towns = _towns(places, cercles, year)
        population = population_raster(
            grid,
            cercle_index,
            [c.population for c in cercles],
            towns,
            settlement_weights(
                grid,
                cercle_index,
                _listed_places(),
                [(lon, lat) for _, lon, lat, _ in towns],
                village_weights(grid, terrain.hand_m, terrain.river_distance_km, terrain.floodplain),
            ),
        )
    else:
        terrain, cercle_index, population = cached
    delta = Delta(
        grid,
        year,
        tuple(cercles),
        tuple(places),
        rivers,
        lakes,
        _gauges(),
        _hubs(),
        _links(),
        terrain,
        cercle_index,
        population,
        source,
        communes,
        rasterize_communes(grid, communes, cercle_index, pcodes),
    )
    if use_disk_cache and cached is None:
        _write_rasters(delta)
    return delta


def _towns(places: list[Place], cercles: list[Cercle], year: int) -> list[tuple[int, float, float, int]]:
    """(cercle index, lon, lat, projected population) of the towns with a census figure."""
    position = {c.pcode: k for k, c in enumerate(cercles)}
    return [
        (
            position[p.cercle_pcode],
            p.lon,
            p.lat,
            project_population(p.population_2009, cercles[position[p.cercle_pcode]].growth_rate, year),
        )
        for p in places
        if p.population_2009 and p.cercle_pcode in position
    ]


def _boundaries(boundaries: str | Path | None) -> str | Path:
    """The boundaries asked for: the shipped OCHA cercles when none (the approximate ones if they are missing)."""
    if boundaries is not None:
        return boundaries
    return OFFICIAL_CERCLES if OFFICIAL_CERCLES.exists() else APPROXIMATE


def _listed_places() -> list[tuple[float, float]]:
    """(lon, lat) of every populated place of :data:`LISTED_PLACES`."""
    with LISTED_PLACES.open(encoding="utf-8", newline="") as stream:
        return [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(stream)]


def _growth_rates() -> dict[str, float]:
    return {r["region"]: float(r["rate_percent_per_year"]) / 100.0 for r in facts.read_table("growth")}


def _places() -> list[Place]:
    out = []
    for r in facts.read_table("settlements"):
        pop = facts.number(r["population_2009"])
        out.append(
            Place(r["name"], r["kind"], r["cercle_pcode"], float(r["lon"]), float(r["lat"]), int(pop) if pop else None)
        )
    return out


def _gauges() -> tuple[Gauge, ...]:
    gauges: dict[str, Gauge] = {}
    for r in facts.read_table("gauges"):
        gauge = gauges.setdefault(r["name"], Gauge(r["name"], r["river"], float(r["lon"]), float(r["lat"]), {}, {}))
        level = facts.number(r["level_cm"])
        if r["level_name"] and level is not None:
            target = gauge.alerts_cm if r["level_kind"] == "alert" else gauge.records_cm
            target[r["level_name"]] = level
    return tuple(gauges.values())


def _hubs() -> tuple[Hub, ...]:
    return tuple(Hub(r["name"], r["place"], r["role_en"]) for r in facts.read_table("hubs"))


def _links() -> tuple[Link, ...]:
    out = []
    for r in facts.read_table("links"):
        factor = {"hour": 1.0, "day": 24.0}[r["time_unit"]]
        low, high = facts.number(r["time_min"]), facts.number(r["time_max"])
        out.append(
            Link(
                r["from"],
                r["to"],
                r["mode"],
                facts.number(r["distance_km"]),
                low * factor if low is not None else None,
                high * factor if high is not None else None,
                r["seasonal"].strip().lower() == "yes",
            )
        )
    return tuple(out)


def _file_stamp(path) -> tuple:
    stat = Path(path).stat() if Path(path).exists() else None
    return (stat.st_mtime_ns, stat.st_size) if stat else None


def _cache_path(grid: Grid, year: int, source: str) -> Path:
    digest = hashlib.sha256()
    digest.update(f"{DOMAIN_VERSION}|{facts.fingerprint()}|{grid.resolution}|{year}|{source}".encode())
    digest.update(LISTED_PLACES.read_bytes())
    if source != APPROXIMATE:
        digest.update(Path(source).read_bytes())
    return cache_dir() / f"delta-{digest.hexdigest()[:20]}.nc"


def _read_rasters(grid: Grid, year: int, source: str):
    path = _cache_path(grid, year, source)
    if not path.exists():
        return None
    try:
        with NETCDF_LOCK, xr.open_dataset(path, engine="netcdf4") as ds:
            ds = ds.load()
    except (OSError, ValueError):
        return None  # a damaged cache file is rebuilt, never trusted
    if ds["population"].shape != grid.shape:
        return None
    terrain = Terrain(
        river_distance_km=ds["river_distance"].values,
        floodplain=ds["floodplain"].values.astype(bool),
        hand_m=ds["hand"].values,
        half_width_scale=float(ds.attrs["floodplain_half_width_scale"]),
    )
    return terrain, ds["cercle"].values.astype(np.int16), ds["population"].values.astype(np.int64)


def _write_rasters(delta: Delta) -> None:
    path = _cache_path(delta.grid, delta.year, delta.boundaries)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".nc.tmp")
        os.close(handle)
        encoding = {
            name: {"zlib": True, "complevel": 4}
            for name in ("population", "cercle", "hand", "floodplain", "river_distance")
        }
        with NETCDF_LOCK:
            delta.to_dataset().to_netcdf(tmp, engine="netcdf4", encoding=encoding)
        os.replace(tmp, path)
    except OSError:
        # A read-only or full cache folder costs a rebuild next time, nothing else.
        if tmp:
            Path(tmp).unlink(missing_ok=True)
