"""A validation record and the rule that turns a difference into a verdict.

Every check compares one figure of the model with one published figure and says, by a rule
written next to it, whether they *agree*, are *within range* or are *off*:

* a published **value** ``p`` and the model's ``m``: the difference is ``m − p`` (or
  ``(m − p) / p`` for a relative rule); ``|difference| ≤ agree`` → agrees, ``≤ within`` →
  within range, otherwise off;
* a published **range** ``(low, high)`` (a window of dates, a spread of payouts): the
  difference is 0 inside it and the distance to the nearer end outside; inside → the rule's
  ``inside`` verdict (agrees for a window the event should fall in, within range for a
  spread of observations), within ``within`` of an end → within range, otherwise off.

Records whose published figure is not a target (the spread of the ensemble) carry the
verdict ``info``; a check that could not run (missing reference data) says ``not run``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

VERDICTS = ("agrees", "within range", "off", "info", "not run")
"""Every verdict a record can carry."""

ROLES = {
    "calibration": "Calibration: rows the model was fitted on (not evidence)",
    "validation": "Validation: published figures no parameter was fitted on",
    "check": "Checks of the model's parts against references",
}
"""What a section is for, in report order, with the report's heading for each."""


@dataclass(frozen=True)
class Rule:
    """How a difference is judged.

    Attributes
    ----------
    agree : float
        Largest |difference| that agrees (in the record's unit, or a share for a relative rule).
    within : float or None
        Largest |difference| that is within range (None: no such band).
    relative : bool
        Difference relative to the published value.
    inside : str
        Verdict when the model falls inside a published range.
    """

    agree: float = 0.0
    within: float | None = None
    relative: bool = False
    inside: str = "within range"

    def describe(self, unit: str = "", ranged: bool = False) -> str:
        """The rule in words, for the report (``ranged``: for a published range)."""

        def amount(x: float) -> str:
            return f"{x:.0%}" if self.relative else f"{x:g}{' ' + unit if unit else ''}"

        if ranged:
            parts = [f"inside the published range {self.inside}"]
            if self.within is not None:
                parts.append(f"≤ {amount(self.within)} outside it within range")
        else:
            parts = [f"|Δ| ≤ {amount(self.agree)} agrees"]
            if self.within is not None:
                parts.append(f"≤ {amount(self.within)} within range")
        parts.append("else off")
        return ", ".join(parts)


def judge(model: float, published: float | tuple[float, float], rule: Rule) -> tuple[float, str]:
    """The difference of ``model`` from ``published`` and its verdict under ``rule``.

    Returns
    -------
    (difference, verdict)
        difference in the record's unit (or a share of the published value for a relative
        rule); 0 inside a published range.
    """
    if isinstance(published, tuple):
        low, high = published
        if low <= model <= high:
            return 0.0, rule.inside
        nearest = low if model < low else high
        difference = model - nearest
        if rule.relative:
            difference /= abs(nearest)
        if rule.within is not None and abs(difference) <= rule.within:
            return difference, "within range"
        return difference, "off"
    difference = model - published
    if rule.relative:
        difference /= abs(published)
    if abs(difference) <= rule.agree:
        return difference, "agrees"
    if rule.within is not None and abs(difference) <= rule.within:
        return difference, "within range"
    return difference, "off"


@dataclass(frozen=True)
class Record:
    """One published figure against the model's.

    Attributes
    ----------
    name : str
        What is compared.
    published : float or (float, float) or None
        The published value or range, in ``unit`` (None: nothing published).
    source : str
        Where the published figure comes from (an address or a reference).
    model : float or None
        The model's figure, in ``unit``.
    difference : float or None
        ``model − published`` (a share for relative rules); 0 inside a range.
    verdict : str
        One of :data:`VERDICTS`.
    rule : str
        The rule the verdict was given by, in words.
    unit : str
        Unit of ``published`` and ``model``.
    notes : str
        What the reader should know (calibration, approximations, caveats).
    relative : bool
        Whether ``difference`` is a share of the published value.
    published_text, model_text : str, optional
        How to show the figures when a number is not the clearest way (dates).
    """

    name: str
    published: float | tuple[float, float] | None
    source: str
    model: float | None
    difference: float | None
    verdict: str
    rule: str
    unit: str = ""
    notes: str = ""
    relative: bool = False
    published_text: str | None = None
    model_text: str | None = None

    def as_dict(self) -> dict:
        """The record as plain data (for JSON)."""
        data = asdict(self)
        if isinstance(self.published, tuple):
            data["published"] = list(self.published)
        return data


def compare(
    name: str,
    published,
    model: float,
    rule: Rule,
    source: str,
    unit: str = "",
    notes: str = "",
    published_text: str | None = None,
    model_text: str | None = None,
) -> Record:
    """A record judged by ``rule``."""
    difference, verdict = judge(float(model), published, rule)
    ranged = isinstance(published, tuple)
    return Record(
        name,
        published,
        source,
        float(model),
        difference,
        verdict,
        rule.describe(unit, ranged),
        unit,
        notes,
        rule.relative,
        published_text,
        model_text,
    )


def info(name: str, model: float, source: str, unit: str = "", notes: str = "", published=None) -> Record:
    """A record that informs without a target (verdict ``info``)."""
    return Record(
        name, published, source, float(model), None, "info", "no target: reported for the reader", unit, notes
    )


def not_run(name: str, source: str, why: str) -> Record:
    """A record of a check that could not run, and why."""
    return Record(name, None, source, None, None, "not run", why)


@dataclass(frozen=True)
class Section:
    """One check of the report: its records, an introduction and its figure.

    Attributes
    ----------
    key : str
        Short identifier; the figure is ``docs/validation/<key>.png``.
    title : str
    intro : str
        What is checked and how, in a few sentences (Markdown).
    records : tuple of Record
    figure : dict or None
        Data for :mod:`sim.validation.plots` (``{"kind": ..., ...}``), None without a figure.
    role : str
        One of :data:`ROLES`: ``calibration`` (rows the model was fitted on: not evidence),
        ``validation`` (published figures no parameter was fitted on), ``check`` (the
        model's parts against references: algorithms, arithmetic, hydrology).
    """

    key: str
    title: str
    intro: str
    records: tuple[Record, ...]
    figure: dict | None = None
    role: str = "check"
