"""Streamlit entry point: the page set-up, the language, and the navigation over ui/."""

import streamlit as st

from ui.common import ICON, Key, language, page_style
from ui.i18n import t
from ui.warm import start_warm_up


def main() -> None:
    st.set_page_config(page_title="Delta du Niger", page_icon=str(ICON), layout="wide")
    start_warm_up()  # once per server: the hazards season, the map frame and the ensemble's workers, in the background
    lang = language()
    page_style(lang)
    team_page = st.Page(
        "ui/workshop_team_page.py", title=t("ws_page_team", lang), icon=":material/groups_3:", url_path="atelier-equipe"
    )
    if Key.WS_TEAM in st.session_state:
        # a workshop team's device (its page sets the key on its first run): that page only, nothing else linked
        st.navigation([team_page]).run()
        return
    pages = [
        st.Page("ui/delta_page.py", title=t("page_delta", lang), icon=":material/map:", url_path="delta", default=True),
        st.Page("ui/hazards_page.py", title=t("page_hazards", lang), icon=":material/flood:", url_path="hazards"),
        st.Page("ui/impact_page.py", title=t("page_impact", lang), icon=":material/groups:", url_path="impact"),
        st.Page("ui/plan_page.py", title=t("page_plan", lang), icon=":material/local_shipping:", url_path="plan"),
        st.Page(
            "ui/triggers_page.py",
            title=t("page_triggers", lang),
            icon=":material/notifications_active:",
            url_path="triggers",
        ),
        st.Page("ui/commune_page.py", title=t("page_commune", lang), icon=":material/home_pin:", url_path="commune"),
        st.Page(
            "ui/workshop_trainer_page.py",
            title=t("ws_page_trainer", lang),
            icon=":material/school:",
            url_path="atelier-formateur",
        ),
        team_page,
    ]
    st.navigation(pages).run()


# The ensemble's worker processes are spawned while a page runs, when Streamlit has made this
# file the "__main__" module: multiprocessing then imports it in each worker as "__mp_main__",
# where it must draw nothing.
if __name__ != "__mp_main__":
    main()
