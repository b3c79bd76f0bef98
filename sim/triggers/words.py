"""A trigger's scorecard in the words a donor reads, in the reader's language: one sentence for
the app's page and the plan report."""

from __future__ import annotations

from sim.core.i18n import number, t, usd


def scorecard(card: dict, lang: str) -> str:
    """A trigger's record (one entry of ``triggers.json``'s ``triggers``) in one sentence."""
    if card["never_fired"]:
        return t("tr_card_never", lang, seasons=number(card["seasons"], lang))
    gain = 100 * card["fill_rate_gain"]["mean"]
    gain = 0.0 if abs(gain) < 0.05 else gain
    return t(
        "tr_card",
        lang,
        **_counts(card, lang),
        gain=f"{'+' if gain >= 0 else '−'}{number(abs(gain), lang, 1)}",
        cost=usd(card["cost_per_season_usd"], lang),
    )


def try_sentence(counts: dict, lang: str) -> str:
    """What a trigger would have done at a threshold tried on the spot (the counts of
    :meth:`sim.triggers.run.Scored.try_threshold`), in one sentence."""
    if counts["never_fired"]:
        return t("tr_try_never", lang, seasons=number(counts["seasons"], lang))
    return t("tr_try_result", lang, **_counts(counts, lang))


def _counts(counts: dict, lang: str) -> dict[str, str]:
    """How often a trigger fires, what it caught of how many events, its false alarms, written."""
    return {
        "every": frequency(counts["activation_rate"], lang),
        "hits": number(counts["hits"], lang),
        "events": number(counts["events"], lang),
        "false_alarms": number(counts["false_alarms"], lang),
    }


def frequency(rate: float, lang: str) -> str:
    """How often a trigger fires, as a donor says it: "une année sur 4" below one year in two,
    "7 années sur 10" above."""
    if rate <= 0.5:
        return t("tr_freq_one_in", lang, years=number(max(2, round(1.0 / rate)), lang))
    return t("tr_freq_tenths", lang, tenths=number(round(10 * rate), lang))


def record_sentence(data: dict, lang: str) -> str:
    """What the record was and how many of its seasons are events."""
    definition = data["event_definition"]
    kind, _, value = definition["rule"].partition(":")
    return t(
        f"tr_events_{kind}",
        lang,
        seasons=number(data["seasons"], lang),
        events=number(definition["events"], lang),
        level=number(definition["level"], lang),
        years=number(float(value), lang, 0 if float(value).is_integer() else 1),
    )


def trigger_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """One row per trigger: how often it fires, what it catches, its false alarms, its lead time,
    the coverage it adds and what it costs a year."""
    header = [t(f"tr_col_{key}", lang) for key in ("trigger", "every", "caught", "false", "lead", "gain_mean", "cost")]
    rows = []
    together = [
        (
            t("tr_protocol", lang, count=len(card["triggers"]))
            + f" ({card['where'] or card['indicator'].upper()}, {number(card['threshold'], lang, 2 if abs(card['threshold']) < 10 else 0)})",
            card,
        )
        for card in data.get("protocols", [])
    ]
    for name, card in [*together, *((card["name"], card) for card in data["triggers"])]:
        lead = card["mean_lead_days"]
        every = "—" if card["never_fired"] else frequency(card["activation_rate"], lang)
        rows.append(
            [
                name,
                every,
                f"{number(card['hits'], lang)} / {number(card['events'], lang)}",
                number(card["false_alarms"], lang),
                "—" if lead is None else number(lead, lang),
                number(100 * card["fill_rate_gain"]["mean"], lang, 1),
                usd(card["cost_per_season_usd"], lang),
            ]
        )
    return header, rows
