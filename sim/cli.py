"""Command line: ``python -m sim …``.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, nothing written),
1 an internal error (one line; set ``SIM_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pydantic

from hazards.catalog import add_layer, catalog_folder, layer_kinds, list_layers
from hazards.io.layers import LAYER_KINDS
from sim.commune.command import run_commune
from sim.core import limits, settings
from sim.core.errors import BadInputError
from sim.core.loader import InputError
from sim.delta.domain import DEFAULT_RESOLUTION, DEFAULT_YEAR, load_delta
from sim.ensemble import run_ensemble
from sim.propose.command import run_propose
from sim.report import write_report
from sim.results import summarize, write_outputs
from sim.run import (
    combine_members,
    expected_annual_impacts,
    load_scenario,
    named_file_problems,
    scenario_delta,
)
from sim.scenario import DomainSettings, Scenario, load_file, validation_context
from sim.triggers.command import run_triggers

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


class UserError(BadInputError):
    """Bad input found by the command line itself (an option, an output folder)."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return args.run(args)
    except BadInputError as err:
        # a file's problems are FILE:LINE: field: problem; any other refusal says "error:" first
        prefix = "" if getattr(err, "problems", None) else "error: "
        for line in err.lines():
            print(f"{prefix}{line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # never a traceback for a user, unless asked
        if settings.debug():
            raise
        print(f"internal error: {type(err).__name__}: {err} (set SIM_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sim", description="Inland Niger delta contingency-planning simulator"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser(
        "validate",
        help="check scenario and plan files",
        description="Check scenario and plan files; print FILE:LINE: field: problem for every error.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)

    domain = sub.add_parser(
        "domain",
        help="show the built-in delta (cercles, population, gauges)",
        description="Build the built-in delta and print its cercles.",
    )
    domain.add_argument("--resolution", type=float, default=None, help="cell size in degrees (default 0.01)")
    domain.add_argument("--year", type=int, default=None, help="population year (default 2024)")
    domain.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help="official cercle boundaries (OCHA COD-AB GeoJSON, Shapefile or zipped Shapefile)",
    )
    domain.add_argument("--json", action="store_true", help="print JSON instead of a table")
    domain.set_defaults(run=_domain)

    run = sub.add_parser(
        "run",
        help="simulate a scenario: hazards, impact and needs",
        description="Simulate a scenario and write DIR/summary.json and DIR/results.nc.",
    )
    run.add_argument("scenario", type=Path, metavar="SCENARIO")
    run.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    run.add_argument("--members", type=int, default=1, help="ensemble members (default 1)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument(
        "--plan",
        type=Path,
        action="append",
        default=[],
        metavar="PLAN",
        help="contingency plan to play against the season (repeat to compare plans)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="run the members on a Dask cluster, e.g. tcp://127.0.0.1:8786 (default: local processes)",
    )
    run.add_argument("--workers", type=int, default=None, help="local processes (default: one per CPU)")
    run.set_defaults(run=_run)

    proposal = sub.add_parser(
        "propose",
        help="propose the least-cost stock that meets a coverage target, and replay it in SimPy",
        description=(
            "Fit the stock of a plan on training members (a two-stage stochastic programme, HiGHS), replay it "
            "in the SimPy model on other members, and write DIR/proposed-plan.yaml, DIR/proposal.json, "
            "DIR/frontier.png and DIR/proposal.pdf."
        ),
    )
    proposal.add_argument("scenario", type=Path, metavar="SCENARIO")
    proposal.add_argument("--plan", type=Path, required=True, metavar="START", help="the plan to build on")
    proposal.add_argument(
        "--target", type=float, default=0.9, help="fill rate by value a member must reach (default 0.9)"
    )
    proposal.add_argument(
        "--confidence", type=float, default=0.8, help="share of members that must reach it (default 0.8)"
    )
    proposal.add_argument(
        "--members", type=int, default=20, help="training members, and as many to replay (default 20)"
    )
    proposal.add_argument("--seed", type=int, default=0, help="seed of the training members; the replay uses seed + 1")
    proposal.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="USD",
        help="most to spend before the season: stock added, its storage and a reserve of money",
    )
    proposal.add_argument(
        "--lang", choices=("fr", "en"), default="fr", help="language of the report and the chart (default fr)"
    )
    proposal.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    proposal.add_argument("--scheduler", metavar="ADDR", help="replay on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    proposal.add_argument(
        "--workers", type=int, default=None, help="local processes for the replay (default: one per CPU)"
    )
    proposal.set_defaults(run=run_propose)

    triggers = sub.add_parser(
        "triggers",
        help="score a plan's triggers over many synthetic seasons",
        description=(
            "Draw SEASONS seasons from the model's climate (Mopti peak, rainfall, storms), play the plan with and "
            "without each trigger, and write DIR/triggers.json (activations, hits, misses, false alarms, lead time, "
            "coverage gained and cost, a threshold sweep) and DIR/triggers.png."
        ),
    )
    triggers.add_argument("scenario", type=Path, metavar="SCENARIO")
    triggers.add_argument("--plan", type=Path, required=True, metavar="PLAN", help="the plan whose triggers to score")
    triggers.add_argument("--seasons", type=int, default=500, help="seasons in the record (default 500)")
    triggers.add_argument("--seed", type=int, default=0, help="seed of the record (default 0)")
    triggers.add_argument(
        "--event",
        metavar="RULE",
        default=None,
        help="what the triggers are meant for: displaced:T (displaced peak above its T-year level; default "
        "displaced:5) or mopti:CM (Mopti peak at or above CM cm)",
    )
    triggers.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    triggers.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the chart (default fr)")
    triggers.add_argument("--scheduler", metavar="ADDR", help="play on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    triggers.add_argument(
        "--workers", type=int, default=None, help="local processes for the seasons (default: one per CPU)"
    )
    triggers.set_defaults(run=run_triggers)

    commune = sub.add_parser(
        "commune",
        help="a commune's one-page contingency plan, from its villages",
        description=(
            "Find the commune (by name, one of its villages' names, or pcode), play a flood on its villages (a stage "
            "at a gauge, or a scenario's), and write DIR/commune.json and DIR/commune-plan.pdf: the warning levels at "
            "its gauge, the villages flooded and cut off, the people, the hosting sites and the needs by week."
        ),
    )
    commune.add_argument("commune", metavar="NAME_OR_PCODE")
    commune.add_argument(
        "--stage",
        type=float,
        default=None,
        metavar="CM",
        help="the flood's peak at --gauge [cm] (default: Mopti's 2024 peak, 716 cm, at the commune's gauge)",
    )
    commune.add_argument(
        "--gauge", default=None, metavar="G", help="Mopti, Sofara, Akka or Diré (default: the commune's own gauge)"
    )
    commune.add_argument(
        "--scenario",
        type=Path,
        default=None,
        metavar="FILE",
        help="play this scenario's flood instead (its control member)",
    )
    commune.add_argument("--seed", type=int, default=1, help="seed of the scenario's members (default 1)")
    commune.add_argument(
        "--members",
        type=int,
        default=1,
        help="with --scenario: members played (default 1, the control member); villages flooded in at least half count",
    )
    commune.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    commune.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the plan (default fr)")
    commune.set_defaults(run=run_commune)
    report = sub.add_parser(
        "report",
        help="write the plan report (PDF) and workbook (XLSX) of a run",
        description="Write DIR/report.pdf and DIR/report.xlsx from DIR/summary.json and DIR/results.nc.",
    )
    report.add_argument("dir", type=Path, metavar="DIR")
    report.add_argument(
        "--lang", choices=("fr", "en"), default="fr", help="language of the report and workbook (default fr)"
    )
    report.set_defaults(run=_report)

    compare = sub.add_parser(
        "compare",
        help="print the plans of a run side by side",
        description="Print the KPIs of the plans in DIR/summary.json side by side.",
    )
    compare.add_argument("dir", type=Path, metavar="DIR")
    compare.set_defaults(run=_compare)

    hazards = sub.add_parser(
        "hazards",
        help="the hazard-layer catalog",
        description="Add and list hazard layers (yours in $SIM_DATA_DIR/layers, default ~/.local/share/delta-sim/layers; the shipped ones in hazards/layers).",
    )
    hsub = hazards.add_subparsers(dest="hazards_command", metavar="ACTION", required=True)
    add = hsub.add_parser("add", help="validate a file and register it as a layer")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument("--name", required=True, help="layer name: lower case, digits and dashes")
    add.add_argument("--kind", required=True, choices=LAYER_KINDS)
    add.add_argument(
        "--units", help="units of the values when the file does not say (e.g. mm/day, m, 1, person, person/km^2)"
    )
    add.add_argument("--crs", help="CRS of the file when it has none (e.g. EPSG:32630)")
    add.add_argument("--source", default="unspecified", help="who produced the data")
    add.add_argument("--licence", default="unspecified", help="licence of the data")
    add.add_argument("--description", default="", help="free text")
    add.set_defaults(run=_hazards_add)
    listing = hsub.add_parser("list", help="list the layers")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=_hazards_list)
    return parser


def _validate(args) -> int:
    """Each file, and the files a scenario names (rations, boundaries), read as ``run`` reads them."""

    context = validation_context(layers=layer_kinds())
    failed = False
    for name in args.files:
        try:
            model = load_file(name, context=context)
            problems = (
                named_file_problems(model, Path(name).resolve().parent, name) if isinstance(model, Scenario) else []
            )
        except InputError as err:
            problems = err.problems
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            failed = True
        else:
            print(f"{name}: ok")
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _domain(args) -> int:

    resolution = DEFAULT_RESOLUTION if args.resolution is None else args.resolution
    year = DEFAULT_YEAR if args.year is None else args.year
    try:
        DomainSettings(resolution=f"{resolution!r} degree", population_year=year)
    except pydantic.ValidationError as err:
        first = err.errors()[0]
        option = "--year" if first["loc"] and first["loc"][0] == "population_year" else "--resolution"
        raise UserError(f"{option}: {first['msg'].removeprefix('Value error, ')}") from None
    delta = load_delta(resolution=resolution, year=year, boundaries=args.boundaries)
    sums = delta.cercle_population()
    rows = []
    for k, c in enumerate(delta.cercles):
        cells = delta.cercle_index == k
        area = float((cells * delta.grid.cell_area_km2[:, None]).sum())
        rows.append(
            {
                "pcode": c.pcode,
                "cercle": c.name,
                "region": c.region,
                "population_2009": c.population_2009,
                f"population_{delta.year}": sums[c.pcode],
                "area_on_grid_km2": round(area, 1),
                "boundary": "approximate" if c.approximate else "official",
            }
        )
    if args.json:
        print(
            json.dumps(
                {
                    "year": delta.year,
                    "resolution_deg": delta.grid.resolution,
                    "boundaries": delta.boundaries,
                    "cercles": rows,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print(
        f"inland Niger delta: {delta.grid.shape[0]}×{delta.grid.shape[1]} cells of {delta.grid.resolution}°, population {delta.year}, boundaries: {delta.boundaries}"
    )
    print(
        f"{'pcode':<8} {'cercle':<12} {'region':<11} {'pop. 2009':>10} {f'pop. {delta.year}':>10} {'km² on grid':>12}  boundary"
    )
    for r in rows:
        print(
            f"{r['pcode']:<8} {r['cercle']:<12} {r['region']:<11} {r['population_2009']:>10,} {r[f'population_{delta.year}']:>10,} {r['area_on_grid_km2']:>12,.0f}  {r['boundary']}"
        )
    total = sum(sums.values())
    print(f"{'total':<33} {sum(c.population_2009 for c in delta.cercles):>10,} {total:>10,}")
    return EXIT_OK


def _hazards_add(args) -> int:

    card = add_layer(
        args.file,
        args.name,
        args.kind,
        units=args.units,
        crs=args.crs,
        source=args.source,
        licence=args.licence,
        description=args.description,
    )
    coverage = (
        f", {card.time_coverage.start} to {card.time_coverage.end} ({card.time_coverage.steps} maps)"
        if card.time_coverage
        else ""
    )
    print(f"added {card.kind} layer {card.name!r} in {card.units}{coverage} to {catalog_folder()}")
    return EXIT_OK


def _hazards_list(args) -> int:

    cards, problems = list_layers()
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.json:
        print(json.dumps([c.model_dump(mode="json") for c in cards], ensure_ascii=False, indent=2))
    else:
        print(f"{len(cards)} layer(s) in {catalog_folder()}")
        for c in cards:
            span = f"{c.time_coverage.start}..{c.time_coverage.end}" if c.time_coverage else "undated"
            print(f"{c.name:<24} {c.kind:<14} {c.units:<9} {span:<23} {c.source}")
    return EXIT_BAD_INPUT if problems else EXIT_OK


def _check_run_options(args) -> None:
    """Refuse options outside their range (:mod:`sim.core.limits`) before anything is read."""
    if not 1 <= args.members <= limits.MAX_MEMBERS:
        raise UserError(f"--members must be between 1 and {limits.MAX_MEMBERS}, got {args.members}")
    if not 0 <= args.seed <= limits.MAX_SEED:
        raise UserError(f"--seed must be between 0 and {limits.MAX_SEED}, got {args.seed}")
    if args.workers is not None and not 1 <= args.workers <= limits.MAX_WORKERS:
        raise UserError(f"--workers must be between 1 and {limits.MAX_WORKERS}, got {args.workers}")
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"{args.out}: exists and is not a folder")


def _run(args) -> int:

    _check_run_options(args)
    scenario, base = load_scenario(args.scenario)
    plans = [load_file(path, expect="plan") for path in args.plan]
    names = [p.name for p in plans]
    if len(set(names)) != len(names):
        raise UserError(f"two plans share a name: {', '.join(names)}")
    delta = scenario_delta(scenario, base)

    def progress(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total)
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} members",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )

    parts = run_ensemble(
        args.scenario.read_text(encoding="utf-8"),
        str(base),
        args.members,
        args.seed,
        [path.read_text(encoding="utf-8") for path in args.plan],
        scheduler=args.scheduler,
        workers=args.workers,
        progress=progress,
    )
    result = combine_members(parts)
    summary = summarize(result, delta)
    if scenario.flood is not None and scenario.flood.return_period is not None:
        print("expected annual impact: running the standard return periods…", file=sys.stderr)
        summary["expected_annual"] = expected_annual_impacts(scenario, members=args.members, seed=args.seed, base=base)
    write_outputs(result, summary, args.out)
    needs = summary["needs"]
    print(
        f"{scenario.name}: affected {summary['affected_persons']['value']:,}, displaced peak {summary['displaced_persons']['peak']['value']:,}, "
        f"cost US${summary['cost_usd']['value']:,} — {len(needs)} items; written to {args.out}/summary.json and results.nc"
    )
    return EXIT_OK


def _compare(args) -> int:
    path = args.dir / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; run python -m sim run ... --plan PLAN --out {args.dir} first") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    plans = summary.get("plans")
    if not plans:
        raise UserError(f"{path}: this run played no plan; add --plan PLAN to python -m sim run")
    names = list(plans)
    kpis = list(plans[names[0]]["kpis"])
    width = max(len(k) for k in kpis) + 2
    print(f"{summary['scenario']}, {summary['members']} member(s), seed {summary['seed']}: median (p10–p90)")
    print(
        f"{'':<{width}}"
        + "".join(f"{n:>32}" for n in names)
        + (f"{'difference (paired)':>32}" if len(names) > 1 else "")
    )

    def cell(entry) -> str:
        if not entry or entry.get("value") is None:
            return "—"
        text = f"{entry['value']:,.3g}" if abs(entry["value"]) < 1000 else f"{entry['value']:,.0f}"
        if "p10" in entry:
            text += f" ({entry['p10']:,.3g}–{entry['p90']:,.3g})"
        return text

    for kpi in kpis:
        row = f"{kpi:<{width}}" + "".join(f"{cell(plans[n]['kpis'].get(kpi)):>32}" for n in names)
        if len(names) > 1:
            row += f"{cell(plans[names[1]].get(f'minus_{names[0]}', {}).get(kpi)):>32}"
        print(row)
    for n in names:
        print(f"probability that all demand is met, {n}: {plans[n]['probability_all_demand_met']:.0%}")
    return EXIT_OK


def _report(args) -> int:

    for name in ("summary.json", "results.nc"):
        if not (args.dir / name).is_file():
            raise UserError(f"{args.dir / name}: no such file; run python -m sim run ... --out {args.dir} first")
    pdf, xlsx = write_report(args.dir, lang=args.lang)
    print(f"wrote {pdf} and {xlsx}")
    return EXIT_OK
