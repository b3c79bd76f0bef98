"""The plan page under AppTest: save an edited plan to the user's folder, refuse a bad one,
run twice, change the item, switch language — no exception at any step."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from sim.scenario import load_file

APP = "../../app.py"  # relative to this file
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios" / "plans"


def _page():
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.switch_page("ui/plan_page.py").run()
    assert not at.exception
    return at


def test_save_a_variant_of_the_baseline(data_dir):
    at = _page()
    at.number_input(key="plan_teams:baseline").set_value(12)
    at.number_input(key="plan_funds:baseline").set_value(250000.0)
    at.radio(key="plan_allocation:baseline").set_value("worst_first")
    at.text_input(key="plan_name:baseline").set_value("baseline-more-teams").run()
    assert "modifications non enregistrées" in at.warning[0].value
    at.button(key="plan_save").click().run()
    assert not at.exception and not at.error
    saved = data_dir / "plans" / "baseline-more-teams.yaml"
    plan = load_file(saved, expect="plan")
    assert plan.distribution.teams == 12
    assert plan.funding.available.to("USD").magnitude == 250000
    assert plan.allocation == "worst_first"
    # what the tables hold comes back unchanged: the baseline's warehouses, sources and trucks
    baseline = load_file(SHIPPED / "baseline.yaml", expect="plan")
    assert (
        plan.warehouses == baseline.warehouses
        and plan.procurement == baseline.procurement
        and plan.fleet == baseline.fleet
    )
    # the saved plan is now plan A, listed as the user's own; the page says where it went
    assert at.selectbox(key="plan_a").value == str(saved)
    assert str(saved) in at.success[0].value
    assert not any("modifications non enregistrées" in w.value for w in at.warning)


def test_a_bad_plan_name_is_an_error(data_dir):
    at = _page()
    at.text_input(key="plan_name:baseline").set_value("Mon Plan").run()
    assert at.error and "Mon Plan" in at.error[0].value
    assert not (data_dir / "plans").exists()


def test_a_shipped_plan_is_never_overwritten(data_dir):
    before = {p.name: p.read_bytes() for p in SHIPPED.glob("*.yaml")}
    at = _page()
    at.number_input(key="plan_teams:baseline").set_value(1)
    at.text_input(key="plan_name:baseline").set_value("baseline")
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert "livré" in at.error[0].value
    assert {p.name: p.read_bytes() for p in SHIPPED.glob("*.yaml")} == before
    assert not (data_dir / "plans").exists()


def test_runs_reruns_and_language(data_dir):
    """Two plans, two members: run, change the item, run again, switch to English, run again."""
    at = _page()
    at.selectbox(key="plan_scenario").set_value(str(SHIPPED.parent / "flood-2022.yaml"))
    at.selectbox(key="plan_b").set_value(str(SHIPPED / "early-action.yaml"))
    at.number_input(key="plan_members").set_value(2).run()
    at.button(key="plan_run").click().run()
    assert not at.exception and not at.error
    assert any("Avec 2 saisons seulement" in w.value for w in at.warning)  # the verdict says 2 members are too few
    cards = [m.label for m in at.metric]
    assert cards.count("Taux de couverture des besoins") == 2
    at.selectbox(key="plan_chart_item").set_value("water").run()
    assert not at.exception
    at.button(key="plan_run").click().run()  # same settings: the results are kept
    assert not at.exception and cards == [m.label for m in at.metric]
    at.number_input(key="plan_seed").set_value(2).run()
    at.button(key="plan_run").click().run()
    assert not at.exception
    at.sidebar.radio(key="language").set_value("en").run()
    assert not at.exception
    assert [m.label for m in at.metric].count("Share of needs met") == 2
    at.button(key="plan_run").click().run()
    assert not at.exception and not at.error


def test_rename_download_and_delete_a_users_plan(data_dir):
    """The library panel acts on the user's own plans only; the shipped ones stay as they are."""
    before = {p.name: p.read_bytes() for p in SHIPPED.glob("*.yaml")}
    at = _page()
    at.text_input(key="plan_name:baseline").set_value("mon-plan").run()
    at.button(key="plan_save").click().run()
    assert (data_dir / "plans" / "mon-plan.yaml").is_file()
    assert at.selectbox(key="plans_library_pick").value == "mon-plan"
    at.text_input(key="plans_library_new_name").set_value("plan-de-la-commune")
    at.button(key="plans_library_rename").click().run()
    assert not at.exception and not at.error
    assert sorted(p.name for p in (data_dir / "plans").iterdir()) == ["plan-de-la-commune.yaml"]
    assert "renommé" in at.success[0].value
    # plan A was the renamed file: it now falls back to a plan that exists
    assert Path(at.selectbox(key="plan_a").value).is_file()
    at.checkbox(key="plans_library_sure").check().run()  # the delete button is enabled once this is ticked
    at.button(key="plans_library_delete").click().run()
    assert not at.exception and not at.error
    assert list((data_dir / "plans").iterdir()) == []
    assert {p.name: p.read_bytes() for p in SHIPPED.glob("*.yaml")} == before
