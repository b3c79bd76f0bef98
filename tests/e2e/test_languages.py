"""Every page in both languages, in a real browser: every tab and expander opened, the visible
text read, and in French no English word from a list, no raw catalog key, no ``**`` unit; in
English no French word from a list. Titles of the shipped files are bilingual data and are
taken out of the text first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.scenario import load_file
from tests.e2e.steps import no_exception, non_local, open_page, settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("", "hazards", "impact", "plan", "triggers", "commune", "atelier-formateur", "atelier-equipe")

ENGLISH = (
    "the",
    "and",
    "with",
    "of",
    "to",
    "for",
    "your",
    "yours",
    "shipped",
    "Download",
    "Upload",
    "Save",
    "Run",
    "Rename",
    "Delete",
    "members",
    "Affected",
    "Displaced",
    "needs",
    "cost",
    "Rainfall",
    "Flood",
    "Drought",
    "Gauges",
    "Team",
    "Trainer",
    "Drag",
    "drop",
    "Browse",
    "files",
    "must",
    "expected",
    "unknown",
    "missing",
    "per",
    "household",
    "people",
    "seed",
    "Stock left",
    "Share",
    "days",
    "warehouse",
    "truck",
    "boats",
    "trigger",
    "release",
    "order",
    "funds",
)
"""Words that would be English left in the French app (whole words, case-sensitive)."""

FRENCH = (
    "le",
    "les",
    "des",
    "du",
    "et",
    "avec",
    "pour",
    "livré",
    "Télécharger",
    "Enregistrer",
    "Lancer",
    "Supprimer",
    "Renommer",
    "membres",
    "touchées",
    "Déplacés",
    "besoins",
    "coût",
    "Pluie",
    "Crue",
    "Sécheresse",
    "équipe",
    "formateur",
    "Graine",
    "entrepôt",
    "camions",
    "déclencheur",
    "jours",
    "personnes",
    "ménages",
    "saisons",
)
"""Words that would be French left in the English app."""


def _shipped_titles() -> list[str]:
    files = [*(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "scenarios" / "plans").glob("*.yaml")]
    return sorted({load_file(path).title for path in files}, key=len, reverse=True)


def _visible_text(page) -> str:
    """The text of the page with every expander and every tab opened in turn."""
    page.add_style_tag(
        content="[data-testid='stIconMaterial'] { display: none !important; }"
    )  # icon names are ligatures, not words
    texts = []
    for summary in page.locator("[data-testid='stExpander'] summary").all():
        if summary.is_visible():
            summary.click()
            page.wait_for_timeout(300)
    settle(page)
    texts.append(page.locator("[data-testid='stMain']").inner_text())
    texts.append(page.locator("[data-testid='stSidebar']").inner_text())
    for tab in page.get_by_role("tab").all():
        if tab.is_visible():
            tab.click()
            page.wait_for_timeout(500)
            texts.append(page.locator("[data-testid='stMain']").inner_text())
    return "\n".join(texts)


def _problems(text: str, lang: str, titles: list[str]) -> list[str]:
    for title in titles:
        text = text.replace(title, " ")
    problems = []
    if "**" in text:
        problems.append("a '**' in the text (a unit written for pint, or Markdown left raw)")
    keys = sorted(set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text)))
    if keys:
        problems.append(f"raw keys: {keys}")
    words = ENGLISH if lang == "fr" else FRENCH
    found = sorted({w for w in words if re.search(rf"(?<![\w'’-]){re.escape(w)}(?![\w'’-])", text)})
    if found:
        lines = [
            line
            for line in text.splitlines()
            if any(re.search(rf"(?<![\w'’-]){re.escape(w)}(?![\w'’-])", line) for w in found)
        ]
        problems.append(f"{'English' if lang == 'fr' else 'French'} words {found} in: {lines[:6]}")
    return problems


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_speaks_one_language(app_server, browser, lang):
    titles = _shipped_titles()
    requests: list[str] = []
    context, page = open_page(
        browser, f"{app_server}/?lang={lang}", requests, locale="fr-FR" if lang == "fr" else "en-GB"
    )
    failures = {}
    try:
        for path in PAGES:
            page.goto(f"{app_server}/{path}?lang={lang}", wait_until="domcontentloaded")
            page.get_by_test_id("stMain").wait_for(timeout=180_000)
            settle(page)
            no_exception(page, f"opening /{path} in {lang}")
            problems = _problems(_visible_text(page), lang, titles)
            no_exception(page, f"opening the tabs and expanders of /{path} in {lang}")
            if problems:
                failures[f"/{path}"] = problems
        assert non_local(requests) == []
    finally:
        context.close()
    if failures:
        pytest.fail(
            "\n".join(f"{path}: {problem}" for path, problems in failures.items() for problem in problems),
            pytrace=False,
        )


def test_switching_language_back_and_forth_on_every_page(app_server, browser):
    """The browser hands choices back by their printed label, which the switch changes: every
    page must keep its choices and show no exception, both ways."""
    requests: list[str] = []
    context, page = open_page(browser, app_server, requests)
    try:
        for path in PAGES:
            page.goto(f"{app_server}/{path}?lang=fr", wait_until="domcontentloaded")
            page.get_by_test_id("stMain").wait_for(timeout=180_000)
            settle(page)
            for label in ("English", "Français", "English", "Français"):
                page.get_by_test_id("stSidebar").get_by_text(label, exact=True).click()
                settle(page)
                no_exception(page, f"switching /{path} to {label}")
        assert non_local(requests) == []
    finally:
        context.close()
