"""The delta page under Streamlit's AppTest: renders without exception, in both languages."""

from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # relative to this file


def test_delta_page_renders_in_french():
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Delta intérieur du Niger — plans de contingence"
    assert [m.label for m in at.metric] == ["Population 2024", "Cercles", "Plaine inondable"]
    assert at.metric[1].value == "17"
    assert not any("approximatives" in info.value for info in at.info)  # the built-in cercles are OCHA's
    assert len(at.dataframe) == 4


def test_language_switch_and_year():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.radio(key="language").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Inland Niger delta — contingency plans"
    at.sidebar.number_input(key="population_year").set_value(2030).run()
    assert not at.exception
    assert at.metric[0].label == "Population 2030"
    population = int(at.metric[0].value.replace(",", ""))  # English groups with commas
    assert population > 7_000_000


def test_bad_boundaries_show_an_error_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "cercles.geojson"
    bad.write_text("not geojson", encoding="utf-8")
    monkeypatch.setenv("SIM_BOUNDARIES", str(bad))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.error and "cercles.geojson" in at.error[0].value
