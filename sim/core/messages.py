"""Messages about bad input in the reader's language: a code, its parameters, one text per language.

Every refusal of a file or a value carries a *message code* and its *parameters*:
:class:`sim.scenario.Problem` (``code``, ``params``), and the exceptions built on
:class:`CodedError` (:class:`sim.core.units.UnitError`, :class:`hazards.io.RasterError`,
:class:`hazards.catalog.CatalogError`, :class:`sim.delta.boundaries.BoundariesError`) as well as
:class:`sim.core.userdata.LibraryError`. The English text is written where the error is raised —
it is what the command line prints, and ``str(err)`` is that text — and the texts for the app
are in ``sim/locales/<lang>/messages.yaml`` under the code, with the same placeholders.

:func:`message_text` gives the whole line in a language (``FILE:LINE : champ : message`` in
French, exactly the command line's line in English); :func:`problem_message` only the message.

Placeholders are :meth:`str.format` fields; a parameter is written for the language:

``{n}``, ``{n:g}``, ``{n:,.0f}``
    a number, Python's format in English; in French a decimal comma, a narrow no-break space
    between thousands (``{n}`` and ``,`` specs) and a true minus sign (``−3``);
``{value:qty}``
    a quantity as written in a file (``"-3 day"``): as written in English, ``−3 jours`` in French;
``{unit:unit}``, ``{unit:units}``
    a unit (``"m**3"``, ``"person/household"``): as written in English, ``m³``,
    ``personne/ménage`` (``units``: ``personnes/ménage``) in French;
``{names}``, ``{names:or}``, ``{names:qor}``
    a list: ``a, b``; ``a, b or c`` (``a, b ou c``); ``'a', 'b' or 'c'`` (items quoted);
``{detail:omit}``
    not written: a detail only the English text gives (the YAML parser's own words, pint's …),
    kept as a parameter so that both languages have the same placeholders;
a nested :class:`~sim.scenario.Problem` or coded error
    its line in the language.

A text may depend on a count (``{one: …, other: …}``, chosen by the ``count`` parameter).
"""

from __future__ import annotations

import ast
import numbers
import re
from typing import Any

import pint
from babel import Locale
from babel.numbers import format_decimal

from sim.core.errors import BadInputError
from sim.core.i18n import catalog, language_of
from sim.core.registry import ureg

__all__ = ["CodedError", "render", "message_text", "problem_message", "message_lines", "vector_error"]

ENGLISH = "en"


class CodedError(BadInputError):
    """A refused input whose message has a code and parameters; ``str()`` is the English text.

    Parameters
    ----------
    code : str
        Key of the message in the catalogs (``sim/locales/<lang>/messages.yaml``).
    english : str
        The English text as a :meth:`str.format` template, the same as the English catalog's.
    **params
        The values the text names (file names, numbers, quantities as written, lists).

    ``CodedError("some text")`` (no template) is a message without a code: English only.
    """

    def __init__(self, code: str, english: str | None = None, **params: Any):
        if english is None:
            self.code, self.template, self.params = "", None, {}
            super().__init__(code)
            return
        self.code = code
        self.template = english
        self.params = params
        super().__init__(render(english, params, ENGLISH))

    @classmethod
    def from_error(cls, err: Exception) -> CodedError:
        """The same message as another coded error (e.g. a raster error turned into a catalog error)."""
        template = getattr(err, "template", None)
        if getattr(err, "code", "") and template is not None:
            return cls(err.code, template, **err.params)
        return cls(str(err))

    def __reduce__(self):  # survive pickling between processes (ensemble members)
        if self.template is None:
            return (type(self), (str(self),))
        return (_rebuild, (type(self), self.code, self.template, dict(self.params)))


def _rebuild(cls, code, template, params):
    return cls(code, template, **params)


# --- rendering ------------------------------------------------------------------------------


def render(template: str | dict, params: dict[str, Any], lang: str) -> str:
    """``template`` with ``params`` written for ``lang`` (see the module notes for the specs).

    A template that depends on a count is a mapping of plural categories, chosen by
    ``params["count"]`` with the language's plural rule.
    """
    if isinstance(template, dict):
        template = _plural(template, params.get("count", 0), lang)
    return template.format_map({key: _wrap(value, lang) for key, value in params.items()})


def message_text(obj: Any, lang: str) -> str:
    """The one line that tells a reader what is wrong, in ``lang``.

    Parameters
    ----------
    obj : Problem, InputError, CodedError, LibraryError, Exception or str
        A problem gives ``FILE:LINE : champ : message`` (``FILE:LINE: field: message`` in
        English); an ``InputError`` its first problem's line (see :func:`message_lines` for
        all); a coded error its message. Anything else is its English text.
    lang : str
        ``"fr"`` or ``"en"`` (an unknown language is French).

    In English the line is exactly what the command line prints.
    """
    lang = language_of(lang)
    problems = getattr(obj, "problems", None)
    if isinstance(problems, list):
        return message_text(problems[0], lang) if problems else _text("msg_invalid_input", {}, lang, str(obj))
    if _is_problem(obj):
        if lang == ENGLISH:
            return str(obj)
        where = f"{obj.file}:{obj.line}" if obj.line else obj.file
        field = _field_label(obj.field, lang)
        return render(
            _catalog(lang)["msg_line"], {"where": where, "field": field, "message": problem_message(obj, lang)}, lang
        )
    code = getattr(obj, "code", "")
    params = getattr(obj, "params", None)
    if lang == ENGLISH or not code or not isinstance(params, dict):
        return str(obj)
    return _text(code, params, lang, str(obj))


def message_lines(obj: Any, lang: str) -> list[str]:
    """Every line of ``obj`` in ``lang``: one per problem of an ``InputError``, else one."""
    problems = getattr(obj, "problems", None)
    if isinstance(problems, list) and problems:
        return [message_text(problem, lang) for problem in problems]
    return [message_text(obj, lang)]


def problem_message(problem: Any, lang: str) -> str:
    """Only the message of a :class:`~sim.scenario.Problem` (no file, line or field), in ``lang``.

    ``"ne doit pas être négatif (−3 jours)"`` for ``must not be negative, got -3 day``.
    """
    lang = language_of(lang)
    if lang == ENGLISH or not getattr(problem, "code", ""):
        return problem.message
    return _text(problem.code, problem.params, lang, problem.message)


def _text(code: str, params: dict, lang: str, english: str) -> str:
    template = _catalog(lang).get(code)
    if template is None:
        return english
    return render(template, params, lang)


def _catalog(lang: str) -> dict:
    return catalog(lang)


def _is_problem(obj: Any) -> bool:
    return all(hasattr(obj, name) for name in ("file", "line", "field", "message"))


def _field_label(field: str, lang: str) -> str:
    """A field path is the file's key and stays as it is; the pseudo-fields (``file``, ``yaml`` …) are translated."""
    key = f"msg_field_{field}"
    return _catalog(lang).get(key, field) if re.fullmatch(r"[a-z_]+", field) else field


def _plural(forms: dict, count: Any, lang: str) -> str:
    try:
        category = Locale.parse(lang).plural_form(abs(float(count)))
    except (TypeError, ValueError):
        category = "other"
    return forms.get(category) or forms["other"]


def _wrap(value: Any, lang: str) -> Any:
    if isinstance(value, numbers.Number) and type(value).__module__ == "numpy":
        value = value.item()  # numpy scalars as Python numbers: repr() gives 1.5, not np.float64(1.5)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, numbers.Real):
        return _Number(value, lang)
    if isinstance(value, str):
        return _Text(value, lang)
    if isinstance(value, (list, tuple)):
        return _Sequence(value, lang)
    if _is_problem(value) or (isinstance(value, Exception) and getattr(value, "code", None) is not None):
        return _Nested(value, lang)
    return value


class _Number:
    def __init__(self, value, lang: str):
        self.value, self.lang = value, lang

    def __repr__(self) -> str:
        return repr(self.value)

    def __str__(self) -> str:
        return format(self, "")

    def __format__(self, spec: str) -> str:
        if spec == "omit":
            return ""
        if spec in ("qty", "unit", "units"):
            spec = ""
        if self.lang == ENGLISH:
            return format(self.value, spec)
        return local_number(self.value, spec, self.lang)


class _Text(str):
    lang: str

    def __new__(cls, value: str, lang: str):
        text = super().__new__(cls, value)
        text.lang = lang
        return text

    def __format__(self, spec: str) -> str:
        if spec == "omit":
            return ""
        if spec in ("qty", "unit", "units"):
            if self.lang == ENGLISH:
                return str(self)
            if spec == "qty":
                return quantity_text(str(self), self.lang)
            return unit_text(str(self), self.lang, plural=spec == "units")
        return format(str(self), spec)


class _Sequence:
    def __init__(self, values, lang: str):
        self.values, self.lang = values, lang

    def __repr__(self) -> str:
        return repr(self.values)

    def __str__(self) -> str:
        return format(self, "")

    def __format__(self, spec: str) -> str:
        if spec == "omit":
            return ""
        quote = spec.startswith("q")
        spec = spec[1:] if quote else spec
        conjunction = spec if spec in ("or", "and") else None
        spec = "" if conjunction else spec
        items = [_quoted(v, self.lang) if quote else format(_wrap(v, self.lang), spec) for v in self.values]
        if conjunction and len(items) > 1:
            word = _catalog(self.lang)[f"msg_{conjunction}"]
            return f"{', '.join(items[:-1])} {word} {items[-1]}"
        return ", ".join(items)


class _Nested:
    def __init__(self, value, lang: str):
        self.value, self.lang = value, lang

    def __str__(self) -> str:
        return message_text(self.value, self.lang)

    def __format__(self, spec: str) -> str:
        return "" if spec == "omit" else str(self)


def _quoted(value: Any, lang: str) -> str:
    return repr(value) if lang == ENGLISH else f"« {value} »"


# --- numbers and units for a language --------------------------------------------------------

MINUS = "\u2212"


def local_number(value: float, spec: str, lang: str) -> str:
    """``value`` formatted as Python's ``spec`` would, in the conventions of ``lang``.

    ``""``: every significant decimal (up to 6), thousands grouped from five digits on
    (``50 000 000``, but ``2009`` or ``1500`` as a file writes them); ``g``: up to 6
    significant digits, not grouped; ``[,][.N]f``: N decimals, grouped with ``,``.
    """
    if lang == ENGLISH:
        return format(value, spec)
    match = re.fullmatch(r"(?P<group>,)?(?:\.(?P<digits>\d+))?(?P<kind>[fgd]?)", spec)
    if match is None or not isinstance(value, numbers.Real) or value != value or value in (float("inf"), float("-inf")):
        return format(value, spec)
    kind, digits, group = match["kind"], match["digits"], bool(match["group"])
    if kind == "g":
        text = format(value, spec).replace(".", ",")
    elif kind == "f":
        places = int(digits) if digits is not None else 6
        pattern = ("#,##0" if group else "0") + ("." + "0" * places if places else "")
        text = format_decimal(value, format=pattern, locale=lang)
    elif kind == "d" and not digits:
        text = format_decimal(value, format="#,##0" if group else "0", locale=lang)
    elif not kind and not digits:
        text = format_decimal(value, format="#,##0.######" if abs(value) >= 10_000 else "0.######", locale=lang)
    else:
        return format(value, spec)
    return MINUS + text[1:] if text.startswith("-") else text


SYMBOLS = {
    "liter": "L",
    "milliliter": "mL",
    "kilogram": "kg",
    "gram": "g",
    "metric_ton": "t",
    "meter": "m",
    "centimeter": "cm",
    "millimeter": "mm",
    "kilometer": "km",
    "hour": "h",
    "minute": "min",
    "second": "s",
    "USD": "US$",
    "XOF": "FCFA",
    "hectare": "ha",
    "degree_Celsius": "°C",
    "percent": "%",
}
"""Units written as a symbol in every language (pint's names → symbol)."""

WORDS = (
    "day",
    "week",
    "month",
    "year",
    "degree",
    "person",
    "household",
    "kit",
    "net",
    "latrine",
    "tarpaulin",
    "jerrycan",
    "blanket",
    "item",
)
"""Units written as a word, singular or plural, from the catalogs (``msg_unit_<name>``)."""

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def unit_text(expression: str, lang: str, plural: bool = False) -> str:
    """A unit written for a reader: ``m³``, ``L/personne/jour``, ``US$/m³/mois``.

    ``plural`` puts the numerator's words in the plural (``personnes/ménage``). An expression
    pint does not read is returned as written, ``**`` exponents turned into superscripts.
    """
    if lang == ENGLISH:
        return expression
    try:
        units = ureg.parse_units(expression) if expression.strip() else None
    except Exception:
        units = None
    if units is None:
        return _superscripts(expression)
    return _units_text(dict(units._units), lang, 2 if plural else 1)


def quantity_text(text: str, lang: str) -> str:
    """A quantity as written in a file, for a reader: ``"-3 day"`` → ``−3 jours``, ``"1500 m**3"`` → ``1 500 m³``.

    Text that pint does not read as a quantity is returned as written.
    """
    if lang == ENGLISH:
        return text
    try:
        quantity = ureg.parse_expression(str(text).strip())
    except Exception:
        return _superscripts(str(text))
    if not isinstance(quantity, pint.Quantity):
        return local_number(quantity, "", lang) if isinstance(quantity, numbers.Real) else str(text)
    magnitude = quantity.magnitude
    magnitude = magnitude.item() if hasattr(magnitude, "item") else magnitude
    number = local_number(magnitude, "", lang)
    units = dict(quantity.units._units)
    return f"{number} {_units_text(units, lang, magnitude)}" if units else number


def _units_text(units: dict[str, float], lang: str, count: float) -> str:
    above = [(name, power) for name, power in units.items() if power > 0]
    below = [(name, -power) for name, power in units.items() if power < 0]
    text = "·".join(_one_unit(name, power, lang, count) for name, power in above) or "1"
    for name, power in below:
        text += "/" + _one_unit(name, power, lang, 1)
    return text


def _one_unit(name: str, power: float, lang: str, count: float) -> str:
    if name in SYMBOLS:
        text = SYMBOLS[name]
    elif name in WORDS:
        text = _plural(_catalog(lang)[f"msg_unit_{name}"], count, lang)
    else:
        text = name
    if power != 1:
        text += format(power, "g").translate(_SUPERSCRIPTS)
    return text


def _superscripts(text: str) -> str:
    return re.sub(r"\*\*(-?\d+)", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)


# --- vector files ---------------------------------------------------------------------------

_VECTOR_MESSAGES = (
    (r"no such file", "err_no_such_file", "{file}: no such file"),
    (
        r"(?P<count>\d+) features exceeds the limit of (?P<limit>\d+); simplify or split it",
        "err_vector_too_many",
        "{file}: {count} features exceeds the limit of {limit}; simplify or split it",
    ),
    (
        r"not a readable vector file \((?P<detail>.*)\)",
        "err_vector_unreadable",
        "{file}: not a readable vector file ({detail})",
    ),
    (
        r"no CRS; give the file a \.prj or convert it to EPSG:4326",
        "err_vector_no_crs",
        "{file}: no CRS; give the file a .prj or convert it to EPSG:4326",
    ),
    (
        r"unknown CRS (?P<crs>'.*'|\".*\") \((?P<detail>.*)\)",
        "err_vector_unknown_crs",
        "{file}: unknown CRS {crs!r} ({detail})",
    ),
)
"""The one-line messages of :class:`sim.core.vectorio.VectorError`, read back into codes."""


def vector_error(err: Exception, path: Any, file: str) -> tuple[str, str, dict] | None:
    """Code, English template and parameters of a :class:`sim.core.vectorio.VectorError` about ``path``.

    The file is named ``file`` in the message (its name, or its whole path). None for a
    message this module does not know (it is then shown as it is, in English).
    """
    text = str(err).replace(str(path), file)
    prefix = f"{file}: "
    if not text.startswith(prefix):
        return None
    rest = text[len(prefix) :]
    for pattern, code, template in _VECTOR_MESSAGES:
        match = re.fullmatch(pattern, rest)
        if match is None:
            continue
        params: dict[str, Any] = {"file": file}
        for key, value in match.groupdict().items():
            if key in ("count", "limit"):
                params[key] = int(value)
            elif key == "crs":
                params[key] = ast.literal_eval(value)
            else:
                params[key] = value
        if render(template, params, ENGLISH) == text:
            return code, template, params
    return None
