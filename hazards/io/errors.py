"""The error of a hazard file that cannot be used, shared by every reader of :mod:`hazards.io`."""

from __future__ import annotations

from sim.core.messages import CodedError

__all__ = ["RasterError", "first_line"]


class RasterError(CodedError):
    """A raster file that cannot be used; the one-line message names the file.

    ``RasterError(code, english, **params)``: see :class:`sim.core.messages.CodedError`.
    """


def first_line(err: Exception) -> str:
    """The first line of an exception's message, or its type's name when it has none."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
