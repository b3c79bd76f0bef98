"""``python -m sim propose``: options checked, the proposal run, its four files written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.core import limits  # noqa: E402
from sim.core.errors import BadInputError  # noqa: E402
from sim.core.fileio import write_bytes_atomic, write_text_atomic  # noqa: E402
from sim.propose.report import frontier_png, proposal_pdf  # noqa: E402
from sim.propose.run import propose  # noqa: E402
from sim.run import load_scenario  # noqa: E402
from sim.scenario import dump_text, load_file  # noqa: E402


class ProposeError(BadInputError):
    """An option of ``propose`` out of its range."""


def check_options(args) -> None:
    """Refuse options outside their range before anything is read."""
    if not 0.0 < args.target <= 1.0:
        raise ProposeError(f"--target must be above 0 and at most 1, got {args.target:g}")
    if not 0.0 < args.confidence <= 1.0:
        raise ProposeError(f"--confidence must be above 0 and at most 1, got {args.confidence:g}")
    if not 2 <= args.members <= limits.MAX_MEMBERS:
        raise ProposeError(f"--members must be between 2 and {limits.MAX_MEMBERS}, got {args.members}")
    if not 0 <= args.seed < limits.MAX_SEED:
        raise ProposeError(f"--seed must be between 0 and {limits.MAX_SEED - 1}, got {args.seed}")
    if args.budget is not None and not 0.0 <= args.budget <= limits.MAX_USD:
        raise ProposeError(f"--budget must be between 0 and {limits.MAX_USD:g} USD, got {args.budget:g}")
    if args.workers is not None and not 1 <= args.workers <= limits.MAX_WORKERS:
        raise ProposeError(f"--workers must be between 1 and {limits.MAX_WORKERS}, got {args.workers}")
    if args.out.exists() and not args.out.is_dir():
        raise ProposeError(f"{args.out}: exists and is not a folder")


def run_propose(args) -> int:
    """The ``propose`` command (see ``python -m sim propose --help``)."""
    check_options(args)
    scenario, base = load_scenario(args.scenario)
    start = load_file(args.plan, expect="plan")
    outcome = propose(
        scenario,
        start,
        args.target,
        args.confidence,
        args.members,
        args.seed,
        budget_usd=args.budget,
        base=base,
        workers=args.workers,
        scheduler=args.scheduler,
        log=lambda text: print(text, file=sys.stderr, flush=True),
    )
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "proposed-plan.yaml", dump_text(outcome.plan))
    write_text_atomic(
        out / "proposal.json", json.dumps(outcome.data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    )
    write_bytes_atomic(out / "frontier.png", frontier_png(outcome.data, args.lang))
    write_bytes_atomic(out / "proposal.pdf", proposal_pdf(outcome.data, args.lang))
    if not outcome.data["reachable"]:
        print(f"target out of reach: {outcome.data['message']}", file=sys.stderr)
    print(outcome.data["verdict"])
    print(f"written to {out}/proposed-plan.yaml, proposal.json, frontier.png and proposal.pdf")
    return 0
