"""The report's sections on the people affected: the fit (calibration), the seasons left out
(validation), a normal season, and the response to the Mopti peak.

Pure functions of the runs (:mod:`sim.validation.calibration` plays them); the rows of the
calibration section are the fit's own targets, kept apart from the validation rows.

References
----------
.. [1] IOM Mali Crisis Response Plan 2023–2024: the 2022 floods affected 30,638 people in
   the delta.
.. [2] UNICEF Mali, Seasonal floods Flash Update No. 3, 3–20 October 2024: 84,437 people
   affected in the Mopti region.
.. [3] OCHA Mali, 2024 floods: about 208,448 people affected nationally (as noted beside the
   2024 row of the shared ``mali_flood_seasons.csv``).
.. [4] IFRC DREF MDRML007 (2011): 15,415 flood victims nationally; OCHA (2012): about 9,000
   homeless in Ségou, Mopti and other southern regions.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.impact import HOUSE_FLOOR_SPREAD_M, HOUSE_FREEBOARD_M
from sim.validation.calibration import FLOOD_CAUSES, MOPTI_REGION, Fit, Target, affected
from sim.validation.verdict import Rule, Section, compare, info, not_run

AFFECTED_RULE = Rule(agree=0.15, within=0.5, relative=True)
"""People affected: within 15 % agrees, within 50 % within range. Notes: reported counts of
people affected by floods vary by tens of percent between agencies and updates."""

BOUND_RULE = Rule(within=0.5, relative=True, inside="agrees")
"""A count inside its published bounds agrees; up to 50 % beyond a bound is within range."""

NATIONAL_2024 = 208_448.0
"""People affected by the 2024 floods in all of Mali [person]. References: [3]_."""

NORMAL_YEARS = (9_000.0, 15_415.0)
"""People affected (or made homeless) nationally in the ordinary flood years 2011–2012
[person]. References: [4]_."""


def _members(result: xr.Dataset, target: Target) -> np.ndarray:
    """``target``'s count for every member of an ensemble result [person]."""
    return np.array([affected(result.isel(member=m), target) for m in range(result.sizes["member"])])


def check_calibration(fit: Fit | None, training: tuple[Target, ...], resolution: float, why: str = "") -> Section:
    """The fitted parameters and each training row at the fit (calibration, not evidence)."""
    title = "Calibration: the house freeboard and floor spread fitted on reported seasons"
    if fit is None:
        records = tuple(not_run(t.label, "mali_flood_seasons.csv", why) for t in training)
        return Section("calibration", title, "The reference seasons were not found.", records, role="calibration")
    i, j = fit.freeboards.index(fit.best[0]), fit.spreads.index(fit.best[1])
    records = []
    for t in training:
        value = float(fit.values[t.label][i, j])
        published, source = fit.published[t.label]
        bound = {"upper": (0.0, published), "lower": (published, float("inf"))}.get(t.kind)
        records.append(
            compare(
                f"people affected, {t.label} (Mopti {t.peak_cm:g} cm, {t.rain} rain): {t.kind}",
                published if bound is None else bound,
                value,
                AFFECTED_RULE if bound is None else BOUND_RULE,
                source,
                unit="person",
                notes=f"CALIBRATION row (fitted on): {t.why}",
                published_text=None if bound is None else _bound_text(t.kind, published),
            )
        )
    edge = fit.best[0] in (fit.freeboards[0], fit.freeboards[-1]) or fit.best[1] in (fit.spreads[0], fit.spreads[-1])
    step = fit.freeboards[1] - fit.freeboards[0]
    for name, fitted, shipped in (
        ("HOUSE_FREEBOARD_M", fit.best[0], HOUSE_FREEBOARD_M),
        ("HOUSE_FLOOR_SPREAD_M", fit.best[1], HOUSE_FLOOR_SPREAD_M),
    ):
        records.append(
            compare(
                f"sim/impact.py {name}: the shipped value against the fit",
                fitted,
                shipped,
                Rule(agree=step / 2),
                "this fit",
                unit="m",
                notes="the best pair lies on the edge of the grid: widen it"
                if edge
                else "the best pair is inside the grid",
            )
        )
    header = ["freeboard [m] \\ spread [m]"] + [f"{s:g}" for s in fit.spreads]
    rows = [
        [f"{f:g}"] + [f"{fit.objective[a, b]:.3f}" for b in range(len(fit.spreads))]
        for a, f in enumerate(fit.freeboards)
    ]
    intro = (
        "**Calibration, not evidence.** The two free parameters of the flood damage rule, how high houses "
        "stand above a median year's highest water (`HOUSE_FREEBOARD_M`) and how much floors vary within a "
        "cell (`HOUSE_FLOOR_SPREAD_M`), are chosen on a grid to minimise the sum of one term per training "
        "row: `ln(model / reported)²` for a count of the same area by the report's date, and for a national "
        "count, which bounds the delta from above, `max(0, ln(model / bound))²` (`sim/validation/calibration.py`). "
        f"Each season is its control member (seed 1, member 0) on the {resolution:g}° grid, people affected "
        "by the river and by storms (a flood report counts collapsed houses; drought is not counted). "
        "The 2022 and 2024 counts pin the two parameters (2022 sets the level, 2024 at 45 cm higher "
        "the steepness), and the 2024 national count, which the delta's whole season must not exceed, pulls "
        "the other way: the fit is their compromise. The 2018 and 2019 national bounds hold. The storm collapse law, the "
        "displacement damage and the drought shares are held fixed. The objective on the grid is below."
    )
    figure = {
        "kind": "objective",
        "freeboards": fit.freeboards,
        "spreads": fit.spreads,
        "objective": fit.objective,
        "best": fit.best,
        "table": (header, rows),
    }
    return Section("calibration", title, intro, tuple(records), figure, role="calibration")


def _bound_text(kind: str, value: float) -> str:
    return f"≤ {value:,.0f}" if kind == "upper" else f"≥ {value:,.0f}"


def check_held_out(result_2024: xr.Dataset, resolution: float) -> Section:
    """The reported counts the fit did not use, against the ensembles (validation)."""
    region = Target(2024, "Mopti region", "lower", MOPTI_REGION, None, 716.0, None, "wet", "")
    region_end = _members(result_2024, region)
    members = region_end.size
    p10, p90 = np.percentile(region_end, [10, 90])
    records = (
        compare(
            "people affected in the Mopti region by the season's end, 2024 (between UNICEF's count before the peak and the national count)",
            (84_437.0, NATIONAL_2024),
            float(np.median(region_end)),
            BOUND_RULE,
            "UNICEF Flash Update No. 3 [2] and OCHA's national count [3]",
            unit="person",
            notes=(
                f"VALIDATION (not fitted): the fit used the count by 20 Oct and the whole delta's bound, not the "
                f"region's season; median of {members} members at {resolution:g}°, p10–p90 {p10:,.0f}–{p90:,.0f}"
            ),
        ),
    )
    intro = (
        "**Validation: counts the fit did not use.** The 2024 season run as an ensemble on the scenarios' grid "
        "(Mopti 716 cm on 8 November, a wet season, the 2024 population, members drawing the peak within "
        "its spread): the Mopti region by the season's end must be at least UNICEF's count, published before "
        "the river peaked, and at most the national count. The reference file holds no other count the fit "
        "left free: the two 2018 counts are national (OCHA's early 18,800 came before the season's end, so it "
        "bounds nothing about the delta), the seasons with a Mopti peak but no count (2014, 2021, 2025) cannot "
        "be checked, and the storm in Tombouctou town (2010) is not a river season. A median year (next "
        "section) is the other validation."
    )
    return Section("held_out", "Validation: the 2024 season's end", intro, records, role="validation")


def check_normal_season(result: xr.Dataset, peak_cm: float, resolution: float) -> Section:
    """A median year (Mopti at its 2-year peak, normal rain) against ordinary years' national counts."""
    people = result["people_by_cause"].sel(count="affected").isel(day=-1).sum("cercle")
    by_cause = {c: people.sel(cause=c).values for c in ("flood", "storm", "drought")}
    flood_storm = people.sel(cause=FLOOD_CAUSES).sum("cause").values
    members = flood_storm.size
    p10, p50, p90 = np.percentile(flood_storm, [10, 50, 90])
    records = [
        compare(
            f"people affected by floods and storms in the delta, a median year (median of {members} members)",
            NORMAL_YEARS,
            p50,
            Rule(within=0.5, relative=True, inside="agrees"),
            "IFRC DREF MDRML007 (2011) and OCHA (2012) [4]",
            unit="person",
            notes=f"VALIDATION (not fitted): national counts of ordinary years bound the order of the delta's; p10–p90 {p10:,.0f}–{p90:,.0f}",
        ),
    ]
    for cause, values in by_cause.items():
        records.append(
            info(
                f"people affected by {cause}, a median year (median, p10–p90)",
                float(np.median(values)),
                "model ensemble",
                unit="person",
                notes=f"p10 {np.percentile(values, 10):,.0f}, p90 {np.percentile(values, 90):,.0f}"
                + (
                    "; drought counts only a failed harvest where it usually succeeds, in a cercle in drought"
                    if cause == "drought"
                    else ""
                ),
            )
        )
    intro = (
        f"A median year: Mopti at its 2-year peak ({peak_cm:g} cm), a normal rainy season, {members} members on a "
        f"{resolution:g}° grid. Ordinary years' national reports count 9,000 to 15,415 people affected or "
        "homeless; the delta's count should be of that order. Drought is counted as a shock against each "
        "place's own climate (a failed harvest where the median year's harvest succeeds, in a cercle whose "
        "SPI-3 is at or below −1), so a normal year adds little; storms (earth houses collapsing) make most "
        "of a median year's count."
    )
    return Section("normal_season", "Validation: a median year", intro, tuple(records), role="validation")


def check_response(curve: dict, fit_points: list[tuple[float, float, str]], resolution: float) -> Section:
    """People affected against the Mopti peak at the fitted parameters, with the data."""
    peaks = np.asarray(curve["peak_cm"], float)
    total = np.asarray(curve["flood"]) + np.asarray(curve["storm"])
    steps = np.diff(total)
    smooth = bool((steps >= -1e-6 * total.max()).all())
    records = [
        compare(
            "the count never falls as the peak rises (500–760 cm)",
            1.0,
            1.0 if smooth else 0.0,
            Rule(agree=0.0),
            "model",
            notes="1 when every step of the curve is ≥ 0",
        )
    ]
    for low, high in ((600, 650), (650, 700), (700, 760)):
        a, b = np.interp([low, high], peaks, total)
        records.append(
            info(
                f"affected at {high} cm / at {low} cm",
                b / a if a else float("nan"),
                "model",
                notes=f"{a:,.0f} → {b:,.0f} people",
            )
        )
    intro = (
        f"People affected in the delta (river and storms, one control member of a normal rainy season, {resolution:g}° "
        "grid) against Mopti's peak, at the fitted parameters. Below about 620 cm the river stays within "
        "the median year's flood at most houses and storms make the count; above, it grows steeply because "
        "most of the delta's people live on its floodplain, on mounds built above the usual flood. The "
        "steepness between 671 and 716 cm is what the 2022 and 2024 counts fitted (points on the plot); "
        "beyond 716 cm no season has been reported and the curve is an extrapolation."
    )
    figure = {"kind": "response", "curve": curve, "points": fit_points}
    return Section("response", "The response to the Mopti peak", intro, tuple(records), figure, role="validation")
