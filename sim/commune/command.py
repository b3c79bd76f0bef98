"""``python -m sim commune``: a commune found, its flood played, ``commune.json`` and
``commune-plan.pdf`` written."""

from __future__ import annotations

import json
from pathlib import Path

from sim.commune.build import FloodRequest, check_flood, commune_plan, plan_files
from sim.commune.sheet import plan_pdf
from sim.core.errors import BadInputError
from sim.core.fileio import write_bytes_atomic, write_text_atomic
from sim.delta.domain import DEFAULT_RESOLUTION, DEFAULT_YEAR, load_delta
from sim.needs import read_rations
from sim.run import load_scenario, rations_path, scenario_delta
from sim.scenario import Scenario, at_resolution


class CommuneOptionError(BadInputError):
    """Options of ``commune`` that do not go together."""


def on_commune_grid(scenario: Scenario) -> Scenario:
    """The scenario on the grid a commune's villages are read on (:data:`DEFAULT_RESOLUTION`):
    a coarser grid would put whole villages in one cell."""
    return at_resolution(scenario, DEFAULT_RESOLUTION)


def run_commune(args) -> int:
    """The ``commune`` command (see ``python -m sim commune --help``)."""
    if args.scenario is not None and (args.stage is not None or args.gauge is not None):
        raise CommuneOptionError("--scenario plays the scenario's own flood: give it without --stage and --gauge")
    if args.out.exists() and not args.out.is_dir():
        raise CommuneOptionError(f"{args.out}: exists and is not a folder")
    if args.members != 1 and args.scenario is None:
        raise CommuneOptionError("--members counts a scenario's members: give it with --scenario")
    request = FloodRequest(stage_cm=args.stage, gauge=args.gauge, members=args.members)
    check_flood(request)
    if args.scenario is not None:
        scenario, base = load_scenario(args.scenario)
        scenario = on_commune_grid(scenario)
        delta = scenario_delta(scenario, base)
        rations = read_rations(rations_path(scenario, base))
        request = FloodRequest(scenario=scenario, seed=args.seed, members=args.members)
    else:
        delta = load_delta(resolution=DEFAULT_RESOLUTION, year=DEFAULT_YEAR)
        rations = read_rations()
    data = commune_plan(delta, args.commune, request, rations)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    json_path, pdf_path = plan_files(out)
    write_text_atomic(json_path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    write_bytes_atomic(pdf_path, plan_pdf(data, args.lang))
    commune, levels = data["commune"], data["warning_levels"]
    flooded = sum(1 for v in data["villages"] if v["flooded"])
    print(
        f"{commune['name']} ({commune['pcode']}): {flooded} of {levels['villages']} villages flooded, "
        f"{data['people']['affected']:,} people affected; first village floods at {levels['first_village_cm']} cm "
        f"at {levels['gauge']}"
    )
    print(f"written to {json_path} and {pdf_path.name}")
    return 0
