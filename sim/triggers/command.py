"""``python -m sim triggers``: options checked, the record played, ``triggers.json`` and ``triggers.png`` written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from sim.core import limits  # noqa: E402
from sim.core.errors import BadInputError  # noqa: E402
from sim.core.fileio import write_bytes_atomic, write_text_atomic  # noqa: E402
from sim.core.i18n import number, t  # noqa: E402
from sim.report import png_bytes  # noqa: E402
from sim.run import load_scenario  # noqa: E402
from sim.scenario import load_file  # noqa: E402
from sim.triggers.run import parse_event, score_triggers  # noqa: E402

MAX_SEASONS = 5000
"""Most seasons a record may hold [-]."""


class TriggersError(BadInputError):
    """An option of ``triggers`` out of its range."""


def check_options(args) -> None:
    """Refuse options outside their range before anything is read."""
    if not 2 <= args.seasons <= MAX_SEASONS:
        raise TriggersError(f"--seasons must be between 2 and {MAX_SEASONS}, got {args.seasons}")
    if not 0 <= args.seed < limits.MAX_SEED:
        raise TriggersError(f"--seed must be between 0 and {limits.MAX_SEED - 1}, got {args.seed}")
    if args.workers is not None and not 1 <= args.workers <= limits.MAX_WORKERS:
        raise TriggersError(f"--workers must be between 1 and {limits.MAX_WORKERS}, got {args.workers}")
    if args.out.exists() and not args.out.is_dir():
        raise TriggersError(f"{args.out}: exists and is not a folder")
    parse_event(args.event)


def sweep_png(data: dict, lang: str) -> bytes:
    """Hit rate and false-alarm ratio against the threshold, one panel per trigger, the plan's marked."""
    cards = data["triggers"]
    fig, axes = plt.subplots(len(cards), 1, figsize=(7.0, 2.6 * max(len(cards), 1)), dpi=100, squeeze=False)
    for ax, card in zip(axes[:, 0], cards):
        rows = card["threshold_sweep"]
        x = [r["threshold"] for r in rows]
        ax.plot(
            x,
            [r["hit_rate"] if r["hit_rate"] is not None else float("nan") for r in rows],
            "o-",
            label=t("tr_hit_rate", lang),
        )
        far = [r["false_alarm_ratio"] if r["false_alarm_ratio"] is not None else float("nan") for r in rows]
        ax.plot(x, far, "s--", label=t("tr_false_alarm_ratio", lang))
        ax.axvline(card["threshold"], color="#c0392b", lw=1, label=t("tr_plan_threshold", lang))
        ax.set_title(card["name"], fontsize=9)
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{number(round(100 * v), lang)}\u00a0%"))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang, 2 if abs(v) < 10 else 0)))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    axes[-1, 0].set_xlabel(t("tr_threshold", lang))
    fig.tight_layout()
    return png_bytes(fig, metadata={"Software": None})


def _progress(done: int, total: int) -> None:
    if done % 50 == 0 or done == total:
        print(f"season {done}/{total}", file=sys.stderr, flush=True)


def run_triggers(args) -> int:
    """The ``triggers`` command (see ``python -m sim triggers --help``)."""
    check_options(args)
    scenario, base = load_scenario(args.scenario)
    plan = load_file(args.plan, expect="plan")
    if not plan.triggers:
        raise TriggersError(f"{args.plan}: the plan has no triggers to score")
    scored = score_triggers(
        scenario,
        plan,
        args.seasons,
        args.seed,
        args.event,
        base=base,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=_progress,
    )
    data = scored.data
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "triggers.json", json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    write_bytes_atomic(out / "triggers.png", sweep_png(data, args.lang))
    for card in data["triggers"]:
        print(
            f"{card['name']}: fires in {card['activations']} of {card['seasons']} seasons; "
            f"{card['hits']} hits, {card['misses']} misses, {card['false_alarms']} false alarms"
        )
    for card in data["protocols"]:
        gain = card["fill_rate_gain"]["mean"]
        print(
            f"{len(card['triggers'])} triggers together ({card['where'] or card['indicator']}, {card['threshold']:g}): {100 * gain:+.1f} points of coverage on average for US${card['cost_per_season_usd']:,.0f} a season"
        )
    print(f"written to {out}/triggers.json and triggers.png")
    return 0
