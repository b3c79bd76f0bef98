"""Short stories of a few displaced households, followed through the season team by team.

The model counts households, it does not follow them; a story follows the *n*-th household
whose house was destroyed in a cercle, with the assumption that kits are handed out first
come, first served: its house fell on the first day the cercle's shelter-kit needs reached
*n*, and it got a kit on the first day the kits handed out there reached *n*. Its water is
its cercle's: the days the cercle got less water than the Sphere standard asks.

Notes
-----
Households and first names are fictional; the days come from the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NAMES = ("Aminata", "Boubacar", "Fatoumata", "Hamadoun", "Kadiatou", "Oumar")
"""Fictional heads of household, common first names in the delta."""


@dataclass(frozen=True)
class Story:
    """One household.

    Attributes
    ----------
    displaced_day : int
        Day its house was destroyed [day of the season].
    sheltered : dict
        team → day it received a shelter kit, or None when it had not by the end.
    water_short_days : dict
        team → days without enough water in its cercle after it was displaced [day].
    """

    name: str
    cercle: str
    household: int
    displaced_day: int
    end_day: int
    sheltered: dict[str, int | None]
    water_short_days: dict[str, int]


def household_stories(models: dict, count: int = 3) -> list[Story]:
    """Stories of ``count`` households, from the most hit cercles, for every team's model.

    ``models`` maps team name → :class:`~sim.workshop.engine.WorkshopModel` played to the
    same day; the needs are the same in all of them.
    """
    if not models:
        return []
    first = next(iter(models.values()))
    items, cercles = first.items, first.inputs.cercles
    if "shelter_kit" not in items or first.until < 1:
        return []
    s = items.index("shelter_kit")
    end = first.until
    due = first.records.demand[s, end - 1]  # cumulative kits due per cercle
    order = [k for k in np.argsort(-due, kind="stable") if due[k] >= 1]
    stories = []
    for number, k in enumerate(order[:count]):
        household = max(int(np.ceil(due[k] / (2 + number))), 1)  # from the middle of the queue towards its front
        displaced = int(np.argmax(first.records.demand[s, :end, k] >= household))
        sheltered, short = {}, {}
        for team, model in models.items():
            given = model.records.distributed[s, :end, k]
            got = np.flatnonzero(given >= household - 1e-9)
            sheltered[team] = int(got[0]) if got.size else None
            short[team] = _water_short_days(model, k, displaced, end)
        stories.append(Story(NAMES[number % len(NAMES)], cercles[k], household, displaced, end, sheltered, short))
    return stories


def _water_short_days(model, k: int, since: int, end: int) -> int:
    """Days from ``since`` on when the cercle's water handed out fell behind what it needed."""
    if "water" not in model.items:
        return 0
    w = model.items.index("water")
    backlog = model.records.demand[w, :end, k] - model.records.distributed[w, :end, k]
    grew = np.diff(backlog, prepend=0.0) > 1e-6
    return int(grew[since:end].sum())
