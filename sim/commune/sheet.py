"""The commune's one-page plan (PDF, A4, French first): for a meeting with little reading — a
pictogram for each need, the warning levels to keep by the radio, the villages at risk, where
people can go, blank lines for the contacts, and the model's assumptions in small print."""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.i18n import date_long, date_short, number, t
from sim.labels import unit_name
from sim.report import new_pdf, pdf_table

NEED_GROUPS = {
    "water": ("water",),
    "food": ("cereal",),
    "shelter": ("shelter_kit",),
    "kits": ("nfi_kit",),
}
"""The four needs drawn, each the ration items it shows (``sim/data/rations.csv``)."""

VILLAGE_ROWS = 10
"""Villages listed on the page (those that flood at the lowest stages first); the rest counted."""

HOST_ROWS = 6
"""Hosting sites listed on the page, the nearest first."""

PICTOGRAM_COLOURS = {"water": (41, 128, 185), "food": (211, 84, 0), "shelter": (39, 120, 70), "kits": (125, 60, 152)}
"""Fill colour of each need's pictogram (RGB)."""


def _stage(value, lang: str, above: float | None = None) -> str:
    """A stage [cm]; None is "above ``above``" (not flooded within the scan) or a dash."""
    if value is None:
        return "—" if above is None else t("cm_above", lang, stage=number(above, lang))
    return f"{number(value, lang)} cm"


PER_WEEK_NEEDS = ("water", "food")
"""Needs consumed every day, shown as the busiest week's; the others are handed out once and
shown for the whole season."""


@dataclass(frozen=True)
class NeedCard:
    """One need as the plan shows it: ``need`` (a key of :data:`NEED_GROUPS`), its ``label``,
    its ``amount`` with the unit, and the ``caption`` saying over what time."""

    need: str
    label: str
    amount: str
    caption: str


def _amount(week: dict, need: str) -> float:
    return sum(week["needs"].get(item, 0.0) for item in NEED_GROUPS[need])


def need_cards(data: dict, lang: str) -> list[NeedCard]:
    """The four needs, each the most needed in one week (:data:`PER_WEEK_NEEDS`) or the season's total."""
    cards = []
    for need, items in NEED_GROUPS.items():
        weekly = [_amount(w, need) for w in data["needs_by_week"]]
        per_week = need in PER_WEEK_NEEDS
        value = max(weekly, default=0.0) if per_week else sum(weekly)
        cards.append(
            NeedCard(
                need,
                t(f"cm_need_{need}", lang),
                f"{number(value, lang)} {unit_name(data['units'].get(items[0], ''), lang)}",
                t("cm_need_week" if per_week else "cm_need_season", lang),
            )
        )
    return cards


def week_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """The commune's needs week by week: the week's first day and each need's amount."""
    header = [t("cm_col_week", lang)] + [t(f"cm_need_{need}", lang) for need in NEED_GROUPS]
    rows = [
        [date_short(w["week_start"], lang)] + [number(_amount(w, need), lang) for need in NEED_GROUPS]
        for w in data["needs_by_week"]
    ]
    return header, rows


def _pictogram(pdf, need: str, x: float, y: float, size: float) -> None:
    """A simple drawing for each need, ``size`` mm square, top-left at (x, y)."""
    pdf.set_fill_color(*PICTOGRAM_COLOURS[need])
    pdf.set_draw_color(*PICTOGRAM_COLOURS[need])
    s = size
    if need == "water":  # a drop
        pdf.polygon([(x + s / 2, y), (x + s * 0.2, y + s * 0.55), (x + s * 0.8, y + s * 0.55)], style="F")
        pdf.ellipse(x + s * 0.2, y + s * 0.3, s * 0.6, s * 0.6, style="F")
    elif need == "food":  # a bowl of grain
        pdf.ellipse(x + s * 0.25, y + s * 0.2, s * 0.5, s * 0.35, style="F")
        pdf.polygon(
            [(x, y + s * 0.45), (x + s, y + s * 0.45), (x + s * 0.75, y + s * 0.9), (x + s * 0.25, y + s * 0.9)],
            style="F",
        )
    elif need == "shelter":  # a tent
        pdf.polygon([(x + s / 2, y + s * 0.05), (x, y + s * 0.9), (x + s, y + s * 0.9)], style="F")
        pdf.set_fill_color(255, 255, 255)
        pdf.polygon([(x + s / 2, y + s * 0.45), (x + s * 0.38, y + s * 0.9), (x + s * 0.62, y + s * 0.9)], style="F")
    else:  # a box with a handle
        pdf.rect(x + s * 0.1, y + s * 0.35, s * 0.8, s * 0.55, style="F")
        pdf.set_line_width(1.2)
        pdf.line(x + s * 0.35, y + s * 0.35, x + s * 0.35, y + s * 0.15)
        pdf.line(x + s * 0.35, y + s * 0.15, x + s * 0.65, y + s * 0.15)
        pdf.line(x + s * 0.65, y + s * 0.15, x + s * 0.65, y + s * 0.35)
        pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(0)


def _needs_row(pdf, data: dict, lang: str) -> None:
    cards = need_cards(data, lang)
    width = pdf.epw / len(cards)
    top = pdf.get_y()
    for k, card in enumerate(cards):
        x = pdf.l_margin + k * width
        _pictogram(pdf, card.need, x + 1, top + 1, 14)
        text_x, text_w = x + 17, width - 18
        pdf.set_xy(text_x, top)
        pdf.set_font("DejaVu", "B", size=9)
        pdf.multi_cell(text_w, 4, card.label, new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "B", size=11)
        pdf.multi_cell(text_w, 5, card.amount, new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", size=7)
        pdf.multi_cell(text_w, 3, card.caption, new_x="LEFT", new_y="NEXT", align="L")
    pdf.set_xy(pdf.l_margin, top + 18)
    pdf.set_font("DejaVu", size=9)


def _heading(pdf, text: str) -> None:
    pdf.ln(1)
    pdf.set_font("DejaVu", "B", size=11)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)


def flood_sentence(data: dict, lang: str) -> str:
    """The flood the page is played for, in one sentence."""
    flood = data["flood"]
    if flood["kind"] == "scenario" and flood.get("members", 1) > 1:
        return t(
            "cm_flood_scenario_members",
            lang,
            scenario=flood["scenario"],
            members=number(flood["members"], lang),
            stage=number(flood["at_gauge_cm"], lang),
            gauge=data["reference_gauge"],
        )
    if flood["kind"] == "scenario":
        return t(
            "cm_flood_scenario",
            lang,
            scenario=flood["scenario"],
            stage=number(flood["at_gauge_cm"], lang),
            gauge=data["reference_gauge"],
        )
    return t("cm_flood_stage", lang, stage=number(flood["stage_cm"], lang), gauge=flood["gauge"])


def people_sentence(data: dict, lang: str) -> str:
    """How many villages, people and households the flood reaches."""
    people = data["people"]
    flooded = sum(1 for v in data["villages"] if v["flooded"])
    cut = sum(1 for v in data["villages"] if v["cut_off"])
    return t(
        "cm_people",
        lang,
        flooded=number(flooded, lang),
        villages=number(len(data["villages"]), lang),
        cut=number(cut, lang),
        affected=number(people["affected"], lang),
        households=number(people["affected_households"], lang),
        displaced=number(people["displaced_peak"], lang),
    )


def village_table(data: dict, lang: str, limit: int | None = VILLAGE_ROWS) -> tuple[list[str], list[list[str]], int]:
    """The villages at risk, lowest flooding stage first: header, rows, how many left out."""
    gauge = data["reference_gauge"]
    header = [
        t("cm_col_village", lang),
        t("cm_col_floods_from", lang, gauge=gauge),
        t("cm_col_people", lang),
        t("cm_col_households", lang),
        t("cm_col_flooded", lang),
        t("cm_col_cut_off", lang),
    ]
    ordered = sorted(
        data["villages"], key=lambda v: (v["flooding_stage_cm"] is None, v["flooding_stage_cm"] or 0, v["name"])
    )
    shown = ordered if limit is None else ordered[:limit]
    rows = [
        [
            v["name"],
            _stage(v["flooding_stage_cm"], lang, data["warning_levels"]["scan_top_cm"]),
            number(v["people"], lang),
            number(v["households"], lang),
            _flooded(v, data, lang),
            date_short(v["cut_off_from"], lang) if v["cut_off"] else t("cm_no", lang),
        ]
        for v in shown
    ]
    return header, rows, len(ordered) - len(shown)


def _flooded(village: dict, data: dict, lang: str) -> str:
    """How long a village is flooded; over several members, in how many of them."""
    text = t("cm_days", lang, days=number(village["flooded_days"], lang)) if village["flooded"] else t("cm_no", lang)
    members = data["flood"].get("members", 1)
    if "flooded_members" in village and members > 1:
        text += f" ({number(village['flooded_members'], lang)}/{number(members, lang)})"
    return text


def hosting_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """The dry villages nearest the flooded ones."""
    header = [t("cm_col_site", lang), t("cm_col_distance", lang), t("cm_col_people", lang)]
    rows = [
        [s["name"], f"{number(s['distance_km'], lang, 1)} km", number(s["people"], lang)]
        for s in data["hosting_sites"][:HOST_ROWS]
    ]
    return header, rows


def warning_rows(data: dict, lang: str) -> list[list[str]]:
    """The three warning levels: the stage from which the first village, half and all flood."""
    levels = data["warning_levels"]
    top = levels["scan_top_cm"]
    return [
        [t("cm_level_first", lang), _stage(levels["first_village_cm"], lang, top)],
        [t("cm_level_half", lang), _stage(levels["half_cm"], lang, top)],
        [t("cm_level_all", lang), _stage(levels["all_cm"], lang, top)],
    ]


def plan_pdf(data: dict, lang: str = "fr") -> bytes:
    """The one-page plan (see the module)."""
    commune = data["commune"]
    pdf = new_pdf(t("cm_sheet_title", lang, commune=commune["name"]), lang)
    pdf.set_auto_page_break(False)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(
        0,
        4.5,
        t("cm_sheet_where", lang, cercle=commune["cercle"] or commune["cercle_pcode"], pcode=commune["pcode"])
        + " "
        + flood_sentence(data, lang),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(0, 4.5, people_sentence(data, lang), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, t("cm_levels_title", lang, gauge=data["reference_gauge"]))
    pdf_table(
        pdf,
        [t("cm_col_when", lang), t("cm_col_stage", lang, gauge=data["reference_gauge"])],
        warning_rows(data, lang),
        ("LEFT", "RIGHT"),
        (3, 1),
    )
    _heading(pdf, t("cm_needs_title", lang))
    _needs_row(pdf, data, lang)
    _heading(pdf, t("cm_villages_title", lang))
    header, rows, more = village_table(data, lang)
    pdf_table(pdf, header, rows, ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), (3, 2, 1.2, 1.2, 1.4, 1.8))
    if more:
        pdf.set_font("DejaVu", size=8)
        pdf.multi_cell(0, 4, t("cm_more_villages", lang, count=number(more, lang)), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, t("cm_hosts_title", lang))
    header, rows = hosting_table(data, lang)
    if rows:
        pdf_table(pdf, header, rows, ("LEFT", "RIGHT", "RIGHT"), (3, 1, 1))
    else:
        pdf.multi_cell(0, 4.5, t("cm_no_hosts", lang), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, t("cm_contacts_title", lang))
    pdf.set_font("DejaVu", size=9)
    for key in (
        "cm_contact_village",
        "cm_contact_mayor",
        "cm_contact_civil",
        "cm_contact_red_cross",
        "cm_contact_radio",
    ):
        pdf.cell(60, 6, t(key, lang))
        y = pdf.get_y() + 4.5
        pdf.line(pdf.l_margin + 60, y, pdf.l_margin + pdf.epw, y)
        pdf.ln(6)
    pdf.set_y(max(pdf.get_y() + 1, pdf.h - 36))
    pdf.set_font("DejaVu", size=6.5)
    pdf.set_text_color(90)
    asm = data["assumptions"]
    pdf.multi_cell(
        0,
        3,
        t(
            "cm_small_print",
            lang,
            date=date_long(data["date"], lang),
            share=number(100 * asm["village_flooded_share"], lang),
            freeboard=number(asm["house_freeboard_m"], lang, 1),
            spread=number(asm["house_floor_spread_m"], lang, 1),
            cut=number(asm["cut_off_depth_m"], lang, 1),
            radius=number(asm["host_radius_km"], lang),
            size=number(asm["household_size"], lang, 1),
            grid=number(asm["grid_resolution_degree"], lang, 2),
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0)
    return bytes(pdf.output())
