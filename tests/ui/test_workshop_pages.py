"""The workshop pages under AppTest: misuse gets one clear line, in French or English, and nothing else happens."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from sim.workshop import db

APP = "../../app.py"  # relative to this file


def _page(page, tmp_path, monkeypatch, lang="fr"):
    monkeypatch.setenv("SIM_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def test_workshop_team_page_refuses_an_unknown_code_in_english(tmp_path, monkeypatch):
    at = _page("ui/workshop_team_page.py", tmp_path, monkeypatch, lang="en")
    at.text_input(key="ws_join_code").set_value("ABCDEF")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Unknown team code. Check the code the trainer gave you."]


def test_workshop_trainer_page_refuses_a_wrong_passcode(tmp_path, monkeypatch):
    at = _page("ui/workshop_trainer_page.py", tmp_path, monkeypatch)
    at.text_input(key="ws_login_code").set_value("ABCDEF")
    at.text_input(key="ws_login_pass").set_value("nope")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Code d'atelier ou mot de passe incorrect. Rien n'a été ouvert."]
    assert db.connect(tmp_path / "workshops.sqlite").execute("SELECT COUNT(*) FROM workshop").fetchone()[0] == 0
