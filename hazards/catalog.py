"""The hazard-layer catalog: layers DRR staff add, each a YAML card next to its file.

A layer is ``<name>.yaml`` (the card: name, kind, units, source, licence, time coverage,
original CRS) and ``<name>.<ext>`` (the data: GeoTIFF, NetCDF, GeoJSON, GeoPackage or a
zipped Shapefile) in a catalog folder. The user's layers are in ``$SIM_DATA_DIR/layers``
(:mod:`sim.userdata`; new layers go there); the layers shipped with the product, in
``hazards/layers/``, are read-only and listed beside them.

Adding a layer reads it completely onto the domain grid first — the same checks as
:func:`open_layer` — and writes nothing until everything passed; then the data file and,
last, the card are written atomically. A refused layer leaves the folder byte-identical.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Literal

import xarray as xr
from pydantic import Field

from hazards.io import LAYER_KINDS, RasterError, read_layer
from sim.fileio import write_text_atomic
from sim.grid import Grid
from sim.messages import CodedError
from sim.userdata import shipped_folder, user_folder
from sim.scenario import NAME_PATTERN, PYDANTIC_CODES, InputError, Problem, Strict, read_mapping, validate_mapping

DEFAULT_FOLDER = shipped_folder("layers")
"""The catalog shipped with the project (read-only)."""

ACCEPTED_SUFFIXES = {".tif", ".tiff", ".nc", ".nc4", ".geojson", ".json", ".gpkg", ".zip", ".vrt"}
"""File endings a layer may have (a Shapefile must come zipped with its .shx, .dbf and .prj)."""


class CatalogError(CodedError):
    """A layer that cannot be added or opened; one line naming the file or the layer.

    ``CatalogError(code, english, **params)``: see :class:`sim.messages.CodedError`.
    """


class TimeCoverage(Strict):
    """Dates covered by a layer."""

    start: dt.date = Field(description="First date in the layer")
    end: dt.date = Field(description="Last date in the layer")
    steps: int = Field(ge=1, description="Number of dated maps")


class LayerCard(Strict):
    """What the catalog knows of a layer."""

    name: str = Field(pattern=NAME_PATTERN, description="Name scenarios use for the layer: lower case, digits and dashes")
    kind: Literal[LAYER_KINDS] = Field(description="rainfall, flood-depth, flood-extent or drought-index")
    file: str = Field(pattern=r"^[^/\\]+$", description="Data file, next to the card")
    units: str = Field(description="Units the layer is returned in (mm/day, mm/month, m or 1)")
    source_units: str = Field(description="Units of the values in the file")
    original_crs: str = Field(description="CRS of the file as added")
    source: str = Field(min_length=1, description="Who produced the data, with an address if possible")
    licence: str = Field(min_length=1, description="Licence of the data")
    time_coverage: TimeCoverage | None = Field(None, description="Dates covered; absent for an undated map")
    description: str = Field("", description="Free text")


def catalog_folder(folder: str | Path | None = None) -> Path:
    """The folder new layers are added to: ``folder``, else the user's ``$SIM_DATA_DIR/layers``."""
    if folder is not None:
        return Path(folder)
    return user_folder("layers")


def catalog_folders(folder: str | Path | None = None) -> list[Path]:
    """The folders layers are read from: ``folder`` alone, else the user's, then the shipped one."""
    if folder is not None:
        return [Path(folder)]
    return [user_folder("layers"), DEFAULT_FOLDER]


def layer_entries(folder: str | Path | None = None) -> tuple[list[tuple[LayerCard, Path, bool]], list[Problem]]:
    """(card, folder, shipped) of every layer sorted by name, and the problems of cards that do not read.

    A shipped layer hides a user's layer of the same name (it cannot be added that way).
    """
    found: dict[str, tuple[LayerCard, Path, bool]] = {}
    problems: list[Problem] = []
    for root in reversed(catalog_folders(folder)):  # shipped first: it wins a clash of names
        if not root.is_dir():
            continue
        shipped = root.resolve() == DEFAULT_FOLDER.resolve()
        for path in sorted(root.glob("*.yaml")):
            try:
                card = _read_card(path)
            except InputError as err:
                problems.extend(err.problems)
                continue
            if not (root / card.file).is_file():
                problems.append(Problem(str(path), None, "file", f"data file {card.file} is missing", "err_catalog_data_missing", {"data": card.file}))
                continue
            found.setdefault(card.name, (card, root, shipped))
    return [found[name] for name in sorted(found)], problems


def list_layers(folder: str | Path | None = None) -> tuple[list[LayerCard], list[Problem]]:
    """Cards of the catalog (the user's and the shipped layers) sorted by name, and the problems of cards that do not read."""
    entries, problems = layer_entries(folder)
    return [card for card, _, _ in entries], problems


def layer_kinds(folder: str | Path | None = None) -> dict[str, str]:
    """Layer name → kind, for checking scenarios that name layers."""
    return {card.name: card.kind for card in list_layers(folder)[0]}


def prepare_layer(
    path: str | Path,
    name: str,
    kind: str,
    units: str | None = None,
    crs: str | None = None,
    source: str = "unspecified",
    licence: str = "unspecified",
    description: str = "",
    folder: str | Path | None = None,
    grid: Grid | None = None,
) -> tuple[LayerCard, xr.DataArray]:
    """Check a file as a new layer and return its card and its data on the grid.

    Nothing is written: the app shows the returned map before the user saves it.

    Raises
    ------
    CatalogError
        One line: a bad name or kind, a name already taken, an unsupported file, or any
        problem reading it (:class:`hazards.io.RasterError`).
    """
    path = Path(path)
    if not re.fullmatch(NAME_PATTERN, name or ""):
        raise CatalogError("err_catalog_bad_name", "layer name {name!r} must be lower case letters, digits and dashes (e.g. chirps-2022)", name=name)
    if kind not in LAYER_KINDS:
        raise CatalogError("err_catalog_unknown_kind", "unknown kind {kind!r}; expected one of {kinds}", kind=kind, kinds=list(LAYER_KINDS))
    suffix = path.suffix.lower()
    if suffix == ".shp":
        raise CatalogError("err_catalog_shapefile_not_zipped", "{file}: a Shapefile must be zipped with its .shx, .dbf and .prj; add the .zip", file=path.name)
    if suffix not in ACCEPTED_SUFFIXES:
        accepted = sorted(ACCEPTED_SUFFIXES)
        if not suffix:
            raise CatalogError("err_catalog_no_suffix", "{file}: unsupported file type (none); expected one of {accepted}", file=path.name, accepted=accepted)
        raise CatalogError("err_catalog_unsupported_type", "{file}: unsupported file type {suffix}; expected one of {accepted}", file=path.name, suffix=suffix, accepted=accepted)
    for root in catalog_folders(folder):
        if (root / f"{name}.yaml").exists() or any(root.glob(f"{name}.*")):
            raise CatalogError("err_catalog_name_taken", "layer {name!r} already exists in {folder}; choose another --name", name=name, folder=str(root))
    try:
        data = read_layer(path, kind, grid=grid, crs=crs, units=units)
    except RasterError as err:
        raise CatalogError.from_error(err) from None
    coverage = None
    if "time" in data.dims:
        times = data["time"].values
        coverage = {"start": str(times[0])[:10], "end": str(times[-1])[:10], "steps": len(times)}
    card_data = {
        "name": name,
        "kind": kind,
        "file": f"{name}{suffix}",
        "units": data.attrs["units"],
        "source_units": data.attrs.get("source_units", units or "1"),
        "original_crs": crs or data.attrs.get("source_crs", "unknown"),
        "source": source,
        "licence": licence,
        "time_coverage": coverage,
        "description": description,
    }
    try:
        card = LayerCard.model_validate(card_data)
    except Exception as err:
        first = err.errors()[0] if hasattr(err, "errors") else {"loc": ("card",), "msg": str(err), "type": ""}
        field = ".".join(str(p) for p in first["loc"])
        code, params = _card_code(first)
        raise CatalogError("err_catalog_card", "{problem}", problem=Problem(path.name, None, field, first["msg"], code, params)) from None
    return card, data


def add_layer(path: str | Path, name: str, kind: str, folder: str | Path | None = None, **options) -> LayerCard:
    """Validate a file and register it in the catalog (see :func:`prepare_layer`).

    The data file is copied in atomically, then the card is written atomically, last.
    """
    root = catalog_folder(folder)
    card, _ = prepare_layer(path, name, kind, folder=folder, **options)
    root.mkdir(parents=True, exist_ok=True)
    target = root / card.file
    handle, tmp = tempfile.mkstemp(dir=root, prefix=f".{card.file}.", suffix=".tmp")
    os.close(handle)
    try:
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
        write_text_atomic(root / f"{card.name}.yaml", card_text(card))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        if not (root / f"{card.name}.yaml").exists():
            target.unlink(missing_ok=True)
        raise
    return card


def open_layer(name: str, folder: str | Path | None = None, grid: Grid | None = None) -> xr.DataArray:
    """A catalog layer on the domain grid in canonical units, ``attrs["units"]`` set.

    Raises
    ------
    CatalogError
        If there is no such layer or its file no longer reads.
    """
    roots = [root for root in catalog_folders(folder) if (root / f"{name}.yaml").is_file()]
    if not roots:
        known = [c.name for c in list_layers(folder)[0]]
        if not known:
            raise CatalogError("err_catalog_no_layer_none", "no layer {name!r} in the hazard catalog; layers: none", name=name)
        raise CatalogError("err_catalog_no_layer", "no layer {name!r} in the hazard catalog; layers: {known}", name=name, known=known)
    root = roots[-1]  # the shipped layer when both have the name, as layer_entries lists it
    card_path = root / f"{name}.yaml"
    try:
        card = _read_card(card_path)
    except InputError as err:
        raise CatalogError("err_catalog_card", "{problem}", problem=err.problems[0]) from None
    crs = None if card.original_crs == "unknown" else card.original_crs
    try:
        data = read_layer(root / card.file, card.kind, grid=grid, crs=crs, units=card.source_units)
    except RasterError as err:
        raise CatalogError("err_catalog_layer_unreadable", "layer {name!r}: {error}", name=name, error=err) from None
    data.attrs.update({"layer": card.name, "source": card.source, "licence": card.licence})
    return data


def rename_layer(name: str, new_name: str, folder: str | Path | None = None) -> LayerCard:
    """Rename one of the user's layers (card and data file); shipped layers are read-only.

    Scenarios that name the old layer must be changed by hand: they are not rewritten.
    """
    root = _own_layer(name, folder)
    if not re.fullmatch(NAME_PATTERN, new_name or ""):
        raise CatalogError("err_catalog_bad_name", "layer name {name!r} must be lower case letters, digits and dashes (e.g. chirps-2022)", name=new_name)
    for other in catalog_folders(folder):
        if (other / f"{new_name}.yaml").exists() or any(other.glob(f"{new_name}.*")):
            raise CatalogError("err_catalog_new_name_taken", "layer {name!r} already exists in {folder}; choose another name", name=new_name, folder=str(other))
    card = _read_card(root / f"{name}.yaml")
    suffix = Path(card.file).suffix
    renamed = card.model_copy(update={"name": new_name, "file": f"{new_name}{suffix}"})
    # the data file first, then the new card, then the old card goes: a crash in between
    # leaves the old card pointing at a missing file, which list_layers reports
    os.replace(root / card.file, root / renamed.file)
    write_text_atomic(root / f"{new_name}.yaml", card_text(renamed))
    (root / f"{name}.yaml").unlink()
    return renamed


def delete_layer(name: str, folder: str | Path | None = None) -> None:
    """Delete one of the user's layers (the card first, then its data file); shipped layers are read-only."""
    root = _own_layer(name, folder)
    card = _read_card(root / f"{name}.yaml")
    (root / f"{name}.yaml").unlink()
    (root / card.file).unlink(missing_ok=True)


def _own_layer(name: str, folder: str | Path | None) -> Path:
    if folder is None and (DEFAULT_FOLDER / f"{name}.yaml").is_file():
        raise CatalogError("err_catalog_shipped", "layer {name!r} is shipped with the product: it is read-only", name=name)
    root = catalog_folder(folder)
    if not re.fullmatch(NAME_PATTERN, name or "") or not (root / f"{name}.yaml").is_file():
        raise CatalogError("err_catalog_not_yours", "no layer {name!r} among yours in {folder}", name=name, folder=str(root))
    return root


def _card_code(error: dict) -> tuple[str, dict]:
    """Code and parameters of a pydantic error about a new card, whose English text is pydantic's own."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_short":
        return PYDANTIC_CODES[kind], {"count": ctx.get("min_length")}
    if kind in ("string_type", "date_type", "int_type"):
        return PYDANTIC_CODES[kind], {}
    return "", {}


def card_text(card: LayerCard) -> str:
    """The card as YAML text."""
    from sim.scenario import dump_yaml

    return dump_yaml(card.model_dump(mode="python", exclude_none=True))


def _read_card(path: Path) -> LayerCard:
    text = path.read_text(encoding="utf-8")
    data = read_mapping(text, str(path), "a layer card")
    return validate_mapping(data, str(path), LayerCard)
