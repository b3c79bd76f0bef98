"""Run the checks and write the report (the only I/O of :mod:`sim.validation`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import replace
from pathlib import Path

from hazards.baselines import NORMAL_FLOOD_RETURN_PERIOD
from hazards.return_periods import mopti_peak_for_return_period
from sim.core import settings
from sim.core.fileio import write_bytes_atomic, write_text_atomic
from sim.impact import HOUSE_FLOOR_SPREAD_M, HOUSE_FREEBOARD_M
from sim.run import run_scenario
from sim.scenario import at_resolution, load_file
from sim.validation import (
    arithmetic,
    calibration,
    drought_cost,
    fitted,
    flood,
    markdown,
    plots,
    queue,
    runs,
    seasons,
    spi,
    spread,
)

ROOT = Path(__file__).resolve().parents[2]

ROLE_OF = {
    "flood_area": "calibration",
    "flood_timing": "calibration",
    "flood_2022_hydrograph": "validation",
    "sofara_trigger": "validation",
    "drought_cost": "validation",
}
"""The role of the sections whose module does not say it (see :data:`sim.validation.verdict.ROLES`):
the flooded-area anchors and the peak lags were fitted on the figures they are checked against."""


def reference_folder() -> Path | None:
    """The reference data folder, or None when it is missing."""
    folder = settings.reference_dir()
    return folder if folder.is_dir() else None


def run_checks(members: int, coarse: float, seed: int, log=print) -> list:
    """Every check, in report order (one to two minutes on two cores with the defaults)."""

    sections = []

    def step(label, function, *args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        log(f"  {label}: {time.perf_counter() - started:.1f} s")
        return result

    reference = reference_folder()
    folder = reference / "climate_indices_spi" if reference else None
    sections.append(step("SPI fixtures", spi.check_fixtures, folder))
    sections.append(step("SPI random series", spi.check_random))

    flood_2022 = load_file(ROOT / "scenarios" / "flood-2022.yaml")
    fine = float(flood_2022.domain.resolution.to("degree").magnitude)
    area_2014 = step(
        "grid flooded area 2014",
        runs.grid_flooded_area,
        at_resolution(flood_2022, coarse),
        596.0,
        dt.date(2014, 10, 23),
    )
    sections.append(flood.check_flooded_area(area_2014))
    sections.append(step("peak timing", flood.check_peak_timing))
    sections.append(step("2022 hydrograph", flood.check_2022_hydrograph))

    ensemble = step(
        f"2022 ensemble, {members} members",
        run_scenario,
        at_resolution(flood_2022, coarse),
        members=members,
        seed=seed,
    )
    rows = (
        calibration.read_seasons(reference) if reference and (reference / calibration.SEASONS_FILE).exists() else None
    )
    if rows is None:
        sections.append(
            fitted.check_calibration(
                None, calibration.TRAINING, fine, f"{calibration.SEASONS_FILE} not found; set SIM_REFERENCE_DIR"
            )
        )
    else:
        played = step("calibration seasons", calibration.Seasons, flood_2022, calibration.TRAINING)
        fit = step("calibration grid", calibration.fit, played, rows)
        sections.append(fitted.check_calibration(fit, calibration.TRAINING, fine))
    result_2024 = step("2024, 3 members on its grid", run_scenario, runs.variant_2024(flood_2022), members=3, seed=seed)
    sections.append(fitted.check_held_out(result_2024, fine))
    median_peak = mopti_peak_for_return_period(NORMAL_FLOOD_RETURN_PERIOD)
    normal = runs.with_changes(at_resolution(flood_2022, coarse), season="normal", peak_cm=median_peak)
    normal_result = step("median year, 10 members", run_scenario, normal, members=10, seed=seed)
    sections.append(fitted.check_normal_season(normal_result, median_peak, coarse))
    curve = step(
        "response to the Mopti peak",
        calibration.response,
        flood_2022,
        HOUSE_FREEBOARD_M,
        HOUSE_FLOOR_SPREAD_M,
        tuple(range(500, 761, 20)),
    )
    points = [
        (671.0, 30_638.0, "2022 delta (IOM)"),
        (716.0, 84_437.0, "2024 Mopti region by 20 Oct (UNICEF)"),
        (716.0, fitted.NATIONAL_2024, "≤ 2024 national (OCHA)"),
    ]
    sections.append(fitted.check_response(curve, points, fine))

    early = load_file(ROOT / "scenarios" / "plans" / "early-action.yaml")
    baseline = load_file(ROOT / "scenarios" / "plans" / "baseline.yaml")
    play = step("early-action plan on 2022", runs.play_plan, at_resolution(flood_2022, coarse), early, seed=seed)
    kits = sum(
        t.quantity for t in early.triggers if t.action == "preposition" and t.item == "nfi_kit" and t.gauge == "Sofara"
    )
    sections.append(seasons.check_sofara_trigger(play.dates, play.stages["Sofara"], play.events, kits))

    sections.append(step("depth-damage", arithmetic.check_depth_damage))
    sections.append(step("rations", arithmetic.check_rations))
    sections.append(step("queue", queue.check_queue))

    drought = load_file(ROOT / "scenarios" / "drought-2021.yaml")
    drought_result = step(
        "drought-2021", run_scenario, at_resolution(drought, coarse), members=max(members // 4, 2), seed=seed
    )
    sections.append(drought_cost.check_drought_cost(drought_result, coarse))

    base = at_resolution(flood_2022, coarse)

    def outputs(scenario, plan):
        result = run_scenario(scenario, members=1, seed=seed, plans=[plan])
        totals = {k: float(v[0]) for k, v in runs.season_totals(result).items()}
        totals["fill_rate"] = float(result["kpis"].sel(kpi="fill_rate").isel(member=0, plan=0))
        return totals

    def pair(low, high):
        return {key: (low[key], high[key]) for key in low}

    started = time.perf_counter()
    at_base = outputs(base, baseline)
    oat = [
        {
            "input": "rainfall season",
            "low": "normal",
            "high": "wet (base)",
            "outputs": pair(outputs(runs.with_changes(base, season="normal"), baseline), at_base),
        },
        {
            "input": "Mopti peak",
            "low": "641 cm",
            "high": "701 cm",
            "outputs": pair(
                outputs(runs.with_changes(base, peak_cm=641.0), baseline),
                outputs(runs.with_changes(base, peak_cm=701.0), baseline),
            ),
        },
        {
            "input": "displacement threshold",
            "low": "0.3",
            "high": "0.7",
            "outputs": pair(
                outputs(runs.with_changes(base, displacement_damage=0.3), baseline),
                outputs(runs.with_changes(base, displacement_damage=0.7), baseline),
            ),
        },
        {
            "input": "procurement lead times",
            "low": "all at min",
            "high": "all at max",
            "outputs": pair(
                outputs(base, runs.with_fixed_lead_times(baseline, "min")),
                outputs(base, runs.with_fixed_lead_times(baseline, "max")),
            ),
        },
    ]
    log(f"  one-at-a-time runs: {time.perf_counter() - started:.1f} s")
    rain_share = step("base member without rain", runs.without_rain, base, seed=seed)
    drivers = step("spread by driver", runs.driver_spreads, base, seed=seed)
    sections.append(
        spread.check_spread(runs.season_totals(ensemble), members, coarse, seed, oat, rain_share, at_base, drivers)
    )
    return [replace(s, role=ROLE_OF.get(s.key, s.role)) for s in sections]


def preamble(members: int, coarse: float, seed: int) -> str:
    """What the report is, how it was made and how to read it."""
    return "\n".join(
        [
            "# Validation report",
            "",
            "*Generated by `make validate` (`python -m sim.validation --out docs`); do not edit by hand.*",
            "",
            "Where the model stands against published figures, one check per section: the published "
            "figure and its source, the model's figure, the difference and a verdict by a rule stated "
            "on every row (**agrees**, **within range** or **off**; **info** where nothing published is "
            "a target; **not run** when reference data is missing).",
            "",
            f"Settings: seed {seed}. The calibration fits two parameters on the control members of five "
            "reported counts on the scenarios' own 0.01° grid; the 2024 validation ensemble (three members) runs "
            f"on that grid too; the flood-2022 ensemble ({members} members), the median year, "
            f"the drought-2021 members, the trigger run, the one-at-a-time runs and the grid flooded area on a "
            f"coarse {coarse:g}° grid to keep the run short on two cores. Counts of people depend on the grid.",
            "",
            "The sections come in three parts. **Calibration** holds the rows the model was fitted on: the "
            "house freeboard and the spread of floor heights on the 2022 and 2024 counts and the 2018, 2019 and "
            "2024 national bounds, and the flooded-area anchors and peak lags of the flood model; they show the "
            "fit, not that the model is right. **Validation** holds published figures no parameter was fitted "
            "on: the 2024 season's end in the Mopti region, a median year, the response to the peak, the 2022 "
            "hydrograph, the Sofara trigger day and the drought cost. **Checks** test the model's parts against "
            "references (the SPI, the depth-damage curve, the rations, the queue) and show the ensemble's spread.",
        ]
    )


def write_report(sections: list, out: Path, members: int, coarse: float, seed: int) -> Path:
    """Write ``out/validation.md`` and ``out/validation/<key>.png`` atomically."""

    figures = {}
    for section in sections:
        if section.figure is None:
            continue
        write_bytes_atomic(out / "validation" / f"{section.key}.png", plots.draw(section.figure))
        figures[section.key] = f"validation/{section.key}.png"
    path = out / "validation.md"
    write_text_atomic(path, markdown.report(sections, figures, preamble(members, coarse, seed)))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.validation", description="Write the validation report (validation.md and its figures)."
    )
    parser.add_argument("--out", required=True, help="folder for validation.md and validation/*.png (e.g. docs)")
    parser.add_argument("--members", type=int, default=40, help="members of the flood-2022 ensemble (default 40)")
    parser.add_argument(
        "--resolution",
        type=float,
        default=0.05,
        help="coarse grid for the ensemble and sensitivity runs [deg] (default 0.05)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"{out}: not a folder", file=sys.stderr)
        return 2
    if args.members < 2:
        print(f"--members: need at least 2 for a spread, got {args.members}", file=sys.stderr)
        return 2
    if not 0.002 <= args.resolution <= 0.1:
        print(f"--resolution: between 0.002 and 0.1 degree, got {args.resolution}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    print("validation checks:")
    sections = run_checks(args.members, args.resolution, args.seed)
    try:
        path = write_report(sections, out, args.members, args.resolution, args.seed)
    except OSError as err:
        print(f"{err.filename or out}: {err.strerror or err}", file=sys.stderr)
        return 2
    verdicts = [r.verdict for s in sections for r in s.records]
    summary = ", ".join(f"{verdicts.count(v)} {v}" for v in dict.fromkeys(verdicts))
    print(f"wrote {path} ({summary}) in {time.perf_counter() - started:.0f} s")
    return 0
