"""The validation report as Markdown, from the sections (no I/O)."""

from __future__ import annotations

import math

from sim.validation.verdict import ROLES, Record, Section


def number(value, unit: str = "") -> str:
    """A figure for the report: thousands separated, few decimals, ranges as a–b."""
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return f"{number(value[0])}–{number(value[1], unit)}"
    if isinstance(value, float) and math.isnan(value):
        return "—"
    magnitude = abs(value)
    if float(value).is_integer() and magnitude < 1e15:
        text = f"{value:,.0f}"
    elif magnitude == 0:
        text = "0"
    elif magnitude >= 1000:
        text = f"{value:,.0f}"
    elif magnitude >= 10:
        text = f"{value:,.1f}"
    elif magnitude >= 0.01:
        text = f"{value:.4g}"
    else:
        text = f"{value:.2g}"
    return f"{text} {unit}".strip() if unit else text


def published(record: Record) -> str:
    """The published figure as shown."""
    return record.published_text or number(record.published, record.unit)


def modelled(record: Record) -> str:
    """The model's figure as shown."""
    return record.model_text or number(record.model, record.unit)


def difference(record: Record) -> str:
    """The difference with its sign (a percentage for relative rules)."""
    if record.difference is None:
        return "—"
    if record.relative:
        return f"{record.difference:+.1%}"
    return ("+" if record.difference > 0 else "") + number(record.difference, record.unit)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def verdict_table(sections: list[Section]) -> str:
    """One line per record: check, what, verdict."""
    lines = ["| role | check | what | published | model | difference | verdict |", "|---|---|---|---|---|---|---|"]
    for section in sections:
        for record in section.records:
            lines.append(
                f"| {section.role} | {cell(section.title)} | {cell(record.name)} | {cell(published(record))} | "
                f"{cell(modelled(record))} | {cell(difference(record))} | **{record.verdict}** |"
            )
    return "\n".join(lines)


def section_text(section: Section, figure_path: str | None) -> str:
    """One check: introduction, the records in a table, rules and notes, its figure."""
    parts = [f"## {section.title}", "", section.intro, ""]
    parts.append("| what | published | source | model | difference | verdict | rule | notes |")
    parts.append("|---|---|---|---|---|---|---|---|")
    for r in section.records:
        parts.append(
            f"| {cell(r.name)} | {cell(published(r))} | {cell(r.source)} | {cell(modelled(r))} | "
            f"{cell(difference(r))} | **{r.verdict}** | {cell(r.rule)} | {cell(r.notes)} |"
        )
    parts.append("")
    table = (section.figure or {}).get("table")
    if table:
        header, rows = table
        parts.append("| " + " | ".join(cell(h) for h in header) + " |")
        parts.append("|" + "---|" * len(header))
        for row in rows:
            parts.append("| " + " | ".join(cell(c) for c in row) + " |")
        parts.append("")
    if figure_path:
        parts.append(f"![{section.title}]({figure_path})")
        parts.append("")
    return "\n".join(parts)


def report(sections: list[Section], figures: dict[str, str], preamble: str) -> str:
    """The whole report: preamble, the table of verdicts, then one section per check."""
    counts = {}
    for section in sections:
        for r in section.records:
            counts[r.verdict] = counts.get(r.verdict, 0) + 1
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    off = [
        f"- {section.title}: {r.name} — published {published(r)}, model {modelled(r)} ({difference(r)}). {r.notes}"
        for section in sections
        for r in section.records
        if r.verdict == "off"
    ]
    parts = [preamble, "", "## Verdicts", "", f"{summary}."]
    if off:
        parts += ["", "Off:", "", *off]
    ordered = [s for role in ROLES for s in sections if s.role == role]
    parts += ["", verdict_table(ordered), ""]
    for role, heading in ROLES.items():
        inside = [s for s in ordered if s.role == role]
        if not inside:
            continue
        parts += [f"# {heading}", ""]
        for section in inside:
            parts.append(section_text(section, figures.get(section.key)))
    return "\n".join(parts).rstrip() + "\n"
