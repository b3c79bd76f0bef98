"""Page "Atelier — formateur": create a workshop, run its rounds, see every team, debrief.

The console opens only with the workshop's code and the trainer's passcode, and every view
and action of it passes them to :mod:`sim.workshop.service`, which checks the passcode
against its salted hash (under the limits on guessing) each time.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from sim.core.loader import InputError
from sim.scenario import load_file
from sim.workshop import db, service
from sim.workshop.debrief import pdf_bytes, scoreboard_png, timeline_png
from sim.workshop.narrate import (
    day_label,
    decision_lines,
    item_namer,
    md,
    money,
    number,
    round_status,
    score_sentence,
    story_text,
    target_namer,
)
from sim.workshop.room import qr_png, team_address
from sim.workshop.rules import (
    DEFAULT_ROUND_DAYS,
    DEFAULT_ROUNDS,
    INJECT_KINDS,
    Inject,
    Settings,
    WorkshopError,
    default_start_day,
    round_bounds,
)
from sim.workshop.scoring import scoreboard
from sim.workshop.stories import household_stories
from ui.common import Key, cached_delta, download, plan_files, scenario_files
from ui.common import show_error as show_input_error
from ui.i18n import percent, t

lang = st.session_state.get(Key.LANGUAGE, "fr")
RESOLUTION = 0.05  # grid of workshop seasons [deg]: coarser than the planning pages, so a round plays in seconds
MONEY_VALUES = ("cost", "left", "minimum")


def text(key: str, **values) -> str:
    return t(key, lang, **values)


def show_error(err: WorkshopError) -> None:
    values = dict(err.values)
    if "state" in values:
        values["state"] = text(f"ws_state_{values['state']}")
    values = {
        k: (money(v, lang) if k in MONEY_VALUES else number(v, lang) if k in ("n", "seconds") else v)
        for k, v in values.items()
    }
    st.error(md(text(err.key, **values)))


def client() -> str:
    """The browser's address, the key of the per-client limits on guessing ("local" on this machine)."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "local"


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
                row = service.trainer_login(conn, code, passcode, client())
            except WorkshopError as err:
                show_error(err)
            else:
                st.session_state[Key.WS_TRAINER] = {"code": row["code"], "passcode": passcode}
                st.rerun()
    with tab_create:
        create_form()


def _targets(delta, plan) -> dict[str, str]:
    """Label → target of an inject: hubs, cercles and roads."""
    out = {"—": ""}
    out.update({w.hub: w.hub for w in plan.warehouses})
    out.update({f"{c.name} ({c.pcode})": c.pcode for c in delta.cercles})
    out.update(
        {
            f"{link.origin} – {link.destination}": f"{link.origin}|{link.destination}"
            for link in delta.links
            if link.mode == "road"
        }
    )
    return out


def _warning_text(key: str, values: dict, dates) -> str:
    said = dict(values)
    for k in ("end", "peak"):
        if k in said:
            said[k] = day_label(dates, said[k], lang)
    if "days" in said:
        said["days"] = number(said["days"], lang)
    return text(key, **said)


def create_form() -> None:
    c1, c2 = st.columns(2)
    scenarios = scenario_files()
    floods = [k for k, p in enumerate(scenarios) if "flood" in p.stem]
    scenario_path = c1.selectbox(
        text("ws_scenario"),
        scenarios,
        index=floods[0] if floods else 0,
        format_func=lambda p: p.stem,
        key="ws_new_scenario",
    )
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
    scenario_text, plan_text = scenario_path.read_text(encoding="utf-8"), plan_path.read_text(encoding="utf-8")

    def settings_with(**values) -> Settings:
        base = dict(
            title="",
            scenario_text=scenario_text,
            scenario_base=str(scenario_path.parent),
            plan_text=plan_text,
            seed=1,
            budget_usd=0.0,
            rounds=DEFAULT_ROUNDS,
            round_days=DEFAULT_ROUND_DAYS,
            start_day=0,
            resolution=RESOLUTION,
            lang=lang,
        )
        return Settings(**{**base, **values})

    st.markdown(f"**{text('ws_calendar_title')}**")
    with st.spinner(text("ws_computing")):
        peak = service.calendar_preview(settings_with())["peak"]
    start_default = min(scenario.start_date + dt.timedelta(days=default_start_day(peak)), last_day)
    a, b, c, d = st.columns(4)
    rounds = a.number_input(
        text("ws_rounds"), min_value=1, max_value=30, value=DEFAULT_ROUNDS, step=1, key="ws_new_rounds"
    )
    round_days = b.number_input(
        text("ws_round_days"), min_value=1, max_value=60, value=DEFAULT_ROUND_DAYS, step=1, key="ws_new_round_days"
    )
    start = c.date_input(
        text("ws_start_date"),
        value=start_default,
        min_value=first_day,
        max_value=last_day,
        format="DD/MM/YYYY",
        key="ws_new_start",
    )
    seed = d.number_input(text("ws_seed"), min_value=0, max_value=2**31 - 1, value=1, step=1, key="ws_new_seed")
    calendar = settings_with(
        seed=int(seed), rounds=int(rounds), round_days=int(round_days), start_day=(start - scenario.start_date).days
    )
    preview = service.calendar_preview(calendar)
    dates = preview["dates"]
    if preview["end"] <= len(dates):
        st.info(
            text(
                "ws_calendar",
                start=day_label(dates, preview["start"], lang),
                end=day_label(dates, preview["end"] - 1, lang),
                peak=day_label(dates, preview["peak"], lang),
                rounds=int(rounds),
                days=int(round_days),
            )
        )
    for key, values in preview["warnings"]:
        st.warning(_warning_text(key, values, dates))

    kinds = {text(f"ws_inject_{k}"): k for k in INJECT_KINDS}
    targets = _targets(delta, plan)
    examples = pd.DataFrame(
        [
            {
                "date": start + dt.timedelta(days=10),
                "kind": text("ws_inject_road_cut"),
                "target": "Mopti – Ténenkou",
                "value": 14.0,
                "share": 0.0,
            },
            {
                "date": start + dt.timedelta(days=40),
                "kind": text("ws_inject_warehouse_flooded"),
                "target": "Mopti/Sévaré",
                "value": 0.3,
                "share": 0.0,
            },
        ]
    )
    with st.form("ws_create"):
        title = st.text_input(text("ws_title"), value=text("ws_title_default"), key="ws_new_title")
        a, b = st.columns(2)
        team_text = a.text_area(
            text("ws_teams"), value="Équipe A\nÉquipe B" if lang == "fr" else "Team A\nTeam B", key="ws_new_teams"
        )
        passcode = b.text_input(text("ws_passcode_new", n=db.MIN_PASSCODE), type="password", key="ws_new_pass")
        a, b, c = st.columns(3)
        budget = a.number_input(
            text("ws_budget"), min_value=0.0, value=400_000.0, step=10_000.0, format="%.0f", key="ws_new_budget"
        )
        minutes = b.number_input(
            text("ws_round_minutes"),
            min_value=0.0,
            max_value=240.0,
            value=15.0,
            step=1.0,
            format="%.0f",
            key="ws_new_minutes",
        )
        forecast_price = c.number_input(
            text("ws_forecast_price"), min_value=0.0, value=15_000.0, step=1_000.0, format="%.0f", key="ws_new_forecast"
        )
        st.markdown(f"**{text('ws_injects')}**")
        st.caption(text("ws_injects_help"))
        edited = st.data_editor(
            examples,
            num_rows="dynamic",
            key="ws_new_injects",
            width="stretch",
            column_config={
                "date": st.column_config.DateColumn(
                    text("ws_col_date"), min_value=first_day, max_value=last_day, format="DD/MM/YYYY", required=True
                ),
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
        scenario_text=scenario_text,
        scenario_base=str(scenario_path.parent),
        plan_text=plan_text,
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
    st.session_state[Key.WS_TRAINER] = {"code": code, "passcode": passcode}
    st.rerun()


if not isinstance(st.session_state.get(Key.WS_TRAINER), dict):
    login_or_create()
    st.stop()

# --- the console ----------------------------------------------------------------------------

code, passcode = st.session_state[Key.WS_TRAINER]["code"], st.session_state[Key.WS_TRAINER]["passcode"]
try:
    view = service.trainer_view(conn, code, passcode, client())
except WorkshopError as err:
    show_error(err)
    st.session_state.pop(Key.WS_TRAINER, None)
    st.stop()
row = view["workshop"]
settings: Settings = row["settings"]
season = service.season_of(settings)
dates = pd.DatetimeIndex(season.inputs.dates)
item_name = item_namer(lang)
cercle_name = {c.pcode: c.name for c in season.delta.cercles}
target_name = target_namer(season.delta)
if st.sidebar.button(text("ws_logout"), key="ws_logout"):
    st.session_state.pop(Key.WS_TRAINER, None)
    st.rerun()


def cercle(p: str) -> str:
    return cercle_name.get(p, p)


st.subheader(text("ws_console_header", title=settings.title, code=row["code"]))
address, reachable = team_address(
    st.get_option("server.address"),
    int(st.get_option("server.port")),
    st.context.url if isinstance(st.context.url, str) else None,
)
where, qr = st.columns([4, 1])
with where:
    st.markdown(f"**{text('ws_address_title')}**")
    shown_address = address.replace("/atelier-equipe", "/<wbr>atelier-equipe")  # if it must wrap, at the slash
    st.markdown(
        f"<div data-testid='ws-team-address' style='font-size:2.2rem;font-weight:700;line-height:1.2;overflow-wrap:anywhere'>{shown_address}</div>",
        unsafe_allow_html=True,
    )
    st.write(text("ws_join_how"))
    if not reachable:
        st.warning(text("ws_address_local"))
    teams = view["teams"]
    for team in teams:
        st.markdown(
            f"<div style='font-size:1.5rem'><b>{team['name']}</b> : <code>{team['code']}</code></div>",
            unsafe_allow_html=True,
        )
with qr:
    st.image(qr_png(address), caption=text("ws_qr_caption"), width=220)

st.caption(
    text(
        "ws_calendar",
        start=day_label(dates, settings.start_day, lang),
        end=day_label(dates, round_bounds(settings, settings.rounds)[1] - 1, lang),
        peak=day_label(dates, view["peak_day"], lang),
        rounds=settings.rounds,
        days=settings.round_days,
    )
)
for key, values in view["warnings"]:
    st.warning(_warning_text(key, values, dates))
shown = (row["state"], row["round"])


@st.fragment(run_every=4)
def status() -> None:
    """The clock, who has decided, each team's decisions and ledger: one view, refreshed every few seconds."""
    try:
        now = service.trainer_view(conn, code, passcode, client())
    except WorkshopError as err:
        show_error(err)
        return
    now_row = now["workshop"]
    if (now_row["state"], now_row["round"]) != shown:
        st.rerun(scope="app")
    st.info(round_status(now_row["state"], now_row["round"], settings.rounds, now["time_left"], text))
    end = round_bounds(settings, settings.rounds)[1]
    for source, days in now["too_late"]:
        st.warning(
            text("ws_warn_too_late_now", source=source, days=number(days, lang), end=day_label(dates, end - 1, lang))
        )
    names = {t_["code"]: t_["name"] for t_ in now["teams"]}
    for team_code, orders in now["late_orders"].items():
        for o in orders:
            st.warning(
                md(
                    text(
                        "ws_warn_late_order",
                        team=names[team_code],
                        quantity=number(o["quantity"], lang),
                        item=item_name(o["item"]),
                        source=o["source"],
                        n=o["round"],
                        arrival=day_label(dates, o["arrival"], lang),
                        end=day_label(dates, end - 1, lang),
                    )
                )
            )
    if now_row["state"] in ("open", "paused"):
        done = [names[c] for c in now["submitted"]]
        st.write(text("ws_submitted_count", done=len(done), total=len(names), names=", ".join(done) or "—"))
    st.markdown(f"**{text('ws_ledger_all')}**")
    st.table(
        pd.DataFrame(
            [
                {
                    text("ws_col_decided", n=now_row["round"]): (
                        text("ws_decided_yes") if c in now["submitted"] else text("ws_decided_no")
                    )
                    if now_row["state"] in ("open", "paused", "closed")
                    else "—",
                    text("ws_col_budget"): money(a.budget, lang),
                    text("ws_col_purchases"): money(a.purchases, lang),
                    text("ws_col_forecast"): money(a.forecast, lang),
                    text("ws_col_transport"): money(a.transport, lang),
                    text("ws_col_storage"): money(a.storage, lang),
                    text("ws_col_spent"): money(a.spent, lang),
                    text("ws_col_left"): money(a.left, lang),
                }
                for c, a in now["ledgers"].items()
            ],
            index=[names[c] for c in now["ledgers"]],
        )
    )
    st.caption(text("ws_ledger_note"))
    st.markdown(f"**{text('ws_decisions_all')}**")
    for team in now["teams"]:
        decisions = now["decisions"][team["code"]]
        with st.expander(team["name"], expanded=True):
            if not decisions:
                st.write(text("ws_no_decision"))
            for k, decision in decisions.items():
                st.markdown(md(f"**{text('ws_tl_round', n=k)}** — {money(decision['cost'], lang)}"))
                for line in decision_lines(decision, text, lang, item_name, cercle) or [text("ws_no_action")]:
                    st.write("• " + md(line))


status()
a, b, c = st.columns(3)
try:
    if row["state"] == "ready" and a.button(text("ws_start"), type="primary", key="ws_start"):
        with st.spinner(text("ws_computing")):
            service.start(conn, code, passcode, client())
        st.rerun()
    if row["state"] == "open" and b.button(text("ws_pause"), key="ws_pause"):
        service.pause(conn, code, passcode, client())
        st.rerun()
    if row["state"] == "paused" and b.button(text("ws_resume"), key="ws_resume"):
        service.resume(conn, code, passcode, client())
        st.rerun()
    if row["state"] in ("open", "paused", "closed"):
        label = (
            text("ws_finish")
            if row["round"] >= settings.rounds
            else text("ws_advance", n=row["round"], days=settings.round_days)
        )
        if c.button(label, type="primary", key="ws_advance"):
            with st.spinner(text("ws_computing")):
                service.advance(conn, code, passcode, client(), number=row["round"])
            st.rerun()
except WorkshopError as err:
    show_error(err)

with st.expander(text("ws_injects")):
    for inject in sorted(settings.injects, key=lambda i: i.day):
        target = f" — {target_name(inject.target)}" if inject.target else ""
        st.write(f"{day_label(dates, inject.day, lang)} : {text(f'ws_inject_{inject.kind}')}{target}")
    if row["state"] in ("ready", "open", "paused"):
        with st.form("ws_add_inject"):
            first = round_bounds(settings, max(row["round"], 1))[0]
            kinds = {text(f"ws_inject_{k}"): k for k in INJECT_KINDS}
            targets = _targets(season.delta, service.plan_of(settings.plan_text))
            a, b, c, d, e = st.columns([1.3, 1.6, 1.8, 0.8, 0.8])
            when = a.date_input(
                text("ws_col_date"),
                value=dates[first].date(),
                min_value=dates[first].date(),
                max_value=dates[-1].date(),
                format="DD/MM/YYYY",
                key="ws_add_date",
            )
            kind = b.selectbox(text("ws_col_kind"), list(kinds), key="ws_add_kind")
            where_to = c.selectbox(text("ws_col_target"), list(targets), key="ws_add_target")
            value = d.number_input(text("ws_col_value"), min_value=0.0, value=7.0, key="ws_add_value")
            share = e.number_input(text("ws_col_share"), min_value=0.0, max_value=1.0, value=0.0, key="ws_add_share")
            if st.form_submit_button(text("ws_add_inject")):
                day = (pd.Timestamp(when) - dates[0]).days
                try:
                    service.add_inject(
                        conn,
                        code,
                        passcode,
                        Inject(
                            day=day, kind=kinds[kind], target=targets[where_to], value=float(value), share=float(share)
                        ),
                        client(),
                    )
                except WorkshopError as err:
                    show_error(err)
                else:
                    st.rerun()

played = service.played_rounds(row)
if played < 1:
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=8)
def debrief(code: str, state: str, number_: int, lang: str, _passcode: str, _client: str):
    """Scoreboard, sentences, timeline, stories and PDF of the rounds played (once per round and
    language; the page has checked the passcode in this run, and the service checks it again)."""

    def say(key, **values):
        return t(key, lang, **values)

    own = db.connect()
    try:
        view, season, models = service.debrief(own, code, _passcode, _client)
        results = service.results_by_team(own, code, _passcode, _client)
    finally:
        own.close()
    row, teams = view["workshop"], view["teams"]
    settings = row["settings"]
    dates = pd.DatetimeIndex(season.inputs.dates)
    names = {t_["code"]: t_["name"] for t_ in teams}
    cercle_of = {c.pcode: c.name for c in season.delta.cercles}

    def name_of(p):
        return cercle_of.get(p, p)

    played = service.played_rounds(row)
    scores = scoreboard(results)
    sentences = [score_sentence(s, say, lang, name_of) for s in scores]
    board = scoreboard_png(scores, say, lang)
    named = {names[k]: v for k, v in view["decisions"].items()}
    line = timeline_png(season, settings, named, say, played)
    stories = [story_text(s, dates, say, lang, name_of) for s in household_stories(models)]
    lines = {
        team: [
            f"{say('ws_tl_round', n=n)} ({day_label(dates, round_bounds(settings, n)[0], lang)}): "
            + "; ".join(decision_lines(d, say, lang, item_namer(lang), name_of) or [say("ws_no_action")])
            for n, d in decisions.items()
            if n <= played
        ]
        for team, decisions in named.items()
    }
    pdf = pdf_bytes(settings.title, settings, scores, sentences, stories, lines, board, line, say, lang, name_of)
    return scores, sentences, board, line, stories, pdf


scores, sentences, board_png, line_png, stories, pdf = debrief(
    code, row["state"], row["round"], lang, passcode, client()
)
st.header(text("ws_scoreboard"))
st.image(board_png, width="stretch")
for sentence, score in zip(sentences, scores):
    st.write(md(f"{score.rank}. {sentence}"))
st.table(
    pd.DataFrame(
        [
            {
                text("ws_col_rank"): s.rank,
                text("ws_score_crises_avoided"): f"{s.crises_avoided} / {s.crises_avoided + s.crises}",
                text("ws_score_fill"): percent(s.fill_rate or 0.0, lang),
                text("ws_score_shelter"): number(s.without_shelter, lang),
                text("ws_score_water"): number(s.without_water, lang),
                text("ws_score_worst"): f"{cercle(s.worst_cercle)} {percent(s.worst_fill, lang)}"
                if s.worst_cercle
                else "—",
                text("ws_score_spent"): money(s.spent, lang),
            }
            for s in scores
        ],
        index=[s.team for s in scores],
    )
)
st.caption(text("ws_score_rule"))

st.header(text("ws_timeline"))
st.image(line_png, width="stretch")

st.header(text("ws_stories"))
for story in stories or [text("ws_no_story")]:
    st.write(story)
st.caption(text("ws_stories_note"))
download(
    st,
    text("ws_download_debrief"),
    pdf,
    f"atelier-{row['code']}-debrief.pdf" if lang == "fr" else f"workshop-{row['code']}-debrief.pdf",
    "ws_debrief",
)
