"""What every page shares: session-state keys, the language, the cached delta."""

from __future__ import annotations

import os
from pathlib import Path
from enum import StrEnum

import streamlit as st

from sim.domain import DEFAULT_RESOLUTION, DEFAULT_YEAR, Delta, load_delta
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t


class Key(StrEnum):
    """Session-state keys, one place for all of them."""

    LANGUAGE = "language"
    YEAR = "population_year"
    RESOLUTION = "grid_resolution"
    HAZARD_SCENARIO = "hazard_scenario"
    HAZARD_SEED = "hazard_seed"
    HAZARD_DAY = "hazard_day"
    LAYER_FILE = "layer_file"
    LAYER_NAME = "layer_name"
    LAYER_KIND = "layer_kind"
    LAYER_UNITS = "layer_units"
    LAYER_CRS = "layer_crs"
    LAYER_SOURCE = "layer_source"
    LAYER_LICENCE = "layer_licence"
    LAYER_READY = "layer_ready"
    LAYER_SAVE = "layer_save"
    IMPACT_BASE = "impact_base"
    IMPACT_NAME = "impact_name"
    IMPACT_TITLE = "impact_title"
    IMPACT_SEASON = "impact_season"
    IMPACT_RAIN_RP = "impact_rain_rp"
    IMPACT_RAIN_LAYER = "impact_rain_layer"
    IMPACT_FLOOD_MODE = "impact_flood_mode"
    IMPACT_PEAK = "impact_peak"
    IMPACT_PEAK_DATE = "impact_peak_date"
    IMPACT_FLOOD_RP = "impact_flood_rp"
    IMPACT_FLOOD_LAYER = "impact_flood_layer"
    IMPACT_HOUSEHOLD = "impact_household"
    IMPACT_DAMAGE = "impact_damage"
    IMPACT_RATIONS = "impact_rations"
    IMPACT_MEMBERS = "impact_members"
    IMPACT_SEED = "impact_seed"
    IMPACT_RESULT = "impact_result"

    # --- workshop pages (issue 6) ---
    WS_TRAINER = "ws_trainer_workshop"
    WS_TEAM = "ws_team_code"
    WS_TOKEN = "ws_team_token"


ICON = Path(__file__).resolve().parent / "static" / "icon.png"
"""The app's own icon: a local file, so the browser never fetches one from a CDN."""

RESOLUTIONS = (0.02, 0.01, 0.005)
"""Grid resolutions offered in the app [deg]."""


def language() -> str:
    """The language chosen in the sidebar (French by default; ``?lang=en`` in the address too)."""
    if Key.LANGUAGE not in st.session_state:
        asked = st.query_params.get("lang", DEFAULT_LANGUAGE)
        st.session_state[Key.LANGUAGE] = asked if asked in LANGUAGES else DEFAULT_LANGUAGE
    lang = st.sidebar.radio(
        t("language", st.session_state[Key.LANGUAGE]),
        options=list(LANGUAGES),
        format_func=LANGUAGES.get,
        key=Key.LANGUAGE,
        horizontal=True,
    )
    st.query_params["lang"] = lang
    return lang


def scenario_folder() -> Path:
    """Where scenarios are listed and saved: ``$SIM_SCENARIO_DIR`` or the project's ``scenarios/``."""
    return Path(os.environ.get("SIM_SCENARIO_DIR") or Path(__file__).resolve().parents[1] / "scenarios")


def scenario_files() -> list[Path]:
    """Scenario files of the library, shipped ones included when a separate folder is set."""
    shipped = Path(__file__).resolve().parents[1] / "scenarios"
    found = {p.name: p for p in sorted(shipped.glob("*.yaml"))}
    found.update({p.name: p for p in sorted(scenario_folder().glob("*.yaml"))})
    return [found[name] for name in sorted(found)]


def plan_files() -> list[Path]:
    """Plan files: the shipped ones and those saved in ``$SIM_SCENARIO_DIR/plans``."""
    shipped = Path(__file__).resolve().parents[1] / "scenarios" / "plans"
    found = {p.name: p for p in sorted(shipped.glob("*.yaml"))}
    found.update({p.name: p for p in sorted((scenario_folder() / "plans").glob("*.yaml"))})
    return [found[name] for name in sorted(found)]


def boundaries_path() -> str | None:
    """Official cercle boundaries set with ``SIM_BOUNDARIES``, or None for the approximate ones."""
    return os.environ.get("SIM_BOUNDARIES") or None


@st.cache_resource(show_spinner=False, max_entries=6)
def cached_delta(resolution: float = DEFAULT_RESOLUTION, year: int = DEFAULT_YEAR, boundaries: str | None = None) -> Delta:
    """The built-in delta, built once per (resolution, year, boundaries) for all sessions."""
    return load_delta(resolution=resolution, year=year, boundaries=boundaries)
