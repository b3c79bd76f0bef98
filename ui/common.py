"""What every page shares: session-state keys, the language, the cached delta."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import streamlit as st

from sim.core import settings, userdata
from sim.core.messages import message_text
from sim.delta.domain import DEFAULT_RESOLUTION, DEFAULT_YEAR, Delta, load_delta
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t


class Key(StrEnum):
    """Session-state keys, one place for all of them."""

    LANGUAGE = "language"
    SCENARIO = "chosen_scenario"
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
    IMPACT_INCLUDE = "impact_include"
    IMPACT_POP_LAYER = "impact_population_layer"
    IMPACT_TERRAIN_LAYER = "impact_terrain_layer"
    IMPACT_MEMBERS = "impact_members"
    IMPACT_SEED = "impact_seed"
    IMPACT_RESULT = "impact_result"
    IMPACT_MAP_LEVEL = "impact_map_level"
    IMPACT_COMMUNE_CERCLE = "impact_commune_cercle"

    PLAN_A = "chosen_plan_a"
    PLAN_B = "chosen_plan_b"
    PLAN_RESULT = "plan_result"
    PLAN_FLASH = "plan_flash"
    PROPOSE_RESULT = "propose_result"
    TRIGGERS_RESULT = "triggers_result"
    COMMUNE_RESULT = "commune_result"

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


def page_style(lang: str) -> None:
    """Styles every page shares: KPI values that fit their cards, labels that wrap, and the file
    uploader's own English words replaced by the language's (Streamlit has no setting for them)."""
    limit = st.get_option("server.maxUploadSize")
    st.html(
        "<style>"
        '[data-testid="stMetricValue"] { font-size: 1.7rem; }'
        '[data-testid="stMetricLabel"] p { white-space: normal; }'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }'
        f'[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{ content: "{t("uploader_button", lang)}"; }}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }'
        f'[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: "{t("uploader_limit", lang, size=limit)}"; font-size: 0.85rem; }}'
        "</style>"
    )


def scenario_files() -> list[Path]:
    """Scenario files: the shipped ones, then the user's (``$SIM_DATA_DIR/scenarios``)."""
    return [e.path for e in userdata.entries("scenarios")]


def plan_files() -> list[Path]:
    """Plan files: the shipped ones, then the user's (``$SIM_DATA_DIR/plans``)."""
    return [e.path for e in userdata.entries("plans")]


def file_label(path: str | Path | None, lang: str) -> str:
    """A file's name as the lists show it, with "(livré)" / "(shipped)" for the read-only ones."""
    if path is None:
        return t("no_plan_b", lang)
    return t("shipped_file", lang, name=Path(path).stem) if userdata.is_shipped(path) else Path(path).stem


def keep_choice(widget_key: str, options: list, label) -> None:
    """Keep a choice widget's state one of its ``options`` across a change of language.

    The browser hands a select box's or radio's choice back as its printed label; when the
    language changes, the label is the other language's, which matches no option. ``label``
    is ``(option, lang) -> text``, the widget's ``format_func`` for a language: the state is
    mapped back to the option whose label it is in any language, else dropped.
    """
    if widget_key not in st.session_state or st.session_state[widget_key] in options:
        return
    value = st.session_state[widget_key]
    for option in options:
        if any(value == label(option, other) for other in LANGUAGES):
            st.session_state[widget_key] = option
            return
    del st.session_state[widget_key]


def choice(widget, label: str, options: list, show, key: str, lang: str, **kwargs):
    """A select box, radio or select slider (``widget``, e.g. ``st.selectbox`` or a column's)
    whose options are shown by ``show(option, lang)``, kept valid across a language change
    (:func:`keep_choice`)."""
    keep_choice(key, options, show)
    return widget(label, options, format_func=lambda option: show(option, lang), key=key, **kwargs)


def shared_choice(shared_key: str, widget_key: str, options: list, default=None) -> int:
    """Keep one choice (the scenario …) across pages: the widget starts on the shared value.

    Streamlit forgets a widget's state when its page is not shown; the shared key is plain
    session state, so the scenario chosen on one page is the one the next page opens with.
    Options are strings (a file's path). Call :func:`keep_choice` first (it drops a state
    that is no option, e.g. a file renamed or deleted since); a shared value that is no
    option gives the first. Returns the ``index`` to give the widget; the widget's
    ``on_change`` must call :func:`remember_choice`.
    """
    wanted = st.session_state.get(shared_key, default)
    if widget_key in st.session_state:
        wanted = st.session_state[shared_key] = st.session_state[widget_key]
    return options.index(wanted) if wanted in options else 0


def remember_choice(shared_key: str, widget_key: str) -> None:
    """``on_change`` of a widget whose choice is shared between pages."""
    st.session_state[shared_key] = st.session_state[widget_key]


def scenario_picker(container, lang: str, widget_key: str, label_key: str = "scenario") -> Path:
    """The scenario selectbox every page shows, on the scenario chosen last on any page."""
    files = [str(p) for p in scenario_files()]
    keep_choice(widget_key, files, file_label)
    index = shared_choice(Key.SCENARIO, widget_key, files)
    chosen = container.selectbox(
        t(label_key, lang),
        files,
        index=index,
        format_func=lambda p: file_label(p, lang),
        key=widget_key,
        on_change=remember_choice,
        args=(Key.SCENARIO, widget_key),
    )
    st.session_state[Key.SCENARIO] = chosen
    return Path(chosen)


MIME_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".yaml": "application/yaml",
    ".tif": "image/tiff",
    ".nc": "application/x-netcdf",
    ".json": "application/json",
    ".geojson": "application/geo+json",
}
"""Media type of a downloaded file, by its ending."""


def download(where, label: str, data: bytes, file_name: str, key: str) -> None:
    """A download button in ``where`` (``st`` or a column) that does not rerun the page when
    clicked (the file is already made), with the media type of the file's ending."""
    where.download_button(
        label,
        data,
        file_name=file_name,
        mime=MIME_TYPES.get(Path(file_name).suffix.lower(), "application/octet-stream"),
        key=key,
        on_click="ignore",
    )


def show_error(err, lang: str) -> None:
    """Bad input as one ``st.error`` per problem, in the reader's language (never a traceback)."""
    for item in getattr(err, "problems", None) or [err]:
        st.error(message_text(item, lang))


def boundaries_path() -> str | None:
    """Cercle boundaries set with ``SIM_BOUNDARIES``, or None for the built-in (OCHA) ones."""
    return settings.boundaries_file()


@st.cache_resource(show_spinner=False, max_entries=6)
def cached_delta(
    resolution: float = DEFAULT_RESOLUTION, year: int = DEFAULT_YEAR, boundaries: str | None = None
) -> Delta:
    """The built-in delta, built once per (resolution, year, boundaries) for all sessions."""
    return load_delta(resolution=resolution, year=year, boundaries=boundaries)
