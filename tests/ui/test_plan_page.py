"""The plan page under AppTest: save an edited plan, refuse a bad one."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from sim.scenario import load_file

APP = "../../app.py"  # relative to this file


def _page(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_SCENARIO_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.switch_page("ui/plan_page.py").run()
    assert not at.exception
    return at


def test_save_a_variant_of_the_baseline(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch)
    at.number_input(key="plan_teams:baseline").set_value(12)
    at.number_input(key="plan_funds:baseline").set_value(250000.0)
    at.radio(key="plan_allocation:baseline").set_value("worst_first")
    at.text_input(key="plan_name:baseline").set_value("baseline-more-teams")
    at.button(key="plan_save").click().run()
    assert not at.exception and not at.error
    saved = tmp_path / "plans" / "baseline-more-teams.yaml"
    plan = load_file(saved, expect="plan")
    assert plan.distribution.teams == 12
    assert plan.funding.available.to("USD").magnitude == 250000
    assert plan.allocation == "worst_first"
    # what the tables hold comes back unchanged: the baseline's warehouses, sources and trucks
    baseline = load_file(Path(__file__).resolve().parents[2] / "scenarios" / "plans" / "baseline.yaml", expect="plan")
    assert plan.warehouses == baseline.warehouses and plan.procurement == baseline.procurement and plan.fleet == baseline.fleet
    # the saved plan is now plan A, and the page says where it went
    assert at.selectbox(key="plan_a").value.name == "baseline-more-teams.yaml"
    assert str(saved) in at.success[0].value


def test_a_bad_plan_name_is_an_error(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch)
    at.text_input(key="plan_name:baseline").set_value("Mon Plan")
    at.button(key="plan_save").click().run()
    assert "must be lower case letters, digits and dashes" in at.error[0].value
    assert not (tmp_path / "plans").exists() or not any((tmp_path / "plans").iterdir())


def test_a_shipped_plan_is_never_overwritten(monkeypatch):
    monkeypatch.delenv("SIM_SCENARIO_DIR", raising=False)  # plans are saved next to the shipped ones
    shipped = Path(__file__).resolve().parents[2] / "scenarios" / "plans" / "baseline.yaml"
    before = shipped.read_bytes()
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.switch_page("ui/plan_page.py").run()
    at.number_input(key="plan_teams:baseline").set_value(1)
    at.text_input(key="plan_name:baseline").set_value("baseline")
    at.button(key="plan_save").click().run()
    assert "plan livré avec l'outil" in at.error[0].value
    assert shipped.read_bytes() == before
