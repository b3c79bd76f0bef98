"""The Déclencheurs page under AppTest: score the early-action plan's triggers on a few seasons,
read the scorecards, try another threshold, rerun without playing again, switch to English —
no exception at any step."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # relative to this file
ROOT = Path(__file__).resolve().parents[2]


def _early_action():
    return str(ROOT / "scenarios" / "plans" / "early-action.yaml")


def test_score_the_triggers_try_a_threshold_and_switch_language(data_dir):
    at = AppTest.from_file(APP, default_timeout=900).run()
    at.switch_page("ui/triggers_page.py").run()
    assert not at.exception
    at.selectbox(key="tr_plan").set_value(_early_action()).run()
    at.number_input(key="tr_seasons").set_value(10).run()
    at.button(key="tr_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    cards = [m.value for m in at.markdown if "Bani à Sofara, alerte orange" in m.value]
    assert cards and ("se déclenche " in cards[0] or "ne s'est jamais déclenché" in cards[0])
    assert any("saisons sont graves" in m.value or "sont graves" in m.value for m in at.markdown)
    # another threshold, counted on the spot from the seasons already played
    at.number_input(key="tr_try_0").set_value(900.0).run()
    assert not at.exception
    assert any("il ne se déclenche dans aucune des 10 saisons" in c.value for c in at.caption)
    kept = at.session_state["triggers_result"]
    at.number_input(key="tr_try_0").set_value(600.0).run()  # a rerun: the record is not played again
    assert at.session_state["triggers_result"] is kept
    at.sidebar.radio(key="language").set_value("en").run()
    assert not at.exception
    assert any(
        "Bani à Sofara, alerte orange" in m.value and ("fires " in m.value or "never fired" in m.value)
        for m in at.markdown
    )


def test_a_plan_without_triggers_is_said_so(data_dir):
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.switch_page("ui/triggers_page.py").run()
    at.selectbox(key="tr_plan").set_value(str(ROOT / "scenarios" / "plans" / "baseline.yaml")).run()
    assert not at.exception
    assert any("n'a aucun déclencheur" in i.value for i in at.info)
