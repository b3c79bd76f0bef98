"""sim.core.facts and sim/data: every row has a source; the tables agree with each other and
with the published reference figures in ../shared/reference."""

import csv

import pytest

from sim.core import facts


@pytest.mark.parametrize("name", facts.TABLES)
def test_every_table_reads_and_every_row_has_a_source(name):
    rows = facts.read_table(name)
    assert rows, f"{name}.csv is empty"


def test_a_row_without_source_is_refused(tmp_path, monkeypatch):
    (tmp_path / "lakes.csv").write_text("name,lon,lat,radius_km,source\nLac,-4,15,3,\n", encoding="utf-8")
    monkeypatch.setattr(facts, "DATA_DIR", tmp_path)
    facts.read_table.cache_clear()
    try:
        with pytest.raises(facts.FactsError, match=r"lakes.csv:2: source: empty source"):
            facts.read_table("lakes")
    finally:
        facts.read_table.cache_clear()


def test_the_seventeen_delta_cercles_have_2009_census_figures():
    rows = facts.read_table("cercles")
    assert len(rows) == 17
    assert len({r["pcode"] for r in rows}) == 17
    assert all(int(r["population_2009"]) > 50_000 for r in rows)


def test_census_figures_match_the_shared_reference(reference):
    ours = {r["pcode"]: int(r["population_2009"]) for r in facts.read_table("cercles")}
    with (reference / "mali_cercle_population_2009.csv").open(encoding="utf-8") as handle:
        published = {r["pcode_2015_cod"]: int(r["population_2009"]) for r in csv.DictReader(handle)}
    assert len(published) == 8
    for pcode, population in published.items():
        assert ours[pcode] == population, pcode


def test_regional_totals_of_the_2009_census():
    # RGPH 2009 provisional regional totals: Mopti 2,037,330 over its 8 cercles (all in the
    # domain); Tombouctou 681,691 over 5 cercles, of which Gourma-Rharous (111,386) is not.
    rows = facts.read_table("cercles")
    by_region = {}
    for r in rows:
        by_region[r["region"]] = by_region.get(r["region"], 0) + int(r["population_2009"])
    assert by_region["Mopti"] == 2_037_330
    assert by_region["Tombouctou"] == 681_691 - 111_386


def test_cercle_capitals_are_settlements():
    places = {r["name"]: r for r in facts.read_table("settlements")}
    for row in facts.read_table("cercles"):
        assert places[row["capital"]]["kind"] == "cercle_capital"
        assert places[row["capital"]]["cercle_pcode"] == row["pcode"]


def test_settlement_coordinates_agree_with_ocha_populated_places(reference):
    """Our capitals lie within 5 km of the OCHA COD populated place of the same name."""
    import math
    import unicodedata

    def plain(name):
        return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()

    ocha = {}
    with (reference / "mali_admin" / "settlements_mopti_segou_tombouctou.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            ocha.setdefault(plain(r["featureNam"]), []).append((float(r["longitude"]), float(r["latitude"])))
    checked = 0
    for row in facts.read_table("settlements"):
        if row["kind"] != "cercle_capital":
            continue
        lon, lat = float(row["lon"]), float(row["lat"])
        candidates = ocha.get(plain(row["name"]), [])
        assert candidates, row["name"]
        distance = min(math.hypot((lon - x) * 107.6, (lat - y) * 110.6) for x, y in candidates)
        assert distance < 5.0, f"{row['name']} is {distance:.1f} km from the OCHA point"
        checked += 1
    assert checked == 17


def test_links_join_known_places():
    places = {r["name"] for r in facts.read_table("settlements")}
    for row in facts.read_table("links"):
        assert row["from"] in places and row["to"] in places, row
        assert row["mode"] in ("road", "river")
        assert row["time_unit"] in ("hour", "day")


def test_bamako_mopti_is_about_eight_hours_by_road():
    row = next(r for r in facts.read_table("links") if (r["from"], r["to"]) == ("Bamako", "Mopti"))
    assert float(row["time_min"]) == 8 and float(row["distance_km"]) == 635  # WFP LCA Mali


def test_hubs_stand_at_known_places():
    places = {r["name"] for r in facts.read_table("settlements")}
    names = [r["name"] for r in facts.read_table("hubs")]
    assert names == ["Bamako", "Ségou", "Mopti/Sévaré", "Tombouctou", "Gao"]
    assert all(r["place"] in places for r in facts.read_table("hubs"))


def test_published_alert_levels():
    levels = {
        (r["name"], r["level_name"]): float(r["level_cm"])
        for r in facts.read_table("gauges")
        if r["level_kind"] == "alert"
    }
    assert levels[("Mopti", "danger")] == 650  # DNH / press, Sept 2022
    assert levels[("Sofara", "eap_orange")] == 633  # Mali Red Cross EAP trigger
    assert {r["name"] for r in facts.read_table("gauges")} == {"Mopti", "Akka", "Diré", "Sofara"}
