"""Page "Plan & simulation": choose, edit and save a plan, play it (and another) on a season's ensemble.

Everything the page computes lives in session state, never in a cached function that draws:
the run's results (:data:`ui.common.Key.PLAN_RESULT`), the tables being edited (drafts that
survive a visit to another page), the chosen scenario and plans. Saved plans go to the user's
data folder (:mod:`sim.core.userdata`); the shipped ones are read-only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from sim.core import facts, userdata
from sim.core.loader import InputError, dump_yaml
from sim.core.messages import problem_message
from sim.ensemble import warm_pool
from sim.labels import item_name, unit_name
from sim.plan import Plan
from sim.scenario import dump_text, load_file, parse_text, save_file, validation_context
from ui.common import (
    Key,
    choice,
    download,
    file_label,
    keep_choice,
    plan_files,
    remember_choice,
    scenario_picker,
    shared_choice,
    show_error,
)
from ui.i18n import t
from ui.library import file_items, library_panel
from ui.plan_editor import COLUMNS, ITEM_UNITS, column_of, plan_data, plan_tables, where
from ui.plan_results import run_plans, show_results
from ui.propose_panel import propose_panel

lang = st.session_state.get(Key.LANGUAGE, "fr")
TABLE_TITLES = {
    "warehouses": "stock_table",
    "procurement": "tab_procurement",
    "pledges": "tab_funding",
    "trucks": "trucks",
    "boats": "boats",
    "triggers": "tab_triggers",
}
HUBS = [row["name"] for row in facts.read_table("hubs")]
GAUGES = sorted({row["name"] for row in facts.read_table("gauges")})
PLACES = sorted(row["name"] for row in facts.read_table("settlements"))
SETTINGS = ("name", "title", "funds", "teams", "households", "allocation", "floor")
ALLOCATIONS = ("proportional", "worst_first", "equity_floor")


def _column_label(table: str, column: str) -> str:
    if column in ITEM_UNITS:
        return f"{item_name(column, lang)} ({unit_name(ITEM_UNITS[column], lang)})"
    return t(f"pcol_{column}", lang)


def _column_config(table: str) -> dict:
    """Labels and choices in the page's language; the cells keep the file's values."""
    choices = {
        "hub": (HUBS, str),
        "from_hub": (HUBS, str),
        "to_hub": (HUBS, str),
        "kind": (["local", "regional", "international"], lambda k: t(f"source_kind_{k}", lang)),
        "indicator": (["stage", "spi", "rainfall"], lambda k: t(f"indicator_{k}", lang)),
        "action": (["preposition", "order", "release_funds", "start_distribution"], lambda k: t(f"action_{k}", lang)),
        "gauge": (GAUGES, str),
        "place": (PLACES, str),
        "item": (list(ITEM_UNITS), lambda i: item_name(i, lang)),
    }
    config = {}
    for column in COLUMNS[table]:
        label = _column_label(table, column)
        if column in ITEM_UNITS:
            config[column] = st.column_config.NumberColumn(label, min_value=0.0)
        elif column == "items":
            config[column] = st.column_config.MultiselectColumn(
                label, options=list(ITEM_UNITS), format_func=lambda i: item_name(i, lang)
            )
        elif column in choices:
            options, shown = choices[column]
            config[column] = st.column_config.SelectboxColumn(label, options=options, format_func=shown)
        elif column in {"name", "date"}:
            config[column] = st.column_config.TextColumn(label)
        else:
            config[column] = st.column_config.NumberColumn(label)
    return config


def _draft(stem: str, part: str) -> str:
    return f"plan_draft:{stem}:{part}"


def _editor(table: str, frame: pd.DataFrame, stem: str) -> pd.DataFrame:
    """A table of plan A; its edits are kept as a draft that outlives a visit to another page.

    The editor is given the same data for as long as it lives (its edits are stored as
    changes to that data); when it is drawn anew, it starts from the draft.
    """
    widget, start = f"plan_{table}:{stem}", f"plan_editor_start:{stem}:{table}"
    if widget not in st.session_state or start not in st.session_state:
        st.session_state[start] = st.session_state.get(_draft(stem, table), frame)
    edited = st.data_editor(
        st.session_state[start],
        key=widget,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=_column_config(table),
    )
    st.session_state[_draft(stem, table)] = edited
    return edited


def _setting(stem: str, part: str, default):
    """A single setting of plan A: its draft if there is one, else the plan's value."""
    return st.session_state.get(_draft(stem, part), default)


def _keep(stem: str, part: str) -> None:
    """``on_change`` of a setting: keep it as the draft (a choice only once it is valid)."""
    value = st.session_state[f"plan_{part}:{stem}"]
    if part != "allocation" or value in ALLOCATIONS:
        st.session_state[_draft(stem, part)] = value


def _allocation_label(allocation: str, lang: str) -> str:
    return t(f"allocation_{allocation}", lang)


def _forget_drafts(stem: str) -> None:
    for key in [
        k
        for k in st.session_state
        if isinstance(k, str)
        and (
            k.startswith(f"plan_draft:{stem}:")
            or k.startswith(f"plan_editor_start:{stem}:")
            or k.endswith(f":{stem}")
            and k.startswith("plan_")
        )
    ]:
        del st.session_state[key]


def _default_name(plan: Plan, shipped: bool) -> str:
    return f"{plan.name}-{t('variant_suffix', lang)}" if shipped else plan.name


def _show_problem(problem) -> None:
    table, row, field = where(problem)
    if table is None:
        show_error(problem, lang)
    else:
        label = _column_label(table, column_of(table, field)) if column_of(table, field) in COLUMNS[table] else field
        st.error(
            t(
                "table_problem",
                lang,
                table=t(TABLE_TITLES[table], lang),
                row=row,
                field=label,
                message=problem_message(problem, lang),
            )
        )


def _edited_plan(base: Plan, stem: str, tables: dict[str, pd.DataFrame]) -> tuple[Plan | None, list]:
    """Plan A as the page shows it, checked like a file; or the problems that stop it."""
    settings = {
        "name": st.session_state[f"plan_name:{stem}"],
        "funding_available_usd": st.session_state[f"plan_funds:{stem}"],
        "teams": st.session_state[f"plan_teams:{stem}"],
        "households_per_team_per_day": st.session_state[f"plan_households:{stem}"],
        "allocation": st.session_state[f"plan_allocation:{stem}"],
        "equity_floor": st.session_state[f"plan_floor:{stem}"],
    }
    try:
        data = plan_data(base, tables, settings)
        title = (st.session_state.get(f"plan_title:{stem}") or "").strip()
        if title:
            data["title"] = title
        name = str(settings["name"]).strip() or "plan"
        return parse_text(dump_yaml(data), f"{name}.yaml", expect="plan", context=validation_context()), []
    except InputError as err:
        return None, err.problems


def _differs(edited: Plan, base: Plan) -> bool:
    """Whether the plan on screen holds other stock, fleet, money or rules than the file (names aside)."""

    def content(plan: Plan) -> dict:
        data = plan.model_dump(mode="json")
        for key in ("name", "title"):
            data.pop(key, None)
        return data

    return content(edited) != content(base)


def _save(edited: Plan, old_stem: str) -> None:
    try:
        target = userdata.target("plans", edited.name)
        save_file(edited, target)
    except (InputError, ValueError, OSError) as err:
        show_error(err, lang)
        return
    _forget_drafts(old_stem)
    _forget_drafts(edited.name)
    st.session_state[Key.PLAN_A] = str(target)
    st.session_state.pop("plan_a", None)
    st.session_state[Key.PLAN_FLASH] = t("plan_saved", lang, name=edited.name, path=target)
    st.rerun()


warm_pool()  # the ensemble's workers warm up (if the app's warm-up has not already) while the planner sets the plan up
st.title(t("plan_title", lang))
st.write(t("plan_intro", lang))
flash = st.session_state.pop(Key.PLAN_FLASH, None)
if flash:
    st.success(flash)

plans = [str(p) for p in plan_files()]
c1, c2, c3 = st.columns(3)
scenario_path = scenario_picker(c1, lang, "plan_scenario")
keep_choice("plan_a", plans, file_label)
plan_a = c2.selectbox(
    t("plan_a", lang),
    plans,
    index=shared_choice(Key.PLAN_A, "plan_a", plans),
    format_func=lambda p: file_label(p, lang),
    key="plan_a",
    on_change=remember_choice,
    args=(Key.PLAN_A, "plan_a"),
)
options_b = [None, *plans]
keep_choice("plan_b", options_b, file_label)
plan_b = c3.selectbox(
    t("plan_b", lang),
    options_b,
    index=shared_choice(Key.PLAN_B, "plan_b", options_b),
    format_func=lambda p: file_label(p, lang),
    key="plan_b",
    on_change=remember_choice,
    args=(Key.PLAN_B, "plan_b"),
)
st.session_state[Key.PLAN_A], st.session_state[Key.PLAN_B] = plan_a, plan_b
plan_a, plan_b = Path(plan_a), (Path(plan_b) if plan_b else None)
try:
    base_plan = load_file(plan_a, expect="plan")
except InputError as err:
    show_error(err, lang)
    st.stop()
stem = plan_a.stem
shipped = userdata.is_shipped(plan_a)

with st.expander(t("my_plans", lang)):
    st.caption(t("my_plans_help", lang))
    upload = st.file_uploader(t("plan_file", lang), type=["yaml", "yml"], key="plan_upload")
    if st.button(t("add_plan", lang), key="plan_add", disabled=upload is None):
        try:
            text = upload.getvalue().decode("utf-8")
            loaded = parse_text(text, upload.name, expect="plan", context=validation_context())
            target = userdata.target("plans", loaded.name)
            save_file(loaded, target)
        except UnicodeDecodeError:
            st.error(t("not_utf8", lang, file=upload.name))
        except (InputError, ValueError, OSError) as err:
            show_error(err, lang)
        else:
            st.session_state[Key.PLAN_A] = str(target)
            st.session_state.pop("plan_a", None)
            st.session_state[Key.PLAN_FLASH] = t("plan_added", lang, name=loaded.name, path=target)
            st.rerun()
    library_panel(
        file_items("plans"),
        lang,
        "plans_library",
        rename=lambda old, new: userdata.rename("plans", old, new),
        delete=lambda name: userdata.delete("plans", name),
        folder=userdata.user_folder("plans"),
    )

with st.expander(t("edit_plan", lang, name=stem), expanded=bool(st.session_state.get(f"plan_expanded:{stem}"))):
    tables = plan_tables(base_plan)
    tabs = st.tabs(
        [
            t(k, lang)
            for k in ("tab_stock", "tab_procurement", "tab_funding", "tab_fleet", "tab_distribution", "tab_triggers")
        ]
    )
    edited_tables: dict[str, pd.DataFrame] = {}
    with tabs[0]:
        edited_tables["warehouses"] = _editor("warehouses", tables["warehouses"], stem)
    with tabs[1]:
        st.caption(t("procurement_help", lang))
        edited_tables["procurement"] = _editor("procurement", tables["procurement"], stem)
    with tabs[2]:
        st.number_input(
            t("funding_available", lang),
            min_value=0.0,
            value=_setting(stem, "funds", float(base_plan.funding.available.to("USD").magnitude)),
            step=10000.0,
            key=f"plan_funds:{stem}",
            on_change=_keep,
            args=(stem, "funds"),
        )
        st.caption(t("pledges", lang))
        edited_tables["pledges"] = _editor("pledges", tables["pledges"], stem)
    with tabs[3]:
        st.caption(t("trucks", lang))
        edited_tables["trucks"] = _editor("trucks", tables["trucks"], stem)
        st.caption(t("boats", lang))
        edited_tables["boats"] = _editor("boats", tables["boats"], stem)
    with tabs[4]:
        st.number_input(
            t("teams", lang),
            min_value=0,
            max_value=500,
            value=_setting(stem, "teams", base_plan.distribution.teams),
            step=1,
            key=f"plan_teams:{stem}",
            on_change=_keep,
            args=(stem, "teams"),
        )
        st.number_input(
            t("households_per_team", lang),
            min_value=1.0,
            value=_setting(
                stem,
                "households",
                float(base_plan.distribution.households_per_team_per_day.to("household/day").magnitude),
            ),
            step=10.0,
            key=f"plan_households:{stem}",
            on_change=_keep,
            args=(stem, "households"),
        )
        drafted = _setting(stem, "allocation", base_plan.allocation)
        allocation = choice(
            st.radio,
            t("allocation", lang),
            list(ALLOCATIONS),
            _allocation_label,
            f"plan_allocation:{stem}",
            lang,
            index=ALLOCATIONS.index(drafted if drafted in ALLOCATIONS else base_plan.allocation),
            horizontal=True,
            on_change=_keep,
            args=(stem, "allocation"),
        )
        st.slider(
            t("equity_floor", lang),
            0.0,
            1.0,
            float(_setting(stem, "floor", base_plan.equity_floor)),
            0.05,
            key=f"plan_floor:{stem}",
            disabled=allocation != "equity_floor",
            on_change=_keep,
            args=(stem, "floor"),
        )
    with tabs[5]:
        st.caption(t("triggers_help", lang))
        edited_tables["triggers"] = _editor("triggers", tables["triggers"], stem)
    n1, n2 = st.columns(2)
    n1.text_input(
        t("plan_name", lang),
        value=_setting(stem, "name", _default_name(base_plan, shipped)),
        key=f"plan_name:{stem}",
        on_change=_keep,
        args=(stem, "name"),
    )
    n2.text_input(
        t("plan_title_field", lang),
        value=_setting(stem, "title", base_plan.title),
        key=f"plan_title:{stem}",
        on_change=_keep,
        args=(stem, "title"),
    )
    edited, problems = _edited_plan(base_plan, stem, edited_tables)
    for problem in problems:
        _show_problem(problem)
    b1, b2, b3 = st.columns(3)
    if b1.button(t("save_plan", lang), key="plan_save", type="primary", disabled=edited is None):
        _save(edited, stem)
    if b2.button(t("discard_edits", lang), key="plan_discard"):
        _forget_drafts(stem)
        st.rerun()
    text_on_screen = dump_text(edited) if edited is not None else plan_a.read_text(encoding="utf-8")
    name_on_screen = f"{edited.name}.yaml" if edited is not None else plan_a.name
    download(
        b3,
        t("download_plan", lang, name=name_on_screen),
        text_on_screen.encode("utf-8"),
        name_on_screen,
        "plan_download",
    )

unsaved = edited is not None and _differs(edited, base_plan)
if unsaved:
    st.warning(t("plan_unsaved", lang, name=stem, played=edited.name))
elif problems:
    st.warning(t("plan_edits_invalid", lang, name=stem))

c1, c2, c3 = st.columns(3)
members = int(c1.number_input(t("members", lang), min_value=1, max_value=200, value=10, step=1, key="plan_members"))
seed = int(c2.number_input(t("seed", lang), min_value=0, max_value=2**31 - 1, value=1, step=1, key="plan_seed"))
c3.write("")
clicked = c3.button(t("simulate", lang), type="primary", key="plan_run", width="stretch")
if clicked:
    plan_texts = [dump_text(edited) if unsaved else plan_a.read_text(encoding="utf-8")]
    names = [edited.name if unsaved else base_plan.name]
    if plan_b is not None:
        try:
            other = load_file(plan_b, expect="plan")
        except InputError as err:
            show_error(err, lang)
            st.stop()
        if other.name in names:
            st.error(t("plan_b_same", lang, name=other.name))
            st.stop()
        plan_texts.append(plan_b.read_text(encoding="utf-8"))
        names.append(other.name)
    run_plans(scenario_path, plan_texts, members, seed, lang, unsaved=names[0] if unsaved else None)

propose_panel(scenario_path, edited if unsaved else base_plan, lang)

if st.session_state.get(Key.PLAN_RESULT):
    show_results(st.session_state[Key.PLAN_RESULT], lang)
