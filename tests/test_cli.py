"""python -m sim: exit codes, one line per problem, never a traceback."""

import json
from pathlib import Path

import pytest

from tests.conftest import sim_cli as run

ROOT = Path(__file__).resolve().parents[1]


def test_validate_shipped_files_exits_0():
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").rglob("*.yaml"))
    result = run("validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{f}: ok" for f in files]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "kind: plan\nname: x\ntitle: x\nwarehouses:\n  - hub: Gao\n    capacity: 10 m**3\n    stock:\n      water: 15 kg/person/day\n",
            ":8: warehouses[0].stock.water: '15 kg/person/day' has the wrong unit",
        ),
        (
            "kind: plan\nname: x\ntitle: x\nwarehouses:\n  - hub: Gao\n    capacity: 10 m**3\n    stock:\n      nfi_kit: -4 kit\n",
            ":8: warehouses[0].stock.nfi_kit: must not be negative",
        ),
        ("kind: plan\nname: x\ntitle: [x\n", ":4: yaml:"),
        ("kind: plan\nname: x\ntitle: x\nwarehouse: []\n", ":4: warehouse: unknown field"),
    ],
)
def test_validate_bad_file_exits_2_with_one_line(tmp_path, content, expected):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    result = run("validate", bad)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{bad}{expected}") for line in lines), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_validate_missing_file_exits_2(tmp_path):
    result = run("validate", tmp_path / "nothing.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == f"{tmp_path / 'nothing.yaml'}: file: no such file"


def test_validate_reports_every_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: scenario\n", encoding="utf-8")
    result = run("validate", "scenarios/flood-2022.yaml", bad)
    assert result.returncode == 2
    assert "scenarios/flood-2022.yaml: ok" in result.stdout
    assert f"{bad}:1: name: required field is missing" in result.stderr


def test_domain_prints_the_cercles_as_json():
    result = run("domain", "--resolution", "0.02", "--year", "2022", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["boundaries"].endswith("sim/data/admin/cercles.geojson")  # the official cercles, built in
    assert all(c["boundary"] == "official" for c in data["cercles"])
    assert len(data["cercles"]) == 17
    mopti = next(c for c in data["cercles"] if c["pcode"] == "ML0501")
    assert mopti["population_2022"] == round(368_512 * 1.03**13)


def test_domain_with_official_boundaries(reference):
    result = run(
        "domain", "--resolution", "0.02", "--boundaries", reference / "mali_admin" / "mli_adm2_cercles.geojson"
    )
    assert result.returncode == 0, result.stderr
    assert "official" in result.stdout and "approximate" not in result.stdout


def test_domain_with_a_bad_boundaries_file_exits_2(tmp_path):
    bad = tmp_path / "cercles.geojson"
    bad.write_text("this is not geojson", encoding="utf-8")
    result = run("domain", "--boundaries", bad)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}: not a readable vector file")
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_command_shows_help_and_exits_2():
    result = run()
    assert result.returncode == 2 and "validate" in result.stdout
