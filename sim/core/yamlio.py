"""YAML read safely and bounded: a size limit, no anchors or aliases, no tags, a depth limit.

Scenario, plan and layer-card files are small hand-written mappings. YAML can make a small
file expand without bound (an *alias bomb*: nine levels of nine aliases are 353 bytes and
nine to the ninth nodes once expanded) and can ask the loader to build any object (tags such
as ``!!python/object``). Neither has any use in these files, so :func:`refusal` looks at the
parser's events — which never expands an alias — and refuses the first of them before
anything is built.

Notes: the limits are module constants; the largest shipped file (``scenarios/``) is under
10 kB and 6 levels deep.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_NODES", "MAX_NUMBER_CHARS", "refusal"]

NUMBER = re.compile(r"[-+]?[0-9_.,eE+-]+")
"""What a plain scalar that YAML reads as a number looks like (loosely: any run of digits)."""

MAX_YAML_BYTES = 512_000
"""Largest scenario, plan or layer-card file read [byte]. Notes: fifty times the largest
shipped file; a plan with a warehouse at every hub, every item in stock and ten sources is
about 10 kB."""

MAX_YAML_DEPTH = 20
"""Deepest nesting of mappings and lists read [level]. Notes: the schemas are at most 5 levels
deep (plan → procurement → source → lead_time → min)."""

MAX_NUMBER_CHARS = 100
"""Longest number written without quotes [character]. Notes: a double has 17 significant
digits; Python refuses to read integers of more than 4,300 digits, and would need seconds to."""

MAX_YAML_NODES = 10_000
"""Most values (scalars, lists and mappings) in one file [node]. Notes: a plan with a warehouse
at every hub and every item in stock holds about 300; the parser takes some 60 µs per value,
so a file at the limit is refused in under a second."""


def refusal(text: str) -> tuple[int | None, str, str, dict[str, Any]] | None:
    """Why YAML ``text`` is not read, or ``None`` when it may be loaded.

    Returns
    -------
    tuple or None
        ``(line, code, english, params)``: the 1-based line (``None`` for the whole file),
        the message code, its English template and parameters. Syntax errors are left to
        the loader, which says where they are.
    """
    size = len(text.encode("utf-8"))
    if size > MAX_YAML_BYTES:
        return (
            None,
            "err_yaml_too_large",
            "is {size:,} bytes, more than the {limit:,} bytes a scenario, plan or card may hold",
            {"size": size, "limit": MAX_YAML_BYTES},
        )
    depth = nodes = 0
    try:
        for event in YAML(typ="rt").parse(io.StringIO(text)):
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            if isinstance(event, AliasEvent):
                return (
                    line,
                    "err_yaml_alias",
                    "aliases (*{name}) are not allowed; write the value out",
                    {"name": str(event.anchor)},
                )
            if isinstance(event, NodeEvent):
                if event.anchor is not None:
                    return (
                        line,
                        "err_yaml_anchor",
                        "anchors (&{name}) are not allowed; write the value out",
                        {"name": str(event.anchor)},
                    )
                tag = getattr(event, "tag", None)
                if tag is not None:
                    return line, "err_yaml_tag", "tags ({tag}) are not allowed", {"tag": str(tag)}
                if (
                    isinstance(event, ScalarEvent)
                    and event.style is None
                    and len(event.value) > MAX_NUMBER_CHARS
                    and NUMBER.fullmatch(event.value)
                ):
                    return (
                        line,
                        "err_yaml_long_number",
                        "a number of {length:,} characters; at most {limit} are read",
                        {"length": len(event.value), "limit": MAX_NUMBER_CHARS},
                    )
                nodes += 1
                if nodes > MAX_YAML_NODES:
                    return (
                        line,
                        "err_yaml_too_many_nodes",
                        "holds more than {limit:,} values",
                        {"limit": MAX_YAML_NODES},
                    )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return (
                        line,
                        "err_yaml_too_deep",
                        "is nested more than {limit} levels deep",
                        {"limit": MAX_YAML_DEPTH},
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return None
    return None
