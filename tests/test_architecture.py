"""The house's floors (README, "Architecture"): each folder imports only the floors below it,
and no project import hides inside a function unless a comment says which cycle it breaks.

Every module is parsed with ``ast`` (nothing is imported), so the test sees what a reader sees.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FLOORS = [
    ("sim/core", {"sim.core"}),
    ("sim/delta", {"sim.core", "sim.delta"}),
    ("hazards", {"sim.core", "sim.delta", "hazards"}),
]
"""Folders and the project packages their modules may import (the engine — the rest of ``sim/`` —
may import all of these, and ``ui/`` everything)."""

PROJECT = ("sim", "hazards", "ui")
MAX_LINES = 600
"""Longest source file [line] (issue 14)."""


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _project_imports(tree: ast.AST):
    """(line, imported module, inside a function) of every import of the project."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "sim" else [f"sim.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PROJECT:
                yield node.lineno, name, id(node) in inside


def _engine_modules() -> list[Path]:
    below = {ROOT / "sim" / "core", ROOT / "sim" / "delta"}
    return [p for p in _modules("sim") if not any(folder in p.parents for folder in below)]


def test_each_floor_imports_only_the_floors_below_it():
    wrong = []
    for folder, allowed in FLOORS:
        for path in _modules(folder):
            for line, name, _ in _project_imports(ast.parse(path.read_text(encoding="utf-8"))):
                if not any(name == a or name.startswith(a + ".") for a in allowed):
                    wrong.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    for path in _engine_modules():
        for line, name, _ in _project_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.split(".")[0] == "ui":
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    assert not wrong, "\n".join(wrong)


def test_no_project_import_hides_in_a_function_without_saying_which_cycle_it_breaks():
    hidden = []
    for path in [*_modules("sim"), *_modules("hazards"), *_modules("ui"), ROOT / "app.py"]:
        lines = path.read_text(encoding="utf-8").splitlines()
        for line, name, inside in _project_imports(ast.parse("\n".join(lines))):
            if inside and not any("cycle" in text for text in lines[max(line - 2, 0) : line]):
                hidden.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert not hidden, "\n".join(hidden)


@pytest.mark.parametrize("folder", ["sim", "hazards", "ui"])
def test_no_source_file_is_longer_than_600_lines(folder):
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules(folder)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_the_floor_test_can_see_a_wrong_import(tmp_path):
    """The checks above read what they claim to: a hazards module importing the engine is found."""
    tree = ast.parse("from sim.run import run_scenario\n\ndef f():\n    from sim.core import units\n")
    found = list(_project_imports(tree))
    assert sorted(found) == [(1, "sim.run", False), (4, "sim.core", True)]
