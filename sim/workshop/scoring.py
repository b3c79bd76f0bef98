"""The scoreboard: how each team served the people of the season, and what it spent.

A *crisis* is a cercle that, during a round, received less than 80 % (by value) of the needs
that arose there in that round (:data:`sim.logistics.kpis.COVERAGE`); a crisis *avoided* is a
cercle with new needs in the round that received at least that much (deliveries that clear
an older backlog count too). Teams are ranked on crises avoided first, then on the fill
rate, then on the money spent (least first): stock bought and kept in a warehouse earns
nothing, so the score rewards serving people over hoarding.

Notes
-----
The ranking rule is a game rule (assumption), in the spirit of the Red Cross Red Crescent
Climate Centre's games, where acting on time scores more than saving money.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    """One team's line on the scoreboard.

    Attributes
    ----------
    fill_rate : float or None
        Share of the needs to date, by value, handed out [-].
    without_shelter : float
        People whose destroyed house has not yet been replaced by a shelter kit [person].
    without_water : float
        People below the Sphere 15 L a day on an average day of the last round [person].
    water_person_days : float
        Person-days below the Sphere water standard over the season so far [person-day].
    worst_cercle : str or None
        Pcode of the cercle with the lowest fill rate.
    worst_fill : float or None
        Its fill rate [-].
    spent : float
        Purchases, the forecast, transport and storage from round 1 on: the ledger's
        (:class:`sim.workshop.rules.Ledger`) at the end of the last round played [USD].
    budget : float
        The budget arrived by then [USD].
    crises_avoided, crises : int
        Cercle-rounds covered / not covered [-].
    """

    team: str
    fill_rate: float | None
    without_shelter: float
    without_water: float
    water_person_days: float
    worst_cercle: str | None
    worst_fill: float | None
    spent: float
    budget: float
    crises_avoided: int
    crises: int
    rank: int = 0


def crises(results: dict[int, dict]) -> tuple[int, int]:
    """(crises avoided, crises) over the rounds played (round 0, the start, is not counted)."""
    avoided = failed = 0
    for number, snap in results.items():
        if number == 0:
            continue
        for covered in snap["covered"]:
            if covered is True:
                avoided += 1
            elif covered is False:
                failed += 1
    return avoided, failed


def team_score(team: str, results: dict[int, dict]) -> Score:
    """A team's score from its situation at the end of each round (round → snapshot)."""
    last = results[max(results)]
    fills = [(f, c) for f, c in zip(last["fill"], last["cercles"]) if f is not None]
    worst_fill, worst = min(fills) if fills else (None, None)
    avoided, failed = crises(results)
    return Score(
        team=team,
        fill_rate=last["fill_rate"],
        without_shelter=float(sum(last["without_shelter"])),
        without_water=float(sum(last["without_water"])),
        water_person_days=float(last["water_person_days"]),
        worst_cercle=worst,
        worst_fill=worst_fill,
        spent=float(last["ledger"]["spent"]),
        budget=float(last["ledger"]["budget"]),
        crises_avoided=avoided,
        crises=failed,
    )


def scoreboard(results_by_team: dict[str, dict[int, dict]]) -> list[Score]:
    """Every team's score, best first (crises avoided, then fill rate, then least spent)."""
    scores = [team_score(team, results) for team, results in results_by_team.items() if results]
    scores.sort(key=lambda s: (-s.crises_avoided, -(s.fill_rate or 0.0), s.spent))
    ranked = []
    for position, score in enumerate(scores, start=1):
        previous = ranked[-1] if ranked else None
        tied = previous is not None and (previous.crises_avoided, previous.fill_rate, previous.spent) == (
            score.crises_avoided,
            score.fill_rate,
            score.spent,
        )
        ranked.append(Score(**{**score.__dict__, "rank": previous.rank if tied else position}))
    return ranked
