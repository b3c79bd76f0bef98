"""The hostile inputs of issue 12 ("Hardening: nothing bad gets in, nothing is lost").

Every case is one mutation of a shipped file — ``scenarios/flood-2022.yaml`` (``base="scenario"``)
or ``scenarios/plans/early-action.yaml`` (``base="plan"``, the plan with triggers) — and some
also write a small file beside it (a ration profile, a boundaries file). :func:`build` writes a
case into a folder and says which files a refusal may name and which must be left unchanged.

A mutation that no longer finds the text it changes raises :class:`LookupError`: when a shipped
file changes, the case is updated, it never silently tests the unchanged file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sim.core.yamlio import MAX_YAML_NODES

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "flood-2022.yaml"
PLAN = ROOT / "scenarios" / "plans" / "early-action.yaml"
BASELINE = ROOT / "scenarios" / "plans" / "baseline.yaml"
RATIONS = ROOT / "sim" / "data" / "rations.csv"

Mutation = Callable[[str, Path], "str | bytes"]
"""Shipped text and the case folder → the case's text (or bytes); may write files in the folder."""


@dataclass(frozen=True)
class Case:
    """One hostile input."""

    id: str
    base: str
    """Which shipped file is mutated: ``"scenario"`` or ``"plan"``."""
    mutate: Mutation
    run: bool = False
    """Also checked through ``python -m sim run … --out DIR`` in a subprocess (a handful only)."""
    named: tuple[str, ...] = ()
    """Other files a refusal may name: relative to the case folder, or absolute."""


@dataclass(frozen=True)
class Built:
    """A case written into its folder."""

    folder: Path
    file: Path
    """The mutated scenario or plan."""
    scenario: Path
    """The scenario to run: the mutated one, or a copy of the shipped one for a plan case."""
    plan: Path | None
    """The mutated plan (plan cases)."""
    names: tuple[str, ...]
    """Every name a problem line may start with (longest first)."""
    watched: tuple[Path, ...]
    """Files outside the folder that must be left unchanged (``/etc/passwd``)."""


def build(case: Case, folder: Path) -> Built:
    """Write ``case`` into ``folder`` (created)."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    source = SCENARIO if case.base == "scenario" else PLAN
    content = case.mutate(source.read_text(encoding="utf-8"), folder)
    target = folder / source.name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    if case.base == "scenario":
        scenario, plan = target, None
    else:
        scenario, plan = folder / SCENARIO.name, target
        scenario.write_bytes(SCENARIO.read_bytes())
    names = {str(target), str(scenario)}
    watched = []
    for name in case.named:
        names.add(name)  # as the scenario writes it
        path = Path(name) if Path(name).is_absolute() else folder / name
        names.add(str(path))
        if Path(name).is_absolute():
            watched.append(path)
    return Built(folder, target, scenario, plan, tuple(sorted(names, key=len, reverse=True)), tuple(watched))


# --- mutations ------------------------------------------------------------------------------


def sub(old: str, new: str) -> Mutation:
    """Replace the first ``old`` by ``new``."""

    def mutate(text: str, folder: Path) -> str:
        if old not in text:
            raise LookupError(f"{old!r} is not in the shipped file any more; update the case")
        return text.replace(old, new, 1)

    return mutate


def add(extra: str) -> Mutation:
    """Append top-level lines."""
    return lambda text, folder: text + ("" if text.endswith("\n") else "\n") + extra


def whole(content: str | bytes) -> Mutation:
    """Replace the whole file."""
    return lambda text, folder: content


def then(*mutations: Mutation) -> Mutation:
    """Several mutations, in order."""

    def mutate(text: str, folder: Path):
        for m in mutations:
            text = m(text, folder)
        return text

    return mutate


def encoded(mutation: Mutation, encoding: str) -> Mutation:
    """The mutated text in another encoding than UTF-8."""
    return lambda text, folder: mutation(text, folder).encode(encoding, errors="replace")


def storm(date: str, size: str) -> Mutation:
    """A three-day storm over Mopti (``size``: ``"total: 150 mm"`` or ``"return_period: 10 year"``)."""
    return sub("  season: wet\n", f"  season: wet\n  storm:\n    place: Mopti\n    date: {date}\n    {size}\n")


def side_file(name: str, write: Callable[[Path], None] | None) -> Mutation:
    """Write ``folder/name`` (or nothing when ``write`` is None)."""

    def mutate(text: str, folder: Path) -> str:
        if write is not None:
            write(folder / name)
        return text

    return mutate


def rations(name: str, write: Callable[[Path], None] | None = None) -> Mutation:
    """The scenario names ``name`` as its ration profile (written by ``write`` if given)."""
    return then(side_file(name, write), add(f"rations: {name}\n"))


def boundaries(name: str, write: Callable[[Path], None] | None = None) -> Mutation:
    """The scenario names ``name`` as its cercle boundaries (written by ``write`` if given)."""
    return then(side_file(name, write), sub("domain:\n", f"domain:\n  boundaries: {name}\n"))


def folder_at(path: Path) -> None:
    path.mkdir()


# --- ration profiles ------------------------------------------------------------------------


def rations_csv(
    edit: Callable[[list[list[str]]], None] | None = None, encoding: str = "utf-8"
) -> Callable[[Path], None]:
    """A copy of the shipped ration profile, changed by ``edit(rows)`` (rows include the header)."""

    def write(path: Path) -> None:
        rows = list(csv.reader(io.StringIO(RATIONS.read_text(encoding="utf-8"))))
        if edit is not None:
            edit(rows)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))

    return write


def water_row(change: Callable[[list[str], list[str]], None]) -> Callable[[list[list[str]]], None]:
    """Edit the water row: ``change(header, row)``."""

    def edit(rows: list[list[str]]) -> None:
        header = rows[0]
        row = next(r for r in rows[1:] if r and r[0] == "water")
        change(header, row)

    return edit


def set_column(column: str, value: str):
    def change(header: list[str], row: list[str]) -> None:
        row[header.index(column)] = value

    return water_row(change)


def short_row(header: list[str], row: list[str]) -> None:
    del row[4:]  # item, name_fr, name_en, quantity: no unit, per, group, source, cost …


# --- boundaries -----------------------------------------------------------------------------

PCODE_FIELD = "ADM2_PCODE"


@cache
def cercle_features() -> tuple[dict, ...]:
    """GeoJSON features of every cercle: the approximate (Voronoi) polygons, in EPSG:4326."""
    from shapely.geometry import mapping

    from sim.core import facts
    from sim.core.grid import Grid
    from sim.delta.boundaries import approximate_cercles

    settlements = facts.read_table("settlements")
    capitals = {}
    for row in facts.read_table("cercles"):
        capital = next(s for s in settlements if s["name"] == row["capital"] and s["kind"] == "cercle_capital")
        capitals[row["pcode"]] = (float(capital["lon"]), float(capital["lat"]))
    shapes = approximate_cercles(Grid(resolution=0.05), capitals)
    return tuple(
        {
            "type": "Feature",
            "properties": {PCODE_FIELD: pcode},
            "geometry": json.loads(json.dumps(mapping(shape.geometry))),
        }
        for pcode, shape in shapes.items()
    )


def geojson(edit: Callable[[dict], None] | None = None) -> Callable[[Path], None]:
    """A boundaries GeoJSON of every cercle; ``edit(first_feature)`` spoils its first polygon."""

    def write(path: Path) -> None:
        features = json.loads(json.dumps(cercle_features()))
        if edit is not None:
            edit(features[0])
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")

    return write


def unclosed_ring(feature: dict) -> None:
    ring = feature["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    del ring[-1]


def bowtie(feature: dict) -> None:
    """A self-intersecting ring (a figure eight) over the polygon's bounding box."""
    ring = feature["geometry"]["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    west, south, east, north = min(xs), min(ys), max(xs), max(ys)
    feature["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, north], [east, south], [west, north], [west, south]]],
    }


# --- YAML -----------------------------------------------------------------------------------

BOMB = 'kind: plan\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")
)
"""The 353-byte alias bomb: nine levels of nine, 9**8 "lol" once expanded."""

FIVE_MB_OF_COMMENTS = ("# " + "x" * 97 + "\n") * 52_429


def pwned(folder: Path) -> str:
    return f'!!python/object/apply:os.system ["touch {folder}/pwned"]'


# --- the table ------------------------------------------------------------------------------

S, P = "scenario", "plan"

CASES: list[Case] = [
    # YAML itself
    Case("alias-bomb", P, whole(BOMB)),  # run: test_alias_bomb_is_refused_fast
    Case(
        "anchor-and-alias",
        P,
        then(
            sub(
                "    lead_time: {min: 30 day, mode: 45 day, max: 90 day}\n",
                "    lead_time: &regional {min: 30 day, mode: 45 day, max: 90 day}\n",
            ),
            sub("    lead_time: {min: 60 day, mode: 90 day, max: 120 day}\n", "    lead_time: *regional\n"),
        ),
    ),
    Case("anchor-alone", S, sub("title: Crue", "title: &t Crue")),
    Case("alias-undefined", S, sub("title: Crue de 2022 / The 2022 flood\n", "title: *nowhere\n")),
    Case(
        "tag-python-object",
        S,
        lambda text, folder: sub("title: Crue de 2022 / The 2022 flood\n", f"title: {pwned(folder)}\n")(text, folder),
        run=True,
    ),
    Case("tag-python-name", P, sub("name: early-action\n", "name: !!python/name:os.system early-action\n")),
    Case("tag-str", S, sub("days: 240\n", "days: !!str 240\n")),
    Case("tag-float", S, sub("access_closure_probability: 0.02\n", "access_closure_probability: !!float 0.02\n")),
    Case("tag-binary", S, sub("title: Crue de 2022 / The 2022 flood\n", "title: !!binary aGVsbG8=\n")),
    Case(
        "tag-set",
        P,
        sub(
            "    items: [nfi_kit, cereal, soap, dignity_kit, latrine, water]\n", "    items: !!set {nfi_kit, cereal}\n"
        ),
    ),
    Case("tag-local", S, sub("  gauge: Mopti\n", "  gauge: !gauge Mopti\n")),
    Case("kind-list-plan", P, sub("kind: plan\n", "kind: [plan]\n"), run=True),
    Case("kind-list-scenario", S, sub("kind: scenario\n", "kind: [scenario]\n")),
    Case("kind-mapping", P, sub("kind: plan\n", "kind: {plan: 1}\n")),
    Case("five-mb-of-comments", S, add(FIVE_MB_OF_COMMENTS)),
    Case(
        "too-many-values",
        S,
        sub("title: Crue de 2022 / The 2022 flood\n", "title: [" + ",".join(["1"] * (MAX_YAML_NODES + 5_000)) + "]\n"),
    ),
    Case(
        "values-just-under-the-limit",
        S,
        sub("title: Crue de 2022 / The 2022 flood\n", "title: [" + ",".join(["1"] * (MAX_YAML_NODES - 100)) + "]\n"),
    ),
    Case(
        "deep-brackets",
        S,
        sub("title: Crue de 2022 / The 2022 flood\n", "title: " + "[" * 10_000 + "]" * 10_000 + "\n"),
    ),
    Case("deep-brackets-unclosed", S, sub("title: Crue de 2022 / The 2022 flood\n", "title: " + "[" * 10_000 + "\n")),
    Case(
        "deep-mappings",
        S,
        sub("title: Crue de 2022 / The 2022 flood\n", "title: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"),
    ),
    Case("nul-byte", S, sub("title: Crue", "title: Cr\x00ue")),
    Case("latin1-scenario", S, encoded(sub("title: Crue de 2022", "title: Crue d'été 2022"), "latin-1")),
    Case("utf16-scenario", S, encoded(lambda text, folder: text, "utf-16")),
    Case("binary-junk", S, whole(bytes(range(256)) * 4)),
    Case("empty-file", S, whole("")),
    Case("top-level-list", S, whole("- kind: scenario\n- name: x\n")),
    Case("two-documents", S, lambda text, folder: text + "---\n" + text),
    Case("duplicate-key", S, sub("days: 240\n", "days: 240\ndays: 241\n")),
    Case("tab-indent", S, sub("  gauge: Mopti\n", "\tgauge: Mopti\n")),
    Case("days-5000-digits", S, sub("days: 240\n", "days: 1" + "0" * 5000 + "\n")),
    Case("days-1e400", S, sub("days: 240\n", "days: 1e400\n")),
    Case("population-year-huge", S, sub("  population_year: 2022\n", "  population_year: 99999999999999999999999\n")),
    # scenario ranges
    Case("peak-inf-cm", S, sub("  peak: 671 cm\n", "  peak: inf cm\n")),
    Case("peak-nan-cm", S, sub("  peak: 671 cm\n", "  peak: .nan cm\n")),
    Case("peak-minus-inf-cm", S, sub("  peak: 671 cm\n", "  peak: -inf cm\n")),
    Case("peak-1e9-cm", S, sub("  peak: 671 cm\n", "  peak: 1e9 cm\n"), run=True),
    Case("peak-spread-inf", S, sub("  peak: 671 cm\n", "  peak: 671 cm\n  peak_spread: inf cm\n")),
    Case("flood-return-period-1e308", S, sub("  peak: 671 cm\n", "  return_period: 1e308 year\n")),
    Case("rainfall-return-period-inf", S, sub("  season: wet\n", "  season: wet\n  return_period: inf year\n")),
    Case(
        "household-size-1e308",
        S,
        sub("household_size: 5.2 person/household\n", "household_size: 1e308 person/household\n"),
    ),
    Case(
        "household-size-1e-9",
        S,
        sub("household_size: 5.2 person/household\n", "household_size: 1e-9 person/household\n"),
    ),
    Case("start-date-0001", S, sub("start_date: 2022-06-01\n", "start_date: 0001-06-01\n")),
    Case("start-date-9999", S, sub("start_date: 2022-06-01\n", "start_date: 9999-06-01\n"), run=True),
    Case("peak-date-after-season", S, sub("  peak_date: 2022-10-09\n", "  peak_date: 2023-10-09\n")),
    Case("peak-date-before-season", S, sub("  peak_date: 2022-10-09\n", "  peak_date: 2021-10-09\n")),
    Case("storm-date-outside-season", S, storm("2024-08-15", "total: 150 mm")),
    Case("storm-total-1-furlong", S, storm("2022-08-15", "total: 1 furlong")),
    Case("storm-total-2400000-mm", S, storm("2022-08-15", "total: 2400000 mm")),
    Case("storm-total-in-kg", S, storm("2022-08-15", "total: 100 kg")),
    Case("storm-total-nan", S, storm("2022-08-15", "total: .nan mm")),
    Case("storm-return-period-1e308", S, storm("2022-08-15", "return_period: 1e308 year")),
    Case("rebuild-time-1e300-day", S, add("impact:\n  rebuild_time: 1e300 day\n")),
    Case("rebuild-time-inf", S, add("impact:\n  rebuild_time: inf day\n")),
    Case("displacement-damage-nan", S, add("impact:\n  displacement_damage: .nan\n")),
    Case("access-closure-nan", S, sub("access_closure_probability: 0.02\n", "access_closure_probability: .nan\n")),
    # no field takes coordinates; the nearest is the grid's cell size in degrees
    Case("resolution-400-degree", S, sub("  resolution: 0.01 degree\n", "  resolution: 400 degree\n")),
    Case("resolution-nan-degree", S, sub("  resolution: 0.01 degree\n", "  resolution: .nan degree\n")),
    # plan ranges
    Case("pledge-dated-1900", P, sub("      after: 60 day\n", "      date: 1900-01-01\n")),
    Case("pledge-after-1e300-day", P, sub("      after: 60 day\n", "      after: 1e300 day\n")),
    Case("pledge-probability-nan", P, sub("      probability: 0.5\n", "      probability: .nan\n")),
    Case("funding-available-inf", P, sub("  available: 150000 USD\n", "  available: inf USD\n")),
    Case("funding-available-1e308", P, sub("  available: 150000 USD\n", "  available: 1e308 USD\n")),
    Case("capacity-1e400-m3", P, sub("    capacity: 3000 m**3\n", "    capacity: 1e400 m**3\n"), run=True),
    Case("stock-water-15-kg", P, sub("      cereal: 100000 kg\n", "      cereal: 100000 kg\n      water: 15 kg\n")),
    Case("stock-cereal-1e400-kg", P, sub("      cereal: 100000 kg\n", "      cereal: 1e400 kg\n")),
    Case("trucks-1e7", P, sub("      count: 4\n", "      count: 10000000\n"), run=True),
    Case("truck-speed-inf", P, sub("      count: 4\n", "      count: 4\n      speed: inf km/h\n")),
    Case("truck-hours-nan", P, sub("      count: 4\n", "      count: 4\n      hours_per_day: .nan\n")),
    Case("boat-min-stage-1e9-cm", P, sub("      count: 2\n", "      count: 2\n      min_stage: 1e9 cm\n")),
    Case("teams-1e9", P, sub("  teams: 8\n", "  teams: 1000000000\n")),
    Case(
        "households-per-team-1e308",
        P,
        sub(
            "  households_per_team_per_day: 250 household/day\n", "  households_per_team_per_day: 1e308 household/day\n"
        ),
    ),
    Case("lead-time-1e300-day", P, sub("max: 42 day}", "max: 1e300 day}")),
    Case("lead-time-nan", P, sub("{min: 7 day,", "{min: .nan day,")),
    Case("price-factor-inf", P, sub("    price_factor: 1.1\n", "    price_factor: .inf\n")),
    Case("minimum-order-inf", P, sub("    minimum_order: 20000 USD\n", "    minimum_order: inf USD\n")),
    Case("threshold-nan", P, sub("    threshold: 633\n", "    threshold: .nan\n"), run=True),
    Case("threshold-minus-inf", P, sub("    threshold: -1.0\n", "    threshold: -.inf\n")),
    Case("trigger-lead-1e300-day", P, sub("    lead: 4 day\n", "    lead: 1e300 day\n")),
    Case("trigger-quantity-inf", P, sub("    quantity: 1000\n", "    quantity: .inf\n")),
    Case("trigger-amount-1e308", P, sub("    amount: 65000 USD\n", "    amount: 1e308 USD\n")),
    Case("equity-floor-nan", P, sub("equity_floor: 0.2\n", "equity_floor: .nan\n")),
    # files a scenario names
    Case("rations-missing-file", S, rations("missing.csv"), named=("missing.csv",)),
    Case("rations-folder", S, rations("rations", folder_at), run=True, named=("rations",)),
    Case("rations-etc-passwd", S, add("rations: /etc/passwd\n"), named=("/etc/passwd",)),
    Case("rations-latin1", S, rations("rations.csv", rations_csv(encoding="latin-1")), named=("rations.csv",)),
    Case(
        "rations-short-row",
        S,
        rations("rations.csv", rations_csv(water_row(short_row))),
        run=True,
        named=("rations.csv",),
    ),
    Case(
        "rations-unit-cost-inf",
        S,
        rations("rations.csv", rations_csv(set_column("unit_cost_usd", "inf"))),
        named=("rations.csv",),
    ),
    Case(
        "rations-unit-cost-nan",
        S,
        rations("rations.csv", rations_csv(set_column("unit_cost_usd", "nan"))),
        named=("rations.csv",),
    ),
    Case(
        "rations-quantity-1e400",
        S,
        rations("rations.csv", rations_csv(set_column("quantity", "1e400"))),
        named=("rations.csv",),
    ),
    Case(
        "rations-water-15-kg", S, rations("rations.csv", rations_csv(set_column("unit", "kg"))), named=("rations.csv",)
    ),
    Case("boundaries-missing-file", S, boundaries("missing.geojson"), named=("missing.geojson",)),
    Case("boundaries-folder", S, boundaries("boundaries", folder_at), named=("boundaries",)),
    Case(
        "boundaries-not-geojson",
        S,
        boundaries("boundaries.geojson", lambda path: path.write_text("not a map\n")),
        named=("boundaries.geojson",),
    ),
    Case(
        "boundaries-unclosed-ring",
        S,
        boundaries("boundaries.geojson", geojson(unclosed_ring)),
        named=("boundaries.geojson",),
    ),
    Case(
        "boundaries-self-intersecting",
        S,
        boundaries("boundaries.geojson", geojson(bowtie)),
        run=True,
        named=("boundaries.geojson",),
    ),
]

CONTROLS: list[Case] = [
    Case("shipped-scenario", S, lambda text, folder: text),
    Case("shipped-plan", P, lambda text, folder: text),
    Case("storm-in-season", S, storm("2022-08-15", "total: 150 mm")),
    Case("rations-copy", S, rations("rations.csv", rations_csv())),
    Case("boundaries-valid", S, boundaries("boundaries.geojson", geojson())),
]
"""Files that must be accepted: the hostile cases are refused for what they change, not for how
the test writes them."""

assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
