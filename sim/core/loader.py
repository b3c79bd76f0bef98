"""Reading YAML files into pydantic models, with ``FILE:LINE: field: problem`` for every error.

The generic half of the scenario and plan files (:mod:`sim.scenario`, :mod:`sim.plan`), also
used by the hazard catalog's layer cards: YAML read safely (:mod:`sim.core.yamlio`) into a mapping
that remembers its line numbers, validated against a schema, every pydantic error mapped back
to its line and given a message code and parameters (:class:`Problem`) so that the app can
say it in the reader's language (:func:`sim.core.messages.message_text`).
"""

from __future__ import annotations

import io
import re
import stat
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.core.errors import BadInputError
from sim.core.messages import render
from sim.core.yamlio import refusal as yaml_refusal

__all__ = [
    "Problem",
    "InputError",
    "coded_problem",
    "read_text",
    "read_mapping",
    "validate_mapping",
    "dump_yaml",
    "plain",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``message`` is the English text (what ``python -m sim validate`` prints); ``code`` and
    ``params`` name the same message in the catalogs, for :func:`sim.core.messages.message_text`
    (an empty ``code``: English only).
    """

    file: str
    line: int | None
    field: str
    message: str
    code: str = ""
    params: dict[str, Any] = dataclass_field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class InputError(BadInputError):
    """An input file with problems; ``problems`` lists them, ``str()`` gives the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(str(problems[0]) if problems else "invalid input")
        self.problems = problems

    def __reduce__(self):  # survive pickling between processes (ensemble members)
        return (type(self), (self.problems,))

    def lines(self) -> list[str]:
        """One line per problem."""
        return [str(p) for p in self.problems] or [str(self)]


def coded_problem(file: str, line: int | None, field: str, code: str, english: str, **params: Any) -> Problem:
    """A problem whose English message is ``english`` filled with ``params``."""
    return Problem(file, line, field, render(english, params, "en"), code, params)


def read_text(path: str | Path, max_bytes: int | None = None, what: str = "this file") -> str:
    """The UTF-8 text of a user's file (a byte-order mark is allowed and dropped).

    Parameters
    ----------
    max_bytes : int, optional
        Largest file read [byte]; a larger one is refused before it is read in full.
    what : str
        What the file should be, for the message of a file too large ("a ration profile").

    Raises
    ------
    InputError
        A missing file, a folder or other non-regular file, a file that cannot be read, is
        larger than ``max_bytes``, is not UTF-8 (with the line of the first bad byte) or
        holds a NUL byte (with its line).
    """
    path = Path(path)
    file = str(path)

    def refuse(line: int | None, code: str, english: str, **params) -> InputError:
        return InputError([coded_problem(file, line, "file", code, english, **params)])

    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise refuse(None, "err_file_is_folder", "is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise refuse(None, "err_file_unreadable", "{detail}", detail="not a regular file")
        with path.open("rb") as stream:
            data = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise refuse(None, "err_file_missing", "no such file") from None
    except IsADirectoryError:
        raise refuse(None, "err_file_is_folder", "is a folder, not a file") from None
    except PermissionError as err:
        raise refuse(None, "err_file_permission", "{detail}", detail=err.strerror or str(err)) from None
    except OSError as err:
        raise refuse(None, "err_file_unreadable", "{detail}", detail=err.strerror or str(err)) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise refuse(
            None,
            "err_file_too_large",
            "is {size:,} bytes, more than the {limit:,} bytes {what} may hold",
            size=max(len(data), path.stat().st_size),
            limit=max_bytes,
            what=what,
        )
    try:
        text = data.decode("utf-8-sig")  # spreadsheets write 'CSV UTF-8' with a byte-order mark
    except UnicodeDecodeError as err:
        raise refuse(data[: err.start].count(b"\n") + 1, "err_file_not_utf8", "is not UTF-8 text") from None
    if "\x00" in text:
        raise refuse(
            text[: text.index("\x00")].count("\n") + 1, "err_file_binary", "holds binary data (a NUL byte), not text"
        )
    return text


def read_mapping(text: str, file: str, what: str) -> CommentedMap:
    """Parse YAML ``text`` into a mapping that remembers its line numbers.

    ``what`` describes the expected content in the message for an empty file.

    Raises
    ------
    InputError
    """
    refused = yaml_refusal(text)
    if refused is not None:
        line, code, english, params = refused
        raise InputError([coded_problem(file, line, "yaml" if line else "file", code, english, **params)])
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    try:
        data = yaml.load(io.StringIO(text))
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = (err.problem or err.context or "syntax error").strip()
        raise InputError([_yaml_problem(file, line, problem)]) from None
    except YAMLError as err:
        raise InputError([_yaml_problem(file, None, str(err).splitlines()[0])]) from None
    if data is None:
        code = _EMPTY_CODES.get(what)
        if code is None:
            raise InputError([coded_problem(file, 1, "file", "err_file_empty", "is empty; expected {what}", what=what)])
        raise InputError([coded_problem(file, 1, "file", code, f"is empty; expected {what}")])
    if not isinstance(data, CommentedMap):
        raise InputError(
            [
                coded_problem(
                    file, 1, "file", "err_file_not_mapping", "expected a mapping of keys to values at the top level"
                )
            ]
        )
    return data


_EMPTY_CODES = {
    "a mapping with 'kind: scenario' or 'kind: plan'": "err_file_empty_scenario_or_plan",
    "a layer card": "err_file_empty_layer_card",
}
"""What an empty file should have held (``read_mapping``'s ``what``) → the code of its message."""

_YAML_CODES = (
    (
        r"found duplicate key \"(?P<key>[^\"]*)\" with value .*",
        "err_yaml_duplicate_key",
        "{problem}; each key may appear once{key:omit}",
    ),
    (r".*duplicate key.*", "err_yaml_duplicate", "{problem}; each key may appear once"),
    (r"found character '\\t' that cannot start any token", "err_yaml_tab", "{problem}"),
    (
        r"found character '(?P<character>.)' that cannot start any token",
        "err_yaml_character",
        "{problem}{character:omit}",
    ),
    (r"expected <block end>, but found .*", "err_yaml_indentation", "{problem}"),
    (r"mapping values are not allowed here", "err_yaml_colon", "{problem}"),
    (r"could not find expected ':'", "err_yaml_expected_colon", "{problem}"),
    (r"found unexpected end of stream", "err_yaml_unclosed_quote", "{problem}"),
    (r"expected ',' or '(?P<bracket>[\]}])', but got .*", "err_yaml_unclosed_bracket", "{problem}{bracket:omit}"),
)
"""The YAML parser's own (English) problems the catalogs explain, with the parts they name."""


def _yaml_problem(file: str, line: int | None, problem: str) -> Problem:
    for pattern, code, english in _YAML_CODES:
        match = re.fullmatch(pattern, problem)
        if match:
            return coded_problem(file, line, "yaml", code, english, problem=problem, **match.groupdict())
    return coded_problem(file, line, "yaml", "err_yaml_syntax", "{problem}", problem=problem)


def validate_mapping(data: CommentedMap, file: str, schema: type[BaseModel], context: dict | None = None):
    """Validate a parsed mapping against ``schema``; every error carries its line.

    Raises
    ------
    InputError
    """
    try:
        return schema.model_validate(plain(data), context=context)
    except pydantic.ValidationError as err:
        problems = [_problem(file, data, schema, e) for e in err.errors()]
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.field))) from None


def dump_yaml(data: dict) -> str:
    """YAML text of plain data (block style, Unicode kept, 100 columns)."""
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


class _DatesAsText(RoundTripConstructor):
    """Leaves dates as text, so that pydantic checks them and an error gets its line."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [plain(v) for v in node]
    return node


def _problem(file: str, root: CommentedMap, schema: type[BaseModel], error: dict) -> Problem:
    loc = [part for part in error["loc"] if part != "[key]"]
    kind = error["type"]
    message = error["msg"]
    ctx = dict(error.get("ctx") or {})
    code, params = "", {}
    if kind.startswith("err_"):
        # one of ours (PydanticCustomError): its code, its parameters, maybe another field
        named = ctx.pop("field", None)
        if named:
            loc = loc + str(named).split(".")
        code, params = kind, ctx
    elif kind == "value_error":
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        # a plain ValueError may name its field first: "flood.gauge: unknown gauge …"
        named = re.match(r"^([a-z_]+(?:\.[a-z_]+)*): (.*)$", message)
        if named:
            loc = loc + named.group(1).split(".")
            message = named.group(2)
    line = _line_of(root, loc)
    field = _field_name(loc) or "file"
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(schema, loc[:-1])
        message = "unknown field" + (f"; expected one of: {', '.join(allowed)}" if allowed else "")
        code, params = ("err_unknown_field", {"allowed": allowed}) if allowed else ("err_unknown_field_bare", {})
    elif kind == "missing":
        message = "required field is missing"
        code = "err_missing"
    elif kind == "literal_error":
        message = f"{value!r} is not allowed; expected {ctx['expected']}"
        code, params = "err_not_allowed", {"input": value, "expected": _literal_values(ctx["expected"])}
    elif kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        message = f"{message.lower()}, got {value!r}"
        bound = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}[kind]
        code, params = PYDANTIC_CODES[kind], {bound: ctx.get(bound), "input": value}
    elif kind == "string_pattern_mismatch":
        message = f"{value!r} must be lower case letters, digits and dashes"
        code, params = "err_name_pattern", {"input": value}
    elif kind in PYDANTIC_CODES:
        code, params = _builtin_code(kind, ctx)
    return Problem(file, line, field, message, code, params)


PYDANTIC_CODES = {
    "greater_than": "err_greater_than",
    "greater_than_equal": "err_greater_than_equal",
    "less_than": "err_less_than",
    "less_than_equal": "err_less_than_equal",
    "int_parsing": "err_int_parsing",
    "int_from_float": "err_int_from_float",
    "int_type": "err_int_type",
    "int_parsing_size": "err_int_parsing_size",
    "float_parsing": "err_float_parsing",
    "float_type": "err_float_type",
    "finite_number": "err_finite_number",
    "bool_parsing": "err_bool_parsing",
    "bool_type": "err_bool_type",
    "string_type": "err_string_type",
    "string_too_short": "err_string_too_short",
    "too_short": "err_list_too_short",
    "list_type": "err_list_type",
    "model_type": "err_model_type",
    "model_attributes_type": "err_model_type",
    "dict_type": "err_dict_type",
    "date_type": "err_date_type",
    "date_parsing": "err_date_parsing",
    "date_from_datetime_parsing": "err_date_invalid",
    "date_from_datetime_inexact": "err_date_with_time",
}
"""Pydantic's error types → message codes (their English text is pydantic's, or the rewording below)."""

_DATE_ERRORS = (
    (r"month value is outside expected range of 1-12", "err_date_month"),
    (r"day value is outside expected range", "err_date_day"),
)
"""What a date's own error says (pydantic's ``ctx["error"]``) → a more precise code."""


def _builtin_code(kind: str, ctx: dict) -> tuple[str, dict]:
    """Code and parameters of a pydantic error that keeps pydantic's English text."""
    code = PYDANTIC_CODES[kind]
    if kind in ("date_parsing", "date_from_datetime_parsing"):
        detail = str(ctx.get("error", ""))
        if kind == "date_from_datetime_parsing":
            code = next((c for pattern, c in _DATE_ERRORS if re.fullmatch(pattern, detail)), code)
        return code, {"error": detail}
    if kind == "string_too_short":
        return code, {"count": ctx.get("min_length")}
    if kind == "too_short":
        if ctx.get("field_type") != "List":
            return "", {}
        return code, {"count": ctx.get("min_length"), "actual_length": ctx.get("actual_length")}
    if kind in ("model_type", "model_attributes_type"):
        return code, {"class_name": ctx.get("class_name", "")}
    return code, {}


def _literal_values(expected: str) -> list[str]:
    """The values of pydantic's ``'a', 'b' or 'c'`` (its literal_error's ``expected``)."""
    values = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    return values or [expected]


def _line_of(root: CommentedMap, loc: list) -> int:
    node: Any = root
    line = 1
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.data[part][0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.data[part][0] + 1
            node = node[part]
        else:
            break
    return line


def _field_name(loc: list) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + str(part)
    return name


def _allowed_fields(schema: type[BaseModel], loc: list) -> list[str]:
    model: Any = schema
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = _inner_model(model.model_fields[part].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        inner = _inner_model(arg)
        if inner is not None:
            return inner
    return None
