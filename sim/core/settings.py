"""The settings read from the environment: every ``SIM_*`` variable, read here and nowhere else.

============================  =====================================================  =========================
variable                      what it sets                                           default
============================  =====================================================  =========================
``SIM_DATA_DIR``              the user's data folder (scenarios, plans, layers)      ``~/.local/share/delta-sim``
``SIM_CACHE_DIR``             the on-disk cache of the built delta                   ``$XDG_CACHE_HOME/niger-delta-sim``
``SIM_BOUNDARIES``            other cercle boundaries for the app                    the shipped OCHA cercles
``SIM_REFERENCE_DIR``         the shared reference data (validation, tests)          ``../shared/reference``
``SIM_DEBUG``                 show the traceback of an internal error on the CLI     off
============================  =====================================================  =========================

Each is read when asked for (not at import), so that a test or a server started with another
value sees it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ROOT", "data_dir", "cache_dir", "boundaries_file", "reference_dir", "debug"]

ROOT = Path(__file__).resolve().parents[2]
"""The product's folder."""

DEFAULT_DATA_DIR = Path("~/.local/share/delta-sim")
"""The data folder when ``$SIM_DATA_DIR`` is not set (the XDG data home of Linux)."""

DEFAULT_REFERENCE_DIR = ROOT.parent / "shared" / "reference"
"""Shared reference data (``../shared/reference``) when ``$SIM_REFERENCE_DIR`` is not set."""


def data_dir() -> Path:
    """The user's data folder: ``$SIM_DATA_DIR``, else ``~/.local/share/delta-sim``."""
    folder = os.environ.get("SIM_DATA_DIR")
    return Path(folder).expanduser() if folder else DEFAULT_DATA_DIR.expanduser()


def cache_dir() -> Path:
    """Folder of the on-disk cache: ``$SIM_CACHE_DIR``, else the user's cache folder."""
    explicit = os.environ.get("SIM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "niger-delta-sim"


def boundaries_file() -> str | None:
    """Cercle boundaries set with ``$SIM_BOUNDARIES``, or None for the built-in (OCHA) ones."""
    return os.environ.get("SIM_BOUNDARIES") or None


def reference_dir() -> Path:
    """The shared reference data folder: ``$SIM_REFERENCE_DIR``, else ``../shared/reference``."""
    return Path(os.environ.get("SIM_REFERENCE_DIR", DEFAULT_REFERENCE_DIR))


def debug() -> bool:
    """Whether ``$SIM_DEBUG`` asks the CLI to show an internal error's traceback."""
    return bool(os.environ.get("SIM_DEBUG"))
