"""sim.core.messages: every message about bad input has a code and a text in both catalogs; it reads in
French without English words, and in English exactly as the command line prints it (the expected
lines below are what ``python -m sim`` printed before messages had codes)."""

from __future__ import annotations

import ast
import json
import pickle
import re
import string
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sim.core.i18n import catalog
from sim.core.messages import (
    WORDS,
    local_number,
    message_lines,
    message_text,
    problem_message,
    quantity_text,
    render,
    unit_text,
)

ROOT = Path(__file__).resolve().parents[1]

MODULES = [
    "sim/scenario.py",
    "sim/core/loader.py",
    "sim/core/fields.py",
    "sim/plan.py",
    "sim/core/yamlio.py",
    "sim/core/vectorio.py",
    "sim/core/units.py",
    "sim/needs.py",
    "sim/delta/boundaries.py",
    "sim/delta/domain.py",
    "sim/core/messages.py",
    "sim/commune/find.py",
    "sim/commune/build.py",
    "sim/core/userdata.py",
    "hazards/catalog.py",
    "hazards/season.py",
    "hazards/settings.py",
    "hazards/io/errors.py",
    "hazards/io/metadata.py",
    "hazards/io/offline.py",
    "hazards/io/vrt.py",
    "hazards/io/regrid.py",
    "hazards/io/geotiff.py",
    "hazards/io/netcdf.py",
    "hazards/io/rainfall.py",
    "hazards/io/extents.py",
    "hazards/io/layers.py",
    "hazards/io/exposure.py",
    "sim/delta/exposure.py",
    "sim/exposure_layers.py",
]
"""The modules whose messages about bad input carry codes."""

CODE = re.compile(r"(err|library)_[a-z0-9_]+")

CODED = {"UnitError", "RasterError", "CatalogError", "BoundariesError", "LibraryError", "ExposureError"}
"""The exceptions whose first argument is the message code."""

FORBIDDEN = (
    "must",
    "expected",
    "unknown",
    "field",
    "fields",
    "missing",
    "got",
    "not",
    "no",
    "none",
    "file",
    "layer",
    "layers",
    "between",
    "greater",
    "less",
    "negative",
    "should",
    "valid",
    "input",
    "required",
    "allowed",
    "found",
    "needs",
    "give",
    "exactly",
    "only",
    "cannot",
    "empty",
    "known",
    "is",
    "are",
    "the",
    "of",
    "and",
    "day",
    "days",
    "person",
    "household",
    "degree",
    "shipped",
    "already",
    "exists",
    "choose",
    "another",
    "name",
    "among",
    "yours",
    "pass",
)
"""English words that a French message must not contain (outside names and values from the file)."""


# --- every code has its texts ---------------------------------------------------------------


def _code_sites():
    """(module, line, code, English template or None) of every message code written in the modules."""
    for module in MODULES:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        seen = set()
        for node in ast.walk(tree):
            items = node.args if isinstance(node, ast.Call) else node.elts if isinstance(node, ast.Tuple) else None
            if items is None:
                continue
            for k, item in enumerate(items):
                if isinstance(item, ast.Constant) and isinstance(item.value, str) and CODE.fullmatch(item.value):
                    after = items[k + 1] if k + 1 < len(items) else None
                    english = after.value if isinstance(after, ast.Constant) and isinstance(after.value, str) else None
                    seen.add(id(item))
                    yield module, item.lineno, item.value, english
                    break
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.fullmatch(node.value)
                and id(node) not in seen
            ):
                yield module, node.lineno, node.value, None


def test_every_code_has_a_text_in_both_catalogs():
    sites = list(_code_sites())
    assert len({code for _, _, code, _ in sites}) > 150
    missing = [
        f"{module}:{line}: {code} ({lang})"
        for module, line, code, _ in sites
        for lang in ("fr", "en")
        if code not in catalog(lang)
    ]
    assert not missing, missing


def test_the_english_catalog_is_the_text_of_the_code():
    """Where a code is raised with its English template, the English catalog holds the same template."""
    wrong = []
    for module, line, code, english in _code_sites():
        if english is not None:
            texts = catalog("en")[code]
            texts = texts.values() if isinstance(texts, dict) else [texts]
            if english not in texts:
                wrong.append(f"{module}:{line}: {code}: {english!r} != {catalog('en')[code]!r}")
    assert not wrong, wrong


def test_no_message_text_without_its_code():
    """The coded exceptions are raised with a code (or pass another error's on); validators raise no bare ValueError."""
    bare = []
    for module in MODULES:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in CODED and node.args:
                first = node.args[0]
                passed_on = isinstance(first, (ast.Name, ast.Attribute)) or (
                    isinstance(first, ast.Call) and getattr(first.func, "id", None) == "str"
                )
                if not passed_on and not (isinstance(first, ast.Constant) and CODE.fullmatch(str(first.value))):
                    bare.append(f"{module}:{node.lineno}")
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Raise)
                    and isinstance(node.exc, ast.Call)
                    and getattr(node.exc.func, "id", None) == "ValueError"
                ):
                    # not about a user's input: build_delta's resolution and year are checked
                    # first by the CLI (exit 2) and the schemas, the app offers only valid ones
                    if function.name not in {"save_file", "_check_kind", "build_delta"}:
                        bare.append(f"{module}:{node.lineno} ({function.name})")
    assert not bare, bare


def test_every_text_of_the_messages_catalog_is_used():
    codes = {code for _, _, code, _ in _code_sites()}
    for lang in ("fr", "en"):
        keys = set(_messages_catalog(lang))
        assert {k for k in keys if CODE.fullmatch(k)} == codes, lang
        assert {k[len("msg_unit_") :] for k in keys if k.startswith("msg_unit_")} == set(WORDS), lang


def test_french_texts_hold_no_english():
    """The French templates themselves, without their placeholders and quoted file words."""
    for key, text in _messages_catalog("fr").items():
        for form in text.values() if isinstance(text, dict) else [text]:
            bare = string.Formatter()
            plain = "".join(literal for literal, *_ in bare.parse(form))
            assert not _english_in(plain), (key, form, _english_in(plain))


def _messages_catalog(lang: str) -> dict:
    from ruamel.yaml import YAML

    texts = {}
    for name in MESSAGE_CATALOGS:
        path = ROOT / "sim" / "locales" / lang / name
        if path.exists():
            texts.update(YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {})
    return texts


MESSAGE_CATALOGS = ("messages.yaml", "inputs.yaml", "files.yaml", "layers.yaml")
"""The catalogs of messages about bad input (the others hold the pages' texts)."""


# --- checking one message in both languages -------------------------------------------------


def _english_in(text: str) -> list[str]:
    text = re.sub(r"«[^»]*»", " ", text)  # file keys and values, quoted
    text = re.sub(r"--[a-z-]+", " ", text)  # command-line options
    return sorted({w for w in FORBIDDEN if re.search(rf"(?<![\w'’/.-]){w}(?![\w'’/.-])", text, re.IGNORECASE)})


def _shown_values(obj) -> list[str]:
    """What a message shows as written in the file or the schema (names, keys, values), not to be translated."""
    values = [obj.file, obj.field] if hasattr(obj, "field") and hasattr(obj, "file") else []
    template = catalog("fr").get(getattr(obj, "code", ""), "")
    forms = template.values() if isinstance(template, dict) else [template]
    specs = {field: spec for form in forms for _, field, spec, _ in string.Formatter().parse(form) if field}
    for key, value in getattr(obj, "params", {}).items():
        if specs.get(key) in ("qty", "unit", "units"):
            continue  # these must come out translated
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if hasattr(item, "code") and hasattr(item, "params"):
                values += _shown_values(item)
            elif isinstance(item, str) and item:
                values.append(item)
    return sorted(set(values), key=len, reverse=True)


def check_both_languages(obj, english: str | None = None) -> str:
    """``obj`` reads as ``english`` (the command line's line) in English and as French in French; returns the French."""
    line = message_text(obj, "en")
    assert line == str(obj)
    if english is not None:
        assert line == english
    assert obj.code, f"no code: {line}"
    assert obj.code in catalog("fr") and obj.code in catalog("en")
    own = obj.message if hasattr(obj, "field") else str(obj)
    assert render(catalog("en")[obj.code], obj.params, "en") == own, "the English catalog says it otherwise"
    french = message_text(obj, "fr")
    shown = problem_message(obj, "fr") if hasattr(obj, "field") else french
    if hasattr(obj, "field"):
        assert french.endswith(f" : {shown}")
        assert french.startswith(f"{obj.file}:{obj.line} : " if obj.line else f"{obj.file} : ")
    assert "**" not in french, french
    assert "\n" not in french
    assert french != line, f"not translated: {line}"
    for value in _shown_values(obj):
        shown = shown.replace(value, " ")
    assert not _english_in(shown), (french, _english_in(shown))
    return french


def _problems(text: str, file: str = "f.yaml", **options):
    from sim.core.loader import InputError
    from sim.scenario import parse_text

    with pytest.raises(InputError) as info:
        parse_text(text, file, **options)
    return info.value.problems


# --- scenario and plan files ----------------------------------------------------------------

PLAN = """\
kind: plan
name: test
title: Test
warehouses:
  - hub: Mopti/Sévaré
    capacity: 100 m**3
    stock:
      nfi_kit: 10 kit
procurement:
  - name: Mopti market
    kind: local
    hub: Mopti/Sévaré
    lead_time: {min: 3 day, mode: 5 day, max: 10 day}
funding:
  available: 1000 USD
  pledges:
    - amount: 500 USD
      after: 30 day
fleet:
  trucks:
    - hub: Mopti/Sévaré
      count: 2
triggers:
  - name: Mopti orange
    indicator: stage
    gauge: Mopti
    threshold: 600
    action: preposition
    item: nfi_kit
    quantity: 100
    from_hub: Mopti/Sévaré
    to_hub: Mopti/Sévaré
"""

SCENARIO = """\
kind: scenario
name: s
title: S
hazard: flood
start_date: 2022-06-01
days: 200
household_size: 5.2 person/household
flood:
  peak: 671 cm
"""

HUBS = "'Bamako', 'Ségou', 'Mopti/Sévaré', 'Tombouctou' or 'Gao'"
STOCK = "nfi_kit, shelter_kit, mosquito_net, dignity_kit, hygiene_kit, soap, cereal, water, latrine, animal_feed"
PLAN_KEYS = "kind, name, title, description, warehouses, procurement, funding, fleet, distribution, triggers, allocation, equity_floor"

TEXTS = [
    (
        "negative-stock",
        PLAN,
        "nfi_kit: 10 kit",
        "nfi_kit: -10 kit",
        "f.yaml:8: warehouses[0].stock.nfi_kit: must not be negative, got -10 kit",
    ),
    (
        "water-in-kg",
        PLAN,
        "nfi_kit: 10 kit",
        "water: 15 kg",
        "f.yaml:8: warehouses[0].stock.water: '15 kg' has the wrong unit: expected L ([length]**3), got kg ([mass])",
    ),
    (
        "unknown-item",
        PLAN,
        "nfi_kit: 10 kit",
        "unicorn: 1 kit",
        f"f.yaml:8: warehouses[0].stock.unicorn: unknown field; expected one of: {STOCK}",
    ),
    (
        "unknown-hub",
        PLAN,
        "  - hub: Mopti/Sévaré\n    capacity",
        "  - hub: Kidal\n    capacity",
        f"f.yaml:5: warehouses[0].hub: 'Kidal' is not allowed; expected {HUBS}",
    ),
    (
        "capacity-in-kg",
        PLAN,
        "capacity: 100 m**3",
        "capacity: 100 kg",
        "f.yaml:6: warehouses[0].capacity: '100 kg' has the wrong unit: expected m**3 ([length]**3), got kg ([mass])",
    ),
    (
        "capacity-zero",
        PLAN,
        "capacity: 100 m**3",
        "capacity: 0 m**3",
        "f.yaml:6: warehouses[0].capacity: must be greater than 0 m**3, got 0 m**3",
    ),
    (
        "capacity-bare-number",
        PLAN,
        "capacity: 100 m**3",
        "capacity: 100",
        "f.yaml:6: warehouses[0].capacity: '100' has the wrong unit: expected m**3 ([length]**3), got no unit (dimensionless)",
    ),
    (
        "capacity-unknown-unit",
        PLAN,
        "capacity: 100 m**3",
        "capacity: 100 wombats",
        "f.yaml:6: warehouses[0].capacity: unknown unit in '100 wombats': 'wombats' is not defined in the unit registry",
    ),
    (
        "capacity-unreadable",
        PLAN,
        "capacity: 100 m**3",
        "capacity: 3 + ",
        "f.yaml:6: warehouses[0].capacity: cannot read '3 +' as a quantity (AssertionError)",
    ),
    (
        "capacity-true",
        PLAN,
        "capacity: 100 m**3",
        "capacity: true",
        "f.yaml:6: warehouses[0].capacity: expected a quantity, got True",
    ),
    (
        "over-capacity",
        PLAN,
        "nfi_kit: 10 kit",
        "nfi_kit: 10000 kit",
        "f.yaml:7: warehouses[0].stock: takes 1,500 m³, more than the warehouse's capacity of 100 m³",
    ),
    (
        "unknown-top-key",
        PLAN,
        "title: Test\n",
        "title: Test\ncolour: red\n",
        f"f.yaml:4: colour: unknown field; expected one of: {PLAN_KEYS}",
    ),
    ("missing-title", PLAN, "title: Test\n", "", "f.yaml:1: title: required field is missing"),
    ("empty-title", PLAN, "title: Test", "title: ''", "f.yaml:3: title: String should have at least 1 character"),
    (
        "bad-name",
        PLAN,
        "name: test",
        "name: Mon Plan",
        "f.yaml:2: name: 'Mon Plan' must be lower case letters, digits and dashes",
    ),
    (
        "no-warehouse",
        PLAN,
        PLAN[PLAN.index("warehouses:") : PLAN.index("procurement:")],
        "warehouses: []\n",
        "f.yaml:4: warehouses: List should have at least 1 item after validation, not 0",
    ),
    (
        "warehouses-not-a-list",
        PLAN,
        PLAN[PLAN.index("warehouses:") : PLAN.index("procurement:")],
        "warehouses: Mopti\n",
        "f.yaml:4: warehouses: Input should be a valid list",
    ),
    (
        "funding-not-a-section",
        PLAN,
        PLAN[PLAN.index("funding:") : PLAN.index("fleet:")],
        "funding: 1000 USD\n",
        "f.yaml:14: funding: Input should be a valid dictionary or instance of Funding",
    ),
    (
        "negative-lead-time",
        PLAN,
        "min: 3 day",
        "min: -3 day",
        "f.yaml:13: procurement[0].lead_time.min: must not be negative, got -3 day",
    ),
    (
        "lead-times-disordered",
        PLAN,
        "min: 3 day",
        "min: 30 day",
        "f.yaml:13: procurement[0].lead_time: lead time must satisfy min <= mode <= max, got 30, 5, 10 days",
    ),
    (
        "price-factor-zero",
        PLAN,
        "    kind: local\n",
        "    kind: local\n    price_factor: 0\n",
        "f.yaml:12: procurement[0].price_factor: input should be greater than 0, got 0",
    ),
    (
        "procurement-elsewhere",
        PLAN,
        "    hub: Mopti/Sévaré\n    lead_time",
        "    hub: Gao\n    lead_time",
        "f.yaml:9: procurement: Mopti market delivers to Gao, where the plan has no warehouse",
    ),
    (
        "pledge-date-and-after",
        PLAN,
        "      after: 30 day\n",
        "      after: 30 day\n      date: 2022-10-01\n",
        "f.yaml:17: funding.pledges[0]: give exactly one of date or after",
    ),
    (
        "pledge-probability",
        PLAN,
        "      after: 30 day\n",
        "      after: 30 day\n      probability: 1.5\n",
        "f.yaml:19: funding.pledges[0].probability: input should be less than or equal to 1, got 1.5",
    ),
    (
        "trucks-elsewhere",
        PLAN,
        "    - hub: Mopti/Sévaré\n      count: 2",
        "    - hub: Gao\n      count: 2",
        "f.yaml:19: fleet: trucks at Gao, where the plan has no warehouse",
    ),
    (
        "trucks-count-text",
        PLAN,
        "count: 2",
        "count: two",
        "f.yaml:22: fleet.trucks[0].count: Input should be a valid integer, unable to parse string as an integer",
    ),
    (
        "trucks-count-fraction",
        PLAN,
        "count: 2",
        "count: 2.5",
        "f.yaml:22: fleet.trucks[0].count: Input should be a valid integer, got a number with a fractional part",
    ),
    (
        "trucks-count-negative",
        PLAN,
        "count: 2",
        "count: -2",
        "f.yaml:22: fleet.trucks[0].count: input should be greater than or equal to 0, got -2",
    ),
    (
        "trigger-unknown-gauge",
        PLAN,
        "gauge: Mopti",
        "gauge: Kayes",
        "f.yaml:26: triggers[0].gauge: unknown gauge 'Kayes'; known: Akka, Diré, Mopti, Sofara",
    ),
    (
        "trigger-without-gauge",
        PLAN,
        "    gauge: Mopti\n",
        "",
        "f.yaml:24: triggers[0].gauge: a stage trigger needs a gauge",
    ),
    (
        "trigger-without-place",
        PLAN,
        "indicator: stage\n    gauge: Mopti\n",
        "indicator: rainfall\n",
        "f.yaml:24: triggers[0].place: a rainfall trigger needs a place",
    ),
    (
        "trigger-unknown-place",
        PLAN,
        "indicator: stage\n    gauge: Mopti\n",
        "indicator: rainfall\n    place: Paris\n",
        "f.yaml:26: triggers[0].place: unknown settlement 'Paris'",
    ),
    (
        "trigger-incomplete",
        PLAN,
        "    from_hub: Mopti/Sévaré\n",
        "",
        "f.yaml:28: triggers[0].action: preposition needs from_hub",
    ),
    (
        "trigger-threshold-text",
        PLAN,
        "threshold: 600",
        "threshold: high",
        "f.yaml:27: triggers[0].threshold: Input should be a valid number, unable to parse string as a number",
    ),
    (
        "two-warehouses-one-hub",
        PLAN,
        "procurement:",
        "  - hub: Mopti/Sévaré\n    capacity: 50 m**3\nprocurement:",
        "f.yaml:4: warehouses: more than one warehouse at Mopti/Sévaré",
    ),
    (
        "equity-floor",
        PLAN,
        "triggers:",
        "equity_floor: 2\ntriggers:",
        "f.yaml:23: equity_floor: input should be less than or equal to 1, got 2",
    ),
    ("bad-indentation", PLAN, "    stock:", "  stock:", "f.yaml:7: yaml: expected <block end>, but found '?'"),
    (
        "duplicate-key",
        PLAN,
        "title: Test\n",
        "title: Test\nname: again\n",
        'f.yaml:4: yaml: found duplicate key "name" with value "again" (original value: "test"); each key may appear once',
    ),
    (
        "tab",
        PLAN,
        "    stock:\n      nfi_kit",
        "    stock:\n\tnfi_kit",
        "f.yaml:8: yaml: found character '\\t' that cannot start any token",
    ),
    ("unclosed-bracket", PLAN, "max: 10 day}", "max: 10 day", "f.yaml:14: yaml: expected ',' or '}', but got ':'"),
    (
        "colon-in-value",
        PLAN,
        "title: Test",
        "title: Test: the plan",
        "f.yaml:3: yaml: mapping values are not allowed here",
    ),
    (
        "bad-character",
        PLAN,
        "title: Test",
        "title: @home",
        "f.yaml:3: yaml: found character '@' that cannot start any token",
    ),
    ("unclosed-quote", PLAN, "title: Test", 'title: "Test', "f.yaml:33: yaml: found unexpected end of stream"),
    (
        "alias",
        PLAN,
        "title: Test",
        "title: *test",
        "f.yaml:3: yaml: aliases (*test) are not allowed; write the value out",
    ),
    ("kind-misspelt", PLAN, "kind: plan", "kind: plna", "f.yaml:1: kind: must be 'scenario' or 'plan' (got 'plna')"),
    ("kind-missing", PLAN, "kind: plan\n", "", "f.yaml:1: kind: must be 'scenario' or 'plan' (missing)"),
    ("empty", PLAN, PLAN, "", "f.yaml:1: file: is empty; expected a mapping with 'kind: scenario' or 'kind: plan'"),
    ("a-list", PLAN, PLAN, "- a\n- b\n", "f.yaml:1: file: expected a mapping of keys to values at the top level"),
    (
        "household-negative",
        SCENARIO,
        "5.2 person/household",
        "-1 person/household",
        "f.yaml:7: household_size: must be at least 1 person/household, got -1 person/household",
    ),
    (
        "household-in-kg",
        SCENARIO,
        "5.2 person/household",
        "15 kg/person/day",
        "f.yaml:7: household_size: '15 kg/person/day' has the wrong unit: expected person/household ([person]/[household]), got kg/person/day ([mass]/[person]/[time])",
    ),
    (
        "month-13",
        SCENARIO,
        "2022-06-01",
        "2022-13-01",
        "f.yaml:5: start_date: Input should be a valid date or datetime, month value is outside expected range of 1-12",
    ),
    (
        "february-30",
        SCENARIO,
        "2022-06-01",
        "2022-02-30",
        "f.yaml:5: start_date: Input should be a valid date or datetime, day value is outside expected range",
    ),
    (
        "date-garbled",
        SCENARIO,
        "2022-06-01",
        "1 June 2022",
        "f.yaml:5: start_date: Input should be a valid date or datetime, invalid character in year",
    ),
    (
        "date-with-time",
        SCENARIO,
        "2022-06-01",
        "2022-06-01T10:30",
        "f.yaml:5: start_date: Datetimes provided to dates should have zero time - e.g. be exact dates",
    ),
    ("days-zero", SCENARIO, "days: 200", "days: 0", "f.yaml:6: days: input should be greater than 0, got 0"),
    (
        "days-too-many",
        SCENARIO,
        "days: 200",
        "days: 1000",
        "f.yaml:6: days: input should be less than or equal to 730, got 1000",
    ),
    (
        "unknown-hazard",
        SCENARIO,
        "hazard: flood",
        "hazard: locusts",
        "f.yaml:4: hazard: 'locusts' is not allowed; expected 'flood' or 'drought'",
    ),
    (
        "flood-unknown-gauge",
        SCENARIO,
        "  peak: 671 cm",
        "  peak: 671 cm\n  gauge: Kayes",
        "f.yaml:10: flood.gauge: unknown gauge 'Kayes'; known: Akka, Diré, Mopti, Sofara",
    ),
    (
        "flood-in-kg",
        SCENARIO,
        "  peak: 671 cm",
        "  peak: 671 kg",
        "f.yaml:9: flood.peak: '671 kg' has the wrong unit: expected cm ([length]), got kg ([mass])",
    ),
    (
        "flood-two-ways",
        SCENARIO,
        "  peak: 671 cm",
        "  peak: 671 cm\n  return_period: 10 year",
        "f.yaml:8: flood: give exactly one of peak, return_period or layer (got peak, return_period)",
    ),
    (
        "flood-no-way",
        SCENARIO,
        "  peak: 671 cm",
        "  peak_date: 2022-10-09",
        "f.yaml:8: flood: give exactly one of peak, return_period or layer (got none)",
    ),
    (
        "flood-return-period",
        SCENARIO,
        "  peak: 671 cm",
        "  return_period: 0.5 year",
        "f.yaml:9: flood.return_period: must be greater than 1 year, got 0.5 year",
    ),
    (
        "flood-spread-negative",
        SCENARIO,
        "  peak: 671 cm",
        "  peak: 671 cm\n  peak_spread: -5 cm",
        "f.yaml:10: flood.peak_spread: must not be negative, got -5 cm",
    ),
    (
        "no-flood-section",
        SCENARIO,
        "flood:\n  peak: 671 cm\n",
        "",
        "f.yaml:4: hazard: a flood scenario needs a 'flood' section",
    ),
    (
        "resolution",
        SCENARIO,
        "flood:",
        "domain:\n  resolution: 0.5 degree\nflood:",
        "f.yaml:8: domain: resolution must be between 0.002 and 0.1 degree, got 0.5 degree",
    ),
    (
        "population-year",
        SCENARIO,
        "flood:",
        "domain:\n  population_year: 2000\nflood:",
        "f.yaml:9: domain.population_year: input should be greater than or equal to 2009, got 2000",
    ),
    (
        "rainfall-layer-without-name",
        SCENARIO,
        "flood:",
        "rainfall:\n  source: layer\nflood:",
        "f.yaml:8: rainfall: source 'layer' needs a 'layer' name",
    ),
    (
        "rainfall-layer-unused",
        SCENARIO,
        "flood:",
        "rainfall:\n  layer: chirps\nflood:",
        "f.yaml:8: rainfall: 'layer' is only used with source: layer",
    ),
    (
        "storm-unknown-place",
        SCENARIO,
        "flood:",
        "rainfall:\n  storm:\n    place: Paris\n    date: 2022-08-01\n    total: 120 mm\nflood:",
        "f.yaml:10: rainfall.storm.place: unknown settlement 'Paris'; known: ",
    ),
    (
        "storm-two-sizes",
        SCENARIO,
        "flood:",
        "rainfall:\n  storm:\n    place: Mopti\n    date: 2022-08-01\n    total: 120 mm\n    return_period: 10 year\nflood:",
        "f.yaml:9: rainfall.storm: give exactly one of total or return_period",
    ),
    (
        "closure-probability",
        SCENARIO,
        "flood:",
        "access_closure_probability: -0.1\nflood:",
        "f.yaml:8: access_closure_probability: input should be greater than or equal to 0, got -0.1",
    ),
    (
        "rebuild-time-word",
        SCENARIO,
        "flood:",
        "impact:\n  rebuild_time: soon\nflood:",
        "f.yaml:9: impact.rebuild_time: unknown unit in 'soon': 'soon' is not defined in the unit registry",
    ),
]


@pytest.mark.parametrize(
    ("base", "old", "new", "english"), [case[1:] for case in TEXTS], ids=[case[0] for case in TEXTS]
)
def test_bad_scenarios_and_plans(base, old, new, english):
    assert old in base
    problems = _problems(base.replace(old, new, 1))
    first = problems[0]
    assert str(first).startswith(english), str(first)
    check_both_languages(first, english=str(first))
    for problem in problems[1:]:
        check_both_languages(problem)
    assert message_lines(_input_error(problems), "fr") == [message_text(p, "fr") for p in problems]


def _input_error(problems):
    from sim.core.loader import InputError

    return InputError(problems)


def test_the_plan_editors_message_and_a_whole_line():
    """What the plan editor writes after its own table, row and column names."""
    problem = _problems(PLAN.replace("min: 3 day", "min: -3 day"))[0]
    assert problem.field == "procurement[0].lead_time.min"
    assert problem_message(problem, "fr") == "ne doit pas être négatif (\u22123 jours)"
    assert problem_message(problem, "en") == "must not be negative, got -3 day"
    assert (
        message_text(problem, "fr")
        == "f.yaml:13 : procurement[0].lead_time.min : ne doit pas être négatif (\u22123 jours)"
    )
    assert (
        message_text(_input_error([problem]), "en")
        == "f.yaml:13: procurement[0].lead_time.min: must not be negative, got -3 day"
    )
    assert message_text(problem, "xx") == message_text(problem, "fr")  # an unknown language is French


def test_french_of_some_plan_problems():
    over = _problems(PLAN.replace("nfi_kit: 10 kit", "nfi_kit: 10000 kit"))[0]
    assert problem_message(over, "fr") == "le stock occupe 1\u202f500 m³, plus que la capacité de l'entrepôt (100 m³)"
    hub = _problems(PLAN.replace("  - hub: Mopti/Sévaré\n    capacity", "  - hub: Kidal\n    capacity"))[0]
    assert (
        problem_message(hub, "fr")
        == "« Kidal » n'est pas une valeur possible ; valeurs possibles : Bamako, Ségou, Mopti/Sévaré, Tombouctou ou Gao"
    )
    water = _problems(SCENARIO.replace("5.2 person/household", "15 kg/person/day"))[0]
    assert (
        problem_message(water, "fr")
        == "« 15 kg/personne/jour » n'a pas la bonne unité : il faut des personnes/ménage, pas des kg/personne/jour"
    )
    capacity = _problems(PLAN.replace("capacity: 100 m**3", "capacity: -5 m**3"))[0]
    assert problem_message(capacity, "fr") == "doit être supérieur à 0 m³, reçu \u22125 m³"


def test_kind_mismatch():
    for text, expect, english in (
        (PLAN, "scenario", "f.yaml:1: kind: expected a scenario, this file is a plan"),
        (SCENARIO, "plan", "f.yaml:1: kind: expected a plan, this file is a scenario"),
    ):
        check_both_languages(_problems(text, expect=expect)[0], english=english)


def test_unreadable_files(tmp_path):
    from sim.scenario import check_files

    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: Ségou\n".encode("latin-1"))
    empty = tmp_path / "blank.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    problems = check_files([tmp_path / "none.yaml", tmp_path, latin, empty])
    expected = [
        f"{tmp_path / 'none.yaml'}: file: no such file",
        f"{tmp_path}: file: is a folder, not a file",
        f"{latin}:1: file: is not UTF-8 text",
        f"{empty}:1: file: is empty; expected a mapping with 'kind: scenario' or 'kind: plan'",
    ]
    for problem, english in zip(problems, expected, strict=True):
        check_both_languages(problem, english=english)
    assert message_text(problems[0], "fr") == f"{tmp_path / 'none.yaml'} : fichier : n'existe pas"


# --- ration profiles ------------------------------------------------------------------------

RATIONS_HEADER = "item,name_fr,name_en,quantity,unit,per,group,source,unit_cost_usd,cost_unit,cost_source\n"
GOOD_ROW = "water,Eau,Water,15,L,person_day,wash,Sphere,0.01,USD/L,assumption"


@pytest.mark.parametrize(
    ("row", "english"),
    [
        (
            GOOD_ROW.replace("15,L", "15,kg"),
            "rations.csv:2: water.unit: '15 kg' has the wrong unit: expected L ([length]**3), got kg ([mass])",
        ),
        (GOOD_ROW.replace("15,L", "-3,L"), "rations.csv:2: water.quantity: must not be negative, got -3"),
        (
            GOOD_ROW.replace("water,", "petrol,"),
            "rations.csv:2: item: unknown item 'petrol'; known: water, cereal, soap, animal_feed, covered_space, nfi_kit, shelter_kit, dignity_kit, hygiene_kit, mosquito_net, latrine",
        ),
        (
            GOOD_ROW.replace("person_day", "person_week"),
            "rations.csv:2: water.per: unknown 'person_week'; expected one of person_day, person_month, person_once, household_once, destroyed_house_once, person_present",
        ),
        (
            GOOD_ROW.replace(",wash,", ",everyone,"),
            "rations.csv:2: water.group: unknown 'everyone'; expected one of in_need, displaced, in_sites, destroyed, food_insecure, fed, wash",
        ),
        (GOOD_ROW.replace("0.01,", "cheap,"), "rations.csv:2: water.unit_cost_usd: not a number: 'cheap'"),
        (GOOD_ROW.replace("0.01,", "-2.50,"), "rations.csv:2: water.unit_cost_usd: must not be negative, got -2.5"),
        (
            GOOD_ROW.replace("Sphere", ""),
            "rations.csv:2: water.source: empty; every number needs its source (or 'assumption: why')",
        ),
        (
            GOOD_ROW.replace("15,L", "15,wombat"),
            "rations.csv:2: water.unit: unknown unit in '15 wombat': 'wombat' is not defined in the unit registry",
        ),
    ],
    ids=["unit", "negative", "item", "per", "group", "cost-text", "cost-negative", "source", "unknown-unit"],
)
def test_bad_ration_profiles(tmp_path, row, english):
    from sim.core.loader import InputError
    from sim.needs import read_rations

    path = tmp_path / "rations.csv"
    path.write_text(RATIONS_HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_rations(path)
    check_both_languages(info.value.problems[0], english=english.replace("rations.csv", str(path)))


def test_ration_profile_header_and_missing_file(tmp_path):
    from sim.core.loader import InputError
    from sim.needs import read_rations

    path = tmp_path / "rations.csv"
    path.write_text("item,quantity,unit\nwater,15,L\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_rations(path)
    check_both_languages(
        info.value.problems[0],
        english=f"{path}:1: header: missing column(s) per, group, source, unit_cost_usd, cost_source",
    )
    with pytest.raises(InputError) as info:
        read_rations(tmp_path / "none.csv")
    check_both_languages(info.value.problems[0], english=f"{tmp_path / 'none.csv'}: file: no such file")


# --- quantities -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "english"),
    [
        (
            "15 kg/person/day",
            "L/person/day",
            "'15 kg/person/day' has the wrong unit: expected L/person/day ([length]**3/[person]/[time]), got kg/person/day ([mass]/[person]/[time])",
        ),
        (
            "15",
            "L/person/day",
            "'15' has the wrong unit: expected L/person/day ([length]**3/[person]/[time]), got no unit (dimensionless)",
        ),
        ("3 kit", "net", "'3 kit' has the wrong unit: expected net ([net]), got kit ([kit])"),
        ("100 XOF", "USD", "'100 XOF' has the wrong unit: expected USD ([currency_usd]), got XOF ([currency_xof])"),
        ("3 + ", "m/s", "cannot read '3 +' as a quantity (AssertionError)"),
        ("15 wombats/day", "L/day", "unknown unit in '15 wombats/day': 'wombats' is not defined in the unit registry"),
        ("", "L", "empty quantity"),
    ],
)
def test_bad_quantities(text, unit, english):
    from sim.core.units import UnitError, parse_quantity

    with pytest.raises(UnitError) as info:
        parse_quantity(text, expected=unit)
    check_both_languages(info.value, english=english)


def test_exchange_rate():
    from sim.core.units import UnitError, parse_quantity, to_usd

    with pytest.raises(UnitError) as info:
        to_usd(parse_quantity("1 XOF"), 0)
    assert message_text(info.value, "fr") == "le taux de change doit être positif, reçu 0"
    check_both_languages(info.value, english="exchange rate must be positive, got 0")


# --- hazard layers --------------------------------------------------------------------------


def _grid():
    from sim.core.grid import Grid

    return Grid(resolution=0.05)


def _depth_tif(path: Path, value=1.5, units="m") -> Path:
    from hazards.io.geotiff import write_geotiff

    grid = _grid()
    field = xr.DataArray(
        np.full(grid.shape, value, np.float32),
        dims=("y", "x"),
        coords={"y": grid.y, "x": grid.x},
        attrs={"units": units},
    )
    return write_geotiff(field, path)


def _layer_cases(tmp: Path, gdal: dict[str, str]):
    """(description, action, English line) of layers refused by the catalog; ``{dir}`` is ``tmp``."""
    from hazards.catalog import add_layer, open_layer
    from hazards.io.geotiff import write_geotiff
    from hazards.io.rainfall import read_rainfall

    png = tmp / "carte.tif"
    png.write_bytes((ROOT / "ui" / "static" / "icon.png").read_bytes())
    good = _depth_tif(tmp / "bon.tif")
    cut = tmp / "coupe.tif"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    ascii_grid = tmp / "plain.asc"
    ascii_grid.write_text("ncols 4\nnrows 4\nxllcorner -5\nyllcorner 14\ncellsize 0.1\n" + "1 1 1 1\n" * 4)
    nocrs = tmp / "sansref.tif"
    subprocess.run([gdal["gdal_translate"], "-q", ascii_grid, nocrs], check=True)
    paris = tmp / "paris.tif"
    write_geotiff(
        xr.DataArray(
            np.ones((10, 10), np.float32),
            dims=("y", "x"),
            coords={"y": np.linspace(49.5, 48.5, 10), "x": np.linspace(2, 3, 10)},
            attrs={"units": "m"},
        ),
        paris,
    )
    kg = _depth_tif(tmp / "poids.tif", units="kg")
    undated = _depth_tif(tmp / "pluie.tif", 3.0, "mm/day")
    unitless = tmp / "brut.tif"
    subprocess.run(
        [gdal["gdal_translate"], "-q", "-a_srs", "EPSG:4326", "-mo", "date=2022-08-01", ascii_grid, unitless],
        check=True,
    )
    times = pd.DatetimeIndex(["2024-07-01", "2024-07-11", "2024-07-21"])
    grid = _grid()
    dekads = tmp / "dekades.nc"
    xr.Dataset(
        {"precip": (("time", "latitude", "longitude"), np.ones((3, *grid.shape), np.float32), {"units": "mm/day"})},
        coords={"time": times, "latitude": grid.y[::-1], "longitude": grid.x},
    ).to_netcdf(dekads)
    degrees = tmp / "degres.nc"
    xr.Dataset(
        {"precip": (("time", "latitude", "longitude"), np.ones((3, *grid.shape), np.float32), {"units": "degC"})},
        coords={"time": pd.date_range("2024-07-01", periods=3), "latitude": grid.y[::-1], "longitude": grid.x},
    ).to_netcdf(degrees)
    text = tmp / "texte.nc"
    text.write_text("nor is this a netcdf\n")
    extent = tmp / "emprise.geojson"
    extent.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [[[2, 48], [3, 48], [3, 49], [2, 48]]]},
                    }
                ],
            }
        )
    )
    return [
        ("png", lambda: add_layer(png, "second", "flood-depth"), "carte.tif: not a GeoTIFF (GDAL reads it as PNG)"),
        (
            "truncated",
            lambda: add_layer(cut, "second", "flood-depth"),
            "coupe.tif: not a raster (GDAL could not open it)",
        ),
        ("no-crs", lambda: add_layer(nocrs, "second", "flood-depth", units="m"), "sansref.tif: no CRS; pass --crs"),
        (
            "outside",
            lambda: add_layer(paris, "second", "flood-depth"),
            "paris.tif: does not overlap the delta (bounds 1.944, 48.444, 3.056, 49.556 vs grid -6.6, 13.2, -2.9, 16.9)",
        ),
        (
            "kg",
            lambda: add_layer(kg, "second", "flood-depth"),
            "poids.tif: units 'kg' do not fit a flood-depth layer; expected a depth (m, cm, mm)",
        ),
        (
            "speed",
            lambda: add_layer(good, "second", "flood-depth", units="furlong/fortnight"),
            "bon.tif: units 'furlong/fortnight' do not fit a flood-depth layer; expected a depth (m, cm, mm)",
        ),
        (
            "index-in-m",
            lambda: add_layer(good, "second", "drought-index"),
            "bon.tif: units 'm' do not fit a drought-index layer; expected dimensionless",
        ),
        (
            "unknown-unit",
            lambda: add_layer(good, "second", "flood-depth", units="blorps"),
            "bon.tif: unknown unit 'blorps'",
        ),
        ("absent", lambda: add_layer(tmp / "absent.tif", "second", "flood-depth"), "absent.tif: no such file"),
        (
            "kind",
            lambda: add_layer(good, "second", "tsunami"),
            "unknown kind 'tsunami'; expected one of rainfall, flood-depth, flood-extent, drought-index, population, elevation",
        ),
        (
            "shapefile",
            lambda: add_layer(tmp / "extent.shp", "second", "flood-extent"),
            "extent.shp: a Shapefile must be zipped with its .shx, .dbf and .prj; add the .zip",
        ),
        (
            "suffix",
            lambda: add_layer(tmp / "carte.png", "second", "flood-depth"),
            "carte.png: unsupported file type .png; expected one of .geojson, .gpkg, .json, .nc, .nc4, .tif, .tiff, .vrt, .zip",
        ),
        (
            "name",
            lambda: add_layer(good, "Bad Name", "flood-depth"),
            "layer name 'Bad Name' must be lower case letters, digits and dashes (e.g. chirps-2022)",
        ),
        (
            "taken",
            lambda: add_layer(good, "first", "flood-depth"),
            "layer 'first' already exists in {dir}; choose another --name",
        ),
        (
            "empty-source",
            lambda: add_layer(good, "third", "flood-depth", source=""),
            "bon.tif: source: String should have at least 1 character",
        ),
        (
            "too-large",
            lambda: read_rainfall(undated, max_cells=1000),
            "pluie.tif: 74×74 cells exceeds the limit of 1000 cells; crop it first",
        ),
        (
            "no-date",
            lambda: add_layer(undated, "rain", "rainfall"),
            "pluie.tif: no date; set the band description or a 'date' tag to YYYY-MM-DD, or put YYYYMMDD in the file name",
        ),
        (
            "no-units",
            lambda: add_layer(unitless, "raw", "rainfall"),
            "brut.tif: no units (no 'units' tag or band unit); pass --units, e.g. --units mm/day",
        ),
        (
            "dekads",
            lambda: add_layer(dekads, "dekads", "rainfall"),
            "dekades.nc: time steps of 10 days are neither daily nor monthly",
        ),
        ("degrees", lambda: read_rainfall(degrees), "degres.nc: units 'degC' are not a rainfall rate or depth"),
        (
            "not-netcdf",
            lambda: read_rainfall(text),
            "texte.nc: not a NetCDF file netCDF4 can open ([Errno -51] NetCDF: Unknown file format)",
        ),
        (
            "extent-outside",
            lambda: add_layer(extent, "extent", "flood-extent"),
            "emprise.geojson: does not overlap the delta (bounds 2.000, 48.000, 3.000, 49.000 vs grid -6.6, 13.2, -2.9, 16.9)",
        ),
        ("not-in-catalog", lambda: open_layer("nowhere"), "no layer 'nowhere' in the hazard catalog; layers: first"),
    ]


def test_refused_layers(tmp_path, data_dir, gdal_tools):
    from hazards.catalog import CatalogError, add_layer
    from hazards.io.errors import RasterError

    (data_dir / "layers").mkdir(parents=True)
    add_layer(_depth_tif(tmp_path / "first.tif"), "first", "flood-depth")
    for name, action, english in _layer_cases(tmp_path, gdal_tools):
        with pytest.raises((CatalogError, RasterError)) as info:
            action()
        expected = None if english is None else english.replace("{dir}", str(data_dir / "layers"))
        try:
            check_both_languages(info.value, english=expected)
        except AssertionError as err:
            raise AssertionError(f"{name}: {err}") from None


def test_french_of_some_layers(tmp_path, data_dir, gdal_tools):
    from hazards.catalog import CatalogError

    cases = {name: (action, english) for name, action, english in _layer_cases(tmp_path, gdal_tools)}
    expected = {
        "no-crs": "sansref.tif : aucun système de coordonnées (SCR) ; indiquez-le (--crs)",
        "outside": "paris.tif : la couche ne couvre pas le delta (emprise ouest, sud, est, nord : 1,944 ; 48,444 ; 3,056 ; 49,556 ; delta : \u22126,6 ; 13,2 ; \u22122,9 ; 16,9)",
        "kg": "poids.tif : l'unité « kg » ne convient pas à une couche flood-depth ; il faut une hauteur d'eau (m, cm, mm)",
        "dekads": "dekades.nc : pas de temps de 10 jours, ni quotidien ni mensuel",
    }
    for name, french in expected.items():
        with pytest.raises(CatalogError) as info:
            cases[name][0]()
        assert message_text(info.value, "fr") == french


def test_a_header_only_giant(tmp_path):
    from hazards.catalog import CatalogError, prepare_layer

    vrt = tmp_path / "immense.vrt"
    vrt.write_text(
        '<VRTDataset rasterXSize="200000" rasterYSize="200000"><SRS>EPSG:4326</SRS>'
        "<GeoTransform>-10, 0.0001, 0, 20, 0, -0.0001</GeoTransform>"
        '<VRTRasterBand dataType="Float32" band="1"/></VRTDataset>'
    )
    with pytest.raises(CatalogError) as info:
        prepare_layer(vrt, "huge", "flood-depth", units="m")
    check_both_languages(
        info.value, english="immense.vrt: 200000×200000 cells exceeds the limit of 50000000 cells; crop it first"
    )
    assert (
        message_text(info.value, "fr")
        == "immense.vrt : 200\u202f000 × 200\u202f000 mailles, au-delà de la limite de 50\u202f000\u202f000 mailles ; découpez-le d'abord"
    )


def test_scenarios_naming_missing_layers(tmp_path, data_dir):
    from hazards.catalog import add_layer, layer_kinds
    from sim.scenario import validation_context

    (data_dir / "layers").mkdir(parents=True)
    add_layer(_depth_tif(tmp_path / "d.tif"), "depth", "flood-depth")
    context = validation_context(layers=layer_kinds())
    missing = _problems(SCENARIO.replace("  peak: 671 cm", "  layer: nowhere"), context=context)[0]
    check_both_languages(
        missing,
        english="f.yaml:9: flood.layer: no layer 'nowhere' in the hazard catalog; flood-depth or flood-extent layers: depth",
    )
    assert (
        problem_message(missing, "fr")
        == "aucune couche « nowhere » dans le catalogue des aléas ; couches flood-depth ou flood-extent disponibles : depth"
    )
    wrong = _problems(
        SCENARIO.replace("flood:", "rainfall:\n  source: layer\n  layer: depth\nflood:"), context=context
    )[0]
    check_both_languages(
        wrong, english="f.yaml:10: rainfall.layer: layer 'depth' is a flood-depth layer, expected rainfall"
    )
    none = _problems(
        SCENARIO.replace("flood:", "rainfall:\n  source: layer\n  layer: chirps\nflood:"), context=context
    )[0]
    check_both_languages(
        none, english="f.yaml:10: rainfall.layer: no layer 'chirps' in the hazard catalog; rainfall layers: none"
    )


# --- boundaries and the user's files --------------------------------------------------------


def test_refused_boundaries(tmp_path):
    from sim.delta.boundaries import BoundariesError, read_boundaries

    square = {"type": "Polygon", "coordinates": [[[-4.5, 14.0], [-4.0, 14.0], [-4.0, 14.5], [-4.5, 14.0]]]}
    named = tmp_path / "noms.geojson"
    named.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"nom": "Mopti"}, "geometry": square}],
            }
        )
    )
    partial = tmp_path / "partiel.geojson"
    partial.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"ADM2_PCODE": "ML0501"}, "geometry": square}],
            }
        )
    )
    broken = tmp_path / "casse.geojson"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    cases = [
        (
            lambda: read_boundaries(named, ["ML0501"]),
            f"{named}: no pcode field (tried admin2Pcod, admin2Pcode, ADM2_PCODE, adm2_pcode, pcode, PCODE); fields are: nom",
        ),
        (
            lambda: read_boundaries(partial, ["ML0501", "ML0502"]),
            f"{partial}: field ADM2_PCODE lacks the cercles ML0502",
        ),
        (
            lambda: read_boundaries(tmp_path / "aucun.geojson", ["ML0501"]),
            f"{tmp_path / 'aucun.geojson'}: no such file",
        ),
        (lambda: read_boundaries(broken, ["ML0501"]), None),
    ]
    for action, english in cases:
        with pytest.raises(BoundariesError) as info:
            action()
        check_both_languages(info.value, english=english)
    assert message_text(info.value, "fr") == f"{broken} : fichier vectoriel illisible"


@pytest.mark.parametrize(
    ("action", "english", "french"),
    [
        (
            lambda u: u.save_text("plans", "baseline", "x"),
            "baseline is shipped with the product and cannot be overwritten; choose another name",
            "baseline est livré avec l'outil et ne peut pas être remplacé ; choisissez un autre nom",
        ),
        (
            lambda u: u.save_text("plans", "Mon Plan", "x"),
            "'Mon Plan': a name is lower case letters, digits and dashes (e.g. my-plan-2025)",
            "« Mon Plan » : un nom s'écrit en minuscules, chiffres et tirets (par ex. mon-plan-2025)",
        ),
        (
            lambda u: u.delete("plans", "baseline"),
            "baseline is shipped with the product: it is read-only",
            "baseline est livré avec l'outil : il est en lecture seule",
        ),
        (
            lambda u: u.delete("plans", "rien"),
            "there is no file rien among yours",
            "aucun de vos fichiers ne s'appelle rien",
        ),
    ],
    ids=["shipped-name", "bad-name", "read-only", "absent"],
)
def test_refused_library_actions(action, english, french):
    from sim.core import userdata

    with pytest.raises(userdata.LibraryError) as info:
        action(userdata)
    check_both_languages(info.value, english=english)
    assert message_text(info.value, "fr") == french


# --- formatting, and what the messages survive ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "spec", "french"),
    [
        (-3, "", "\u22123"),
        (1500, "", "1500"),  # four digits as a file writes them
        (50_000_000, "", "50\u202f000\u202f000"),
        (2009, "g", "2009"),  # a year, as Python's g writes it: no grouping
        (0.002, "g", "0,002"),
        (150135.4, ",.0f", "150\u202f135"),
        (48.4444, ".3f", "48,444"),
        (5.2, "", "5,2"),
    ],
)
def test_numbers_in_french(value, spec, french):
    assert local_number(value, spec, "fr") == french
    assert local_number(value, spec, "en") == format(value, spec)


@pytest.mark.parametrize(
    ("text", "french"),
    [
        ("-3 day", "\u22123 jours"),
        ("1 day", "1 jour"),
        ("1500 m**3", "1500 m³"),
        ("25000 kit", "25\u202f000 kits"),
        ("5.2 person/household", "5,2 personnes/ménage"),
        ("250 g/person/month", "250 g/personne/mois"),
        ("15 L/person/day", "15 L/personne/jour"),
        ("3 USD/m**3/month", "3 US$/m³/mois"),
        ("0.01 degree", "0,01 degré"),
        ("10 net", "10 moustiquaires"),
        ("abc", "abc"),
    ],
)
def test_quantities_in_french(text, french):
    assert quantity_text(text, "fr") == french
    assert quantity_text(text, "en") == text


def test_units_in_french():
    assert unit_text("m**3", "fr") == "m³"
    assert unit_text("USD/t/km", "fr") == "US$/t/km"
    assert unit_text("household/day", "fr") == "ménage/jour"
    assert unit_text("kit", "fr", plural=True) == "kits"
    assert unit_text("m**3", "en") == "m**3"


def test_lists_and_nested_messages():
    assert render("{names:or}", {"names": ["a", "b", "c"]}, "fr") == "a, b ou c"
    assert render("{names:qor}", {"names": ["a", "b"]}, "en") == "'a' or 'b'"
    assert render("{names:g}", {"names": [10.0, 1.5]}, "fr") == "10, 1,5"
    assert render("{x:omit}.", {"x": "hidden"}, "fr") == "."


def test_errors_survive_pickling_between_processes():
    from hazards.catalog import CatalogError
    from sim.core.loader import InputError

    problem = _problems(PLAN.replace("min: 3 day", "min: -3 day"))[0]
    again = pickle.loads(pickle.dumps(InputError([problem])))
    assert again.problems == [problem] and message_text(again, "fr") == message_text(problem, "fr")
    error = CatalogError("err_catalog_shipped", "layer {name!r} is shipped with the product: it is read-only", name="x")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.params, str(copy)) == (error.code, error.params, str(error))
    assert hash(problem) == hash(again.problems[0])  # a Problem stays hashable


def test_plain_errors_stay_english():
    from hazards.io.errors import RasterError

    assert message_text(ValueError("something odd"), "fr") == "something odd"
    plain = RasterError("a message without code")
    assert (plain.code, str(plain), message_text(plain, "fr")) == (
        "",
        "a message without code",
        "a message without code",
    )
