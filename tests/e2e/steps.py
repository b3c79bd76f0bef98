"""What a person does in the browser, written once for the journey tests: open a page, wait
for the app to finish a run, check that no exception box is shown, edit a table cell."""

from __future__ import annotations

import os
import subprocess
import time
from urllib.parse import urlparse

from tests.conftest import ROOT

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def open_page(browser, url: str, requests: list[str], locale: str = "fr-FR"):
    """A new browser context (its own session) on ``url``, logging every request it makes."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale, accept_downloads=True)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.goto(url, wait_until="domcontentloaded")
    return context, page


def non_local(requests: list[str]) -> list[str]:
    """Requests that left this machine (data: and blob: addresses are in the page itself)."""
    return [
        u for u in requests if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS
    ]


def settle(page, timeout_ms: int = 600_000) -> float:
    """Wait until the app has finished running its script; returns the seconds waited."""
    start = time.monotonic()
    page.wait_for_timeout(300)  # let a click reach the server and the run start
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_timeout(200)
    return time.monotonic() - start


def no_exception(page, step: str) -> None:
    """Fail when the page shows a Streamlit exception box (a traceback) after ``step``."""
    boxes = page.locator("[data-testid='stException']")
    if boxes.count():
        raise AssertionError(f"after {step}: an exception box is shown: {boxes.first.inner_text()[:1500]}")


def git_status() -> str:
    """``git status --porcelain`` of the product's folder (user files must never land there);
    with ``UPDATE_SCREENSHOTS=1`` the screenshots the tests write into ``docs/img`` are left out."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        status = "".join(line for line in status.splitlines(keepends=True) if "docs/img/" not in line)
    return status


def edit_cell(page, grid, row: int, column: int, value: str) -> None:
    """Type ``value`` into a data editor's cell (row and column counted from 0), as a person would."""
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 52)  # the first cell of the first row
    page.wait_for_timeout(200)
    page.keyboard.press("Home")
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    for _ in range(column):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(30)
    page.keyboard.press("Enter")  # open the cell's editor (the grid draws it in #portal)
    editor = page.locator("#portal input, #portal textarea").first
    editor.wait_for(timeout=10_000)
    editor.fill(value)
    editor.press("Enter")
    page.wait_for_timeout(300)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    page.get_by_label(label, exact=True).first.click()
    page.get_by_role("option", name=option, exact=True).click()
