"""The user's library in the app: their scenarios, plans or layers beside the shipped ones,
with download, rename and delete for their own (the shipped ones are read-only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from sim.core import userdata
from ui.common import download, show_error
from ui.i18n import t

FLASH = "library_flash"
"""Session key of the message shown after a rename or a delete (the page reruns in between)."""


@dataclass(frozen=True)
class Item:
    """One file of a library as the panel shows it."""

    name: str
    shipped: bool
    download: Path
    detail: str = ""


def file_items(kind: str) -> list[Item]:
    """The scenarios or plans of the library (``kind``: ``scenarios`` or ``plans``)."""
    return [Item(e.name, e.shipped, e.path) for e in userdata.entries(kind)]


def _rename(rename: Callable[[str, str], object], old: str, widget: str, lang: str) -> None:
    new = (st.session_state.get(widget) or "").strip()
    try:
        rename(old, new)
    except (ValueError, OSError) as err:
        st.session_state[FLASH] = ("error", err)
        return
    st.session_state[FLASH] = ("success", t("library_renamed", lang, old=old, new=new))


def _delete(delete: Callable[[str], object], name: str, lang: str) -> None:
    try:
        delete(name)
    except (ValueError, OSError) as err:
        st.session_state[FLASH] = ("error", err)
        return
    st.session_state[FLASH] = ("success", t("library_deleted", lang, name=name))


def library_panel(
    items: list[Item],
    lang: str,
    key: str,
    rename: Callable[[str, str], object],
    delete: Callable[[str], object],
    folder: Path,
) -> None:
    """The list of files, and what the user can do with their own.

    ``rename(old, new)`` and ``delete(name)`` act on the user's files (refusing shipped ones);
    a page's choice of a file renamed or deleted falls back on its next run
    (:func:`ui.common.keep_choice`).
    """
    flash = st.session_state.pop(FLASH, None)
    if flash:
        kind, message = flash
        if kind == "error":
            show_error(message, lang)
        else:
            st.success(message)
    st.dataframe(
        pd.DataFrame(
            {
                t("col_name", lang): [i.name for i in items],
                t("col_origin", lang): [t("origin_shipped" if i.shipped else "origin_yours", lang) for i in items],
                **({t("col_detail", lang): [i.detail for i in items]} if any(i.detail for i in items) else {}),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    own = [i for i in items if not i.shipped]
    st.caption(t("library_folder", lang, folder=folder))
    if not own:
        st.caption(t("library_none_yet", lang))
        return
    names = [i.name for i in own]
    chosen = st.selectbox(t("library_pick", lang), names, key=f"{key}_pick")
    item = own[names.index(chosen)]
    c1, c2, c3 = st.columns(3)
    download(
        c1,
        t("library_download", lang, name=item.download.name),
        item.download.read_bytes(),
        item.download.name,
        f"{key}_download",
    )
    new_key = f"{key}_new_name"
    c2.text_input(t("library_new_name", lang), key=new_key, placeholder=f"{chosen}-2")
    c2.button(t("library_rename", lang), key=f"{key}_rename", on_click=_rename, args=(rename, chosen, new_key, lang))
    sure = c3.checkbox(t("library_confirm_delete", lang, name=chosen), key=f"{key}_sure")
    c3.button(
        t("library_delete", lang),
        key=f"{key}_delete",
        disabled=not sure,
        on_click=_delete,
        args=(delete, chosen, lang),
        type="secondary",
    )
