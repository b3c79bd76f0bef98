"""Stories of households and the debrief export of a played workshop."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.workshop import db, service
from sim.workshop.debrief import pdf_bytes, scoreboard_png, timeline_png
from sim.workshop.narrate import story_text
from sim.workshop.scoring import scoreboard
from sim.workshop.stories import household_stories
from ui.i18n import t

ORDER = {"orders": [{"item": "shelter_kit", "source": "Régional", "quantity": 500}], "mobilize": True}


def _played(workshop_db, settings):
    conn = db.connect(workshop_db)
    code, teams = service.create_workshop(conn, settings, ["Équipe A", "Équipe B"], "pass")
    service.start(conn, code)
    _, token = db.join_team(conn, teams["Équipe A"])
    service.submit(conn, teams["Équipe A"], token, 1, ORDER)
    for _ in range(settings.rounds):
        service.advance(conn, code)
    return conn, code


def test_workshop_story_days_follow_the_shelter_kits_first_come_first_served(workshop_db, workshop_flood):
    conn, code = _played(workshop_db, workshop_flood)
    view = service.trainer_view(conn, code)
    _, models = service.final_models(view["workshop"], view["teams"], view["decisions"])
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
    view = service.trainer_view(conn, code)
    names = {team["code"]: team["name"] for team in view["teams"]}
    scores = scoreboard({names[k]: v for k, v in view["results"].items()})
    season, models = service.final_models(view["workshop"], view["teams"], view["decisions"])
    dates = pd.DatetimeIndex(season.inputs.dates)
    for lang in ("fr", "en"):
        text = lambda key, **values: t(key, lang, **values)  # noqa: E731
        board = scoreboard_png(scores, text)
        line = timeline_png(season, workshop_flood, {names[k]: v for k, v in view["decisions"].items()}, text, played=workshop_flood.rounds)
        assert board.startswith(b"\x89PNG") and line.startswith(b"\x89PNG")
        stories = [story_text(s, dates, text, str) for s in household_stories(models)]
        pdf = pdf_bytes(workshop_flood.title, workshop_flood, scores, stories, {"Équipe A": ["x"], "Équipe B": []}, board, line, text, str)
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert np.isfinite([s.spent for s in scores]).all()
