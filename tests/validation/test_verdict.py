"""Tests of the verdict rule (sim.validation.verdict) and the Markdown writer, by hand cases."""

from __future__ import annotations

import pytest

from sim.validation import markdown
from sim.validation.verdict import Rule, Section, compare, info, judge, not_run


@pytest.mark.parametrize(
    ("model", "published", "rule", "difference", "verdict"),
    [
        (104.0, 100.0, Rule(agree=5.0, within=10.0), 4.0, "agrees"),
        (108.0, 100.0, Rule(agree=5.0, within=10.0), 8.0, "within range"),
        (89.0, 100.0, Rule(agree=5.0, within=10.0), -11.0, "off"),
        (112.0, 100.0, Rule(agree=0.05, within=0.15, relative=True), 0.12, "within range"),  # 12 % off
        (95.0, 100.0, Rule(agree=0.05, relative=True), -0.05, "agrees"),  # exactly at the limit
        (120.0, 100.0, Rule(agree=0.05, relative=True), 0.2, "off"),  # no within band
        (25.0, (15.0, 35.0), Rule(), 0.0, "within range"),  # inside a range
        (6.0, (4.0, 8.0), Rule(within=7.0, inside="agrees"), 0.0, "agrees"),  # inside a window
        (-3.0, (4.0, 8.0), Rule(within=7.0, inside="agrees"), -7.0, "within range"),  # 7 days early
        (-4.0, (4.0, 8.0), Rule(within=7.0, inside="agrees"), -8.0, "off"),
        (70.0, (15.0, 35.0), Rule(within=0.5, relative=True), 1.0, "off"),  # twice the upper end
    ],
)
def test_judge(model, published, rule, difference, verdict):
    got_difference, got_verdict = judge(model, published, rule)
    assert got_difference == pytest.approx(difference)
    assert got_verdict == verdict


def test_rule_is_written_out():
    assert Rule(agree=0.05, within=0.15, relative=True).describe() == "|Δ| ≤ 5% agrees, ≤ 15% within range, else off"
    assert (
        Rule(within=5.0, inside="agrees").describe("day", ranged=True)
        == "inside the published range agrees, ≤ 5 day outside it within range, else off"
    )


def test_records_carry_their_rule_and_source():
    record = compare("affected", 30_638.0, 35_000.0, Rule(agree=0.15, relative=True), "IOM", unit="person")
    assert record.verdict == "agrees"  # 14.2 % above
    assert record.difference == pytest.approx(4_362 / 30_638)
    assert "15%" in record.rule and record.source == "IOM"
    assert info("x", 3.0, "model").verdict == "info"
    assert not_run("x", "src", "no data").verdict == "not run"


def test_number_formatting():
    assert markdown.number(30638.0, "person") == "30,638 person"
    assert markdown.number(0.378) == "0.378"
    assert markdown.number((15.3, 34.8), "USD") == "15.3–34.8 USD"
    assert markdown.number(None) == "—"


def test_report_lists_every_record_in_the_verdict_table():
    records = (
        compare("a", 1.0, 1.0, Rule(), "s1"),
        compare("b", 1.0, 3.0, Rule(agree=1.0), "s2"),
    )
    text = markdown.report([Section("k", "Title", "Intro.", records)], {"k": "validation/k.png"}, "# Report")
    table = text.split("## Verdicts")[1].split("## Title")[0]
    assert "| Title | a |" in table and "**agrees**" in table
    assert "| Title | b |" in table and "**off**" in table
    assert "1 agrees, 1 off." in text
    assert "![Title](validation/k.png)" in text
