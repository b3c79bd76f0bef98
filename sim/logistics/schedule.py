"""When a plan's triggers fire and its money arrives in one member's season.

One rule for the SimPy plan model (:mod:`sim.logistics.model`) and for whoever needs the same
days without playing the model, e.g. the stock problem of :mod:`sim.propose.inputs`, which
limits each member's purchases by the money the plan has on each day.

Notes
-----
Whether a pledge arrives is drawn from the member's ``closure_seed`` stream, one draw per
pledge in the plan's order, before any other draw of that stream: the model draws them first,
so :func:`pledge_arrivals` on a fresh generator of that seed gives the same answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.logistics.season_data import SeasonInputs
from sim.plan import Plan


def indicator(trigger, inputs: SeasonInputs, day: int) -> float | None:
    """The value a trigger watches on ``day``: a gauge's stage [cm], a place's rain [mm/day] or the
    delta's SPI-3 [-] (known from the first of October); None when it is not known yet."""
    value = indicator_series(trigger, inputs)[day]
    return None if np.isnan(value) else float(value)


def indicator_series(trigger, inputs: SeasonInputs) -> np.ndarray:
    """(day,) what a trigger watches on each day of the season (see :func:`indicator`), NaN
    where it is not known yet; read-only, computed once per trigger and season."""
    key = (trigger.indicator, trigger.gauge, trigger.place)
    cache = inputs.indicator_cache
    if key not in cache:
        if trigger.indicator == "stage":
            values = np.asarray(inputs.stages[trigger.gauge], float).copy()
        elif trigger.indicator == "rainfall":
            values = np.asarray(inputs.rainfall[trigger.place], float).copy()
        else:
            values = np.full(len(inputs.dates), np.nan)
            if inputs.spi3 is not None:
                october = pd.Timestamp(inputs.dates[0].year, 10, 1)
                values[inputs.dates.searchsorted(october) :] = inputs.spi3
        values.setflags(write=False)
        cache[key] = values
    return cache[key]


def crossed(trigger, value: float) -> bool:
    """True when ``value`` is past the trigger's threshold (below it for SPI, above for the others)."""
    return value <= trigger.threshold if trigger.indicator == "spi" else value >= trigger.threshold


def firing_days(plan: Plan, inputs: SeasonInputs) -> list[int | None]:
    """The first day each trigger of ``plan`` fires in this season, None for never [day]."""
    out: list[int | None] = []
    for trigger in plan.triggers:
        values = indicator_series(trigger, inputs)
        with np.errstate(invalid="ignore"):
            past = values <= trigger.threshold if trigger.indicator == "spi" else values >= trigger.threshold
        out.append(int(np.argmax(past)) if past.any() else None)
    return out


def pledge_arrivals(plan: Plan, rng: np.random.Generator) -> list[bool]:
    """Whether each pledge arrives, drawn in the plan's order from ``rng`` (see the Notes)."""
    return [bool(rng.random() < pledge.probability) for pledge in plan.funding.pledges]


def pledge_day(pledge, inputs: SeasonInputs) -> float:
    """Day of the season a pledge's money would arrive [day] (may fall outside the season)."""
    if pledge.date is not None:
        return float((pd.Timestamp(pledge.date) - inputs.dates[0]).days)
    return float(pledge.after.to("day").magnitude)


def funds_by_day(plan: Plan, inputs: SeasonInputs) -> np.ndarray:
    """(day,) money the plan has received by the end of each day [USD]: the funds of day 0, the
    pledges that arrive (from their day), the amounts ``release_funds`` triggers release (from
    the day they fire). Spending is not subtracted."""
    days = len(inputs.dates)
    out = np.full(days, float(plan.funding.available.to("USD").magnitude))
    arrivals = pledge_arrivals(plan, np.random.default_rng(inputs.closure_seed))
    for pledge, arrives in zip(plan.funding.pledges, arrivals, strict=True):
        day = pledge_day(pledge, inputs)
        if arrives and 0 <= day < days:
            out[int(np.ceil(day)) :] += float(pledge.amount.to("USD").magnitude)
    for trigger, day in zip(plan.triggers, firing_days(plan, inputs), strict=True):
        if trigger.action == "release_funds" and day is not None:
            out[day:] += float(trigger.amount.to("USD").magnitude)
    return out
