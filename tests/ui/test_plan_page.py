"""The plan page under AppTest: save an edited plan, refuse a bad one."""

from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # relative to this file


def _page(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_SCENARIO_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.switch_page("ui/plan_page.py").run()
    assert not at.exception
    return at


def test_save_a_variant_of_the_baseline(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch)
    at.number_input(key="plan_teams").set_value(12)
    at.text_input(key="plan_name").set_value("baseline-more-teams")
    at.button(key="plan_save").click().run()
    assert not at.exception and not at.error
    saved = tmp_path / "plans" / "baseline-more-teams.yaml"
    assert saved.is_file() and "teams: 12" in saved.read_text(encoding="utf-8")


def test_a_bad_plan_name_is_an_error(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch)
    at.text_input(key="plan_name").set_value("Mon Plan")
    at.button(key="plan_save").click().run()
    assert "must be lower case letters, digits and dashes" in at.error[0].value
    assert not (tmp_path / "plans").exists() or not any((tmp_path / "plans").iterdir())
