"""The Plan page's "Proposer un plan" under AppTest: propose, redraw on a rerun without solving
again, use the proposal as plan B and play both — no exception at any step."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from sim.scenario import load_file

APP = "../../app.py"  # relative to this file
ROOT = Path(__file__).resolve().parents[2]


def test_propose_then_use_it_as_plan_b(data_dir):
    folder = data_dir / "scenarios"
    folder.mkdir(parents=True)
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8")
    coarse = text.replace("name: flood-2022", "name: flood-2022-coarse").replace(
        "resolution: 0.01 degree", "resolution: 0.05 degree"
    )
    (folder / "flood-2022-coarse.yaml").write_text(coarse, encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=900).run()
    at.switch_page("ui/plan_page.py").run()
    at.selectbox(key="plan_scenario").set_value(str(folder / "flood-2022-coarse.yaml")).run()
    assert not at.exception
    at.number_input(key="propose_members").set_value(2)
    at.button(key="propose_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    sentence = next(m.value for m in at.markdown if "saisons qu'il n'a pas vues" in m.value)
    assert "couverture médiane" in sentence and "baseline" in sentence
    tables = [frame.value for frame in at.dataframe]
    compared = next(f for f in tables if "Couverture médiane" in f.columns)
    assert list(compared["Plan"])[-1] == "Plan proposé" and "même argent" in list(compared["Plan"])[1]
    bounds = next(f for f in tables if "Repère" in f.columns)
    assert "Information parfaite (chaque saison connue à l'avance)" in list(bounds["Repère"])
    stock = next(f for f in tables if "Stock proposé" in f.columns)
    assert "Eau potable" not in list(stock["Article"])  # water is trucked on site, never held
    # a rerun (another widget) redraws the proposal from session state
    at.slider(key="propose_target").set_value(0.85).run()
    assert not at.exception and any("saisons qu'il n'a pas vues" in m.value for m in at.markdown)
    at.button(key="propose_use_b").click().run()
    assert not at.exception and not at.error
    saved = data_dir / "plans" / "baseline-proposed.yaml"
    assert load_file(saved, expect="plan").name == "baseline-proposed"
    assert at.selectbox(key="plan_b").value == str(saved)
    at.button(key="plan_run").click().run()  # plan A and the proposal on the same members
    assert not at.exception and not at.error
