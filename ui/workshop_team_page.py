"""Page "Atelier — équipe": a team joins with its code, sees its situation, decides, submits.

Everything shown comes from :func:`sim.workshop.service.team_view`, which reads only this
team's decisions and results; the session token of the last join decides which tab may
submit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.workshop import db, service
from sim.workshop.engine import season_of
from sim.workshop.narrate import day_label, decision_lines, event_line, item_namer, money, number, round_status, story_text, target_namer
from sim.workshop.rules import ALLOCATIONS, MAX_PRIORITY_CERCLES, WorkshopError
from ui.common import Key
from ui.i18n import t

lang = st.session_state.get(Key.LANGUAGE, "fr")
ORDER_LINES = 3
MOVE_LINES = 2


def text(key: str, **values) -> str:
    return t(key, lang, **values)


def show_error(err: WorkshopError) -> None:
    if "state" in err.values:
        err.values["state"] = text(f"ws_state_{err.values['state']}")
    names = item_namer(lang)
    st.error(text(err.key, **{k: money(v) if k in ("cost", "left", "minimum") else names(v) if k == "item" else v for k, v in err.values.items()}))


conn = db.connect()
st.title(text("ws_team_title"))

if not st.session_state.get(Key.WS_TEAM):
    st.write(text("ws_team_intro"))
    with st.form("ws_join"):
        typed = st.text_input(text("ws_team_code"), max_chars=12, key="ws_join_code")
        if st.form_submit_button(text("ws_join"), type="primary"):
            try:
                team, token = db.join_team(conn, typed)
            except WorkshopError as err:
                show_error(err)
            else:
                st.session_state[Key.WS_TEAM] = team["code"]
                st.session_state[Key.WS_TOKEN] = token
                st.rerun()
    st.stop()

team_code = st.session_state[Key.WS_TEAM]
token = st.session_state.get(Key.WS_TOKEN)
try:
    view = service.team_view(conn, team_code, token)
except WorkshopError as err:
    show_error(err)
    st.session_state.pop(Key.WS_TEAM, None)
    st.stop()

settings = view["settings"]
season = season_of(settings)
dates = pd.DatetimeIndex(season.inputs.dates)
item_name = item_namer(lang)
cercle_name = {c.pcode: c.name for c in season.delta.cercles}.get
target_name = target_namer(season.delta)
workshop = view["workshop"]
shown = (workshop["state"], workshop["round"])

st.subheader(text("ws_team_header", team=view["team"]["name"], title=workshop["title"]))
if st.sidebar.button(text("ws_leave"), key="ws_leave"):
    st.session_state.pop(Key.WS_TEAM, None)
    st.session_state.pop(Key.WS_TOKEN, None)
    st.rerun()


@st.fragment(run_every=4)
def watch() -> None:
    """Reload the page when the trainer opens, pauses or closes a round; show the clock."""
    row = db.workshop_row(conn, workshop["code"])
    if (row["state"], row["round"]) != shown:
        st.rerun(scope="app")
    if row["state"] in ("open", "paused", "closed"):
        st.info(round_status(row, service.time_left(row), text))


watch()

if not view["current_tab"]:
    st.warning(text("ws_err_stale_tab"))
    if st.button(text("ws_take_over"), key="ws_take_over"):
        _, st.session_state[Key.WS_TOKEN] = db.join_team(conn, team_code)
        st.rerun()

if workshop["state"] == "ready":
    st.write(text("ws_wait_start"))
    st.stop()

situation = view["situation"]
if workshop["state"] == "finished":
    st.header(text("ws_final"))
    from sim.workshop.debrief import scoreboard_png
    from sim.workshop.scoring import scoreboard

    scores = scoreboard(service.results_by_team(conn, workshop["code"]))  # numbers only, no decisions
    st.image(scoreboard_png(scores, text), width="stretch")
    own = [{"code": team_code, "name": view["team"]["name"]}]
    _, models = service.final_models(db.workshop_row(conn, workshop["code"]), own, {team_code: view["decisions"]})
    from sim.workshop.stories import household_stories

    st.subheader(text("ws_stories"))
    for story in household_stories(models):
        st.write(story_text(story, dates, text, lambda p: cercle_name(p) or p))
    st.caption(text("ws_stories_note"))
    st.stop()

if situation is None:
    st.write(text("ws_wait_round"))
    st.stop()

start, end = view["round_days"]
st.write(text("ws_round_dates", n=workshop["round"], start=day_label(dates, start), end=day_label(dates, end - 1)))
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(text("ws_m_displaced"), number(sum(situation["displaced"])))
c2.metric(text("ws_m_without_shelter"), number(sum(situation["without_shelter"])))
c3.metric(text("ws_m_without_water"), number(sum(situation["without_water"])))
fill = situation["fill_rate"]
c4.metric(text("ws_m_fill"), "—" if fill is None else f"{fill:.0%}")
c5.metric(text("ws_m_budget_left"), number(view["budget_left"]))

left_col, right_col = st.columns([3, 2])
with left_col:
    from ui.maps import choropleth_png

    values = dict(zip(situation["cercles"], situation["displaced"]))
    st.image(choropleth_png(season.delta, values, lang, text("ws_map_displaced", date=day_label(dates, max(situation["day"] - 1, 0)))), width="stretch")
    st.caption(text("ws_grid_note", resolution=settings.resolution))
with right_col:
    st.markdown(f"**{text('ws_last_round')}**")
    lines = [event_line(e, dates, text, item_name, target_name) for e in situation["events"]]
    for line in lines or [text("ws_nothing_happened")]:
        st.write("• " + line)
    if view["forecast"]:
        f = view["forecast"]
        st.success(
            text(
                "ws_forecast_text",
                start=day_label(dates, f["from"]),
                end=day_label(dates, f["to"] - 1),
                low=number(f["stage_peak_cm"][0]),
                high=number(f["stage_peak_cm"][1]),
                peak=day_label(dates, f["stage_peak_day"]),
                dlow=number(f["displaced_peak"][0]),
                dhigh=number(f["displaced_peak"][1]),
            )
        )

stock = pd.DataFrame(situation["stock"]).T
stock = stock.loc[:, (stock > 0).any()] if not stock.empty else stock
stock.columns = [item_name(c) for c in stock.columns]
st.markdown(f"**{text('ws_stock')}**")
st.dataframe(stock.round(0), width="stretch")
moving = {item_name(k): [situation["in_transit"][k], situation["on_order"][k]] for k in situation["in_transit"] if situation["in_transit"][k] > 0 or situation["on_order"][k] > 0}
if moving:
    st.dataframe(pd.DataFrame(moving, index=[text("ws_in_transit"), text("ws_on_order")]).round(0), width="stretch")

# --- the decision ---------------------------------------------------------------------------

plan = service.plan_of(settings.plan_text)
hubs = [w.hub for w in plan.warehouses]
sources = [s.name for s in plan.procurement]
items = [i for i in season.inputs.items]
current = view["decision"]
st.header(text("ws_decide", n=workshop["round"]))
if current.get("submitted_at"):
    st.success(text("ws_submitted", cost=money(current["cost"])))
    for line in decision_lines(current, text, item_name, lambda p: cercle_name(p) or p):
        st.write("• " + line)
can_submit = workshop["state"] == "open" and view["current_tab"]
with st.form("ws_decision"):
    st.markdown(f"**{text('ws_orders')}**")
    st.caption(text("ws_orders_help"))
    for k in range(ORDER_LINES):
        a, b, c = st.columns([2, 3, 1.4])
        a.selectbox(text("ws_item"), items, format_func=item_name, key=f"ws_order_item_{k}", index=items.index("shelter_kit") if "shelter_kit" in items else 0)
        b.selectbox(text("ws_source"), sources, key=f"ws_order_source_{k}")
        c.number_input(text("ws_quantity"), min_value=0.0, value=0.0, step=100.0, key=f"ws_order_qty_{k}")
    st.markdown(f"**{text('ws_moves')}**")
    for k in range(MOVE_LINES):
        a, b, c, d = st.columns([2, 2, 2, 1.4])
        a.selectbox(text("ws_item"), items, format_func=item_name, key=f"ws_move_item_{k}", index=items.index("shelter_kit") if "shelter_kit" in items else 0)
        b.selectbox(text("ws_from"), hubs, key=f"ws_move_from_{k}")
        c.selectbox(text("ws_to"), hubs, index=min(1, len(hubs) - 1), key=f"ws_move_to_{k}")
        d.number_input(text("ws_quantity"), min_value=0.0, value=0.0, step=100.0, key=f"ws_move_qty_{k}")
    st.markdown(f"**{text('ws_distribution')}**")
    a, b = st.columns(2)
    a.selectbox(text("ws_allocation"), [None, *ALLOCATIONS], format_func=lambda r: text("ws_rule_keep") if r is None else text(f"ws_rule_{r}"), key="ws_allocation")
    b.multiselect(text("ws_priority", most=MAX_PRIORITY_CERCLES), situation["cercles"], format_func=lambda p: cercle_name(p) or p, max_selections=MAX_PRIORITY_CERCLES, placeholder=text("ws_choose"), key="ws_priority")
    in_field = situation.get("teams_in_field", False)
    st.checkbox(text("ws_mobilize"), key="ws_mobilize", disabled=in_field, help=text("ws_teams_in_field") if in_field else None)
    if settings.forecast_price_usd > 0:
        st.checkbox(text("ws_buy_forecast", price=money(settings.forecast_price_usd)), key="ws_forecast", disabled=bool(view["forecast"]))
    pressed = st.form_submit_button(text("ws_submit"), type="primary", disabled=not can_submit)

if pressed:
    raw = {
        "orders": [
            {"item": st.session_state[f"ws_order_item_{k}"], "source": st.session_state[f"ws_order_source_{k}"], "quantity": st.session_state[f"ws_order_qty_{k}"]}
            for k in range(ORDER_LINES)
            if st.session_state[f"ws_order_qty_{k}"] > 0
        ],
        "moves": [
            {"item": st.session_state[f"ws_move_item_{k}"], "from_hub": st.session_state[f"ws_move_from_{k}"], "to_hub": st.session_state[f"ws_move_to_{k}"], "quantity": st.session_state[f"ws_move_qty_{k}"]}
            for k in range(MOVE_LINES)
            if st.session_state[f"ws_move_qty_{k}"] > 0
        ],
        "allocation": st.session_state.get("ws_allocation"),
        "priority": st.session_state.get("ws_priority", []),
        "mobilize": st.session_state.get("ws_mobilize", False),
        "forecast": st.session_state.get("ws_forecast", False),
    }
    try:
        service.submit(conn, team_code, token, workshop["round"], raw)
    except WorkshopError as err:
        show_error(err)
    else:
        st.rerun()
if not can_submit and workshop["state"] != "open":
    st.caption(text("ws_closed_note"))
