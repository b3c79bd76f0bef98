"""A scenario's exposure: the built-in delta, with the population or terrain of the catalog
layers the scenario names (``domain.population.layer``, ``domain.terrain.layer``).

The layers are opened from the hazard catalog (:func:`hazards.catalog.open_layer`) and put in
place by :mod:`sim.delta.exposure`. A delta made so is kept for the next member of the same
scenario, as long as the layers' files are unchanged, so that the flood model's caches (keyed
by the delta) serve every member.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import xarray as xr

from hazards.catalog import CatalogError, layer_entries, open_layer
from sim.delta.domain import Delta
from sim.delta.exposure import with_elevation, with_population

__all__ = ["exposure_delta"]


def exposure_delta(delta: Delta, domain, layers: Callable[[str], xr.DataArray] | None = None) -> Delta:
    """``delta`` with the population and terrain layers that ``domain`` names; ``delta`` itself if none.

    Parameters
    ----------
    delta : Delta
        The built-in delta at the scenario's resolution, year and boundaries.
    domain : sim.scenario.DomainSettings
        Its ``population`` (``layer``, ``totals``) and ``terrain`` (``layer``), each optional.
    layers : callable, optional
        ``name → DataArray`` on the delta's grid; the catalog's :func:`hazards.catalog.open_layer`
        by default (and then the result is cached).

    Raises
    ------
    CatalogError
        A layer missing from the catalog, unreadable, or of another kind.
    sim.delta.exposure.ExposureError
        A layer that covers no cercle, or no floodplain.
    """
    population = (domain.population.layer, domain.population.totals) if domain.population else None
    terrain = domain.terrain.layer if domain.terrain else None
    if population is None and terrain is None:
        return delta
    if layers is not None:
        return _replaced(delta, population, terrain, layers)
    names = [name for name in (population and population[0], terrain) if name]
    return _cached(delta, population, terrain, _stamps(names))


@lru_cache(maxsize=4)
def _cached(delta: Delta, population, terrain, _stamps) -> Delta:
    return _replaced(delta, population, terrain, lambda name: open_layer(name, grid=delta.grid))


def _replaced(delta: Delta, population, terrain, layers) -> Delta:
    if population is not None:
        name, totals = population
        delta = with_population(delta, _layer(layers, name, "population").values, name, totals)
    if terrain is not None:
        delta = with_elevation(delta, _layer(layers, terrain, "elevation").values, terrain)
    return delta


def _layer(layers, name: str, kind: str) -> xr.DataArray:
    """The layer ``name``, refused if it is not of ``kind`` (a scenario checked without the catalog)."""
    data = layers(name)
    found = data.attrs.get("kind", "unknown")
    if found != kind:
        raise CatalogError(
            "err_layer_wrong_kind",
            "layer {name!r} is a {kind} layer, expected {kinds:or}",
            name=name,
            kind=found,
            kinds=[kind],
        )
    return data


def _stamps(names: list[str]) -> tuple:
    """Path, size and modification time of each named layer's card and file (None if not in the catalog)."""
    found = {card.name: (folder / f"{card.name}.yaml", folder / card.file) for card, folder, _ in layer_entries()[0]}
    return tuple(tuple(_stamp(path) for path in found[name]) if name in found else None for name in names)


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_size, stat.st_mtime_ns)
