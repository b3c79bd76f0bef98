"""The one base class of every refusal of a user's input.

Anything a person wrote or chose — a scenario or plan file, a rations or boundaries file, a
hazard layer, a command-line option, a saved file's name, a workshop action — that cannot be
used is raised as a :class:`BadInputError` (or one of its subclasses). The command line maps
it to exit code 2 and one line per problem; the app shows it with ``st.error``. Any other
exception is a defect of the program: exit code 1 and "internal error" on the command line.

This module is the ground floor: it imports nothing of the project.
"""

from __future__ import annotations

__all__ = ["BadInputError"]


class BadInputError(ValueError):
    """A refused input; :meth:`lines` gives one line per problem, each naming its file.

    Subclasses holding several problems (:class:`sim.scenario.InputError`) override
    :meth:`lines`; the others are one line, ``str(err)``.
    """

    def lines(self) -> list[str]:
        """One line per problem, as the command line prints them."""
        return [str(self)]
