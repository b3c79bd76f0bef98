"""sim.triggers.words: a scorecard in the words of the issue's example, in French and English."""

import re

from sim.triggers.words import frequency, scorecard

CARD = {
    "never_fired": False,
    "seasons": 500,
    "activation_rate": 0.25,
    "return_period_years": 4.0,
    "hits": 7,
    "events": 9,
    "false_alarms": 2,
    "fill_rate_gain": {"mean": 0.06, "median": 0.0, "p10": 0.0, "p90": 0.2},
    "cost_per_season_usd": 41000.0,
}


def _flat(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def test_the_issues_example_in_french_and_english():
    assert _flat(scorecard(CARD, "fr")) == (
        "se déclenche une année sur 4 ; a attrapé 7 saisons graves sur 9 ; 2 fausses alertes ; "
        "+6,0 points de couverture en moyenne pour 41 000 US$ par an."
    )
    english = _flat(scorecard(CARD, "en"))
    assert english.startswith("fires one year in 4; caught 7 of 9 severe seasons; 2 false alarms; +6.0 points")


def test_how_often_is_said_as_a_donor_says_it():
    assert frequency(0.25, "fr") == "une année sur 4"
    assert frequency(0.7, "fr") == "7 années sur 10"
    assert frequency(0.5, "en") == "one year in 2"
    assert _flat(scorecard(CARD | {"never_fired": True}, "fr")) == (
        "ne s'est jamais déclenché en 500 saisons : son seuil n'est jamais atteint."
    )
