"""Check against an observed season: the Red Cross early-action trigger at Sofara in 2022.

(The people affected by reported seasons are in :mod:`sim.validation.fitted`.)

References
----------
.. [3] Anticipation Hub, "Acting in anticipation of severe floods in Mali": the Mali Red
   Cross flood EAP (Bani at Sofara, orange alert 633 cm) activated 4–8 September 2022,
   1,000 households targeted.
   https://www.anticipation-hub.org/news/acting-in-anticipation-of-severe-floods-in-mali
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.validation.verdict import Rule, Section, compare, info

TRIGGER_RULE = Rule(within=7.0, inside="agrees")
"""Trigger date: inside the activation window agrees, up to 7 days outside within range."""

SOFARA_ORANGE_CM = 633.0
"""Mali Red Cross orange alert on the Bani at Sofara [cm]. References: [3]_."""

ACTIVATION_2022 = (dt.date(2022, 9, 4), dt.date(2022, 9, 8))
"""Days the Red Cross early-action protocol was activated in 2022. References: [3]_."""


def first_day_at_or_above(dates: pd.DatetimeIndex, stages: np.ndarray, threshold: float) -> dt.date | None:
    """First date the stage reaches ``threshold``, or None."""
    above = np.flatnonzero(np.asarray(stages) >= threshold)
    return dates[int(above[0])].date() if above.size else None


def trigger_day(events: list[tuple[int, str]], dates: pd.DatetimeIndex, name_part: str) -> dt.date | None:
    """Date of the first event of the plan log naming a trigger containing ``name_part``."""
    for day, text in events:
        if text.startswith("trigger") and name_part in text:
            return dates[day].date()
    return None


def check_sofara_trigger(
    dates: pd.DatetimeIndex, sofara_cm: np.ndarray, events: list[tuple[int, str]], kits_moved: float
) -> Section:
    """Would the plan's Sofara trigger have fired in 2022, and on what day?"""
    source = "Anticipation Hub, Mali Red Cross flood EAP [3]: https://www.anticipation-hub.org/news/acting-in-anticipation-of-severe-floods-in-mali"
    origin = dt.date(2022, 9, 1)
    window = tuple((d - origin).days for d in ACTIVATION_2022)
    shown = "4–8 Sep 2022"
    crossed = first_day_at_or_above(dates, sofara_cm, SOFARA_ORANGE_CM)
    fired = trigger_day(events, dates, "Sofara")
    records = []
    if crossed is None:
        records.append(
            info(
                "Sofara reaches 633 cm in the 2022 season", 0.0, source, notes="never: the trigger would not have fired"
            )
        )
    else:
        records.append(
            compare(
                "day the Bani at Sofara reaches 633 cm (model stage; days from 1 Sep)",
                window,
                (crossed - origin).days,
                TRIGGER_RULE,
                source,
                unit="day",
                published_text=shown,
                model_text=f"{crossed:%d %b %Y}",
            )
        )
    if fired is None:
        records.append(
            info(
                "day the plan's Sofara trigger fires (SimPy event log)",
                float("nan"),
                source,
                notes="the trigger never fired",
            )
        )
    else:
        records.append(
            compare(
                "day the plan's Sofara trigger fires (SimPy event log; days from 1 Sep)",
                window,
                (fired - origin).days,
                TRIGGER_RULE,
                source,
                unit="day",
                published_text=shown,
                model_text=f"{fired:%d %b %Y}",
            )
        )
    records.append(
        compare(
            "households targeted (kits moved to Mopti on the trigger)",
            1_000.0,
            kits_moved,
            Rule(agree=0.0),
            source,
            unit="household",
            notes="a plan input (scenarios/plans/early-action.yaml), not a model output",
        )
    )
    figure = {
        "kind": "trigger",
        "dates": dates,
        "sofara": sofara_cm,
        "threshold": SOFARA_ORANGE_CM,
        "window": ACTIVATION_2022,
        "fired": fired,
    }
    intro = (
        "The early-action plan (`scenarios/plans/early-action.yaml`) fires when the Bani at Sofara "
        "reaches the Red Cross orange alert, 633 cm. The Sofara hydrograph is the model's (Mopti's "
        "2022 pulse, 16 days earlier, peak 672 cm). The plan is played on the 2022 scenario and the "
        "day its trigger fires is read from the SimPy model's event log."
    )
    return Section(
        "sofara_trigger", "The Red Cross early-action trigger at Sofara, 2022", intro, tuple(records), figure
    )
