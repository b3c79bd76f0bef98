"""The impact page under Streamlit's AppTest: run a season, save an edited scenario to the user's folder."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # relative to this file
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


def _flood_page():
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.switch_page("ui/impact_page.py").run()
    assert not at.exception
    at.selectbox(key="impact_scenario").set_value(str(SHIPPED / "flood-2022.yaml")).run()
    assert not at.exception
    return at


def test_run_and_save_a_variant(data_dir):
    at = _flood_page()
    at.button[0].click().run()  # Simuler
    assert not at.exception and not at.error
    labels = [m.label for m in at.metric]
    assert labels == ["Personnes touchées", "Déplacés (pic)", "Dans le besoin (pic)", "Coût total"]
    affected = int(at.metric[0].value.replace("\u202f", ""))
    assert 15_000 < affected < 62_000  # within a factor of two of the 30,638 reported for 2022 (IOM)
    before = {p.name: p.read_bytes() for p in SHIPPED.glob("*.yaml")}
    at.text_input(key="impact_name:flood-2022").set_value("flood-2022-large-households")
    at.number_input(key="impact_household:flood-2022").set_value(7.7)  # 2024 flood reports: 7.7 per household
    at.button[1].click().run()  # Enregistrer le scénario
    assert not at.exception and not at.error
    saved = data_dir / "scenarios" / "flood-2022-large-households.yaml"
    assert "household_size: 7.7 person/household" in saved.read_text(encoding="utf-8")
    assert {p.name: p.read_bytes() for p in SHIPPED.glob("*.yaml")} == before  # nothing written beside the shipped ones
    # the saved scenario is now chosen, and listed as the user's own
    assert at.selectbox(key="impact_scenario").value == str(saved)
    assert "flood-2022-large-households" in at.selectbox(key="impact_scenario").options
    # the results stay on screen through the rerun, and a second run of it works
    at.button[0].click().run()
    assert not at.exception and len(at.metric) == 4


def test_a_bad_name_is_an_error_not_a_file(data_dir):
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.switch_page("ui/impact_page.py").run()
    key = "impact_name:drought-2021"  # the first scenario in the list
    at.text_input(key=key).set_value("Bad Name")
    at.button[1].click().run()
    assert not at.exception
    assert at.error and "Bad Name" in at.error[0].value
    assert not (data_dir / "scenarios").exists()


def test_the_scenario_chosen_here_is_chosen_on_the_other_pages(data_dir):
    at = _flood_page()
    at.switch_page("ui/plan_page.py").run()
    assert not at.exception
    assert Path(at.selectbox(key="plan_scenario").value).stem == "flood-2022"
    at.switch_page("ui/hazards_page.py").run()
    assert not at.exception
    assert Path(at.sidebar.selectbox(key="hazard_scenario").value).stem == "flood-2022"


def test_animal_feed_counts_only_when_the_planner_switches_it_on(data_dir):
    at = _flood_page()
    at.selectbox(key="impact_scenario").set_value(str(SHIPPED / "drought-2021.yaml")).run()
    at.number_input(key="impact_members:drought-2021").set_value(1)
    at.button[0].click().run()  # Simuler
    assert not at.exception and not at.error
    without = int(at.metric[3].value.replace("\u202f", "").replace("US$", "").strip())
    assert not any("Aliment bétail" in str(frame.value) for frame in at.dataframe)
    feed = at.multiselect(key="impact_include:drought-2021")
    assert feed.options == ["Aliment bétail"]
    feed.select("animal_feed")  # inside the form: sent with the submit button, as in a browser
    at.button[0].click().run()
    assert not at.exception and not at.error
    with_feed = int(at.metric[3].value.replace("\u202f", "").replace("US$", "").strip())
    assert with_feed > without  # 1.95 kg a day for each food-insecure person, at 0.15 US$/kg
    assert any("Aliment bétail" in str(frame.value) for frame in at.dataframe)
    # saved with the scenario
    at.text_input(key="impact_name:drought-2021").set_value("drought-2021-fed")
    at.button[1].click().run()
    saved = (data_dir / "scenarios" / "drought-2021-fed.yaml").read_text(encoding="utf-8")
    assert "include_items:\n- animal_feed" in saved or "include_items: [animal_feed]" in saved


def test_a_population_layer_is_chosen_saved_and_run(data_dir, tmp_path, gdal_tools):
    """A DRR officer's population layer (made with gdal_translate) replaces the built-in spread."""
    import subprocess

    import numpy as np

    from hazards.catalog import add_layer
    from sim.core.grid import Grid

    grid = Grid(resolution=0.05)
    lon, lat = np.meshgrid(grid.x, grid.y)
    values = np.where((lon > -4.5) & (lon < -3.5) & (lat > 14.0) & (lat < 15.0), 1000.0, 1.0)
    header = f"ncols {values.shape[1]}\nnrows {values.shape[0]}\nxllcorner {grid.west}\nyllcorner {grid.south}\ncellsize 0.05\n"
    source = tmp_path / "people.asc"
    source.write_text(header + "\n".join(" ".join(f"{v:g}" for v in row) for row in values) + "\n")
    tif = tmp_path / "people.tif"
    subprocess.run(
        [gdal_tools["gdal_translate"], "-q", "-ot", "Float32", "-a_srs", "EPSG:4326", str(source), str(tif)], check=True
    )
    add_layer(tif, "people-2024", "population")
    at = _flood_page()
    layer = at.selectbox(key="impact_population_layer:flood-2022")
    assert layer.options == ["intégrée (recensement réparti sur les lieux habités)", "people-2024"]
    layer.set_value("people-2024")
    at.text_input(key="impact_name:flood-2022").set_value("flood-2022-worldpop")
    at.button[1].click().run()  # Enregistrer le scénario
    assert not at.exception and not at.error
    saved = (data_dir / "scenarios" / "flood-2022-worldpop.yaml").read_text(encoding="utf-8")
    assert "population:\n    layer: people-2024" in saved
    next(b for b in at.button if b.label == "Simuler").click().run()  # on the saved scenario
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert int(at.metric[0].value.replace("\u202f", "")) > 0
