"""Atomic writes: a file is either its old self or completely new, never half-written."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NETCDF_LOCK = threading.RLock()
"""Held around every NetCDF read and write: the HDF5 library under netCDF4 is not safe to call
from two threads at once (the app serves several sessions, and warms up on a thread of its own;
two threads writing the delta's cache crashed the process)."""


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` for a library that writes by name (rasterio, GDAL, …).

    The file (``.<name>.<random>.tmp``, empty) is in ``path``'s folder, which must exist.
    When the block ends it is flushed to disk and renamed onto ``path``; if the block
    raises, it is removed and ``path`` is left as it was.
    """
    path = Path(path)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (creating its folder) through :func:`atomic_path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as out:
        out.write(data)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))
