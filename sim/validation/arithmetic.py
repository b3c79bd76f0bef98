"""Checks by hand sums: the JRC depth–damage curve and the Sphere ration arithmetic.

References
----------
.. [1] Huizinga, J., de Moel, H., Szewczyk, W. (2017), Global flood depth-damage functions,
   JRC Technical Report EUR 28552 EN, Africa residential: 0, 0.5, 1, 1.5, 2, 3, 4, 5, 6 m →
   0, 0.22, 0.378, 0.531, 0.636, 0.817, 0.903, 0.957, 1.0.
.. [2] Sphere Association (2018), The Sphere Handbook: 15 L of water per person per day
   (WASH 2.1); 2,100 kcal per person per day (food security 6.1); 3.5 m² of covered space
   per person (shelter 3); one toilet per 50 people at first, one per 20 later (excreta
   3.2); 250 g of soap per person per month (hygiene 1.3).
.. [3] Kilian, A. et al. (2010), one insecticide-treated net per 1.8 people.
.. [4] Pearl millet, 363 kcal per 100 g dry weight,
   https://pmc.ncbi.nlm.nih.gov/articles/PMC7461923/table/T1
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import xarray as xr

from sim.impact import (
    AFFECTED_DAMAGE,
    DISPLACEMENT_DAMAGE,
    damage_ratio,
    depth_for_damage,
)
from sim.needs import DAYS_PER_MONTH, needs, read_rations
from sim.validation.verdict import Rule, Section, compare

EXACT = Rule(agree=1e-9)
"""Hand sums: equal to rounding."""

JRC_SOURCE = "Huizinga et al. 2017, JRC EUR 28552 EN, Africa residential [1]"
SPHERE_SOURCE = "Sphere Handbook 2018 [2]"

JRC_POINTS = (
    (0.0, 0.0),
    (0.5, 0.22),
    (1.0, 0.378),
    (1.5, 0.531),
    (2.0, 0.636),
    (3.0, 0.817),
    (4.0, 0.903),
    (5.0, 0.957),
    (6.0, 1.0),
)
"""Published points of the curve (depth [m], damage [-]) [1]_."""

MILLET_KCAL_PER_KG = 3_630.0
"""Energy of pearl millet [kcal/kg]. References: [4]_."""


def check_depth_damage() -> Section:
    """The curve at its published points, between them (linear by hand) and inverted."""
    records = [
        compare(f"damage at {depth:g} m", damage, damage_ratio(depth), EXACT, JRC_SOURCE)
        for depth, damage in JRC_POINTS
    ]
    # between points, by hand: 0.22 + (0.378 − 0.22) × 0.5 = 0.299 at 0.75 m; 0.636 + 0.181 × 0.5 = 0.7265 at 2.5 m
    records.append(
        compare(
            "damage at 0.75 m (linear, hand sum 0.299)",
            0.299,
            damage_ratio(0.75),
            EXACT,
            f"{JRC_SOURCE}, linear between points",
        )
    )
    records.append(
        compare(
            "damage at 2.5 m (linear, hand sum 0.7265)",
            0.7265,
            damage_ratio(2.5),
            EXACT,
            f"{JRC_SOURCE}, linear between points",
        )
    )
    records.append(compare("damage above 6 m (held at 1)", 1.0, damage_ratio(8.0), EXACT, JRC_SOURCE))
    # inverse, by hand: 1.5 + (0.55 − 0.531) / (0.636 − 0.531) × 0.5 = 1.590476 m; 0.1 / 0.22 × 0.5 = 0.227273 m
    destroyed = 1.5 + (DISPLACEMENT_DAMAGE - 0.531) / (0.636 - 0.531) * 0.5
    affected = AFFECTED_DAMAGE / 0.22 * 0.5
    records.append(
        compare(
            f"depth at which damage reaches {DISPLACEMENT_DAMAGE} (house destroyed)",
            destroyed,
            depth_for_damage(DISPLACEMENT_DAMAGE),
            EXACT,
            JRC_SOURCE,
            unit="m",
            notes=f"hand sum {destroyed:.6f} m",
        )
    )
    records.append(
        compare(
            f"depth at which damage reaches {AFFECTED_DAMAGE} (house affected)",
            affected,
            depth_for_damage(AFFECTED_DAMAGE),
            EXACT,
            JRC_SOURCE,
            unit="m",
            notes=f"hand sum {affected:.6f} m",
        )
    )
    depths = np.linspace(0.0, 7.0, 141)
    figure = {
        "kind": "depth_damage",
        "depths": depths,
        "damage": damage_ratio(depths),
        "points": JRC_POINTS,
        "thresholds": (DISPLACEMENT_DAMAGE, AFFECTED_DAMAGE),
    }
    intro = (
        "`sim/impact.py` `damage_ratio` and `depth_for_damage` against the published points of the "
        "JRC Africa residential curve and hand-interpolated values between them."
    )
    return Section("depth_damage", "Depth–damage against the JRC curve", intro, tuple(records), figure)


def synthetic_impact(
    days: int, displaced: float, in_sites: float, destroyed: float, household_size: float
) -> xr.Dataset:
    """An impact dataset for one cercle: ``displaced`` people (all of them in need) for
    ``days`` days, ``in_sites`` of them in sites, ``destroyed`` houses from day 0."""
    ones = np.ones((days, 1))
    people = np.stack([ones * displaced] * 4)  # exposed, affected, displaced, in need
    return xr.Dataset(
        {
            "people": (("count", "day", "cercle"), people),
            "displaced_in_sites": (("day", "cercle"), ones * in_sites),
            "destroyed_houses": (("day", "cercle"), ones * destroyed),
            "food_insecure": (("day", "cercle"), ones * 0.0),
            "displaced_households": (("day", "cercle"), ones * displaced / household_size),
        },
        coords={
            "count": ["exposed", "affected", "displaced", "in_need"],
            "day": pd.date_range("2022-10-01", periods=days),
            "cercle": ["ML0501"],
        },
    )


def check_rations(
    days: int = 40,
    displaced: float = 1_000.0,
    in_sites: float = 340.0,
    destroyed: float = 100.0,
    household_size: float = 5.2,
) -> Section:
    """Needs of a fixed displaced population over ``days`` days against hand sums from the Sphere standards."""
    rations = read_rations()
    result = needs(synthetic_impact(days, displaced, in_sites, destroyed, household_size), rations, household_size)
    total = result["need"].sum(["day", "cercle"])
    # hand sums from the standards (not from the CSV): quantity × people × days, whole kits rounded up
    hand = {
        "water": (15.0 * displaced * days, "L", "15 L/person/day × people × days"),
        "cereal": (2_100.0 / 3_500.0 * displaced * days, "kg", "2,100 kcal ÷ 3,500 kcal/kg × people × days"),
        "soap": (0.25 / DAYS_PER_MONTH * displaced * days, "kg", "250 g/person/month × people × days ÷ 30.44"),
        "covered_space": (3.5 * in_sites, "m²", "3.5 m²/person × people in sites"),
        "nfi_kit": (math.ceil(displaced / household_size), "kit", "one per household, rounded up"),
        "shelter_kit": (destroyed, "kit", "one per destroyed house"),
        "mosquito_net": (math.ceil(displaced / 1.8), "net", "one per 1.8 people [3], rounded up"),
        "latrine": (
            math.ceil(in_sites / (20.0 if days > 30 else 50.0)),
            "latrine",
            "1:50 for the first 30 days, 1:20 after, people in sites, rounded up",
        ),
    }
    records = []
    for item, (value, unit, how) in hand.items():
        model = float(total.sel(item=item))
        rule = Rule(agree=0.0, within=1.0) if unit in ("kit", "net", "latrine") else Rule(agree=0.001, relative=True)
        records.append(
            compare(
                f"{item}: {how}",
                value,
                model,
                rule,
                SPHERE_SOURCE,
                unit=unit,
                notes=f"{displaced:,.0f} displaced for {days} days",
            )
        )
    cereal = next(r for r in rations if r.item == "cereal")
    records.append(
        compare(
            "energy of the cereal ration with millet at 363 kcal/100 g",
            2_100.0,
            cereal.quantity * MILLET_KCAL_PER_KG,
            Rule(agree=0.05, within=0.10, relative=True),
            f"{SPHERE_SOURCE}; millet energy [4]",
            unit="kcal/person/day",
            notes="the profile's 0.6 kg assumes 3,500 kcal/kg; at 3,630 kcal/kg it gives a little more than the standard",
        )
    )
    intro = (
        f"A synthetic cercle with {displaced:,.0f} displaced people (all in need, {in_sites:,.0f} in "
        f"sites, {destroyed:,.0f} destroyed houses) for {days} days goes through `sim/needs.py` with the "
        "default profile `sim/data/rations.csv`; every total is compared with a hand sum written from "
        "the Sphere standard itself. Whole items (kits, nets, latrines) may differ by one unit of rounding."
    )
    return Section("rations", "Ration arithmetic against the Sphere standards", intro, tuple(records))
