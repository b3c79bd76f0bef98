"""The impact page under Streamlit's AppTest: run a season, save an edited scenario."""

from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # relative to this file


def test_run_and_save_a_variant(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_SCENARIO_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.switch_page("ui/impact_page.py").run()
    assert not at.exception
    at.selectbox(key="impact_base").set_value(next(o for o in at.selectbox(key="impact_base").options if "flood-2022" in o)).run()
    at.button[0].click().run()  # Simuler
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels == ["Personnes touchées", "Déplacés (pic)", "Dans le besoin (pic)", "Coût total"]
    affected = int(at.metric[0].value.replace("\u202f", ""))
    assert 15_000 < affected < 62_000  # within a factor of two of the 30,638 reported for 2022 (IOM)
    key = "impact_name:flood-2022"
    at.text_input(key=key).set_value("flood-2022-large-households")
    at.number_input(key="impact_household:flood-2022").set_value(7.7)  # 2024 flood reports: 7.7 per household
    at.button[1].click().run()  # Enregistrer le scénario
    assert not at.exception and not at.error
    saved = tmp_path / "flood-2022-large-households.yaml"
    assert saved.is_file()
    assert "household_size: 7.7 person/household" in saved.read_text(encoding="utf-8")


def test_a_bad_name_is_an_error_not_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_SCENARIO_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.switch_page("ui/impact_page.py").run()
    key = "impact_name:drought-2021"  # the first scenario in the list
    at.text_input(key=key).set_value("Bad Name")
    at.button[1].click().run()
    assert not at.exception
    assert "must be lower case letters, digits and dashes" in at.error[0].value
    assert list(tmp_path.iterdir()) == []
