"""The plan page in a real browser: a plan file loaded from the computer is checked like the
CLI checks it — refused with its line and nothing written, or added to the user's plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.steps import no_exception, non_local, open_page, settle

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def test_load_a_plan_file_refuses_a_bad_one_with_its_line(app_server, user_data, browser, tmp_path):
    good = (ROOT / "scenarios" / "plans" / "early-action.yaml").read_text(encoding="utf-8").replace("name: early-action\n", "name: early-action-uploaded\n", 1)
    bad = good.replace("gauge: Sofara", "gauge: Sofara-aval", 1)
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "Sofara-aval" in text)
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/plan", requests)
    try:
        page.get_by_role("heading", name="Plan de contingence et simulation").wait_for(timeout=120_000)
        settle(page)
        page.get_by_text("Mes plans (charger, renommer, télécharger, supprimer)").click()
        page.locator("input[type=file]").set_input_files(str(tmp_path / "bad.yaml"))
        page.get_by_text("bad.yaml", exact=True).wait_for(timeout=60_000)  # the upload has reached the server
        page.get_by_role("button", name="Vérifier et ajouter à mes plans").click()
        settle(page)
        page.get_by_text(f"bad.yaml:{line} : triggers[0].gauge : station « Sofara-aval » inconnue", exact=False).wait_for(timeout=60_000)
        no_exception(page, "refusing a bad plan file")
        assert not (user_data / "plans" / "early-action-uploaded.yaml").exists()
        page.locator("input[type=file]").set_input_files(str(tmp_path / "good.yaml"))
        page.get_by_text("good.yaml", exact=True).wait_for(timeout=60_000)
        # the new file makes the page run again, without the old file's error
        page.get_by_text("Sofara-aval", exact=False).wait_for(state="hidden", timeout=60_000)
        page.get_by_role("button", name="Vérifier et ajouter à mes plans").click()
        settle(page)
        page.get_by_text("ajouté à vos plans", exact=False).wait_for(timeout=60_000)
        assert (user_data / "plans" / "early-action-uploaded.yaml").is_file()
        no_exception(page, "adding a plan file")
        assert non_local(requests) == []
    finally:
        context.close()
