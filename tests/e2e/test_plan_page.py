"""The plan page in a real browser: a plan file loaded from the computer is checked like the
CLI checks it — refused with its line and nothing written, or added to the user's plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.steps import no_exception, non_local, open_page, settle

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def test_load_a_plan_file_refuses_a_bad_one_with_its_line(app_server, user_data, browser, tmp_path):
    good = (
        (ROOT / "scenarios" / "plans" / "early-action.yaml")
        .read_text(encoding="utf-8")
        .replace("name: early-action\n", "name: early-action-uploaded\n", 1)
    )
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
        page.get_by_text(
            f"bad.yaml:{line} : triggers[0].gauge : station « Sofara-aval » inconnue", exact=False
        ).wait_for(timeout=60_000)
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


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9 if prev else ['x'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi")
)
"""Nine levels of nine aliases (issue 12): about 350 bytes, nine to the ninth values once expanded."""


@pytest.mark.parametrize(
    ("name", "text", "french"),
    [
        ("bomb.yaml", BOMB, "bomb.yaml:1 : yaml : les ancres (&a) ne sont pas permises"),
        (
            "kind-list.yaml",
            "kind: [plan]\n",
            "kind-list.yaml:1 : kind : doit valoir « scenario » ou « plan » (reçu « [",
        ),
        (
            "python-tag.yaml",
            "kind: !!python/object/apply:os.system [echo]\n",
            "python-tag.yaml:1 : yaml : les étiquettes",
        ),
    ],
)
def test_a_hostile_plan_file_is_refused_at_once_with_its_line(
    app_server, user_data, browser, tmp_path, name, text, french
):
    """A file that used to hang the server (the alias bomb grew it by 25 MB/s) or show a
    traceback in the browser is refused with one French line, and the page goes on working."""
    assert len(BOMB) < 400
    (tmp_path / name).write_text(text, encoding="utf-8")
    before = sorted((user_data / "plans").glob("*")) if (user_data / "plans").exists() else []
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/plan", requests)
    try:
        page.get_by_role("heading", name="Plan de contingence et simulation").wait_for(timeout=120_000)
        settle(page)
        page.get_by_text("Mes plans (charger, renommer, télécharger, supprimer)").click()
        page.locator("input[type=file]").set_input_files(str(tmp_path / name))
        page.get_by_text(name, exact=True).wait_for(timeout=60_000)
        page.get_by_role("button", name="Vérifier et ajouter à mes plans").click()
        settle(page, timeout_ms=30_000)  # a hang fails here
        page.get_by_text(french, exact=False).wait_for(timeout=10_000)
        no_exception(page, f"refusing {name}")
        assert (
            sorted((user_data / "plans").glob("*")) if (user_data / "plans").exists() else []
        ) == before  # nothing written
        # the page still works after it
        page.reload(wait_until="domcontentloaded")
        page.get_by_role("heading", name="Plan de contingence et simulation").wait_for(timeout=60_000)
        settle(page)
        no_exception(page, "reloading after a refused file")
        assert non_local(requests) == []
    finally:
        context.close()
