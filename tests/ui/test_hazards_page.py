"""The hazards page under Streamlit's AppTest."""

from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # relative to this file


def test_hazards_page_renders_both_scenarios(monkeypatch, tmp_path):
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.switch_page("ui/hazards_page.py").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Pluie moyenne de la saison", "Pic à Mopti", "Surface inondée (max.)"]
    assert at.metric[1].value == "630 cm"  # drought-2021 comes first
    at.sidebar.selectbox(key="hazard_scenario").select_index(1).run()
    assert not at.exception
    assert at.metric[1].value == "671 cm"  # flood-2022: OPIDIN, 9 Oct 2022
