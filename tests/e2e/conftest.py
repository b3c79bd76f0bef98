"""A real Streamlit server and a real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, ROOT, need

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def hazard_catalog(tmp_path_factory) -> Path:
    """The (empty) hazard-layer catalog folder the app server uses."""
    return tmp_path_factory.mktemp("catalog")


@pytest.fixture(scope="session")
def scenario_dir(tmp_path_factory) -> Path:
    """The folder the app server saves scenarios and plans in (``SIM_SCENARIO_DIR``)."""
    return tmp_path_factory.mktemp("scenarios")


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, hazard_catalog, scenario_dir):
    """``streamlit run app.py`` on a free port of 127.0.0.1; yields the base URL."""
    port = _free_port()
    env = dict(
        os.environ,
        SIM_CACHE_DIR=str(tmp_path_factory.mktemp("server-cache")),
        SIM_HAZARD_CATALOG=str(hazard_catalog),
        SIM_SCENARIO_DIR=str(scenario_dir),
    )
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; log:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    need(CHROMIUM.exists(), "Debian chromium (/usr/bin/chromium)", "REQUIRE_BROWSER")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def screenshot_dir() -> Path | None:
    """Where to keep screenshots: ``docs/img`` when ``UPDATE_SCREENSHOTS=1``, else nowhere."""
    return ROOT / "docs" / "img" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else None
