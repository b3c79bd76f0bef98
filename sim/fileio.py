"""Atomic writes: a file is either its old self or completely new, never half-written."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

NETCDF_LOCK = threading.RLock()
"""Held around every NetCDF read and write: the HDF5 library under netCDF4 is not safe to call
from two threads at once (the app serves several sessions, and warms up on a thread of its own;
two threads writing the delta's cache crashed the process)."""


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))
