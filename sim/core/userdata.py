"""The user's files: saved scenarios, plans and hazard layers, beside the read-only shipped ones.

What a user saves goes to their data folder, ``$SIM_DATA_DIR`` (default
``~/.local/share/delta-sim``), never into the product's folders::

    $SIM_DATA_DIR/scenarios/*.yaml      scenarios saved in the app (and their ration profiles)
    $SIM_DATA_DIR/plans/*.yaml          plans
    $SIM_DATA_DIR/layers/               the user's hazard-layer catalog (cards and data files)
    $SIM_DATA_DIR/workshops.sqlite      workshops (sim.workshop.db)

The files shipped with the product (``scenarios/``, ``scenarios/plans/``, ``hazards/layers/``)
are listed beside the user's and marked as shipped; they are never written, renamed or
deleted, and a user's file may not take a shipped file's name. Every write is atomic
(:mod:`sim.core.fileio`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sim.core.errors import BadInputError
from sim.core.fileio import write_text_atomic
from sim.core.settings import data_dir

ROOT = Path(__file__).resolve().parents[2]
"""The product's folder."""

KINDS = ("scenarios", "plans", "layers")
"""The kinds of files a user keeps."""

SHIPPED: dict[str, Path] = {
    "scenarios": ROOT / "scenarios",
    "plans": ROOT / "scenarios" / "plans",
    "layers": ROOT / "hazards" / "layers",
}
"""The read-only folders shipped with the product, per kind."""

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""A file's name (without ``.yaml``): lower case letters, digits and dashes."""


class LibraryError(BadInputError):
    """A save, rename or delete that is refused; ``code`` and ``params`` name the message."""

    def __init__(self, code: str, english: str, **params):
        super().__init__(english.format(**params))
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Entry:
    """One file of the library: its name, where it is, and whether it is shipped (read-only)."""

    name: str
    path: Path
    shipped: bool


def user_folder(kind: str) -> Path:
    """The user's folder for ``kind`` (not created until something is saved)."""
    _check_kind(kind)
    return data_dir() / kind


def shipped_folder(kind: str) -> Path:
    """The product's read-only folder for ``kind``."""
    _check_kind(kind)
    return SHIPPED[kind]


def entries(kind: str, suffix: str = ".yaml") -> list[Entry]:
    """The shipped files of ``kind`` first, then the user's, each sorted by name."""
    shipped = [Entry(p.stem, p, True) for p in sorted(shipped_folder(kind).glob(f"*{suffix}")) if p.is_file()]
    taken = {e.name for e in shipped}
    folder = user_folder(kind)
    own = (
        [Entry(p.stem, p, False) for p in sorted(folder.glob(f"*{suffix}")) if p.is_file() and p.stem not in taken]
        if folder.is_dir()
        else []
    )
    return shipped + own


def is_shipped(path: str | Path) -> bool:
    """Whether ``path`` lies in one of the product's shipped folders."""
    resolved = Path(path).resolve()
    return any(resolved.parent == folder.resolve() for folder in SHIPPED.values())


def target(kind: str, name: str, suffix: str = ".yaml") -> Path:
    """Where the user's file ``name`` of ``kind`` is saved.

    Raises
    ------
    LibraryError
        If the name is not lower case letters, digits and dashes, or is a shipped file's.
    """
    if not re.fullmatch(NAME_PATTERN, name or ""):
        raise LibraryError(
            "library_bad_name",
            "{name!r}: a name is lower case letters, digits and dashes (e.g. my-plan-2025)",
            name=name,
        )
    if (shipped_folder(kind) / f"{name}{suffix}").exists():
        raise LibraryError(
            "library_shipped_name",
            "{name} is shipped with the product and cannot be overwritten; choose another name",
            name=name,
        )
    return user_folder(kind) / f"{name}{suffix}"


def save_text(kind: str, name: str, text: str, suffix: str = ".yaml") -> Path:
    """Write the user's file ``name`` atomically (replacing their own file of that name)."""
    path = target(kind, name, suffix)
    write_text_atomic(path, text)
    return path


def rename(kind: str, name: str, new_name: str, suffix: str = ".yaml") -> Path:
    """Rename one of the user's files; the shipped ones and an existing name are refused."""
    source = _own(kind, name, suffix)
    destination = target(kind, new_name, suffix)
    if destination.exists():
        raise LibraryError("library_name_taken", "{name} already exists; choose another name", name=new_name)
    os.replace(source, destination)
    return destination


def delete(kind: str, name: str, suffix: str = ".yaml") -> None:
    """Delete one of the user's files; the shipped ones are refused."""
    _own(kind, name, suffix).unlink()


def _own(kind: str, name: str, suffix: str) -> Path:
    if (shipped_folder(kind) / f"{name}{suffix}").exists():
        raise LibraryError("library_shipped_readonly", "{name} is shipped with the product: it is read-only", name=name)
    path = user_folder(kind) / f"{name}{suffix}"
    if not re.fullmatch(NAME_PATTERN, name or "") or not path.is_file():
        raise LibraryError("library_no_such_file", "there is no file {name} among yours", name=name)
    return path


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file {kind!r}; expected one of {', '.join(KINDS)}")
