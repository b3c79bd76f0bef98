"""sim.core.i18n: both catalogs define the same keys with the same placeholders; numbers and dates
are written for the reader's language (expected strings from CLDR via Babel, checked by hand)."""

import ast
import datetime as dt
import string
from pathlib import Path

import pytest

from sim.core.i18n import LANGUAGES, catalog, date_long, month_names, number, percent, points, t, usd

ROOT = Path(__file__).resolve().parents[1]


def _fields(text) -> set[str]:
    texts = text.values() if isinstance(text, dict) else [text]
    return {f for one in texts for _, f, _, _ in string.Formatter().parse(one) if f}


def test_both_languages_have_the_same_keys():
    assert set(catalog("fr")) == set(catalog("en"))
    assert len(catalog("fr")) > 400


def test_placeholders_agree():
    for key, french in catalog("fr").items():
        assert _fields(french) == _fields(catalog("en")[key]), key


def test_every_key_used_in_the_code_exists():
    """Literal keys passed to t()/tn() anywhere in the product are in the catalogs."""
    missing = []
    for path in [ROOT / "app.py", *ROOT.glob("ui/*.py"), *ROOT.glob("sim/**/*.py"), *ROOT.glob("hazards/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in {"t", "tn"}:
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    if node.args[0].value not in catalog("fr"):
                        missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value}")
    assert not missing, missing


def test_unknown_language_falls_back_to_french():
    assert t("col_pop", "fr", year=2024) == "Population 2024"
    assert t("col_pop", "xx", year=2024) == "Population 2024"
    assert set(LANGUAGES) == {"fr", "en"}


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (29345516, "fr", 0, "29\u202f345\u202f516"),  # STYLE.md's example: French groups with a narrow no-break space
        (29345516, "en", 0, "29,345,516"),
        (3.5, "fr", 1, "3,5"),
        (3.5, "en", 1, "3.5"),
        (float("nan"), "fr", 0, "—"),
    ],
)
def test_numbers(value, lang, digits, expected):
    assert number(value, lang, digits) == expected


def test_percent_points_money_and_dates():
    assert percent(0.515, "fr") == "52\u00a0%"  # CLDR French: a no-break space before %
    assert percent(0.515, "en") == "52%"
    assert points(0.035, "fr") == "+3,5"
    assert points(-0.035, "en") == "\u22123.5"
    assert usd(69265, "fr") == "69\u202f265 US$"
    assert usd(69265, "en") == "US$69,265"
    assert date_long(dt.date(2022, 10, 12), "fr") == "12 octobre 2022"
    assert date_long("2022-10-12", "en") == "12 October 2022"
    assert month_names("fr")[7] == "août"
    assert month_names("en")[0] == "Jan"
