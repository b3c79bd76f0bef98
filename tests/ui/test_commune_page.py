"""The Ma commune page under AppTest: find a commune through a village's name, prepare its plan
for a stage and for two seasons of a scenario, read the warning levels and the villages, rerun without playing again, change the
gauge, type a name that matches nothing, switch to English — no exception at any step."""

from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # relative to this file


def test_prepare_a_commune_plan_change_the_flood_and_switch_language(data_dir):
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.switch_page("ui/commune_page.py").run()
    assert not at.exception
    at.text_input(key="cm_query").set_value("Kouakourou").run()
    at.number_input(key="cm_stage_Mopti").set_value(716).run()
    at.button(key="cm_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Plan de contingence de la commune de Kewa" in s.value for s in at.subheader)
    assert any("« Kouakourou » est un village de la commune de Kewa" in c.value for c in at.caption)
    assert any("villages inondés sur" in m.value and "716 cm à l'échelle de Mopti" in m.value for m in at.markdown)
    levels = at.table[0].value
    assert list(levels.iloc[:, 0]) == [
        "Le premier village est inondé",
        "La moitié des villages sont inondés",
        "Tous les villages sont inondés",
    ]
    assert levels.iloc[0, 1].endswith(" cm")
    assert {m.label for m in at.metric} == {"Eau potable", "Nourriture", "Abris", "Kits ménagers"}
    kept = at.session_state["commune_result"]
    at.button(key="cm_run").click().run()  # the same request: not played again
    assert at.session_state["commune_result"] is kept
    at.selectbox(key="cm_gauge").set_value("Sofara").run()
    assert not at.exception
    at.button(key="cm_run").click().run()
    assert not at.exception and at.session_state["commune_result"] is not kept
    assert any("à l'échelle de Sofara" in m.value for m in at.markdown)
    at.text_input(key="cm_query").set_value("Atlantis").run()
    at.button(key="cm_run").click().run()
    assert not at.exception
    assert any("aucune commune ni aucun village du delta ne s'appelle « Atlantis »" in e.value for e in at.error)
    at.text_input(key="cm_query").set_value("Kouakourou").run()
    at.radio(key="cm_mode").set_value("scenario").run()
    at.number_input(key="cm_members").set_value(2).run()
    at.button(key="cm_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("2 saisons" in m.value for m in at.markdown)
    at.sidebar.radio(key="language").set_value("en").run()
    at.button(key="cm_run").click().run()
    assert not at.exception and not at.error
    assert any("Contingency plan of the commune of Kewa" in s.value for s in at.subheader)
