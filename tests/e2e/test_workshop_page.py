"""A workshop in real browsers, as a room plays it: a trainer and two teams, each in its own
browser context, French UI, three rounds on flood-2022 with the baseline plan; the server is
restarted between rounds 1 and 2 and everyone finds their state. Checked on the way: the
address and QR code on the console, a team's page linking nothing else, the order form's
offers, the same decisions count and the same ledger on the console and the team's page, the
empty new round, the end screens with score and rank, no exception box, no request off
127.0.0.1, no traceback in the server's log."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sim.workshop.room import lan_address
from tests.e2e.conftest import AppServer
from tests.e2e.steps import no_exception
from tests.e2e.steps import non_local as _non_local

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

PASSCODE = "delta-2026"
CEREAL = "Céréales — Marché local de Mopti (0,60 US$ l'unité, 7 à 42 jours)"
SHELTER = "Kit abri d'urgence — Fournisseurs régionaux (Dakar, Abidjan) (110 US$ l'unité, 30 à 90 jours)"


@pytest.fixture
def workshop_server(tmp_path):
    """``make run ADDRESS=0.0.0.0``, as the README's "Running a workshop" says (``?=`` in the Makefile reads it from the environment)."""
    server = AppServer(tmp_path / "data", tmp_path / "cache", tmp_path / "streamlit.log")
    server.env["ADDRESS"] = "0.0.0.0"
    server.start()
    yield server
    server.stop()
    assert not server.tracebacks(), f"the server logged a traceback:\n{server.tracebacks()}"


def _context(browser, requests):
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="fr-FR", accept_downloads=True)
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
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
        except PlaywrightTimeoutError:  # the list was redrawn while it opened: close it and try again
            page.keyboard.press("Escape")
            continue
        page.wait_for_timeout(300)
        if box.input_value() == option:
            return
    raise AssertionError(f"could not choose {option!r} in {label!r}: {box.input_value()!r}")


def _shot(page, folder, name, target=None):
    """Keep a screenshot in ``folder`` (``UPDATE_SCREENSHOTS=1``), scrolled to ``target``."""
    if folder:
        if target is not None:
            target.scroll_into_view_if_needed()
        page.wait_for_timeout(1200)
        page.screenshot(path=str(folder / name))


def _plain(text):
    """Text as read aloud: narrow and no-break spaces as plain ones."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _loaded_width(page, image, timeout_s: float = 30.0) -> int:
    """The natural width of an image once the browser has loaded it (0 if it never does) [px]."""
    deadline = time.monotonic() + timeout_s
    while not (width := image.evaluate("i => (i.complete && i.naturalWidth) || 0")) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    return width


def _cell_shows(page, row, column, expected, timeout_s: float = 60.0):
    """Wait until a table's cell shows ``expected`` (the console refreshes its tables on its own
    rerun, a moment after the count above them); the cell's text."""
    deadline = time.monotonic() + timeout_s
    while (value := _cell(page, row, column)) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(500)
    return value


def _cell(page, row, column):
    """The text of a table's cell (st.table), by the row's heading and the column's, as the page shows it now."""
    tables = (
        page.get_by_test_id("stTable")
        .locator("table")
        .evaluate_all("ts => ts.map(t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim())))")
    )
    for rows in tables:
        headers = [_plain(h) for h in rows[0]]
        if column in headers:
            for cells in rows[1:]:
                if _plain(cells[0]) == row:
                    return _plain(cells[headers.index(column)])
    raise AssertionError(f"no cell ({row!r}, {column!r}) in the tables {tables!r}")


def _clean(page, step):
    no_exception(page, step)


def test_workshop_trainer_and_two_teams_play_three_rounds_across_a_restart(
    workshop_server, browser, screenshot_dir, tmp_path
):
    requests: list[str] = []
    trainer_ctx, a_ctx, b_ctx = (_context(browser, requests) for _ in range(3))
    try:
        # --- the trainer creates the workshop ------------------------------------------------
        trainer = _page(trainer_ctx, workshop_server.url + "/atelier-formateur", requests)
        trainer.get_by_role("heading", name="Atelier de simulation — console du formateur").wait_for(timeout=120_000)
        trainer.get_by_role("tab", name="Créer un atelier").click()
        _pick(trainer, "Scénario (saison)", "flood-2022")
        _pick(trainer, "Plan de départ", "baseline")
        trainer.get_by_text(re.compile("^Saison jouée : du 31 juillet 2022 au 22 octobre 2022")).wait_for(
            timeout=120_000
        )  # past the peak of 9 October
        trainer.get_by_text("Dépôt international (UNHRD) livre en 60 jours au moins", exact=False).wait_for(
            timeout=60_000
        )
        trainer.get_by_label("Mot de passe du formateur (8 caractères au moins)").fill("court")
        trainer.get_by_role("button", name="Créer l'atelier").click()
        trainer.get_by_text("doit avoir au moins 8 caractères", exact=False).wait_for(timeout=60_000)
        trainer.get_by_label("Mot de passe du formateur (8 caractères au moins)").fill(PASSCODE)
        _shot(trainer, screenshot_dir, "workshop-create-fr.png")
        trainer.get_by_role("button", name="Créer l'atelier").click()
        header = trainer.get_by_text(re.compile(r"code de l'atelier [A-Z0-9]{6}"))
        header.wait_for(timeout=180_000)
        workshop_code = header.inner_text().split()[-1]
        address = trainer.get_by_test_id("ws-team-address").inner_text().strip()
        lan = lan_address()
        assert address == (
            f"http://{lan}:{workshop_server.url.rsplit(':', 1)[1]}/atelier-equipe"
            if lan
            else f"{workshop_server.url}/atelier-equipe"
        )
        assert (
            float(trainer.get_by_test_id("ws-team-address").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
            >= 32
        )  # large
        qr = (
            trainer.get_by_test_id("stImage")
            .filter(has=trainer.get_by_text("Scannez pour ouvrir la page des équipes"))
            .locator("img")
        )
        expect(qr).to_have_count(1, timeout=60_000)
        # the QR code, drawn on the laptop (no request left it); the element shows up a moment
        # before its picture has loaded, so wait for the picture as a person would
        assert _loaded_width(trainer, qr) >= 200
        codes = {
            name: trainer.get_by_text(re.compile(f"^{name} :")).first.inner_text().split()[-1]
            for name in ("Équipe A", "Équipe B")
        }
        trainer.get_by_role("button", name="Commencer la manche 1").click()
        trainer.get_by_text("Manche 1 sur 3 — ouverte").wait_for(timeout=120_000)
        _clean(trainer, "starting round 1")

        # --- the teams join on their own devices ---------------------------------------------
        team_a = _page(a_ctx, workshop_server.url + "/atelier-equipe", requests)
        team_b = _page(b_ctx, workshop_server.url + "/atelier-equipe", requests)
        _join(team_a, "ZZZZZZ")
        team_a.get_by_text("Code d'équipe inconnu").wait_for(timeout=60_000)  # a wrong code: a clear message
        _join(team_a, codes["Équipe A"].lower())  # typed in lower case on a phone
        _join(team_b, codes["Équipe B"])
        for page in (team_a, team_b):
            page.get_by_role("heading", name="Vos décisions pour la manche 1").wait_for(timeout=120_000)
            assert (
                page.locator("a[href*='atelier-formateur'], a[href$='/delta'], a[href$='/plan']").count() == 0
            )  # the team's page links nothing else
            assert page.get_by_test_id("stSidebarNav").count() == 0
        box = team_a.get_by_label("Article — fournisseur", exact=True).first
        box.click()
        box.press_sequentially("Kit abri")  # the shelter kits on offer, filtered as a person would
        team_a.get_by_role("option").first.wait_for(timeout=30_000)
        options = [_plain(o) for o in team_a.get_by_role("option").all_inner_texts()]
        team_a.keyboard.press("Escape")
        assert SHELTER in options and len(options) == 2  # regional and UNHRD
        assert not [
            o for o in options if o.startswith("Kit abri d'urgence — Marché local")
        ]  # the form offers only what a supplier sells

        # round 1: A buys 250 t of cereal locally in time for the September wave; B waits
        _pick(team_a, "Article — fournisseur", CEREAL)
        team_a.get_by_label("Quantité").nth(0).fill("250000")
        team_a.get_by_role("button", name="Envoyer les décisions").click()
        team_a.get_by_text("Décisions envoyées", exact=False).wait_for(timeout=120_000)
        team_a.get_by_text(
            "commande de 250 000 × Céréales à Marché local de Mopti (arrivée prévue le", exact=False
        ).wait_for(timeout=60_000)
        trainer.get_by_text("Décisions reçues : 1 sur 2 (Équipe A)", exact=False).wait_for(timeout=60_000)
        trainer.get_by_text("commande de 250 000 × Céréales à Marché local de Mopti", exact=False).first.wait_for(
            timeout=60_000
        )  # the panel agrees with the count
        assert (
            _cell_shows(trainer, "Équipe A", "Achats", "150 000 US$")
            == "150 000 US$"
            == _cell(team_a, "Achats", "Montant")
        )
        assert _cell(trainer, "Équipe B", "Décision (manche 1)") == "en attente"
        team_b.get_by_text("Rien n'est encore envoyé pour cette manche", exact=False).wait_for(
            timeout=60_000
        )  # and so does B's page
        _clean(team_a, "sending round 1")
        trainer.get_by_role("button", name="Clore la manche 1 et jouer ses 28 jours").click()
        trainer.get_by_text("Manche 2 sur 3 — ouverte").wait_for(timeout=180_000)
        for page in (team_a, team_b):  # the teams' pages follow by themselves
            page.get_by_role("heading", name="Vos décisions pour la manche 2").wait_for(timeout=120_000)
        left_before = _cell(team_a, "Reste", "Montant")
        assert left_before == _cell_shows(trainer, "Équipe A", "Reste", left_before)
        assert _cell(team_a, "Transport", "Montant") != "0 US$"  # round 1's running costs count

        # --- the server restarts mid-workshop -------------------------------------------------
        workshop_server.stop()
        url = workshop_server.start()
        for page in (trainer, team_a, team_b):
            page.goto(
                url + ("/atelier-formateur" if page is trainer else "/atelier-equipe"), wait_until="domcontentloaded"
            )
        _trainer_login(trainer, workshop_code, "mauvais-mot")
        trainer.get_by_text("Code d'atelier ou mot de passe incorrect", exact=False).wait_for(timeout=60_000)
        _trainer_login(trainer, workshop_code, PASSCODE)
        trainer.get_by_text("Manche 2 sur 3 — ouverte").wait_for(timeout=180_000)
        _join(team_a, codes["Équipe A"])
        _join(team_b, codes["Équipe B"])
        for page in (team_a, team_b):
            page.get_by_role("heading", name="Vos décisions pour la manche 2").wait_for(timeout=180_000)
        # the new round starts empty, with the last one beside it
        team_a.get_by_text("Vos décisions de la manche 1").wait_for(timeout=60_000)
        team_a.get_by_text("commande de 250 000 × Céréales à Marché local de Mopti", exact=False).first.wait_for(
            timeout=60_000
        )
        team_a.get_by_text("Rien n'est encore envoyé pour cette manche", exact=False).wait_for(timeout=60_000)
        assert [float(team_a.get_by_label("Quantité").nth(k).input_value()) for k in range(3)] == [0.0] * 3
        assert team_a.get_by_label("Article — fournisseur", exact=True).first.input_value() == "— pas de commande —"
        assert (
            _cell(team_a, "Reste", "Montant") == left_before == _cell_shows(trainer, "Équipe A", "Reste", left_before)
        )  # the ledger survived the restart
        assert team_a.get_by_text("Eau potable à Marché", exact=False).count() == 0  # never B's decisions
        _shot(team_a, screenshot_dir, "workshop-team-round2-fr.png")

        # round 2: B buys shelter kits regionally (30-90 days: still in time), A buys the forecast
        _pick(team_b, "Article — fournisseur", SHELTER)
        team_b.get_by_label("Quantité").nth(0).fill("100000")
        team_b.get_by_role("button", name="Envoyer les décisions").click()
        team_b.get_by_text("il ne reste que", exact=False).wait_for(timeout=60_000)  # over the budget: refused
        team_b.get_by_label("Quantité").nth(0).fill("1000")
        team_b.get_by_role("button", name="Envoyer les décisions").click()
        team_b.get_by_text("Décisions envoyées", exact=False).wait_for(timeout=120_000)
        team_a.get_by_text("Acheter la prévision", exact=False).click()
        team_a.get_by_role("button", name="Envoyer les décisions").click()
        team_a.get_by_text("Décisions envoyées", exact=False).wait_for(timeout=120_000)
        team_a.get_by_text(re.compile("^Prévision du ")).wait_for(timeout=120_000)
        team_a.get_by_text("l'erreur des prévisions de l'OPIDIN en septembre", exact=False).wait_for(timeout=60_000)
        trainer.get_by_text("Décisions reçues : 2 sur 2", exact=False).wait_for(timeout=60_000)
        assert (
            _cell_shows(trainer, "Équipe A", "Prévision", "15 000 US$")
            == "15 000 US$"
            == _cell(team_a, "Prévision", "Montant")
        )
        assert (
            _cell_shows(trainer, "Équipe B", "Achats", "110 000 US$")
            == "110 000 US$"
            == _cell(team_b, "Achats", "Montant")
        )
        _shot(
            trainer,
            screenshot_dir,
            "workshop-console.png",
            trainer.get_by_role("heading", name=re.compile("code de l'atelier")),
        )
        _clean(trainer, "round 2 on the console")
        trainer.get_by_role("button", name="Clore la manche 2 et jouer ses 28 jours").click()
        trainer.get_by_text("Manche 3 sur 3 — ouverte").wait_for(timeout=180_000)
        trainer.get_by_text("Manche en cours : une commande chez Dépôt international (UNHRD)", exact=False).wait_for(
            timeout=60_000
        )
        trainer.get_by_text("Manche en cours : une commande chez Fournisseurs régionaux", exact=False).wait_for(
            timeout=60_000
        )
        for page in (team_a, team_b):
            page.get_by_role("heading", name="Vos décisions pour la manche 3").wait_for(timeout=120_000)
        team_b.get_by_text(
            "Commandé maintenant chez Fournisseurs régionaux (Dakar, Abidjan), Dépôt international (UNHRD), rien n'arrivera",
            exact=False,
        ).wait_for(timeout=60_000)
        trainer.get_by_role("button", name="Clore la dernière manche et terminer").click()
        trainer.get_by_text("Manche 3 sur 3 — atelier terminé").wait_for(timeout=180_000)
        trainer.get_by_role("heading", name="Tableau des scores").wait_for(timeout=180_000)
        expect(trainer.get_by_role("button", name="Clore la dernière manche et terminer")).to_have_count(
            0, timeout=180_000
        )  # the page is redrawn
        trainer.get_by_role("heading", name="Histoires de ménages déplacés").wait_for(timeout=180_000)
        ranked = trainer.locator("li").filter(has_text=re.compile(r"a couvert \d+\s% des besoins en dépensant"))
        expect(ranked).to_have_count(2, timeout=60_000)  # one sentence per team, best first: the well-timed order wins
        assert [_plain(li).split(" a couvert")[0] for li in ranked.all_inner_texts()] == ["Équipe A", "Équipe B"]
        spent_console = _cell(trainer, "Équipe A", "Dépenses")
        assert spent_console == _cell(trainer, "Équipe A", "Dépensé")  # the scoreboard and the ledger
        with trainer.expect_download(timeout=120_000) as download:
            trainer.get_by_role("button", name="Débriefing (PDF)").click()
        pdf = tmp_path / "debrief.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        _clean(trainer, "the debrief")
        _shot(
            trainer,
            screenshot_dir,
            "workshop-scoreboard-fr.png",
            trainer.get_by_role("heading", name="Tableau des scores"),
        )
        _shot(
            trainer,
            screenshot_dir,
            "workshop-timeline-fr.png",
            trainer.get_by_role("heading", name="Chronologie des décisions face à la crue"),
        )
        _shot(
            trainer, screenshot_dir, "workshop-stories-fr.png", trainer.get_by_role("button", name="Débriefing (PDF)")
        )
        if screenshot_dir and shutil.which("pdftoppm"):  # the debrief's first page, for the documentation
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(screenshot_dir / "workshop-debrief-fr"),
                ],
                check=True,
            )

        # --- the end screens: score and rank, the same money ---------------------------------
        for page, rank in ((team_a, "1 sur 2"), (team_b, "2 sur 2")):
            page.get_by_role("heading", name="Fin de l'atelier").wait_for(timeout=180_000)
            metric = page.get_by_test_id("stMetric").filter(has_text="Votre rang")
            expect(metric.get_by_test_id("stMetricValue")).to_have_text(rank, timeout=60_000)
            _clean(page, "the end screen")
        spent_team = (
            team_a.get_by_test_id("stMetric").filter(has_text="Dépensé").get_by_test_id("stMetricValue").inner_text()
        )
        assert _plain(spent_team) == spent_console
        team_a.get_by_text(re.compile(r"^Équipe A a couvert \d+\s% des besoins en dépensant")).first.wait_for(
            timeout=60_000
        )
        _shot(
            team_a,
            screenshot_dir,
            "workshop-team-end.png",
            team_a.get_by_role("heading", name="Atelier de simulation — équipe"),
        )
        for page in (trainer, team_b):  # and in English
            page.get_by_text("English").click()
        team_b.get_by_role("heading", name="End of the workshop").wait_for(timeout=120_000)
        trainer.get_by_role("heading", name="Scoreboard").wait_for(timeout=180_000)
        trainer.get_by_role("heading", name="Stories of displaced households").wait_for(timeout=180_000)
        for page in (trainer, team_a, team_b):
            _clean(page, "the end, in both languages")
        assert requests, "the request log is empty: the pages did not load"
        assert _non_local(requests) == []
    except Exception:
        for k, context in enumerate((trainer_ctx, a_ctx, b_ctx)):
            for j, pg in enumerate(context.pages):
                pg.screenshot(
                    path=str(tmp_path / f"failed-{k}-{j}.png"), full_page=True
                )  # what each page showed, to debug
        raise
    finally:
        for context in (trainer_ctx, a_ctx, b_ctx):
            context.close()
