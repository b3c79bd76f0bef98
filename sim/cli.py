"""Command line: ``python -m sim …``.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, nothing written),
1 an internal error (one line; set ``SIM_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Bad input: the message is printed as one line and the command exits with 2."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return args.run(args)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # never a traceback for a user, unless asked
        if os.environ.get("SIM_DEBUG"):
            raise
        print(f"internal error: {type(err).__name__}: {err} (set SIM_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sim", description="Inland Niger delta contingency-planning simulator")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser("validate", help="check scenario and plan files", description="Check scenario and plan files; print FILE:LINE: field: problem for every error.")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(run=_validate)

    domain = sub.add_parser("domain", help="show the built-in delta (cercles, population, gauges)", description="Build the built-in delta and print its cercles.")
    domain.add_argument("--resolution", type=float, default=None, help="cell size in degrees (default 0.01)")
    domain.add_argument("--year", type=int, default=None, help="population year (default 2024)")
    domain.add_argument("--boundaries", type=Path, default=None, help="official cercle boundaries (OCHA COD-AB GeoJSON, Shapefile or zipped Shapefile)")
    domain.add_argument("--json", action="store_true", help="print JSON instead of a table")
    domain.set_defaults(run=_domain)
    return parser


def _validate(args) -> int:
    from sim.scenario import check_files

    problems = check_files(args.files)
    bad = {p.file for p in problems}
    for problem in problems:
        print(problem, file=sys.stderr)
    for name in args.files:
        if name not in bad:
            print(f"{name}: ok")
    return EXIT_BAD_INPUT if problems else EXIT_OK


def _domain(args) -> int:
    from sim.boundaries import BoundariesError
    from sim.domain import DEFAULT_RESOLUTION, DEFAULT_YEAR, load_delta

    try:
        delta = load_delta(
            resolution=args.resolution or DEFAULT_RESOLUTION,
            year=args.year or DEFAULT_YEAR,
            boundaries=args.boundaries,
        )
    except (BoundariesError, ValueError) as err:
        raise UserError(str(err)) from None
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
        print(json.dumps({"year": delta.year, "resolution_deg": delta.grid.resolution, "boundaries": delta.boundaries, "cercles": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"inland Niger delta: {delta.grid.shape[0]}×{delta.grid.shape[1]} cells of {delta.grid.resolution}°, population {delta.year}, boundaries: {delta.boundaries}")
    print(f"{'pcode':<8} {'cercle':<12} {'region':<11} {'pop. 2009':>10} {f'pop. {delta.year}':>10} {'km² on grid':>12}  boundary")
    for r in rows:
        print(f"{r['pcode']:<8} {r['cercle']:<12} {r['region']:<11} {r['population_2009']:>10,} {r[f'population_{delta.year}']:>10,} {r['area_on_grid_km2']:>12,.0f}  {r['boundary']}")
    total = sum(sums.values())
    print(f"{'total':<33} {sum(c.population_2009 for c in delta.cercles):>10,} {total:>10,}")
    return EXIT_OK
