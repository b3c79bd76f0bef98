"""A real Streamlit server and a real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
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
def user_data(tmp_path_factory) -> Path:
    """The user's data folder of the app server (``SIM_DATA_DIR``, the one variable the README documents)."""
    return tmp_path_factory.mktemp("user-data")


@pytest.fixture(scope="session")
def hazard_catalog(user_data) -> Path:
    """The user's hazard-layer catalog, ``$SIM_DATA_DIR/layers``."""
    return user_data / "layers"


class AppServer:
    """The app started exactly as the README says, ``make run`` (on a free port of 127.0.0.1).

    Only ``SIM_DATA_DIR`` (so that a test never writes into the tester's own data folder) and
    ``SIM_CACHE_DIR`` (the delta's disk cache) are set, both documented in the README. It can
    be stopped and started again on the same folders (a restart mid-workshop).
    """

    def __init__(self, data: Path, cache: Path, log: Path):
        self.env = dict(os.environ, SIM_DATA_DIR=str(data), SIM_CACHE_DIR=str(cache))
        for name in ("SIM_BOUNDARIES", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
            self.env.pop(name, None)
        self.log = log
        self.process = None
        self.url = ""

    def start(self) -> str:
        port = _free_port()
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                ["make", "run", f"PORT={port}"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self.url
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make run did not start the app; log:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass

    def tracebacks(self) -> str:
        """The server log's tracebacks (an app that works logs none)."""
        text = self.log.read_text() if self.log.exists() else ""
        return text[text.index("Traceback") :][:3000] if "Traceback" in text else ""


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, user_data):
    """``make run`` on the session's data folder; yields its URL, and fails on any traceback it logged."""
    server = AppServer(
        user_data, tmp_path_factory.mktemp("server-cache"), tmp_path_factory.mktemp("server") / "streamlit.log"
    )
    server.start()
    try:
        yield server.url
        assert not server.tracebacks(), f"the server logged a traceback:\n{server.tracebacks()}"
    finally:
        server.stop()


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
