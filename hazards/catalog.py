"""The hazard-layer catalog: layers DRR staff add, each a YAML card next to its file.

A layer is ``<name>.yaml`` (the card: name, kind, units, source, licence, time coverage,
original CRS) and ``<name>.<ext>`` (the data: GeoTIFF, NetCDF, GeoJSON, GeoPackage or a
zipped Shapefile) in a catalog folder. The user's layers are in ``$SIM_DATA_DIR/layers``
(:mod:`sim.core.userdata`; new layers go there); the layers shipped with the product, in
``hazards/layers/``, are read-only and listed beside them.

Adding a layer reads it completely onto the domain grid first — the same checks as
:func:`open_layer` — and writes nothing until everything passed. A file larger than
:data:`MAX_LAYER_BYTES`, a URL or a GDAL virtual file system is refused before it is read.
A VRT is not kept as it is: once every source it names is checked to be a local GeoTIFF in
its folder (:func:`hazards.io.vrt.check_vrt`), its pixels are written into a self-contained
GeoTIFF, which is the layer's file. A refused layer leaves the folder byte-identical.

A layer exists if and only if its card exists. :func:`add_layer` writes the data file and
the card under temporary names (``.adding-<pid>@<host>~…``) in the catalog folder, renames
the data file into place, and renames the card last. A process killed on the way leaves
temporary files, which the next call of :func:`list_layers`, :func:`layer_entries` or
:func:`add_layer` removes once their process is gone, and maybe a data file without a card,
which is ignored: its name is free, and the next layer of that name replaces it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Literal

import xarray as xr
from pydantic import Field

from hazards.io.errors import RasterError
from hazards.io.geotiff import write_band_dates
from hazards.io.layers import LAYER_KINDS, read_layer
from hazards.io.offline import TIFF_SUFFIXES, VRT_SUFFIXES, check_local
from hazards.io.vrt import check_vrt, materialise_vrt
from sim.core.fields import NAME_PATTERN, Strict
from sim.core.fileio import write_text_atomic
from sim.core.grid import Grid
from sim.core.loader import (
    PYDANTIC_CODES,
    InputError,
    Problem,
    dump_yaml,
    read_mapping,
    validate_mapping,
)
from sim.core.messages import CodedError
from sim.core.userdata import shipped_folder, user_folder

DEFAULT_FOLDER = shipped_folder("layers")
"""The catalog shipped with the project (read-only)."""

ACCEPTED_SUFFIXES = {".tif", ".tiff", ".nc", ".nc4", ".geojson", ".json", ".gpkg", ".zip", ".vrt"}
"""File endings a layer may have (a Shapefile must come zipped with its .shx, .dbf and .prj;
a VRT is stored as the GeoTIFF made from it)."""

MAX_LAYER_BYTES = 50 * 1024 * 1024
"""Largest file accepted as a layer (a VRT: with its sources), on the command line and in the app. [byte]

Notes
-----
50 MiB holds the delta many times over: a year of daily CHIRPS rainfall (0.05°) cropped to
the delta's 3.7° × 3.7° is 365 × 74 × 74 float32 values, about 8 MB, and a flood-depth map
at 30 m about 15 MB. A larger file is almost always a continental or global product that
should be cropped first (``gdal_translate -projwin -6.6 16.9 -2.9 13.2``), and refusing it
keeps an upload from filling the server's memory and disk. The app's uploader has the same
limit (``maxUploadSize = 50`` in ``.streamlit/config.toml``, in MiB).
"""

TEMP_PREFIX = ".adding-"
"""Start of the names :func:`add_layer` writes before renaming them (``.adding-<pid>@<host>~…``)."""

STALE_SECONDS = 24 * 3600
"""Age after which a temporary file of :func:`add_layer` is removed even if its process id is
in use again, or it was written by another machine. [s]"""

ATOMIC_STALE_SECONDS = 3600
"""Age after which a temporary file of :mod:`sim.core.fileio` (``.<name>.<random>.tmp``, left by a
rename that was killed) is removed; no write of a card lasts that long. [s]"""


class CatalogError(CodedError):
    """A layer that cannot be added or opened; one line naming the file or the layer.

    ``CatalogError(code, english, **params)``: see :class:`sim.core.messages.CodedError`.
    """


class TimeCoverage(Strict):
    """Dates covered by a layer."""

    start: dt.date = Field(description="First date in the layer")
    end: dt.date = Field(description="Last date in the layer")
    steps: int = Field(ge=1, description="Number of dated maps")


class LayerCard(Strict):
    """What the catalog knows of a layer."""

    name: str = Field(
        pattern=NAME_PATTERN, description="Name scenarios use for the layer: lower case, digits and dashes"
    )
    kind: Literal[LAYER_KINDS] = Field(
        description="rainfall, flood-depth, flood-extent, drought-index, population or elevation"
    )
    file: str = Field(pattern=r"^[^/\\]+$", description="Data file, next to the card")
    units: str = Field(description="Units the layer is returned in (mm/day, mm/month, m, person or 1)")
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

    A shipped layer hides a user's layer of the same name (it cannot be added that way). Data
    files without a card (left by an add that was killed) are ignored, and the temporary files
    of such an add removed (:func:`clean_leftovers`).
    """
    clean_leftovers(folder)
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
                problems.append(
                    Problem(
                        str(path),
                        None,
                        "file",
                        f"data file {card.file} is missing",
                        "err_catalog_data_missing",
                        {"data": card.file},
                    )
                )
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
        One line: a URL or a GDAL virtual file system, a bad name or kind, a name already
        taken, an unsupported file, a file larger than :data:`MAX_LAYER_BYTES`, a VRT with a
        source that is not a local GeoTIFF in its folder, or any problem reading it
        (:class:`hazards.io.errors.RasterError`).
    """
    try:
        path = check_local(path)
    except RasterError as err:
        raise CatalogError.from_error(err) from None
    if not re.fullmatch(NAME_PATTERN, name or ""):
        raise CatalogError(
            "err_catalog_bad_name",
            "layer name {name!r} must be lower case letters, digits and dashes (e.g. chirps-2022)",
            name=name,
        )
    if kind not in LAYER_KINDS:
        raise CatalogError(
            "err_catalog_unknown_kind",
            "unknown kind {kind!r}; expected one of {kinds}",
            kind=kind,
            kinds=list(LAYER_KINDS),
        )
    suffix = path.suffix.lower()
    if suffix == ".shp":
        raise CatalogError(
            "err_catalog_shapefile_not_zipped",
            "{file}: a Shapefile must be zipped with its .shx, .dbf and .prj; add the .zip",
            file=path.name,
        )
    if suffix not in ACCEPTED_SUFFIXES:
        accepted = sorted(ACCEPTED_SUFFIXES)
        if not suffix:
            raise CatalogError(
                "err_catalog_no_suffix",
                "{file}: unsupported file type (none); expected one of {accepted}",
                file=path.name,
                accepted=accepted,
            )
        raise CatalogError(
            "err_catalog_unsupported_type",
            "{file}: unsupported file type {suffix}; expected one of {accepted}",
            file=path.name,
            suffix=suffix,
            accepted=accepted,
        )
    for root in catalog_folders(folder):
        if (root / f"{name}.yaml").exists():  # the card is the layer: a data file alone does not take the name
            raise CatalogError(
                "err_catalog_name_taken",
                "layer {name!r} already exists in {folder}; choose another --name",
                name=name,
                folder=str(root),
            )
    try:
        if path.is_file():
            sources = check_vrt(path) if suffix in VRT_SUFFIXES else []
            check_size(path.name, path.stat().st_size + sum(source.stat().st_size for source in sources))
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
        "file": f"{name}{'.tif' if suffix in VRT_SUFFIXES else suffix}",
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
        raise CatalogError(
            "err_catalog_card", "{problem}", problem=Problem(path.name, None, field, first["msg"], code, params)
        ) from None
    return card, data


def add_layer(path: str | Path, name: str, kind: str, folder: str | Path | None = None, **options) -> LayerCard:
    """Validate a file and register it in the catalog (see :func:`prepare_layer`).

    The data file (a VRT: the GeoTIFF made from it; a GeoTIFF's copy gets the dates found
    when it was read as band descriptions) and the card are written under
    temporary names in the catalog folder, then the data file is renamed into place and the
    card, last: the layer exists from that rename on, whole, and not before. A data file of
    the same name without a card (left by a killed add) is replaced.
    """
    root = catalog_folder(folder)
    clean_leftovers(folder)
    card, data = prepare_layer(path, name, kind, folder=folder, **options)
    root.mkdir(parents=True, exist_ok=True)
    path = Path(path)
    suffix = path.suffix.lower()
    data_tmp = _temporary(root, card.file)
    card_tmp = _temporary(root, f"{card.name}.yaml.tmp")
    try:
        try:
            if suffix in VRT_SUFFIXES:
                materialise_vrt(path, data_tmp)
            else:
                shutil.copyfile(path, data_tmp)
            if (suffix in VRT_SUFFIXES or suffix in TIFF_SUFFIXES) and "time" in data.dims:
                write_band_dates(data_tmp, data["time"].values)  # a date from the file's name stays with the copy
        except RasterError as err:
            raise CatalogError.from_error(err) from None
        _sync(data_tmp)
        card_tmp.write_text(card_text(card), encoding="utf-8")
        _sync(card_tmp)
        os.replace(data_tmp, root / card.file)
        _sync(root)  # the data file's rename is on the disk before the card's
        os.replace(card_tmp, root / f"{card.name}.yaml")  # the layer exists from here on
        _sync(root)
    except BaseException:
        data_tmp.unlink(missing_ok=True)
        card_tmp.unlink(missing_ok=True)
        raise
    _remove_orphans(root, card.name, keep=card.file)
    return card


def check_size(file: str, size: int) -> None:
    """Refuse a layer file of more than :data:`MAX_LAYER_BYTES` (the app checks uploads with it).

    Parameters
    ----------
    file : str
        The file's name, for the message.
    size : int
        Its size (a VRT: with its sources). [byte]

    Raises
    ------
    CatalogError
        One line with the size and the limit in MB (MiB, as Streamlit counts them).
    """
    if size > MAX_LAYER_BYTES:
        mib = 1024 * 1024
        raise CatalogError(
            "err_catalog_too_large",
            "{file}: {size:.1f} MB is more than the limit of {limit} MB for a layer; crop it to the delta first (gdal_translate -projwin -6.6 16.9 -2.9 13.2)",
            file=file,
            size=math.ceil(size / mib * 10) / 10,
            limit=MAX_LAYER_BYTES // mib,  # rounded up: never shown as the limit itself
        )


def clean_leftovers(folder: str | Path | None = None) -> list[Path]:
    """Remove the temporary files of adds whose process is gone; returns the files removed.

    Only the folder layers are added to (:func:`catalog_folder`) is cleaned, never the shipped
    one. A temporary file of a running add (its process alive on this machine, or written by
    another machine, and younger than :data:`STALE_SECONDS`) is left alone; so are data files
    without a card, which every reader ignores and the next add of their name replaces.
    """
    root = catalog_folder(folder)
    if not root.is_dir() or root.resolve() == DEFAULT_FOLDER.resolve():
        return []
    removed = []
    now = time.time()
    for path in root.iterdir():
        if not path.name.startswith("."):
            continue
        match = re.match(rf"^{re.escape(TEMP_PREFIX)}(\d+)@([^~]*)~", path.name)
        try:
            stale = now - path.stat().st_mtime > STALE_SECONDS
            if match:  # a process of another machine (a shared folder) is not ours to judge until stale
                gone = stale or (match[2] == _host() and not _process_alive(int(match[1])))
            else:  # the temporary files of sim.core.fileio's atomic writes (a rename killed half-way)
                gone = path.name.endswith(".tmp") and now - path.stat().st_mtime > ATOMIC_STALE_SECONDS
            if gone and path.is_file():
                path.unlink()
                removed.append(path)
        except OSError:  # gone already, or not ours to remove
            continue
    return removed


def _process_alive(pid: int) -> bool:
    """Whether a process of this id runs on this machine (ours, or another user's)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _host() -> str:
    """This machine's name as written in temporary names (letters, digits, dots and dashes)."""
    return re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64]


def _temporary(root: Path, ending: str) -> Path:
    """A new empty file ``.adding-<pid>@<host>~<random>-<ending>`` in ``root``."""
    handle, name = tempfile.mkstemp(dir=root, prefix=f"{TEMP_PREFIX}{os.getpid()}@{_host()}~", suffix=f"-{ending}")
    os.close(handle)
    return Path(name)


def _sync(path: Path) -> None:
    """Flush a file's (or a folder's) content to the disk, so that a rename after it is durable."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:  # some file systems cannot sync a folder
        pass
    finally:
        os.close(handle)


def _remove_orphans(root: Path, name: str, keep: str | None = None) -> None:
    """Remove the data files named ``name.<ending>`` that no card holds (but ``keep``)."""
    if (root / f"{name}.yaml").is_file():
        try:
            keep = _read_card(root / f"{name}.yaml").file
        except InputError:
            return
    for suffix in ACCEPTED_SUFFIXES:
        orphan = root / f"{name}{suffix}"
        if orphan.name != keep and orphan.is_file():
            orphan.unlink(missing_ok=True)


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
            raise CatalogError(
                "err_catalog_no_layer_none", "no layer {name!r} in the hazard catalog; layers: none", name=name
            )
        raise CatalogError(
            "err_catalog_no_layer", "no layer {name!r} in the hazard catalog; layers: {known}", name=name, known=known
        )
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
        raise CatalogError(
            "err_catalog_bad_name",
            "layer name {name!r} must be lower case letters, digits and dashes (e.g. chirps-2022)",
            name=new_name,
        )
    for other in catalog_folders(folder):
        if (other / f"{new_name}.yaml").exists():
            raise CatalogError(
                "err_catalog_new_name_taken",
                "layer {name!r} already exists in {folder}; choose another name",
                name=new_name,
                folder=str(other),
            )
    card = _read_card(root / f"{name}.yaml")
    suffix = Path(card.file).suffix
    renamed = card.model_copy(update={"name": new_name, "file": f"{new_name}{suffix}"})
    # the data file first, then the new card, then the old card goes: a crash in between
    # leaves the old card pointing at a missing file, which list_layers reports
    os.replace(root / card.file, root / renamed.file)
    write_text_atomic(root / f"{new_name}.yaml", card_text(renamed))
    (root / f"{name}.yaml").unlink()
    _remove_orphans(root, new_name)
    return renamed


def delete_layer(name: str, folder: str | Path | None = None) -> None:
    """Delete one of the user's layers (the card first, then its data file); shipped layers are read-only."""
    root = _own_layer(name, folder)
    card = _read_card(root / f"{name}.yaml")
    (root / f"{name}.yaml").unlink()
    (root / card.file).unlink(missing_ok=True)


def _own_layer(name: str, folder: str | Path | None) -> Path:
    if folder is None and (DEFAULT_FOLDER / f"{name}.yaml").is_file():
        raise CatalogError(
            "err_catalog_shipped", "layer {name!r} is shipped with the product: it is read-only", name=name
        )
    root = catalog_folder(folder)
    if not re.fullmatch(NAME_PATTERN, name or "") or not (root / f"{name}.yaml").is_file():
        raise CatalogError(
            "err_catalog_not_yours", "no layer {name!r} among yours in {folder}", name=name, folder=str(root)
        )
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
    return dump_yaml(card.model_dump(mode="python", exclude_none=True))


def _read_card(path: Path) -> LayerCard:
    text = path.read_text(encoding="utf-8")
    data = read_mapping(text, str(path), "a layer card")
    return validate_mapping(data, str(path), LayerCard)
