"""Page "Atelier — formateur": create a workshop, run its rounds, see every team, debrief.

The console opens only with the workshop's code and the trainer's passcode (checked against
its salted hash in the database).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from sim.scenario import InputError, load_file
from sim.workshop import db, service
from sim.workshop.engine import season_of
from sim.workshop.narrate import day_label, decision_lines, item_namer, money, round_status, story_text, target_namer
from sim.workshop.rules import INJECT_KINDS, Inject, Settings, WorkshopError, round_bounds
from ui.common import Key, cached_delta, plan_files, scenario_files
from ui.common import show_error as show_input_error
from ui.i18n import t

lang = st.session_state.get(Key.LANGUAGE, "fr")
RESOLUTION = 0.05  # grid of workshop seasons [deg]: coarser than the planning pages, so a round plays in seconds


def text(key: str, **values) -> str:
    return t(key, lang, **values)


def show_error(err: WorkshopError) -> None:
    if "state" in err.values:
        err.values["state"] = text(f"ws_state_{err.values['state']}")
    st.error(text(err.key, **{k: (money(v) if k in ("cost", "left", "minimum") else v) for k, v in err.values.items()}))


conn = db.connect()
st.title(text("ws_trainer_title"))


def login_or_create() -> None:
    st.write(text("ws_trainer_intro"))
    tab_open, tab_create = st.tabs([text("ws_tab_open"), text("ws_tab_create")])
    with tab_open, st.form("ws_login"):
        code = st.text_input(text("ws_workshop_code"), key="ws_login_code")
        passcode = st.text_input(text("ws_passcode"), type="password", key="ws_login_pass")
        if st.form_submit_button(text("ws_open"), type="primary"):
            try:
                row = db.check_trainer(conn, code, passcode)
            except WorkshopError as err:
                show_error(err)
            else:
                st.session_state[Key.WS_TRAINER] = row["code"]
                st.rerun()
    with tab_create:
        create_form()


def _targets(delta, plan) -> dict[str, str]:
    """Label → target of an inject: hubs, cercles and roads."""
    out = {"—": ""}
    out.update({w.hub: w.hub for w in plan.warehouses})
    out.update({f"{c.name} ({c.pcode})": c.pcode for c in delta.cercles})
    out.update({f"{link.origin} – {link.destination}": f"{link.origin}|{link.destination}" for link in delta.links if link.mode == "road"})
    return out


def create_form() -> None:
    c1, c2 = st.columns(2)
    scenarios = scenario_files()
    floods = [k for k, p in enumerate(scenarios) if "flood" in p.stem]
    scenario_path = c1.selectbox(text("ws_scenario"), scenarios, index=floods[0] if floods else 0, format_func=lambda p: p.stem, key="ws_new_scenario")
    plans = plan_files()
    plan_path = c2.selectbox(text("ws_plan"), plans, format_func=lambda p: p.stem, key="ws_new_plan")
    try:
        scenario = load_file(scenario_path, expect="scenario")
        plan = load_file(plan_path, expect="plan")
    except InputError as err:
        show_input_error(err, lang)
        return
    delta = cached_delta(RESOLUTION)
    first_day, last_day = scenario.start_date, scenario.start_date + dt.timedelta(days=scenario.days - 1)
    kinds = {text(f"ws_inject_{k}"): k for k in INJECT_KINDS}
    targets = _targets(delta, plan)
    start_default = min(scenario.start_date + dt.timedelta(days=90), last_day)
    examples = pd.DataFrame(
        [
            {"date": start_default + dt.timedelta(days=3), "kind": text("ws_inject_road_cut"), "target": "Mopti – Ténenkou", "value": 14.0, "share": 0.0},
            {"date": start_default + dt.timedelta(days=9), "kind": text("ws_inject_warehouse_flooded"), "target": "Mopti/Sévaré", "value": 0.3, "share": 0.0},
        ]
    )
    with st.form("ws_create"):
        title = st.text_input(text("ws_title"), value=text("ws_title_default"), key="ws_new_title")
        a, b, c = st.columns(3)
        team_text = a.text_area(text("ws_teams"), value="Équipe A\nÉquipe B" if lang == "fr" else "Team A\nTeam B", key="ws_new_teams")
        passcode = b.text_input(text("ws_passcode_new"), type="password", key="ws_new_pass")
        seed = c.number_input(text("ws_seed"), min_value=0, max_value=2**31 - 1, value=1, step=1, key="ws_new_seed")
        a, b, c, d = st.columns(4)
        budget = a.number_input(text("ws_budget"), min_value=0.0, value=400_000.0, step=10_000.0, format="%.0f", key="ws_new_budget")
        rounds = b.number_input(text("ws_rounds"), min_value=1, max_value=30, value=3, step=1, key="ws_new_rounds")
        round_days = c.number_input(text("ws_round_days"), min_value=1, max_value=60, value=7, step=1, key="ws_new_round_days")
        minutes = d.number_input(text("ws_round_minutes"), min_value=0.0, max_value=240.0, value=15.0, step=1.0, format="%.0f", key="ws_new_minutes")
        a, b = st.columns(2)
        start = a.date_input(text("ws_start_date"), value=start_default, min_value=first_day, max_value=last_day, key="ws_new_start")
        forecast_price = b.number_input(text("ws_forecast_price"), min_value=0.0, value=15_000.0, step=1_000.0, format="%.0f", key="ws_new_forecast")
        st.markdown(f"**{text('ws_injects')}**")
        st.caption(text("ws_injects_help"))
        edited = st.data_editor(
            examples,
            num_rows="dynamic",
            key="ws_new_injects",
            width="stretch",
            column_config={
                "date": st.column_config.DateColumn(text("ws_col_date"), min_value=first_day, max_value=last_day, required=True),
                "kind": st.column_config.SelectboxColumn(text("ws_col_kind"), options=list(kinds), required=True),
                "target": st.column_config.SelectboxColumn(text("ws_col_target"), options=list(targets)),
                "value": st.column_config.NumberColumn(text("ws_col_value"), min_value=0.0),
                "share": st.column_config.NumberColumn(text("ws_col_share"), min_value=0.0, max_value=1.0),
            },
        )
        st.caption(text("ws_grid_note", resolution=RESOLUTION))
        pressed = st.form_submit_button(text("ws_create"), type="primary")
    if not pressed:
        return
    injects = []
    for _, row in edited.dropna(subset=["date", "kind"]).iterrows():
        injects.append(
            Inject(
                day=(pd.Timestamp(row["date"]).date() - scenario.start_date).days,
                kind=kinds[row["kind"]],
                target=targets.get(row.get("target") or "—", ""),
                value=float(row.get("value") or 0.0),
                share=float(row.get("share") or 0.0),
            )
        )
    settings = Settings(
        title=title,
        scenario_text=scenario_path.read_text(encoding="utf-8"),
        scenario_base=str(scenario_path.parent),
        plan_text=plan_path.read_text(encoding="utf-8"),
        seed=int(seed),
        budget_usd=float(budget),
        rounds=int(rounds),
        round_days=int(round_days),
        start_day=(start - scenario.start_date).days,
        round_minutes=float(minutes),
        forecast_price_usd=float(forecast_price),
        resolution=RESOLUTION,
        lang=lang,
        injects=tuple(injects),
    )
    with st.spinner(text("ws_computing")):
        try:
            code, _ = service.create_workshop(conn, settings, team_text.splitlines(), passcode)
        except WorkshopError as err:
            show_error(err)
            return
    st.session_state[Key.WS_TRAINER] = code
    st.rerun()


if not st.session_state.get(Key.WS_TRAINER):
    login_or_create()
    st.stop()

# --- the console ----------------------------------------------------------------------------

code = st.session_state[Key.WS_TRAINER]
view = service.trainer_view(conn, code)
row = view["workshop"]
settings: Settings = row["settings"]
season = season_of(settings)
dates = pd.DatetimeIndex(season.inputs.dates)
item_name = item_namer(lang)
cercle_name = {c.pcode: c.name for c in season.delta.cercles}
target_name = target_namer(season.delta)
if st.sidebar.button(text("ws_logout"), key="ws_logout"):
    st.session_state.pop(Key.WS_TRAINER, None)
    st.rerun()

st.subheader(text("ws_console_header", title=settings.title, code=row["code"]))
st.write(text("ws_join_how"))
teams = view["teams"]
for team in teams:
    st.markdown(f"**{team['name']}** : `{team['code']}`")
shown = (row["state"], row["round"])


@st.fragment(run_every=4)
def status() -> None:
    """The clock and who has submitted, refreshed every few seconds."""
    now_row = db.workshop_row(conn, code)
    if (now_row["state"], now_row["round"]) != shown:
        st.rerun(scope="app")
    st.info(round_status(now_row, service.time_left(now_row), text))
    if now_row["state"] in ("open", "paused"):
        done = [t_["name"] for t_ in teams if now_row["round"] in db.team_decisions(conn, t_["code"])]
        st.write(text("ws_submitted_count", done=len(done), total=len(teams), names=", ".join(done) or "—"))


status()
a, b, c = st.columns(3)
try:
    if row["state"] == "ready" and a.button(text("ws_start"), type="primary", key="ws_start"):
        with st.spinner(text("ws_computing")):
            service.start(conn, code)
        st.rerun()
    if row["state"] == "open" and b.button(text("ws_pause"), key="ws_pause"):
        service.pause(conn, code)
        st.rerun()
    if row["state"] == "paused" and b.button(text("ws_resume"), key="ws_resume"):
        service.resume(conn, code)
        st.rerun()
    if row["state"] in ("open", "paused", "closed"):
        label = text("ws_finish") if row["round"] >= settings.rounds else text("ws_advance", n=row["round"])
        if c.button(label, type="primary", key="ws_advance"):
            with st.spinner(text("ws_computing")):
                service.advance(conn, code, number=row["round"])
            st.rerun()
except WorkshopError as err:
    show_error(err)

with st.expander(text("ws_injects")):
    for inject in sorted(settings.injects, key=lambda i: i.day):
        target = f" — {target_name(inject.target)}" if inject.target else ""
        st.write(f"{day_label(dates, inject.day)} : {text(f'ws_inject_{inject.kind}')}{target}")
    if row["state"] in ("ready", "open", "paused"):
        with st.form("ws_add_inject"):
            first = round_bounds(settings, max(row["round"], 1))[0]
            kinds = {text(f"ws_inject_{k}"): k for k in INJECT_KINDS}
            targets = _targets(season.delta, service.plan_of(settings.plan_text))
            a, b, c, d, e = st.columns([1.3, 1.6, 1.8, 0.8, 0.8])
            when = a.date_input(text("ws_col_date"), value=dates[first].date(), min_value=dates[first].date(), max_value=dates[-1].date(), key="ws_add_date")
            kind = b.selectbox(text("ws_col_kind"), list(kinds), key="ws_add_kind")
            where = c.selectbox(text("ws_col_target"), list(targets), key="ws_add_target")
            value = d.number_input(text("ws_col_value"), min_value=0.0, value=7.0, key="ws_add_value")
            share = e.number_input(text("ws_col_share"), min_value=0.0, max_value=1.0, value=0.0, key="ws_add_share")
            if st.form_submit_button(text("ws_add_inject")):
                day = (pd.Timestamp(when) - dates[0]).days
                try:
                    service.add_inject(conn, code, Inject(day=day, kind=kinds[kind], target=targets[where], value=float(value), share=float(share)))
                except WorkshopError as err:
                    show_error(err)
                else:
                    st.rerun()

st.header(text("ws_decisions_all"))
for team in teams:
    with st.expander(team["name"]):
        decisions = view["decisions"][team["code"]]
        if not decisions:
            st.write(text("ws_no_decision"))
        for number, decision in decisions.items():
            st.markdown(f"**{text('ws_tl_round', n=number)}** — {money(decision['cost'])}")
            for line in decision_lines(decision, text, item_name, lambda p: cercle_name.get(p, p)) or [text("ws_no_action")]:
                st.write("• " + line)

played = row["round"] if row["state"] == "finished" else row["round"] - 1
if played < 1:
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=8)
def debrief(code: str, state: str, number: int, lang: str):
    """Scoreboard, timeline, stories and PDF of the rounds played (once per round and language)."""
    from sim.workshop.debrief import pdf_bytes, scoreboard_png, timeline_png
    from sim.workshop.scoring import scoreboard
    from sim.workshop.stories import household_stories

    say = lambda key, **values: t(key, lang, **values)  # noqa: E731
    own = db.connect()
    try:
        view = service.trainer_view(own, code)
    finally:
        own.close()
    row, teams = view["workshop"], view["teams"]
    settings = row["settings"]
    season = season_of(settings)
    dates = pd.DatetimeIndex(season.inputs.dates)
    cercle_name = {c.pcode: c.name for c in season.delta.cercles}
    names = {t_["code"]: t_["name"] for t_ in teams}
    played = row["round"] if row["state"] == "finished" else row["round"] - 1
    scores = scoreboard({names[k]: {n: r for n, r in v.items() if n <= played} for k, v in view["results"].items()})
    board = scoreboard_png(scores, say)
    named = {names[k]: v for k, v in view["decisions"].items()}
    line = timeline_png(season, settings, named, say, played)
    _, models = service.final_models(row, teams, view["decisions"])
    stories = [story_text(s, dates, say, lambda p: cercle_name.get(p, p)) for s in household_stories(models)]
    lines = {
        team: [f"{say('ws_tl_round', n=n)} ({day_label(dates, round_bounds(settings, n)[0])}): " + "; ".join(decision_lines(d, say, item_namer(lang), lambda p: cercle_name.get(p, p)) or [say("ws_no_action")]) for n, d in decisions.items() if n <= played]
        for team, decisions in named.items()
    }
    pdf = pdf_bytes(settings.title, settings, scores, stories, lines, board, line, say, lambda p: cercle_name.get(p, p))
    return scores, board, line, stories, pdf


scores, board_png, line_png, stories, pdf = debrief(code, row["state"], row["round"], lang)
st.header(text("ws_scoreboard"))
st.image(board_png, width="stretch")
st.dataframe(
    pd.DataFrame(
        [
            {
                text("ws_col_rank"): s.rank,
                text("ws_col_team"): s.team,
                text("ws_score_crises_avoided"): f"{s.crises_avoided} / {s.crises_avoided + s.crises}",
                text("ws_score_fill"): f"{100 * (s.fill_rate or 0):.0f} %",
                text("ws_score_shelter"): round(s.without_shelter),
                text("ws_score_water"): round(s.without_water),
                text("ws_score_worst"): f"{cercle_name.get(s.worst_cercle, '—')} {100 * (s.worst_fill or 0):.0f} %",
                text("ws_score_spent"): money(s.spent),
            }
            for s in scores
        ]
    ),
    hide_index=True,
    width="stretch",
)
st.caption(text("ws_score_rule"))

st.header(text("ws_timeline"))
st.image(line_png, width="stretch")

st.header(text("ws_stories"))
for story in stories or [text("ws_no_story")]:
    st.write(story)
st.caption(text("ws_stories_note"))
st.download_button(text("ws_download_debrief"), pdf, file_name=f"atelier-{row['code']}-debrief.pdf" if lang == "fr" else f"workshop-{row['code']}-debrief.pdf", mime="application/pdf", key="ws_debrief")
