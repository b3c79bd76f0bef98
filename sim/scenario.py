"""Scenario files, and the reading of scenario and plan files.

A *scenario* says what season to simulate (the hazard, dates, population, household size);
a *plan* (:mod:`sim.plan`) says what the contingency plan holds. Both are YAML files with
``kind: scenario`` or ``kind: plan`` at the top. Quantities are written with their units
(``"671 cm"``, ``"1500 m**3"``, ``"2000 kit"``), checked by pint against the unit each field
expects and converted to it once, at load (:mod:`sim.core.fields`).

:func:`load_file` and :func:`parse_text` read either kind through :mod:`sim.core.loader`, which
maps every validation error back to the line it comes from, with a message code and its
parameters, so that the app can say it in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import Field, model_validator

from hazards.settings import FloodSettings, RainfallSettings
from sim.core import facts, limits
from sim.core.fields import NAME_PATTERN, Date, Measure, Strict, invalid
from sim.core.fileio import write_text_atomic
from sim.core.loader import (
    InputError,
    Problem,
    coded_problem,
    dump_yaml,
    plain,
    read_mapping,
    read_text,
    validate_mapping,
)
from sim.core.units import ureg
from sim.plan import ItemName, Plan


class PopulationLayer(Strict):
    """A population layer of the catalog in place of the built-in spread of the census."""

    layer: str = Field(description="Name of a population layer (a WorldPop or GHSL count raster) in the hazard catalog")
    totals: Literal["census", "layer"] = Field(
        "census",
        description="'census': the layer's pattern, each cercle rescaled to its projected census population; "
        "'layer': the layer's own counts",
    )


class TerrainLayer(Strict):
    """An elevation layer of the catalog in place of the built-in height above drainage."""

    layer: str = Field(description="Name of an elevation layer (a DEM or a HAND raster) in the hazard catalog")


class DomainSettings(Strict):
    """Which version of the built-in delta the scenario runs on, and the exposure layers that replace parts of it."""

    resolution: Measure("degree", "Grid cell size", gt=0.0, default="0.01 degree")
    population_year: int = Field(
        2024, ge=2009, le=2050, description="Year the 2009 census populations are projected to"
    )
    boundaries: str | None = Field(
        None,
        description="Other cercle boundaries (OCHA COD-AB GeoJSON or Shapefile), relative to the scenario file; "
        "the shipped OCHA cercles (sim/data/admin/cercles.geojson) when absent",
    )
    population: PopulationLayer | None = Field(
        None, description="A population layer in place of the built-in population (sim.delta.exposure)"
    )
    terrain: TerrainLayer | None = Field(
        None, description="An elevation layer in place of the built-in terrain's height above drainage"
    )

    @model_validator(mode="after")
    def _resolution_range(self):
        deg = float(self.resolution.to("degree").magnitude)
        if not 0.002 <= deg <= 0.1:
            raise invalid(
                "err_resolution_range",
                "resolution must be between {low:g} and {high:g} degree, got {value:g} degree",
                low=0.002,
                high=0.1,
                value=deg,
            )
        return self


class ImpactParameters(Strict):
    """How hazards turn into affected and displaced people (defaults in :mod:`sim.impact`)."""

    displacement_damage: float = Field(
        0.55,
        ge=0.3,
        le=0.7,
        description="House damage ratio at which a house is destroyed and its people displaced (IDMC/ETH: 0.55, range 0.3-0.7)",
    )
    hosted_share: float = Field(
        0.66,
        ge=0.0,
        le=1.0,
        description="Share of displaced people hosted by families rather than in sites (Shelter Cluster Mali, end 2021: 66 %)",
    )
    banco_share: float = Field(0.85, ge=0.0, le=1.0, description="Share of houses built of earth (banco); assumption")
    rebuild_time: Measure(
        "day", "Time to rebuild a destroyed house once dry", gt=0.0, le=limits.MAX_REBUILD_DAYS, default="120 day"
    )


class Scenario(Strict):
    """A season to simulate: the hazard, the dates and the people."""

    kind: Literal["scenario"] = Field(description="Always 'scenario'")
    name: str = Field(pattern=NAME_PATTERN, description="Short identifier: lower case, digits and dashes")
    title: str = Field(min_length=1, description="Title shown in the app and reports")
    description: str = Field("", description="What the scenario represents and where its numbers come from")
    hazard: Literal["flood", "drought"] = Field(description="Main hazard of the season")
    start_date: Date = Field(description="First simulated day")
    days: int = Field(gt=0, le=730, description="Number of simulated days")
    household_size: Measure(
        "person/household",
        "Mean number of persons per household",
        ge=limits.HOUSEHOLD_SIZE_RANGE[0],
        le=limits.HOUSEHOLD_SIZE_RANGE[1],
    )
    domain: DomainSettings = Field(default_factory=DomainSettings, description="Grid and population settings")
    rainfall: RainfallSettings = Field(default_factory=RainfallSettings, description="Rainfall of the season")
    flood: FloodSettings | None = Field(None, description="Fluvial flood of the season (required when hazard is flood)")
    impact: ImpactParameters = Field(default_factory=ImpactParameters, description="Impact and displacement parameters")
    access_closure_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Daily chance that insecurity closes humanitarian access to a cercle (OCHA, early 2025: international NGOs had no recent presence in about a quarter of the communes of Mopti, Bandiagara and Douentza)",
    )
    rations: str | None = Field(
        None, description="Ration profile CSV, relative to the scenario file; the Sphere-based default when absent"
    )
    include_items: list[ItemName] = Field(
        default_factory=list,
        description="Items of the ration profile marked 'included: no' (an unsourced ration, such as animal feed) "
        "that this scenario counts in its needs",
    )

    @model_validator(mode="after")
    def _hazard_settings(self, info: pydantic.ValidationInfo):
        end = self.end_date
        if end.year > limits.MAX_YEAR:
            raise invalid(
                "err_season_end_year",
                "the season ends on {date}, after {high}",
                field="days",
                date=end.isoformat(),
                high=limits.MAX_YEAR,
            )
        dated = [
            ("flood.peak_date", self.flood.peak_date if self.flood else None),
            ("rainfall.storm.date", self.rainfall.storm.date if self.rainfall.storm else None),
        ]
        for field, day in dated:
            if day is not None and not self.start_date <= day <= end:
                raise invalid(
                    "err_date_outside_season",
                    "{date} is outside the simulated season ({start} to {end})",
                    field=field,
                    date=day.isoformat(),
                    start=self.start_date.isoformat(),
                    end=end.isoformat(),
                )
        if self.hazard == "flood" and self.flood is None:
            raise invalid("err_flood_section_needed", "a flood scenario needs a 'flood' section", field="hazard")
        context = info.context or {}
        gauges = context.get("gauges")
        if self.flood is not None and gauges and self.flood.gauge not in gauges:
            raise invalid(
                "err_unknown_gauge_known",
                "unknown gauge {gauge!r}; known: {known}",
                field="flood.gauge",
                gauge=self.flood.gauge,
                known=list(gauges),
            )
        layers = context.get("layers")
        if layers is not None:
            wanted = [("rainfall.layer", self.rainfall.layer, ("rainfall",))]
            if self.flood is not None:
                wanted.append(("flood.layer", self.flood.layer, ("flood-depth", "flood-extent")))
            if self.domain.population is not None:
                wanted.append(("domain.population.layer", self.domain.population.layer, ("population",)))
            if self.domain.terrain is not None:
                wanted.append(("domain.terrain.layer", self.domain.terrain.layer, ("elevation",)))
            for field, name, kinds in wanted:
                if name is None:
                    continue
                if name not in layers:
                    known = sorted(n for n, k in layers.items() if k in kinds)
                    if not known:
                        raise invalid(
                            "err_no_such_layer_none",
                            "no layer {name!r} in the hazard catalog; {kinds:or} layers: none",
                            field=field,
                            name=name,
                            kinds=list(kinds),
                        )
                    raise invalid(
                        "err_no_such_layer",
                        "no layer {name!r} in the hazard catalog; {kinds:or} layers: {known}",
                        field=field,
                        name=name,
                        kinds=list(kinds),
                        known=known,
                    )
                if layers[name] not in kinds:
                    raise invalid(
                        "err_layer_wrong_kind",
                        "layer {name!r} is a {kind} layer, expected {kinds:or}",
                        field=field,
                        name=name,
                        kind=layers[name],
                        kinds=list(kinds),
                    )
        return self

    @property
    def end_date(self) -> dt.date:
        """Last simulated day."""
        return self.start_date + dt.timedelta(days=self.days - 1)


SCHEMAS: dict[str, type[Strict]] = {"scenario": Scenario, "plan": Plan}


def validation_context(layers: dict[str, str] | None = None) -> dict[str, Any]:
    """What validators may check names against.

    Parameters
    ----------
    layers : dict, optional
        Hazard-catalog layer names → kinds (``hazards.catalog.layer_kinds()``); when given,
        a scenario naming a missing layer, or one of the wrong kind, is refused.
    """
    context: dict[str, Any] = {
        "gauges": sorted({row["name"] for row in facts.read_table("gauges")}),
        "places": sorted({row["name"] for row in facts.read_table("settlements")}),
    }
    if layers is not None:
        context["layers"] = dict(layers)
    return context


def parse_text(text: str, file: str, expect: str | None = None, context: dict | None = None) -> Scenario | Plan:
    """Validate YAML ``text`` as a scenario or a plan; ``file`` names it in errors.

    Parameters
    ----------
    expect : {'scenario', 'plan'}, optional
        Refuse the other kind.
    context : dict, optional
        Names to check against (see :func:`validation_context`); by default the gauges.

    Raises
    ------
    InputError
    """
    data = read_mapping(text, file, "a mapping with 'kind: scenario' or 'kind: plan'")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in SCHEMAS:
        if "kind" not in data:
            raise InputError(
                [coded_problem(file, 1, "kind", "err_kind_missing", "must be 'scenario' or 'plan' (missing)")]
            )
        line = data.lc.data["kind"][0] + 1
        raise InputError(
            [
                coded_problem(
                    file,
                    line,
                    "kind",
                    "err_kind_unknown",
                    "must be 'scenario' or 'plan' (got {kind!r})",
                    kind=kind if isinstance(kind, str) else str(plain(kind)),
                )
            ]
        )
    if expect and kind != expect:
        code = "err_kind_expected_scenario" if expect == "scenario" else "err_kind_expected_plan"
        raise InputError(
            [
                coded_problem(
                    file, data.lc.data["kind"][0] + 1, "kind", code, f"expected a {expect}, this file is a {kind}"
                )
            ]
        )
    return validate_mapping(data, file, SCHEMAS[kind], context if context is not None else validation_context())


def load_file(path: str | Path, expect: str | None = None, context: dict | None = None) -> Scenario | Plan:
    """Read and validate a scenario or plan file.

    Raises
    ------
    InputError
        Every problem found, each with the file, line and field.
    """
    return parse_text(read_text(path), str(path), expect=expect, context=context)


def check_files(paths: list[str | Path], context: dict | None = None) -> list[Problem]:
    """Every problem in every file (an empty list when all are valid)."""
    problems: list[Problem] = []
    for path in paths:
        try:
            load_file(path, context=context)
        except InputError as err:
            problems.extend(err.problems)
    return problems


def at_resolution(scenario: Scenario, degrees: float) -> Scenario:
    """The scenario on a grid of ``degrees`` cells [degree], the rest unchanged."""
    domain = scenario.domain.model_copy(update={"resolution": ureg.Quantity(degrees, "degree")})
    return scenario.model_copy(update={"domain": domain})


def dump_text(model: Scenario | Plan) -> str:
    """YAML text of a scenario or plan, quantities written with their units."""
    return dump_yaml(model.model_dump(mode="python", exclude_none=True))


def save_file(model: Scenario | Plan, path: str | Path) -> None:
    """Write a scenario or plan atomically, after checking that it reads back identically."""
    text = dump_text(model)
    again = parse_text(text, str(path), expect=model.kind)
    if again.model_dump(mode="json") != model.model_dump(mode="json"):
        raise ValueError(f"{path}: the {model.kind} does not survive a round trip; not written")
    write_text_atomic(path, text)
