"""How a trigger scores over many seasons: how often it fires, what it catches, what it buys (issue 17).

Pure functions on one number or one flag per season; the seasons themselves (a long synthetic
record drawn from the model's climate) and the SimPy runs with and without the trigger are
played elsewhere.

Definitions (OCHA's anticipatory-action trigger reports use the same counts):

* a trigger *fires* in a season when its indicator crosses the threshold on some day: at or
  above it for a stage or rainfall, at or below it for SPI (:func:`sim.logistics.schedule.crossed`),
  so over a season it fires when the season's most extreme value crosses;
* an *event* is a season the trigger is meant for; by default one whose displaced peak exceeds
  its 1-in-5-year level (:func:`events_by_return_period`);
* hits: fired in an event season; misses: an event without firing; false alarms: fired without
  an event. So hits + misses = events and hits + false alarms = activations;
* hit rate = hits / events; false-alarm ratio = false alarms / activations; activation rate =
  activations / seasons; its return period = 1 / activation rate [year], one season a year;
* lead time: from the day it fires to the first day the cause it is meant for (flood for a
  stage, storm for rainfall, drought for SPI) affects anyone that season, over the hits.

References
----------
.. [1] Wilks, D. S. (2011) Statistical Methods in the Atmospheric Sciences, 3rd ed., Academic
   Press, section 8.2 (the 2 × 2 contingency table: hit rate, false-alarm ratio).
.. [2] The trigger reports of the anticipatory-action frameworks (OCHA and partners) count
   activations, hits, misses and false alarms over a historical record, as these functions do
   over a synthetic one.
"""

from __future__ import annotations

import numpy as np

DEFAULT_EVENT_RETURN_PERIOD = 5.0
"""An event, by default: a season whose displaced peak exceeds its 1-in-5-year level [year].
Notes: the issue's default; ``--event`` sets another."""


def fires(extreme: np.ndarray, threshold: float, indicator: str) -> np.ndarray:
    """(season,) True where the season's most extreme value crosses ``threshold`` (the minimum
    for SPI, the maximum for stage and rainfall) [-]."""
    extreme = np.asarray(extreme, float)
    return extreme <= threshold if indicator == "spi" else extreme >= threshold


def events_by_return_period(values: np.ndarray, years: float = DEFAULT_EVENT_RETURN_PERIOD) -> tuple[np.ndarray, float]:
    """(season,) True where ``values`` exceed their ``years``-year level, and that level: the
    ``1 - 1/years`` quantile of the seasons' values (linear interpolation) [unit of values]."""
    if not years > 1.0:
        raise ValueError(f"the event's return period must exceed 1 year, got {years:g}")
    values = np.asarray(values, float)
    level = float(np.quantile(values, 1.0 - 1.0 / years))
    return values > level, level


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if denominator > 0 else None


def contingency(fired: np.ndarray, event: np.ndarray) -> dict:
    """Counts and rates of a trigger over the seasons (see the module's definitions).

    Returns ``seasons``, ``activations``, ``events``, ``hits``, ``misses``, ``false_alarms``
    [season], ``activation_rate``, ``hit_rate``, ``false_alarm_ratio`` [-] (None where the
    denominator is 0), ``return_period_years`` [year] (None when it never fired) and
    ``never_fired`` (True when it fired in no season).
    """
    fired, event = np.asarray(fired, bool), np.asarray(event, bool)
    if fired.shape != event.shape or fired.ndim != 1:
        raise ValueError(f"fired and event must be two flags per season, got shapes {fired.shape} and {event.shape}")
    seasons = len(fired)
    activations = int(fired.sum())
    hits = int((fired & event).sum())
    out = {
        "seasons": seasons,
        "activations": activations,
        "events": int(event.sum()),
        "hits": hits,
        "misses": int((~fired & event).sum()),
        "false_alarms": int((fired & ~event).sum()),
        "activation_rate": _ratio(activations, seasons),
        "never_fired": activations == 0,
    }
    out["hit_rate"] = _ratio(hits, out["events"])
    out["false_alarm_ratio"] = _ratio(out["false_alarms"], activations)
    out["return_period_years"] = _ratio(seasons, activations)
    return out


def mean_lead_days(fire_day: np.ndarray, need_day: np.ndarray, hit: np.ndarray) -> float | None:
    """Mean over the hits of the days from firing to the season's first need [day]; None without
    a hit whose need is known. Negative when it fires after the need has begun."""
    fire_day, need_day = np.asarray(fire_day, float), np.asarray(need_day, float)
    use = np.asarray(hit, bool) & np.isfinite(fire_day) & np.isfinite(need_day)
    return float(np.mean(need_day[use] - fire_day[use])) if use.any() else None


def paired_gain(with_trigger: np.ndarray, without: np.ndarray) -> dict:
    """Median and p10–p90 over the seasons of ``with_trigger - without``, paired on the same
    seasons [unit of the values]."""
    gain = np.asarray(with_trigger, float) - np.asarray(without, float)
    p10, p50, p90 = np.percentile(gain, [10, 50, 90])
    return {"median": float(p50), "p10": float(p10), "p90": float(p90)}


def cost_per_extra_person_day(extra_cost_usd: np.ndarray, extra_person_days: np.ndarray) -> float | None:
    """What a person-day of need met thanks to the trigger costs: the mean extra cost over the
    mean extra person-days met [USD/person-day]; None when the trigger meets no more."""
    days = float(np.mean(extra_person_days))
    return float(np.mean(extra_cost_usd)) / days if days > 0 else None


def sweep(extreme: np.ndarray, event: np.ndarray, thresholds, indicator: str) -> list[dict]:
    """The contingency of each threshold (``threshold``, ``activation_rate``, ``hit_rate``,
    ``false_alarm_ratio``), in the order given."""
    out = []
    for threshold in thresholds:
        counts = contingency(fires(extreme, float(threshold), indicator), event)
        out.append(
            {
                "threshold": float(threshold),
                "activation_rate": counts["activation_rate"],
                "hit_rate": counts["hit_rate"],
                "false_alarm_ratio": counts["false_alarm_ratio"],
            }
        )
    return out
