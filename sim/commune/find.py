"""Find a commune from what a person types: its pcode, its name, or the name of one of its
villages, whatever the accents and case; otherwise one line with the closest matches."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

from sim.core.messages import CodedError
from sim.delta.communes import Commune

CLOSEST = 5
"""How many close matches an unknown name is answered with."""


class CommuneNotFoundError(CodedError):
    """A name that matches no commune, or several; the message lists the closest."""


@dataclass(frozen=True)
class Found:
    """The commune found and, when it was found through a village, that village's name."""

    commune: Commune
    village: str | None = None


def folded(text: str) -> str:
    """``text`` without accents, case or the word "commune" ("Djenné Commune" → "djenne")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = [w for w in plain.casefold().replace("-", " ").split() if w != "commune"]
    return " ".join(words)


def find_commune(query: str, communes: tuple[Commune, ...], villages: dict[str, list[str]]) -> Found:
    """The commune ``query`` names.

    Parameters
    ----------
    communes : tuple of Commune
        The delta's communes.
    villages : dict
        Village name → pcodes of the communes that have a village of that name.
    """
    wanted = folded(query)
    by_pcode = {c.pcode.casefold(): c for c in communes}
    if query.strip().casefold() in by_pcode:
        return Found(by_pcode[query.strip().casefold()])
    named = [c for c in communes if folded(c.name) == wanted]
    if len(named) == 1:
        return Found(named[0])
    if len(named) > 1:
        raise CommuneNotFoundError(
            "err_commune_several",
            "'{query}' names several communes: {found}; give its pcode",
            query=query,
            found=_listed(named),
        )
    pcodes = {pcode for name, found in villages.items() if folded(name) == wanted for pcode in found}
    holding = [c for c in communes if c.pcode in pcodes]
    if len(holding) == 1:
        village = next(name for name in villages if folded(name) == wanted)
        return Found(holding[0], village)
    if len(holding) > 1:
        raise CommuneNotFoundError(
            "err_commune_village_several",
            "'{query}' is a village of several communes: {found}; give the commune's pcode",
            query=query,
            found=_listed(holding),
        )
    names = {folded(c.name): c.name for c in communes}
    names |= {folded(v): v for v in villages}
    close = [names[n] for n in difflib.get_close_matches(wanted, list(names), n=CLOSEST, cutoff=0.6)]
    if close:
        raise CommuneNotFoundError(
            "err_commune_unknown",
            "no commune or village of the delta is called '{query}' (closest: {close})",
            query=query,
            close=", ".join(close),
        )
    raise CommuneNotFoundError(
        "err_commune_nothing_close",
        "no commune or village of the delta is called '{query}', nor anything close",
        query=query,
    )


def _listed(communes: list[Commune]) -> str:
    return ", ".join(f"{c.name} ({c.pcode})" for c in communes)
