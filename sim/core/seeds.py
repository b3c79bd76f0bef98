"""Random streams: one ``SeedSequence`` per member and per source of randomness.

Two plans run on the same seed see the same hazards (common random numbers), and adding
a source of randomness never shifts the others: each source has a fixed position.
"""

from __future__ import annotations

import numpy as np

SOURCES = ("rainfall", "flood_peak", "damage_threshold", "lead_times", "closures")
"""Sources of randomness, in a fixed order (append new ones at the end)."""


def streams(seed: int, member: int = 0) -> dict[str, np.random.SeedSequence]:
    """One independent ``SeedSequence`` per source for ``member`` of an ensemble run with ``seed``."""
    if seed < 0 or member < 0:
        raise ValueError(f"seed and member must be non-negative, got {seed}, {member}")
    children = np.random.SeedSequence(entropy=seed, spawn_key=(member,)).spawn(len(SOURCES))
    return dict(zip(SOURCES, children))
