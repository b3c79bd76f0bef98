"""sim.report and sim.verdict: the plan report and workbook in French by default, in English on
request; the summary sentence; assumptions read from the model, never cut; CSV for French Excel.

The PDF's text is read back with ``pdftotext`` (Debian poppler-utils); expected strings are
written by hand.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sim import impact
from sim.report import assumptions, date_axis
from sim.tables import csv_bytes, workbook_bytes
from sim.verdict import verdict_sentence
from tests.conftest import need
from tests.conftest import sim_cli as cli

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "scenarios" / "plans"

ENGLISH_WORDS = (
    "affected",
    "displaced",
    "needs",
    "cost",
    "plan report",
    "median",
    "members",
    "assumption",
    "by cercle",
    "stock against",
    "distributed",
    "demand",
    "people",
    "season",
    "cumulative",
    "unmet",
    "page 1 of",
)
"""Words of the English report that must not be in the French one (case aside)."""

ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

FRENCH_WORDS = (
    "déplacés",
    "déplacées",
    "besoins",
    "touchées",
    "médiane",
    "hypothèse",
    "saisons",
    "coût",
    "octobre",
    "janv.",
    "page 1 sur",
    "demande",
    "cumul",
)


# --- a run to report on -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Two plans on the 2022-like flood, 2 members on the 0.05° grid, reported in both languages."""
    folder = tmp_path_factory.mktemp("report")
    scenario = folder / "flood.yaml"
    scenario.write_text(
        (ROOT / "scenarios" / "flood-2022.yaml")
        .read_text(encoding="utf-8")
        .replace("resolution: 0.01 degree", "resolution: 0.05 degree"),
        encoding="utf-8",
    )
    out = folder / "out"
    result = cli(
        "run",
        scenario,
        "--plan",
        PLANS / "baseline.yaml",
        "--plan",
        PLANS / "early-action.yaml",
        "--members",
        "2",
        "--seed",
        "5",
        "--workers",
        "1",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    reports = {}
    for lang in ("en", "fr"):  # French last: it stays in the folder, as the default would
        args = ("report", out) if lang == "fr" else ("report", out, "--lang", "en")
        result = cli(*args)
        assert result.returncode == 0, result.stderr
        reports[lang] = {"pdf": (out / "report.pdf").read_bytes(), "xlsx": (out / "report.xlsx").read_bytes()}
        (folder / f"report-{lang}.pdf").write_bytes(reports[lang]["pdf"])
    import json

    import xarray as xr

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    with xr.open_dataset(out / "results.nc") as results:
        results = results.load()
    return {"folder": folder, "out": out, "summary": summary, "results": results, "reports": reports}


def _pdftotext(path: Path, *args: str) -> str:
    tool = shutil.which("pdftotext")
    need(tool is not None, "pdftotext (Debian poppler-utils)", "REQUIRE_PDFTOTEXT")
    return subprocess.run([tool, *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    """Text with every run of spaces, no-break spaces and line breaks made one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


@pytest.fixture(scope="module")
def text(run):
    """The PDF's text in each language, in the order it was written (``pdftotext -raw``)."""
    return {lang: _pdftotext(run["folder"] / f"report-{lang}.pdf", "-raw") for lang in ("fr", "en")}


# --- the PDF ----------------------------------------------------------------------------------


def test_french_report_has_no_english_word(text):
    french = text["fr"]
    assert "Rapport de plan de contingence — flood-2022" in french
    lowered = french.lower()
    found = [w for w in ENGLISH_WORDS if re.search(rf"\b{re.escape(w)}\b", lowered)]
    found += [m for m in ENGLISH_MONTHS if re.search(rf"\b{m}\b", french)]
    assert not found, found
    assert "**" not in french and "m²" in french  # covered space in m², not m**2
    for heading in (
        "En bref",
        "Personnes touchées, déplacées et dans le besoin",
        "Par cercle",
        "Besoins et leur coût",
        "Principales hypothèses",
        "Besoins non couverts en fin de saison",
    ):
        assert heading in french, heading
    assert "Stock distribué face à la demande : Kit d'articles ménagers essentiels" in _flat(french)


def test_english_report_has_no_french_word(text):
    english = text["en"]
    assert "Contingency plan report — flood-2022" in english
    lowered = english.lower()
    found = [w for w in FRENCH_WORDS if w in lowered]
    assert not found, found
    assert (
        "**" not in english
        and "Main assumptions" in english
        and "Stock distributed against demand: Household NFI kit" in _flat(english)
    )


def test_numbers_are_written_for_the_language(run, text):
    cost = run["summary"]["cost_usd"]["value"]
    grouped_fr = f"{cost:,}".replace(",", " ")  # 1 160 722 (a narrow no-break space in the PDF)
    assert f"Coût des besoins (US$) {grouped_fr}" in _flat(text["fr"])
    assert f"Cost of the needs (US$) {cost:,}" in _flat(text["en"])
    fill = run["summary"]["plans"]["baseline"]["kpis"]["fill_rate"]["value"]
    assert f"Taux de couverture des besoins {round(100 * fill)} %" in _flat(text["fr"])
    assert f"Share of needs met {round(100 * fill)}%" in _flat(text["en"])


def test_the_summary_sentence_is_on_page_one(run):
    for lang, expected in (
        ("fr", "Sur 2 saisons simulées, le plan B « early-action »"),
        ("en", "Over 2 simulated seasons, plan B ‘early-action’"),
    ):
        first = _flat(_pdftotext(run["folder"] / f"report-{lang}.pdf", "-raw", "-f", "1", "-l", "1"))
        sentence = _flat(verdict_sentence(run["summary"], lang))
        assert sentence.startswith(expected)
        assert sentence in first
    assert "n'est pas encore fiable" in _flat(verdict_sentence(run["summary"], "fr"))  # 2 members < 20


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_assumption_or_table_cell_is_cut(run, text, lang):
    """Every assumption, and every name in the tables, is in the PDF whole (line breaks aside)."""
    flat = _flat(text[lang])
    rows = assumptions(run["summary"], lang, run["results"])
    assert len(rows) >= 9
    for assumption, source in rows:
        assert _flat(assumption) in flat, assumption
        assert _flat(source) in flat, source
    from sim.labels import item_name, kpi_name, unit_name

    for item, needs in run["summary"]["needs"].items():
        assert item_name(item, lang) in flat, item
        assert re.search(rf"(^| ){re.escape(unit_name(needs['unit'], lang))} ", flat), needs["unit"]
    for kpi in (
        "fill_rate",
        "fill_rate_worst_cercle",
        "days_to_80pct_coverage",
        "cost_total_usd",
        "share_bought_locally",
        "all_demand_met",
    ):
        assert _flat(kpi_name(kpi, lang)) in flat, kpi
    for cercle in run["summary"]["by_cercle"]:
        assert cercle["cercle"] in flat


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_table_row_is_whole(run, text, lang):
    """Each row of each table reads whole, cell after cell: no word is split across lines."""
    from sim.report import _formatted, _kpi_table
    from sim.tables import SHEETS, build_frames, sheet_name

    flat = _flat(text[lang])
    frames = build_frames(run["summary"], run["results"], lang)
    tables = [
        _formatted(frames[sheet_name(table, lang)], lang)[:2] for table in SHEETS if table not in ("timeline", "kpis")
    ]
    tables.append(_kpi_table(run["summary"]["plans"], lang)[:2])
    assert len(tables) == 5
    for header, rows in tables:
        for row in [header, *rows]:
            assert _flat(" ".join(row)) in flat, row


def test_every_word_is_within_the_page(run):
    """Tables fit the page: no word starts left of the margin or ends right of it (pdftotext -bbox)."""
    for lang in ("fr", "en"):
        boxes = _pdftotext(run["folder"] / f"report-{lang}.pdf", "-bbox")
        width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
        margin = 15 / 25.4 * 72  # 15 mm in points
        words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', boxes)
        assert len(words) > 500
        assert min(float(a) for a, _ in words) >= margin - 1
        assert max(float(b) for _, b in words) <= width - margin + 1


def test_the_freeboard_in_the_report_is_the_model_constant(text, run):
    expected_fr = f"{impact.HOUSE_FREEBOARD_M:g}".replace(".", ",") + " m au-dessus"
    assert expected_fr in _flat(text["fr"])
    assert f"{impact.HOUSE_FREEBOARD_M:g} m above" in _flat(text["en"])
    assert f"{impact.HOUSE_FLOOR_SPREAD_M:g}".replace(".", ",") + " m (écart-type)" in _flat(text["fr"])
    assert not re.search(r"(?<![\d.])1 m above a median year", _flat(text["en"]))  # the stale figure is gone


def test_assumptions_follow_the_constants(monkeypatch):
    monkeypatch.setattr(impact, "HOUSE_FREEBOARD_M", 2.35)
    monkeypatch.setattr(impact, "HOUSE_FLOOR_SPREAD_M", 0.45)
    monkeypatch.setattr(impact, "REBUILD_DAYS", 90)
    summary = {"rations": "rations.csv", "household_size": 5.2}
    french = dict(assumptions(summary, "fr"))
    first = next(iter(french))
    assert "à 2,35\u00a0m au-dessus" in first and "de 0,45\u00a0m (écart-type)" in first
    assert any("90\u00a0jours plus tard" in a for a in french)
    assert any(
        "15\u00a0L d'eau et 0,6\u00a0kg de céréales par jour, 3,5\u00a0m²" in a for a in french
    )  # the Sphere profile
    english = [a for a, _ in assumptions(summary, "en")]
    assert "2.35 m above a median year's highest water" in english[0]
    assert not any("les plans" in a.lower() for a in french)  # no plan played: no plan assumption


def test_displacement_threshold_is_the_members_draws(run):
    drawn = sorted(float(v) for v in run["results"]["displacement_damage"].values)
    rows = assumptions(run["summary"], "en", run["results"])
    low, high = (f"{round(v, 2):g}" for v in (drawn[0], drawn[-1]))
    assert f"({low} to {high} across the simulated seasons)" in rows[1][0]


# --- the month names on the charts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["juin\n2022", "juil.", "août", "sept.", "oct.", "nov.", "déc.", "janv.\n2023"]),
        ("en", ["Jun\n2022", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan\n2023"]),
    ],
)
def test_date_axes_name_the_months_in_the_language(lang, expected):
    import matplotlib.pyplot as plt

    days = pd.date_range("2022-06-01", "2023-01-01", freq="D")
    fig, ax = plt.subplots()
    ax.plot(days, range(len(days)))
    ax.set_xlim(days[0], days[-1])
    date_axis(ax, lang)
    fig.canvas.draw()
    labels = [label.get_text() for label in ax.get_xticklabels()]
    plt.close(fig)
    assert labels == expected


# --- the workbook ------------------------------------------------------------------------------


def test_workbook_headers_and_sheets_are_french_and_cells_numbers(run):
    book = openpyxl.load_workbook(io.BytesIO(run["reports"]["fr"]["xlsx"]))
    assert book.sheetnames == [
        "Bilan",
        "Par cercle",
        "Besoins",
        "Chronologie",
        "Indicateurs des plans",
        "Non couvert en fin de saison",
    ]
    cercles = book["Par cercle"]
    assert [c.value for c in cercles[1]] == [
        "Cercle",
        "Code",
        "Population",
        "Personnes touchées",
        "Déplacés au plus fort",
        "Coût des besoins (US$)",
    ]
    assert cercles.max_row == 18  # 17 cercles and the header
    assert all(isinstance(c.value, (int, float)) for c in cercles[2][2:])
    needs = book["Besoins"]
    assert [c.value for c in needs[1]] == [
        "Article",
        "Unité",
        "Jour le plus chargé",
        "Total de la saison",
        "Coût (US$)",
    ]
    units = {row[0].value: row[1].value for row in needs.iter_rows(min_row=2)}
    assert units["Espace couvert"] == "m²" and units["Eau potable"] == "L" and units["Kit abri d'urgence"] == "kits"
    kpis = book["Indicateurs des plans"]
    assert [c.value for c in kpis[1]] == ["Plan", "Indicateur", "Unité", "Médiane", "p10", "p90"]
    first = [c.value for c in kpis[2]]
    fill = run["summary"]["plans"]["baseline"]["kpis"]["fill_rate"]
    assert first[:3] == ["baseline", "Taux de couverture des besoins", "%"] and first[3] == pytest.approx(
        100 * fill["value"]
    )
    assert [c.value for c in book["Chronologie"][1]] == ["Jour", "Exposées", "Touchées", "Déplacées", "Dans le besoin"]
    assert {row[0].value for row in book["Non couvert en fin de saison"].iter_rows(min_row=2)} == {
        "baseline",
        "early-action",
    }
    english = openpyxl.load_workbook(io.BytesIO(run["reports"]["en"]["xlsx"]))
    assert english.sheetnames == [
        "Caseload",
        "By cercle",
        "Needs",
        "Timeline",
        "Plan indicators",
        "Unmet at the end of the season",
    ]


def test_sheet_names_are_made_acceptable_to_excel():
    frame = pd.DataFrame({"a": [1]})
    data = workbook_bytes({"Besoins [L/kg]: *tous*?": frame, "x" * 40: frame, "x" * 35: frame})
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert names[0] == "Besoins -L-kg-- -tous--"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len(set(names)) == 3


# --- CSV ----------------------------------------------------------------------------------------


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"Cercle": ["Ségou", "Mopti"], "Population": [1028172, 541172], "Coût (US$)": [1234.5, 0.25]})


def test_csv_for_french_excel_has_a_bom_semicolons_and_decimal_commas():
    data = csv_bytes(_frame(), "fr", excel=True)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "Cercle;Population;Coût (US$)",
        "Ségou;1028172;1234,5",
        "Mopti;541172;0,25",
    ]
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",")
    pd.testing.assert_frame_equal(back, _frame())


def test_plain_csv_is_utf8_with_commas():
    for lang in ("fr", "en"):
        data = csv_bytes(_frame(), lang)
        assert not data.startswith(b"\xef\xbb\xbf")
        assert data.decode("utf-8").splitlines()[1] == "Ségou,1028172,1234.5"
        pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(data)), _frame())
    english_excel = csv_bytes(_frame(), "en", excel=True)
    assert (
        english_excel.startswith(b"\xef\xbb\xbf")
        and english_excel.decode("utf-8-sig").splitlines()[1] == "Ségou,1028172,1234.5"
    )


# --- the summary sentence -----------------------------------------------------------------------


def _spread(value, p10, p90):
    return {"value": value, "p10": p10, "p90": p90}


def _two_plans(members: int, fill: float, cost: float) -> dict:
    return {
        "members": members,
        "plans": {
            "baseline": {
                "kpis": {"fill_rate": _spread(0.5, 0.4, 0.6), "cost_total_usd": _spread(400000, 300000, 500000)}
            },
            "early-action": {
                "kpis": {"fill_rate": _spread(0.535, 0.41, 0.7), "cost_total_usd": _spread(469265, 350000, 560000)},
                "minus_baseline": {"fill_rate": _spread(fill, 0.0, 0.108), "cost_total_usd": _spread(cost, 0, 70000)},
            },
        },
    }


def test_sentence_for_two_plans():
    summary = _two_plans(40, 0.035, 69265)
    assert verdict_sentence(summary, "fr") == (
        "Sur 40 saisons simulées, le plan B «\u00a0early-action\u00a0» couvre 3,5 points de besoins de plus que le plan A «\u00a0baseline\u00a0» (p10–p90\u00a0: 0,0 à 10,8) pour 69\u202f265 US$ de plus."
    )
    assert (
        verdict_sentence(summary, "en")
        == "Over 40 simulated seasons, plan B ‘early-action’ meets 3.5 percentage points more of the needs than plan A ‘baseline’ (p10–p90: 0.0 to 10.8) for US$69,265 more."
    )


def test_sentence_when_plan_b_covers_less_for_less_money():
    summary = _two_plans(20, -0.012, -500)
    summary["plans"]["early-action"]["minus_baseline"]["fill_rate"] = _spread(-0.012, -0.031, 0.004)
    assert verdict_sentence(summary, "fr") == (
        "Sur 20 saisons simulées, le plan B «\u00a0early-action\u00a0» couvre 1,2 points de besoins de moins que le plan A «\u00a0baseline\u00a0» (p10–p90\u00a0: \u22123,1 à 0,4) pour 500 US$ de moins."
    )


def test_sentence_when_plans_are_level():
    summary = _two_plans(25, 0.0004, 0.2)
    assert (
        verdict_sentence(summary, "en")
        == "Over 25 simulated seasons, plan B ‘early-action’ meets as much of the needs as plan A ‘baseline’ (difference p10–p90: 0.0 to 10.8 points), at the same cost."
    )


def test_few_members_make_the_difference_unreliable():
    assert verdict_sentence(_two_plans(19, 0.035, 69265), "fr").endswith(
        " Avec 19 saisons seulement, l'écart entre les plans n'est pas encore fiable\u00a0: relancez avec au moins 20 membres."
    )
    assert verdict_sentence(_two_plans(1, 0.035, 69265), "en").endswith(
        " With only 1 season, the difference between the plans is not reliable yet: run again with at least 20 members."
    )
    assert "fiable" not in verdict_sentence(_two_plans(20, 0.035, 69265), "fr")


def test_sentence_for_one_plan():
    summary = {
        "members": 1,
        "plans": {
            "baseline": {"kpis": {"fill_rate": _spread(0.515, 0.47, 0.681), "cost_total_usd": _spread(429823.3, 1, 2)}}
        },
    }
    assert verdict_sentence(summary, "fr") == (
        "Sur 1 saison simulée, le plan «\u00a0baseline\u00a0» couvre 52\u00a0% des besoins (p10–p90\u00a0: 47\u00a0% à 68\u00a0%) pour un coût de 429\u202f823 US$."
        " Avec 1 saison seulement, la fourchette p10–p90 n'est pas encore fiable\u00a0: relancez avec au moins 20 membres."
    )
    summary["members"] = 30
    assert (
        verdict_sentence(summary, "en")
        == "Over 30 simulated seasons, plan ‘baseline’ meets 52% of the needs (p10–p90: 47% to 68%) at a cost of US$429,823."
    )


def test_sentence_without_plans():
    summary = {
        "members": 40,
        "affected_persons": _spread(24142, 10555, 56640),
        "displaced_persons": {"peak": _spread(7081, 1, 2)},
        "cost_usd": _spread(1103001, 1, 2),
    }
    assert (
        verdict_sentence(summary, "en")
        == "Over 40 simulated seasons, 24,142 people are affected (p10–p90: 10,555 to 56,640) and 7,081 displaced at the peak; the needs cost US$1,103,001."
    )


# --- the command line ---------------------------------------------------------------------------


def test_report_refuses_an_unknown_language(run, tmp_path):
    result = cli("report", run["out"], "--lang", "de")
    assert result.returncode == 2 and "invalid choice: 'de'" in result.stderr


def test_sentence_of_a_single_season_has_no_range():
    summary = {
        "members": 1,
        "plans": {"baseline": {"kpis": {"fill_rate": {"value": 0.546}, "cost_total_usd": {"value": 175542.4}}}},
    }
    assert verdict_sentence(summary, "fr").startswith(
        "Sur 1 saison simulée, le plan «\u00a0baseline\u00a0» couvre 55\u00a0% des besoins pour un coût de 175\u202f542 US$. Avec 1 saison seulement,"
    )


def test_the_plan_report_carries_the_triggers_scorecards(run, tmp_path):
    # the run's folder, then `python -m sim triggers --out` the same folder, then the report
    folder = tmp_path / "run"
    shutil.copytree(run["out"], folder)
    done = cli(
        "triggers",
        run["folder"] / "flood.yaml",
        "--plan",
        PLANS / "early-action.yaml",
        "--seasons",
        "4",
        "--seed",
        "2",
        "--workers",
        "1",
        "--out",
        folder,
    )
    assert done.returncode == 0, done.stderr
    assert cli("report", folder).returncode == 0
    text = _flat(_pdftotext(folder / "report.pdf", "-raw"))
    assert "Déclencheurs sur 4 saisons simulées" in text
    assert "Bani à Sofara, alerte orange" in text and "Saisons graves attrapées" in text
    assert "Sur 4 saisons," in text
