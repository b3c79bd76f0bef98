"""Read the facts the built-in delta is made from: the CSV tables in ``sim/data/``.

Every table has a source on every row (a column whose name contains ``source``); a row
without one is refused, so that no number enters the model without its origin. A value
that is an assumption says so in its source column (``assumption: …``).
"""

from __future__ import annotations

import csv
import hashlib
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

TABLES = ("cercles", "growth", "settlements", "gauges", "links", "rivers", "lakes", "hubs", "items")


class FactsError(ValueError):
    """A facts table that is malformed or has a row without a source."""


@cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``sim/data/<name>.csv`` as dictionaries of strings.

    Raises
    ------
    FactsError
        If the table is unknown, has no source column, or a row has an empty source.
    """
    if name not in TABLES:
        raise FactsError(f"unknown facts table {name!r}; known: {', '.join(TABLES)}")
    path = DATA_DIR / f"{name}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = tuple(reader)
        fields = reader.fieldnames or []
    source_columns = [f for f in fields if "source" in f]
    if not source_columns:
        raise FactsError(f"{path.name}: no source column")
    for number, row in enumerate(rows, start=2):
        for column in source_columns:
            # "population_source" vouches for "population_2009": needed when that is filled.
            stem = column.removesuffix("source").rstrip("_")
            covered = [f for f in fields if stem and f != column and f.startswith(stem)]
            needed = not covered or any((row.get(f) or "").strip() for f in covered)
            if needed and not (row.get(column) or "").strip():
                raise FactsError(f"{path.name}:{number}: {column}: empty source")
    return rows


def fingerprint() -> str:
    """A hash of every facts table, used to key caches of derived data."""
    digest = hashlib.sha256()
    for name in TABLES:
        digest.update((DATA_DIR / f"{name}.csv").read_bytes())
    return digest.hexdigest()[:16]


def number(text: str) -> float | None:
    """A float from a table cell, or None for an empty cell."""
    text = (text or "").strip().replace(" ", "")
    return float(text) if text else None
