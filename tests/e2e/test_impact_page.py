"""The impact page in a real browser: a bad scenario name is refused in French, nothing written."""

from __future__ import annotations

import pytest

from tests.e2e.steps import no_exception, open_page, settle

pytestmark = pytest.mark.browser


def test_a_bad_scenario_name_is_refused(app_server, user_data, browser):
    requests: list[str] = []
    context, page = open_page(browser, app_server + "/impact", requests)
    try:
        page.get_by_role("heading", name="Impact et besoins").wait_for(timeout=120_000)
        settle(page)
        page.get_by_label("Nom du scénario (minuscules, chiffres, tirets)").fill("Mon Scénario!")
        page.get_by_role("button", name="Enregistrer le scénario").click()
        settle(page)
        page.get_by_text("« Mon Scénario! » : un nom s'écrit en minuscules, chiffres et tirets", exact=False).wait_for(
            timeout=60_000
        )
        no_exception(page, "refusing a bad name")
        assert not (user_data / "scenarios" / "Mon Scénario!.yaml").exists()
    finally:
        context.close()
