"""``python -m sim commune``: a commune's one-page plan from the command line, read back from
the PDF as a person would see it; bad names and options answered in one line (issue 18)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need
from tests.conftest import sim_cli as cli

ROOT = Path(__file__).resolve().parents[2]


def _pdf(path: Path, tool: str, *args: str) -> str:
    found = shutil.which(tool)
    need(found is not None, f"{tool} (Debian poppler-utils)", "REQUIRE_PDFTOTEXT")
    return subprocess.run(
        [found, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def kouakourou(tmp_path_factory):
    out = tmp_path_factory.mktemp("kewa") / "plan"
    done = cli("commune", "Kouakourou", "--stage", 716, "--gauge", "Mopti", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Kewa (ML050506)" in done.stdout
    return out


def test_the_plan_names_the_villages_their_stages_and_the_hosting_sites(kouakourou):
    data = json.loads((kouakourou / "commune.json").read_text(encoding="utf-8"))
    assert data["commune"] == {
        "name": "Kewa",
        "pcode": "ML050506",
        "cercle_pcode": "ML0505",
        "cercle": "Djenné",
        "found_through_village": "Kouakourou",
    }
    assert data["flood"] == {
        "kind": "stage",
        "gauge": "Mopti",
        "stage_cm": 716.0,
        "mopti_peak_cm": 716.0,
        "at_gauge_cm": 716.0,
    }
    flooded = [v for v in data["villages"] if v["flooded"]]
    assert flooded and all(v["flooding_stage_cm"] <= 716 for v in flooded)
    assert all(v["flooded_days"] > 0 and v["flooded_from"] for v in flooded)
    # the commune's counts are its cells' (as in a run's results); a village OCHA puts in the commune
    # whose cell the model gives to a neighbour (outlines simplified) is listed, not counted
    inside = [v for v in data["villages"] if v["cell_in_commune"]]
    assert len(inside) >= 0.7 * len(data["villages"])
    assert data["people"]["affected"] >= sum(v["affected_people"] for v in inside) - len(inside)
    assert data["hosting_sites"] and all(s["distance_km"] <= 15 for s in data["hosting_sites"])
    dry = {v["pcode"] for v in data["villages"] if not v["flooded"]}
    assert {s["pcode"] for s in data["hosting_sites"]}.isdisjoint({v["pcode"] for v in flooded})
    assert dry or data["hosting_sites"]
    weeks = data["needs_by_week"]
    assert weeks and all(set(w["needs"]) == set(data["units"]) for w in weeks)
    assert data["units"]["water"] == "L"


def test_the_pdf_is_one_a4_page_a_committee_can_read(kouakourou):
    pdf = kouakourou / "commune-plan.pdf"
    info = _pdf(pdf, "pdfinfo")
    assert re.search(r"Pages:\s+1\n", info) and "(A4)" in info
    text = re.sub(r"[\s\u00a0\u202f]+", " ", _pdf(pdf, "pdftotext", "-raw"))
    data = json.loads((kouakourou / "commune.json").read_text(encoding="utf-8"))
    for expected in (
        "Plan de contingence de la commune de Kewa",
        "Le premier village est inondé",
        f"{data['warning_levels']['first_village_cm']} cm",
        "Eau potable",
        "Nourriture",
        "Abris",
        "Kits ménagers",
        "Les villages à risque",
        "Où aller",
        "Chef de village",
        "Hypothèses du modèle",
    ):
        assert expected in text, expected
    first = min(
        (v for v in data["villages"] if v["flooding_stage_cm"]), key=lambda v: (v["flooding_stage_cm"], v["name"])
    )
    assert first["name"] in text
    assert data["hosting_sites"][0]["name"] in text


def test_the_plan_in_english(tmp_path):
    done = cli("commune", "ML050506", "--stage", 700, "--gauge", "Mopti", "--out", tmp_path, "--lang", "en")
    assert done.returncode == 0, done.stderr
    text = re.sub(r"\s+", " ", _pdf(tmp_path / "commune-plan.pdf", "pdftotext", "-raw"))
    assert "Contingency plan of the commune of Kewa" in text and "The first village floods" in text
    assert "Plan de contingence" not in text


def test_a_scenario_s_flood_is_played_on_the_commune(tmp_path):
    done = cli("commune", "Konna", "--scenario", ROOT / "scenarios" / "flood-2022.yaml", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "commune.json").read_text(encoding="utf-8"))
    assert data["flood"]["kind"] == "scenario" and data["flood"]["scenario"] == "flood-2022"
    assert data["flood"]["mopti_peak_cm"] == 671.0  # the scenario's control member: its stated peak
    assert data["flood"]["members"] == 1 and "flooded_members" not in data["villages"][0]


def test_a_scenario_s_ensemble_counts_in_how_many_seasons_each_village_floods(tmp_path):
    """Mopti's 2024 peak (716 cm) with the scenario's 25 cm spread over 4 members, at Kewa."""
    text = (ROOT / "scenarios" / "flood-2022.yaml").read_text(encoding="utf-8").replace("peak: 671 cm", "peak: 716 cm")
    scenario = tmp_path / "flood.yaml"
    scenario.write_text(text, encoding="utf-8")
    assert "peak: 716 cm" in text
    done = cli("commune", "Kewa", "--scenario", scenario, "--members", 4, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "out" / "commune.json").read_text(encoding="utf-8"))
    assert data["flood"]["members"] == 4
    for v in data["villages"]:
        assert 0 <= v["flooded_members"] <= 4 and v["flooded"] == (v["flooded_members"] >= 2)
    assert any(v["flooded"] for v in data["villages"])
    text = re.sub(r"\s+", " ", _pdf(tmp_path / "out" / "commune-plan.pdf", "pdftotext", "-raw"))
    assert "4 saisons" in text and "/4)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Konnaa",), "no commune or village of the delta is called 'Konnaa' (closest: Konna"),
        (("Konnadaga",), "'Konnadaga' is a village of several communes: Konna (ML050105), Socoura (ML050114)"),
        (("Konna", "--stage", "-5"), "stage -5"),
        (("Konna", "--gauge", "Bamako"), "unknown gauge 'Bamako'"),
        (
            ("Konna", "--scenario", "scenarios/flood-2022.yaml", "--stage", "600"),
            "--scenario plays the scenario's own flood",
        ),
    ],
)
def test_bad_names_and_options_are_answered_in_one_line(tmp_path, args, message):
    done = cli("commune", *args, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()
