"""Stories of households and the debrief export of a played workshop."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.workshop import db, service
from sim.workshop.debrief import pdf_bytes, scoreboard_png, timeline_png
from sim.workshop.narrate import score_sentence, story_text
from sim.workshop.scoring import scoreboard
from sim.workshop.stories import household_stories
from ui.i18n import t

ORDER = {"orders": [{"item": "shelter_kit", "source": "Régional", "quantity": 500}], "mobilize": True}
PASS = "debrief-pass"


def _played(workshop_db, settings):
    conn = db.connect(workshop_db)
    code, teams = service.create_workshop(conn, settings, ["Équipe A", "Équipe B"], PASS)
    service.start(conn, code, PASS)
    _, token = service.join(conn, teams["Équipe A"])
    service.submit(conn, teams["Équipe A"], token, 1, ORDER)
    for _ in range(settings.rounds):
        service.advance(conn, code, PASS)
    return conn, code


def test_workshop_story_days_follow_the_shelter_kits_first_come_first_served(workshop_db, workshop_flood):
    conn, code = _played(workshop_db, workshop_flood)
    _, _, models = service.debrief(conn, code, PASS)
    stories = household_stories(models)
    assert stories
    for story in stories:
        for team, day in story.sheltered.items():
            model = models[team]
            s, k = model.items.index("shelter_kit"), model.inputs.cercles.index(story.cercle)
            due = model.records.demand[s, :, k]
            given = model.records.distributed[s, :, k]
            assert due[story.displaced_day] >= story.household > due[story.displaced_day - 1]  # its house fell that day
            if day is None:
                assert given[story.end_day - 1] < story.household
            else:
                assert given[day] >= story.household - 1e-9 > given[day - 1]  # its kit came that day


def test_workshop_debrief_pdf_in_both_languages(workshop_db, workshop_flood):
    conn, code = _played(workshop_db, workshop_flood)
    view, season, models = service.debrief(conn, code, PASS)
    names = {team["code"]: team["name"] for team in view["teams"]}
    scores = scoreboard(service.results_by_team(conn, code, PASS))
    dates = pd.DatetimeIndex(season.inputs.dates)
    for lang in ("fr", "en"):

        def text(key, lang=lang, **values):
            return t(key, lang, **values)

        board = scoreboard_png(scores, text, lang)
        line = timeline_png(
            season,
            workshop_flood,
            {names[k]: v for k, v in view["decisions"].items()},
            text,
            played=workshop_flood.rounds,
        )
        assert board.startswith(b"\x89PNG") and line.startswith(b"\x89PNG")
        stories = [story_text(s, dates, text, lang, str) for s in household_stories(models)]
        sentences = [score_sentence(s, text, lang, str) for s in scores]
        pdf = pdf_bytes(
            workshop_flood.title,
            workshop_flood,
            scores,
            sentences,
            stories,
            {"Équipe A": ["x"], "Équipe B": []},
            board,
            line,
            text,
            lang,
            str,
        )
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert np.isfinite([s.spent for s in scores]).all()
