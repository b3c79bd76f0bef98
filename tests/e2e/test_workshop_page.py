"""A workshop in real browsers: a trainer and two teams, each in its own browser context,
play three rounds; the server is restarted between rounds 1 and 2 and everyone finds their state."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.e2e.conftest import AppServer
from tests.e2e.steps import non_local as _non_local

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def workshop_server(tmp_path):
    server = AppServer(tmp_path / "data", tmp_path / "cache", tmp_path / "streamlit.log")
    server.start()
    yield server
    server.stop()


def _context(browser, requests):
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="fr-FR")
    context.on("request", lambda request: requests.append(request.url))
    return context


def _page(context, url, requests):
    page = context.new_page()
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.goto(url, wait_until="domcontentloaded")
    return page


def _join(page, code):
    page.get_by_label("Code de l'équipe").wait_for(timeout=60_000)
    page.get_by_label("Code de l'équipe").fill(code)
    page.get_by_role("button", name="Rejoindre").click()


def _trainer_login(page, code, passcode):
    page.get_by_label("Code de l'atelier").wait_for(timeout=60_000)
    page.get_by_label("Code de l'atelier").fill(code)
    page.get_by_label("Mot de passe du formateur", exact=True).fill(passcode)
    page.get_by_role("button", name="Ouvrir", exact=True).click()


def _pick(page, label, option, nth=0):
    """Choose an option of a Streamlit select box: open it, type to filter, take the option."""
    widget = page.get_by_test_id("stSelectbox").filter(has=page.get_by_label(label, exact=True)).nth(nth)
    for _ in range(3):  # a page refresh can close the list under the pointer: check, and try again
        box = widget.get_by_label(label, exact=True)
        box.click()
        box.press_sequentially(option[:12])
        page.get_by_role("option", name=option, exact=True).click()
        page.wait_for_timeout(300)
        if _chosen(widget, box) == option:
            return
    raise AssertionError(f"could not choose {option!r} in {label!r}: {_chosen(widget, box)!r}")


def _chosen(widget, box) -> str:
    """The option a select box shows (its combobox input holds it)."""
    return box.input_value()


def _shot(page, folder, name, target=None):
    """Keep a screenshot in ``folder`` (``UPDATE_SCREENSHOTS=1``), scrolled to ``target``."""
    if folder:
        if target is not None:
            target.scroll_into_view_if_needed()
        page.wait_for_timeout(1200)
        page.screenshot(path=str(folder / name))


def test_workshop_trainer_and_two_teams_play_three_rounds_across_a_restart(workshop_server, browser, screenshot_dir, tmp_path):
    requests: list[str] = []
    trainer_ctx, a_ctx, b_ctx = (_context(browser, requests) for _ in range(3))
    try:
        # --- the trainer creates the workshop ------------------------------------------------
        trainer = _page(trainer_ctx, workshop_server.url + "/atelier-formateur", requests)
        trainer.get_by_role("heading", name="Atelier de simulation — console du formateur").wait_for(timeout=120_000)
        trainer.get_by_role("tab", name="Créer un atelier").click()
        _pick(trainer, "Scénario (saison)", "flood-2022")
        _pick(trainer, "Plan de départ", "baseline")
        trainer.get_by_label("Mot de passe du formateur (4 caractères au moins)").fill("delta-2026")
        _shot(trainer, screenshot_dir, "workshop-create-fr.png")
        trainer.get_by_role("button", name="Créer l'atelier").click()
        header = trainer.get_by_text(re.compile(r"code de l'atelier [A-Z0-9]{6}"))
        header.wait_for(timeout=180_000)
        workshop_code = header.inner_text().split()[-1]
        codes = {name: trainer.get_by_text(re.compile(f"^{name} :")).inner_text().split()[-1] for name in ("Équipe A", "Équipe B")}
        trainer.get_by_role("button", name="Commencer la manche 1").click()
        trainer.get_by_text("Manche 1 sur 3 — ouverte").wait_for(timeout=120_000)

        # --- the teams join on their own devices ---------------------------------------------
        team_a = _page(a_ctx, workshop_server.url + "/atelier-equipe", requests)
        team_b = _page(b_ctx, workshop_server.url + "/atelier-equipe", requests)
        _join(team_a, "ZZZZZZ")
        team_a.get_by_text("Code d'équipe inconnu").wait_for(timeout=60_000)  # a wrong code: a clear message
        _join(team_a, codes["Équipe A"].lower())  # typed in lower case on a phone
        _join(team_b, codes["Équipe B"])
        for page in (team_a, team_b):
            page.get_by_role("heading", name="Vos décisions pour la manche 1").wait_for(timeout=120_000)

        # round 1: A buys shelter kits regionally and serves the worst hit first; B buys water locally and the forecast
        _pick(team_a, "Fournisseur", "Fournisseurs régionaux (Dakar, Abidjan)")
        team_a.get_by_label("Quantité").nth(0).fill("500")
        _pick(team_a, "Règle de partage", "les plus touchés d'abord")
        _pick(team_b, "Article", "Eau potable")
        team_b.get_by_label("Quantité").nth(0).fill("200000")
        team_b.get_by_text("Acheter la prévision", exact=False).click()
        team_a.get_by_role("button", name="Envoyer les décisions").click()  # both at the same moment
        team_b.get_by_role("button", name="Envoyer les décisions").click()
        for page in (team_a, team_b):
            page.get_by_text("Décisions envoyées", exact=False).wait_for(timeout=120_000)
        team_b.get_by_text(re.compile("^Prévision du ")).wait_for(timeout=60_000)  # bought: shown at once
        trainer.get_by_text("Décisions reçues : 2 sur 2", exact=False).wait_for(timeout=60_000)
        _shot(team_b, screenshot_dir, "workshop-team-decide-fr.png", team_b.get_by_role("heading", name="Vos décisions pour la manche 1"))
        trainer.get_by_role("button", name="Clore la manche 1 et jouer la semaine").click()
        trainer.get_by_text("Manche 2 sur 3 — ouverte").wait_for(timeout=180_000)
        for page in (team_a, team_b):  # the teams' pages follow by themselves
            page.get_by_role("heading", name="Vos décisions pour la manche 2").wait_for(timeout=120_000)

        # --- the server restarts mid-workshop -------------------------------------------------
        workshop_server.stop()
        url = workshop_server.start()
        for page in (trainer, team_a, team_b):
            page.goto(url + ("/atelier-formateur" if page is trainer else "/atelier-equipe"), wait_until="domcontentloaded")
        _trainer_login(trainer, workshop_code, "mauvais")
        trainer.get_by_text("Code d'atelier ou mot de passe incorrect", exact=False).wait_for(timeout=60_000)
        _trainer_login(trainer, workshop_code, "delta-2026")
        trainer.get_by_text("Manche 2 sur 3 — ouverte").wait_for(timeout=180_000)
        _join(team_a, codes["Équipe A"])
        _join(team_b, codes["Équipe B"])
        for page in (team_a, team_b):
            page.get_by_role("heading", name="Vos décisions pour la manche 2").wait_for(timeout=180_000)
        team_a.get_by_text("Commande de 500 × Kit abri d'urgence", exact=False).wait_for(timeout=60_000)  # its round 1, kept
        assert team_a.get_by_text("Eau potable à Marché", exact=False).count() == 0  # never B's decisions
        team_b.get_by_text(re.compile("^Prévision du ")).wait_for(timeout=60_000)
        _shot(team_b, screenshot_dir, "workshop-team-round2-fr.png")

        # misuse in round 2: an order over the budget, then a second tab of team A
        _pick(team_b, "Fournisseur", "Fournisseurs régionaux (Dakar, Abidjan)")
        team_b.get_by_label("Quantité").nth(0).fill("100000")
        team_b.get_by_role("button", name="Envoyer les décisions").click()
        team_b.get_by_text("il ne reste que", exact=False).wait_for(timeout=60_000)
        second_tab = _page(a_ctx, url + "/atelier-equipe", requests)
        _join(second_tab, codes["Équipe A"])
        second_tab.get_by_role("heading", name="Vos décisions pour la manche 2").wait_for(timeout=120_000)
        team_a.get_by_label("Quantité").nth(0).fill("100")
        team_a.get_by_role("button", name="Envoyer les décisions").click()
        team_a.get_by_text("ouverte dans un autre onglet", exact=False).first.wait_for(timeout=60_000)
        trainer.get_by_text("Décisions reçues : 0 sur 2", exact=False).wait_for(timeout=60_000)  # nothing changed
        team_b.get_by_label("Quantité").nth(0).fill("300")
        team_b.get_by_role("button", name="Envoyer les décisions").click()
        team_b.get_by_text("Décisions envoyées", exact=False).wait_for(timeout=120_000)
        second_tab.get_by_role("button", name="Envoyer les décisions").wait_for(timeout=60_000)
        second_tab.get_by_role("button", name="Envoyer les décisions").click()
        second_tab.get_by_text("Décisions envoyées", exact=False).wait_for(timeout=120_000)
        trainer.get_by_text("Décisions reçues : 2 sur 2", exact=False).wait_for(timeout=60_000)
        trainer.get_by_role("button", name="Clore la manche 2 et jouer la semaine").click()
        trainer.get_by_text("Manche 3 sur 3 — ouverte").wait_for(timeout=180_000)
        second_tab.get_by_role("heading", name="Vos décisions pour la manche 3").wait_for(timeout=120_000)
        trainer.get_by_role("button", name="Clore la dernière manche et terminer").click()
        trainer.get_by_text("Manche 3 sur 3 — atelier terminé").wait_for(timeout=180_000)
        trainer.get_by_role("heading", name="Tableau des scores").wait_for(timeout=180_000)
        expect(trainer.get_by_role("button", name="Clore la dernière manche et terminer")).to_have_count(0, timeout=180_000)  # the page is redrawn
        trainer.get_by_role("heading", name="Histoires de ménages déplacés").wait_for(timeout=180_000)
        with trainer.expect_download(timeout=120_000) as download:
            trainer.get_by_role("button", name="Débriefing (PDF)").click()
        pdf = tmp_path / "debrief.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        _shot(trainer, screenshot_dir, "workshop-scoreboard-fr.png", trainer.get_by_role("heading", name="Tableau des scores"))
        _shot(trainer, screenshot_dir, "workshop-timeline-fr.png", trainer.get_by_role("heading", name="Chronologie des décisions face à la crue"))
        _shot(trainer, screenshot_dir, "workshop-stories-fr.png", trainer.get_by_role("button", name="Débriefing (PDF)"))
        if screenshot_dir and shutil.which("pdftoppm"):  # the debrief's first page, for the documentation
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(screenshot_dir / "workshop-debrief-fr")], check=True)
        team_b.get_by_role("heading", name="Fin de l'atelier").wait_for(timeout=180_000)
        _shot(team_b, screenshot_dir, "workshop-team-final-fr.png")
        for page in (trainer, team_b):  # and in English
            page.get_by_text("English").click()
        team_b.get_by_role("heading", name="End of the workshop").wait_for(timeout=120_000)
        trainer.get_by_role("heading", name="Scoreboard").wait_for(timeout=180_000)
        trainer.get_by_role("heading", name="Stories of displaced households").wait_for(timeout=180_000)
        assert requests, "the request log is empty: the pages did not load"
        assert _non_local(requests) == []
    except Exception:
        for k, context in enumerate((trainer_ctx, a_ctx, b_ctx)):
            for j, pg in enumerate(context.pages):
                pg.screenshot(path=str(tmp_path / f"failed-{k}-{j}.png"))  # what each page showed, to debug
        raise
    finally:
        for context in (trainer_ctx, a_ctx, b_ctx):
            context.close()
