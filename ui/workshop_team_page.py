"""Page "Atelier — équipe": a team joins with its code, sees its situation, decides, submits.

Everything shown comes from :func:`sim.workshop.service.team_view`, which reads only this
team's decisions and results and needs the session token its join gave; the token of the
last join decides which tab may submit. A browser session that opens this page sees only
this page (``app.py``): the rest of the app, the trainer's console included, is not linked.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.workshop import db, service
from sim.workshop.narrate import (
    day_label,
    decision_lines,
    event_line,
    item_namer,
    md,
    money,
    number,
    round_status,
    score_sentence,
    story_text,
    target_namer,
    unit_price,
)
from sim.workshop.rules import ALLOCATIONS, MAX_PRIORITY_CERCLES, WorkshopError
from ui.common import Key
from ui.i18n import percent, t

lang = st.session_state.get(Key.LANGUAGE, "fr")
ORDER_LINES = 3
MOVE_LINES = 2
MONEY_VALUES = ("cost", "left", "minimum")
COUNT_VALUES = ("capacity", "ordered", "seconds")

if Key.WS_TEAM not in st.session_state:  # this browser session is a team's from now on: app.py lists this page only
    st.session_state[Key.WS_TEAM] = ""
    st.rerun()


def text(key: str, **values) -> str:
    return t(key, lang, **values)


def show_error(err: WorkshopError) -> None:
    values = dict(err.values)
    if "state" in values:
        values["state"] = text(f"ws_state_{values['state']}")
    names = item_namer(lang)
    for k, v in values.items():
        if k in MONEY_VALUES:
            values[k] = money(v, lang)
        elif k in COUNT_VALUES:
            values[k] = number(v, lang)
        elif k == "item":
            values[k] = names(v)
    st.error(md(text(err.key, **values)))


def client() -> str:
    """The browser's address, the key of the per-client limits on guessing ("local" on this machine)."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "local"


conn = db.connect()
st.title(text("ws_team_title"))

if not st.session_state.get(Key.WS_TEAM):
    st.write(text("ws_team_intro"))
    with st.form("ws_join"):
        typed = st.text_input(text("ws_team_code"), max_chars=12, key="ws_join_code")
        if st.form_submit_button(text("ws_join"), type="primary"):
            try:
                team, token = service.join(conn, typed, client())
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
    st.session_state[Key.WS_TEAM] = ""
    st.stop()

dates = pd.DatetimeIndex(view["dates"])
delta = view["delta"]
item_name = item_namer(lang)
cercle_name = {c.pcode: c.name for c in delta.cercles}.get
target_name = target_namer(delta)
workshop = view["workshop"]
shown = (workshop["state"], workshop["round"])


def cercle(p: str) -> str:
    return cercle_name(p) or p


st.subheader(text("ws_team_header", team=view["team"]["name"], title=workshop["title"]))
if st.sidebar.button(text("ws_leave"), key="ws_leave"):
    st.session_state[Key.WS_TEAM] = ""
    st.session_state.pop(Key.WS_TOKEN, None)
    st.rerun()


@st.fragment(run_every=4)
def watch() -> None:
    """Reload the page when the trainer opens, pauses or closes a round; show the clock."""
    try:
        status = service.team_status(conn, team_code, token)
    except WorkshopError:
        st.rerun(scope="app")
    if (status["state"], status["round"]) != shown:
        st.rerun(scope="app")
    if status["state"] in ("open", "paused", "closed"):
        st.info(round_status(status["state"], status["round"], status["rounds"], status["time_left"], text))


watch()

if not view["current_tab"]:
    st.warning(text("ws_err_stale_tab"))
    if st.button(text("ws_take_over"), key="ws_take_over"):
        st.session_state[Key.WS_TOKEN] = service.take_over(conn, team_code, token)
        st.rerun()

if workshop["state"] == "ready":
    st.write(text("ws_wait_start"))
    st.stop()

account = view["ledger"]
situation = view["situation"]

if workshop["state"] == "finished":
    from sim.workshop.debrief import scoreboard_png
    from sim.workshop.stories import household_stories

    st.header(text("ws_final"))
    final = view["final"]
    mine = next(s for s in final["scores"] if s.team == view["team"]["name"])
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(text("ws_m_rank"), text("ws_rank_of", rank=mine.rank, teams=final["teams"]))
    c2.metric(text("ws_score_crises_avoided"), f"{mine.crises_avoided} / {mine.crises_avoided + mine.crises}")
    c3.metric(text("ws_score_fill"), percent(mine.fill_rate or 0.0, lang))
    c4.metric(text("ws_m_spent"), money(mine.spent, lang))
    st.markdown(f"**{md(score_sentence(mine, text, lang, cercle))}**")
    st.subheader(text("ws_scoreboard"))
    st.image(scoreboard_png(final["scores"], text, lang), width="stretch")
    for score in final["scores"]:
        st.write(md(f"{score.rank}. {score_sentence(score, text, lang, cercle)}"))
    st.caption(text("ws_score_rule"))
    _, models = service.team_stories(conn, team_code, token)
    st.subheader(text("ws_stories"))
    for story in household_stories(models):
        st.write(story_text(story, dates, text, lang, cercle))
    st.caption(text("ws_stories_note"))
    st.stop()

if situation is None:
    st.write(text("ws_wait_round"))
    st.stop()

start, end = view["round_dates"]
st.write(
    text(
        "ws_round_dates",
        n=workshop["round"],
        start=day_label(dates, start, lang),
        end=day_label(dates, end - 1, lang),
        last=day_label(dates, workshop["end_day"] - 1, lang),
    )
)
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(text("ws_m_displaced"), number(sum(situation["displaced"]), lang))
c2.metric(text("ws_m_without_shelter"), number(sum(situation["without_shelter"]), lang))
c3.metric(text("ws_m_without_water"), number(sum(situation["without_water"]), lang))
fill = situation["fill_rate"]
c4.metric(text("ws_m_fill"), "—" if fill is None else percent(fill, lang))
c5.metric(text("ws_m_budget_left"), money(account.left, lang))

left_col, right_col = st.columns([3, 2])
with left_col:
    from ui.maps import choropleth_png

    values = dict(zip(situation["cercles"], situation["displaced"]))
    st.image(
        choropleth_png(
            delta, values, lang, text("ws_map_displaced", date=day_label(dates, max(situation["day"] - 1, 0), lang))
        ),
        width="stretch",
    )
    st.caption(text("ws_grid_note", resolution=workshop["resolution"]))
with right_col:
    st.markdown(f"**{text('ws_last_round')}**")
    lines = [event_line(e, dates, text, lang, item_name, target_name) for e in situation["events"]]
    for line in lines or [text("ws_nothing_happened")]:
        st.write("• " + md(line))
    if view["forecast"]:
        f = view["forecast"]
        values = dict(
            start=day_label(dates, f["from"], lang),
            end=day_label(dates, f["to"] - 1, lang),
            low=number(f["stage_peak_cm"][0], lang),
            high=number(f["stage_peak_cm"][1], lang),
            dlow=number(f["displaced_peak"][0], lang),
            dhigh=number(f["displaced_peak"][1], lang),
        )
        if f["stage_peak_day"] is None:
            st.success(text("ws_forecast_rising", **values))
        else:
            st.success(text("ws_forecast_text", peak=day_label(dates, f["stage_peak_day"], lang), **values))
        st.caption(text("ws_forecast_note", error=number(f["error_cm"], lang)))

st.markdown(f"**{text('ws_ledger_title')}**")
lines = ("budget", "purchases", "forecast", "transport", "storage", "spent", "left")
st.table(
    pd.DataFrame(
        {text("ws_col_amount"): [money(getattr(account, k), lang) for k in lines]},
        index=[text(f"ws_col_{k}") for k in lines],
    )
)
st.caption(text("ws_ledger_note"))

stock = pd.DataFrame(situation["stock"]).T
stock = stock.loc[:, (stock > 0).any()] if not stock.empty else stock
stock.columns = [item_name(c) for c in stock.columns]
st.markdown(f"**{text('ws_stock')}**")
st.dataframe(stock.round(0), width="stretch")
moving = {
    item_name(k): [situation["in_transit"][k], situation["on_order"][k]]
    for k in situation["in_transit"]
    if situation["in_transit"][k] > 0 or situation["on_order"][k] > 0
}
if moving:
    st.dataframe(pd.DataFrame(moving, index=[text("ws_in_transit"), text("ws_on_order")]).round(0), width="stretch")

# --- the decision ---------------------------------------------------------------------------

number_now = workshop["round"]
hubs = view["hubs"]
items = view["items"]
offers = view["offers"]
current = view["decision"]
standing = view["standing"]


def offer_label(k: int | None) -> str:
    if k is None:
        return text("ws_no_order")
    o = offers[k]
    label = text(
        "ws_offer_label",
        item=item_name(o["item"]),
        source=o["source"],
        price=unit_price(o["price"], lang),
        low=number(o["lead"][0], lang),
        high=number(o["lead"][2], lang),
    )
    if o["capacity"] is not None:
        label += text("ws_offer_capacity", capacity=number(o["capacity"], lang))
    if o["too_late"]:
        label += text("ws_offer_late")
    return label


st.header(text("ws_decide", n=number_now))
decide_col, before_col = st.columns([3, 2])
with before_col:
    st.markdown(
        f"**{text('ws_previous', n=number_now - 1)}**" if number_now > 1 else f"**{text('ws_previous_first')}**"
    )
    previous = view["previous"]
    if number_now > 1:
        for line in (decision_lines(previous, text, lang, item_name, cercle) if previous else []) or [
            text("ws_no_action")
        ]:
            st.write("• " + md(line))
    rule = text(f"ws_rule_{standing['allocation']}") if standing["allocation"] else text("ws_rule_plan")
    st.caption(
        text("ws_standing", rule=rule, cercles=", ".join(cercle(p) for p in standing["priority"]) or text("ws_none"))
    )
    late = [o["source"] for o in offers if o["too_late"]]
    if late:
        st.warning(
            text(
                "ws_late_sources",
                sources=", ".join(dict.fromkeys(late)),
                end=day_label(dates, workshop["end_day"] - 1, lang),
            )
        )

with decide_col:
    if current is not None:
        st.success(md(text("ws_submitted", cost=money(current["cost"], lang))))
        for k, line in enumerate(decision_lines(current, text, lang, item_name, cercle)):
            if k < len(view["arrivals"]):
                day = view["arrivals"][k]
                note = text(
                    "ws_arrival_late" if day >= workshop["end_day"] else "ws_arrival", date=day_label(dates, day, lang)
                )
                line = f"{line} ({note})"
            st.write("• " + md(line))
    else:
        st.write(text("ws_nothing_sent"))
can_submit = workshop["state"] == "open" and view["current_tab"]
# widget keys carry the round: a new round starts empty; this round's sent decision, if any, fills the form
sent = current or {}
sent_orders = sent.get("orders", [])
sent_moves = sent.get("moves", [])
offer_index = {(o["item"], o["source"]): k for k, o in enumerate(offers)}
with st.form(f"ws_decision_{number_now}"):
    st.markdown(f"**{text('ws_orders')}**")
    st.caption(text("ws_orders_help"))
    for k in range(ORDER_LINES):
        a, c = st.columns([5, 1.4])
        chosen = offer_index.get((sent_orders[k]["item"], sent_orders[k]["source"])) if k < len(sent_orders) else None
        options = [None, *range(len(offers))]
        a.selectbox(
            text("ws_offer"),
            options,
            index=options.index(chosen),
            format_func=offer_label,
            key=f"ws_order_{number_now}_{k}",
        )
        c.number_input(
            text("ws_quantity"),
            min_value=0.0,
            value=float(sent_orders[k]["quantity"]) if k < len(sent_orders) else 0.0,
            step=100.0,
            key=f"ws_order_qty_{number_now}_{k}",
        )
    st.markdown(f"**{text('ws_moves')}**")
    for k in range(MOVE_LINES):
        m = sent_moves[k] if k < len(sent_moves) else None
        a, b, c, d = st.columns([2, 2, 2, 1.4])
        a.selectbox(
            text("ws_item"),
            items,
            format_func=item_name,
            key=f"ws_move_item_{number_now}_{k}",
            index=items.index(m["item"]) if m else (items.index("shelter_kit") if "shelter_kit" in items else 0),
        )
        b.selectbox(
            text("ws_from"), hubs, key=f"ws_move_from_{number_now}_{k}", index=hubs.index(m["from_hub"]) if m else 0
        )
        c.selectbox(
            text("ws_to"),
            hubs,
            index=hubs.index(m["to_hub"]) if m else min(1, len(hubs) - 1),
            key=f"ws_move_to_{number_now}_{k}",
        )
        d.number_input(
            text("ws_quantity"),
            min_value=0.0,
            value=float(m["quantity"]) if m else 0.0,
            step=100.0,
            key=f"ws_move_qty_{number_now}_{k}",
        )
    st.markdown(f"**{text('ws_distribution')}**")
    a, b = st.columns(2)
    rules = [None, *ALLOCATIONS]
    a.selectbox(
        text("ws_allocation"),
        rules,
        index=rules.index(sent.get("allocation")),
        format_func=lambda r: text("ws_rule_keep") if r is None else text(f"ws_rule_{r}"),
        key=f"ws_allocation_{number_now}",
    )
    priority_now = sent["priority"] if sent.get("priority") is not None else standing["priority"]
    b.multiselect(
        text("ws_priority", most=MAX_PRIORITY_CERCLES),
        view["cercles"],
        default=priority_now,
        format_func=cercle,
        max_selections=MAX_PRIORITY_CERCLES,
        placeholder=text("ws_choose"),
        key=f"ws_priority_{number_now}",
    )
    in_field = situation.get("teams_in_field", False)
    st.checkbox(
        text("ws_mobilize"),
        value=bool(sent.get("mobilize")),
        key=f"ws_mobilize_{number_now}",
        disabled=in_field,
        help=text("ws_teams_in_field") if in_field else None,
    )
    if workshop["forecast_price"] > 0:
        st.checkbox(
            text("ws_buy_forecast", price=money(workshop["forecast_price"], lang)),
            value=bool(sent.get("forecast")),
            key=f"ws_forecast_{number_now}",
            disabled=bool(view["forecast"]) and not sent.get("forecast"),
        )
    pressed = st.form_submit_button(text("ws_submit"), type="primary", disabled=not can_submit)

if pressed and any(
    st.session_state[f"ws_order_qty_{number_now}_{k}"] > 0 and st.session_state[f"ws_order_{number_now}_{k}"] is None
    for k in range(ORDER_LINES)
):
    st.error(text("ws_err_no_offer"))
    pressed = False
if pressed:
    state = st.session_state
    chosen_priority = list(state.get(f"ws_priority_{number_now}", []))
    raw = {
        "orders": [
            {
                "item": offers[state[f"ws_order_{number_now}_{k}"]]["item"],
                "source": offers[state[f"ws_order_{number_now}_{k}"]]["source"],
                "quantity": state[f"ws_order_qty_{number_now}_{k}"],
            }
            for k in range(ORDER_LINES)
            if state[f"ws_order_qty_{number_now}_{k}"] > 0 and state[f"ws_order_{number_now}_{k}"] is not None
        ],
        "moves": [
            {
                "item": state[f"ws_move_item_{number_now}_{k}"],
                "from_hub": state[f"ws_move_from_{number_now}_{k}"],
                "to_hub": state[f"ws_move_to_{number_now}_{k}"],
                "quantity": state[f"ws_move_qty_{number_now}_{k}"],
            }
            for k in range(MOVE_LINES)
            if state[f"ws_move_qty_{number_now}_{k}"] > 0
        ],
        "allocation": state.get(f"ws_allocation_{number_now}"),
        "priority": None
        if chosen_priority == standing["priority"]
        else chosen_priority,  # unchanged: not a new decision
        "mobilize": state.get(f"ws_mobilize_{number_now}", False),
        "forecast": state.get(f"ws_forecast_{number_now}", False),
    }
    try:
        service.submit(conn, team_code, token, number_now, raw)
    except WorkshopError as err:
        show_error(err)
    else:
        st.rerun()
if not can_submit and workshop["state"] != "open":
    st.caption(text("ws_closed_note"))
