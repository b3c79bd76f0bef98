"""Score every trigger of a plan on a synthetic record: the data of ``triggers.json``.

:func:`score_triggers` draws the seasons (:mod:`sim.triggers.record`), plays them
(:mod:`sim.triggers.play`) and counts (:mod:`sim.triggers.scores`): for each trigger its
activations, hits, misses, false alarms and lead time against the event definition, what it
buys (the fill rate with it against the same plan without it, paired on the same seasons) and
what it costs, and a sweep of thresholds around the plan's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.core.errors import BadInputError
from sim.ensemble import LocalPool
from sim.plan import Plan
from sim.run import scenario_delta
from sim.scenario import Scenario, at_resolution, dump_text
from sim.triggers import gauge_levels, scores
from sim.triggers.play import KPIS, play_record, protocols
from sim.triggers.record import draw_seasons, season_scenario

GAIN_STEPS = {"stage": (-40.0, -20.0, 20.0, 40.0), "spi": (-0.5, -0.25, 0.25, 0.5), "rainfall": (0.6, 0.8, 1.2, 1.4)}
"""The sweep's other thresholds, around the plan's: added for a stage [cm] and SPI [-],
multiplied for rainfall [-]. Notes: a planner's neighbourhood of the threshold; each costs a
SimPy run in the seasons where it changes when the trigger fires."""


@dataclass(frozen=True)
class Scored:
    """The record's scorecards (``data``, what ``triggers.json`` holds) and, per season, what a
    threshold tried on the spot needs: each trigger's most extreme indicator value
    (``extremes``, trigger × season) and whether the season is an event (``event``)."""

    data: dict
    extremes: np.ndarray
    event: np.ndarray

    def try_threshold(self, k: int, threshold: float) -> dict:
        """Trigger ``k``'s counts at another ``threshold``, from the seasons already played."""
        indicator = self.data["triggers"][k]["indicator"]
        return scores.contingency(scores.fires(self.extremes[k], threshold, indicator), self.event)


class EventRuleError(BadInputError):
    """An ``--event`` rule that cannot be read."""


def parse_event(rule: str | None) -> tuple[str, float]:
    """``displaced:T`` (displaced peak above its T-year level, the default with T = 5) or
    ``mopti:CM`` (Mopti peak at or above CM cm)."""
    if rule is None:
        return "displaced", scores.DEFAULT_EVENT_RETURN_PERIOD
    kind, _, value = rule.partition(":")
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if kind == "displaced" and number > 1:
        return kind, number
    if kind == "mopti" and 0 < number < 2000:
        return kind, number
    raise EventRuleError(
        f"--event {rule!r}: expected displaced:T (displaced peak above its T-year level, T > 1) or mopti:CM "
        "(Mopti peak at or above CM cm, 0 < CM < 2000)"
    )


def gain_thresholds(trigger) -> list[float]:
    """The thresholds besides the plan's at which the trigger's gain is measured."""
    steps = GAIN_STEPS[trigger.indicator]
    if trigger.indicator == "rainfall":
        return [round(trigger.threshold * f, 3) for f in steps]
    return [round(trigger.threshold + d, 3) for d in steps]


def _round(value):
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 6) if np.isfinite(value) else None
    return value


@dataclass(frozen=True)
class Played:
    """What the record's seasons gave, per season and variant of the plan (season × variant):
    the fill rate [-], the total cost [USD], the person-days left unmet [person-day]; and
    whether each season is an event (season)."""

    fill: np.ndarray
    cost: np.ndarray
    unmet: np.ndarray
    event: np.ndarray


def _scorecard(name, trigger, extreme, fire_day, need_day, without: int, columns: dict, played: Played) -> dict:
    """One scorecard: counts, lead time, gain and cost against the variant ``without``, and the
    sweep at the thresholds of ``columns`` (threshold → variant)."""
    fill, cost, unmet, event = played.fill, played.cost, played.unmet, played.event
    fired = np.isfinite(fire_day)
    extra_cost = cost[:, 0] - cost[:, without]
    sweep = scores.sweep(extreme, event, sorted(columns), trigger.indicator)
    for row in sweep:
        column = columns[row["threshold"]]
        row["fill_rate_gain"] = scores.paired_gain(fill[:, column], fill[:, without])
        row["cost_per_season_usd"] = float(np.mean(cost[:, column] - cost[:, without]))
    body = {
        "name": name,
        "indicator": trigger.indicator,
        "where": trigger.gauge or trigger.place,
        "threshold": float(trigger.threshold),
        "action": trigger.action,
        **scores.contingency(fired, event),
        "mean_lead_days": scores.mean_lead_days(fire_day, need_day, fired & event),
        "fill_rate_gain": scores.paired_gain(fill[:, 0], fill[:, without])
        | {"mean": float(np.mean(fill[:, 0] - fill[:, without]))},
        "cost_per_season_usd": float(np.mean(extra_cost)),
        "cost_per_extra_person_day_usd": scores.cost_per_extra_person_day(extra_cost, unmet[:, without] - unmet[:, 0]),
    }
    return _round(body) | {"threshold_sweep": [_round(row) for row in sweep]}


def score_triggers(
    scenario: Scenario,
    plan: Plan,
    seasons: int,
    seed: int,
    event_rule: str | None = None,
    base: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress=None,
    resolution: float | None = None,
    pool: LocalPool | None = None,
) -> Scored:
    """The record's scorecards (see the module); the same seed gives the same numbers.
    ``resolution`` [degree] plays the seasons on another grid than the scenario's; ``pool``
    plays them on warm workers (:func:`sim.ensemble.shared_pool`)."""
    kind, value = parse_event(event_rule)
    if resolution is not None:
        scenario = at_resolution(scenario, resolution)
    delta = scenario_delta(scenario, base)
    towns = sorted({c.capital for c in delta.cercles})
    draws = draw_seasons(seasons, seed, scenario.start_date.year, towns)
    texts = [dump_text(season_scenario(scenario, d, k)) for k, d in enumerate(draws)]
    points = [gain_thresholds(t) for t in plan.triggers]
    played = play_record(
        texts, None if base is None else str(base), plan, points, seed, workers, scheduler, progress, pool
    )
    if kind == "displaced":
        event, level = scores.events_by_return_period(np.array([p["displaced_peak"] for p in played]), value)
        definition = {"rule": f"displaced:{value:g}", "level": level, "unit": "person"}
    else:
        event, level = np.array([p["peak_cm"] >= value for p in played]), value
        definition = {"rule": f"mopti:{value:g}", "level": level, "unit": "cm"}
    peaks = np.array([p["peak_cm"] for p in played])
    kpis = np.array([p["kpis"] for p in played])  # (season, variant, kpi)
    fill, cost, unmet = (kpis[:, :, KPIS.index(k)] for k in KPIS)
    count = len(plan.triggers)
    extremes = np.array([p["extreme"] for p in played], float).T.reshape(count, seasons)
    played_columns = Played(fill, cost, unmet, np.asarray(event, bool))

    def card(name: str, k: int, without: int, columns: dict) -> dict:
        """Trigger ``k``'s counts (a protocol's: its first trigger's, they fire together), its gain
        and cost against the variant in column ``without``, the sweep at ``columns``."""
        trigger = plan.triggers[k]
        fire_day = np.array([p["fire_day"][k] for p in played])
        need_day = np.array([p["need_day"][k] for p in played])
        return _scorecard(name, trigger, extremes[k], fire_day, need_day, without, columns, played_columns)

    cards = []
    for k, trigger in enumerate(plan.triggers):
        offset = 1 + count + sum(len(p) for p in points[:k])
        columns = {value: offset + j for j, value in enumerate(points[k])} | {trigger.threshold: 0}
        cards.append(card(trigger.name, k, 1 + k, columns))
    protocol_cards = []
    column = 1 + count + sum(len(p) for p in points)
    for members in protocols(plan):
        first = plan.triggers[members[0]]
        columns = {value: column + 1 + j for j, value in enumerate(points[members[0]])} | {first.threshold: 0}
        protocol = card(" + ".join(plan.triggers[k].name for k in members), members[0], column, columns)
        protocol_cards.append(protocol | {"triggers": [plan.triggers[k].name for k in members]})
        column += 1 + len(points[members[0]])
    data = {
        "scenario": scenario.name,
        "plan": plan.name,
        "seasons": seasons,
        "seed": seed,
        "event_definition": _round(definition) | {"events": int(event.sum())},
        "record": {
            "mopti_peak_cm": _round(dict(zip(("p10", "median", "p90"), np.percentile(peaks, [10, 50, 90]).tolist()))),
            "mopti_danger_650_cm_share": _round(float(np.mean(peaks >= 650.0))),
            "gauge_peak_cm": _round(gauge_levels.peak_percentiles(peaks)),
            "gauge_levels": [_round(row) for row in gauge_levels.level_rows(peaks, delta.gauges)],
            "mopti_peak_law": "Gumbel fitted by moments on the OPIDIN annual peaks (hazards.return_periods)",
            "rain": "seasonal total's standard anomaly, standard normal (hazards.rainfall.season_factor)",
            "storm": "annual largest 3-day storm, Gumbel (hazards.return_periods.STORM_3DAY_GUMBEL_MM)",
        },
        "triggers": cards,
        "protocols": protocol_cards,
    }
    return Scored(data, extremes, np.asarray(event, bool))
