"""Shared test fixtures, and the rule that CI never skips what it must run.

``REQUIRE_BROWSER=1``, ``REQUIRE_REFERENCE=1`` and ``REQUIRE_GDAL=1`` (set by ``.ci/run``)
turn a missing Chromium, ``../shared/reference`` or GDAL command-line tool from a skip
into a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
CHROMIUM = Path("/usr/bin/chromium")


def need(available: bool, what: str, flag: str) -> None:
    """Skip when ``what`` is missing, or fail when the environment variable ``flag`` is 1."""
    if available:
        return
    if os.environ.get(flag) == "1":
        pytest.fail(f"{what} is missing and {flag}=1")
    pytest.skip(f"{what} is missing (set {flag}=1 to make this a failure)")


@pytest.fixture(scope="session")
def reference() -> Path:
    """The shared reference data folder (``../shared/reference``)."""
    need(REFERENCE.is_dir(), f"reference data {REFERENCE}", "REQUIRE_REFERENCE")
    return REFERENCE


@pytest.fixture(scope="session")
def gdal_tools() -> dict[str, str]:
    """Paths of the GDAL command-line tools."""
    tools = {name: shutil.which(name) for name in ("ogr2ogr", "gdal_translate", "gdalinfo")}
    need(all(tools.values()), "GDAL command-line tools (Debian gdal-bin)", "REQUIRE_GDAL")
    return tools


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test session writes its domain cache to a private folder, never the user's."""
    monkeypatch.setenv("SIM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Every test has its own user data folder (``SIM_DATA_DIR``), never the user's own."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("SIM_DATA_DIR", str(folder))
    return folder


def sim_cli(*args, env=None, timeout: int = 900):
    """Run ``python -m sim ARGS…`` from the project folder, as a user would; returns the completed process."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
