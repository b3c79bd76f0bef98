"""Check: the cost of the drought response per person in need against Africa RiskView payouts.

Africa RiskView (ARC) estimates a drought's response cost from rainfall → WRSI → people
affected; its payouts, divided by the people they helped, give the published cost per
person. The model's figure is the total cost of the needs of the drought-2021 season (all
items of the ration profile, at their unit costs) divided by the most people in need on any
day. Both cover about three months of assistance after a failed harvest (the payouts funded
March–May 2022; the model's food insecurity runs October–December).

References
----------
.. [1] WFP / ARC: US$7.1 million ARC Replica payout for Mali's 2021 season, 204,000 people
   (US$34.8 per person). https://m.reliefweb.int/report/3824388/mali/drought-stricken-mali-receives-first-ever-arc-limited-climate-risk-insurance-pay-out
.. [2] WFP: US$15.4 million of ARC payouts for 490,000 people in Burkina Faso, The Gambia
   and Mali after the 2022 season (US$31.4 per person).
   https://www.acci-cavie.org/en/drought-affected-west-africa-to-benefit-from-arc-insurance-payout-via-wfp/
.. [3] Start Network, ARC Replica pay-out 2019, Senegal: US$10.6 million plus US$0.375 million
   of reserve for 335,000 people (US$32.8 per person).
   https://startnetwork.org/learn-change/resources/library/arc-replica-pay-out-2019
.. [4] ARC payout to Senegal 2019, US$23.1 million; Africa RiskView estimated 975,000 people
   directly affected (US$23.7 per person). https://allafrica.com/stories/201911080255.html
.. [5] InsuResilience: about US$23 million to Senegal in 2019, more than 1.5 million people in
   need to receive aid (US$15.3 per person).
   https://www.insuresilience.org/senegal-receives-insurance-payout-from-the-african-risk-capacity-to-address-severe-drought/
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.validation.verdict import Rule, Section, compare, info

PAYOUTS = (
    ("Mali 2021 season (WFP, ARC Replica)", 7.1e6, 204_000, "[1]"),
    ("Burkina Faso, Gambia, Mali 2022 season (WFP)", 15.4e6, 490_000, "[2]"),
    ("Senegal 2019 (Start Network, ARC Replica)", 10.975e6, 335_000, "[3]"),
    ("Senegal 2019 (government, ARV affected)", 23.1e6, 975_000, "[4]"),
    ("Senegal 2019 (all, people in need)", 23.0e6, 1_500_000, "[5]"),
)
"""(what, payout [USD], people [person], reference) of ARC payouts."""

SOURCE = (
    "ARC payouts: Mali 2022 US$7.1M / 204,000 (https://m.reliefweb.int/report/3824388/); "
    "WFP West Africa 2023 US$15.4M / 490,000; Start Network Senegal 2019; Senegal 2019 (see sim/validation/drought_cost.py)"
)


def per_person(payouts=PAYOUTS) -> list[float]:
    """Published cost per person of each payout [USD/person]."""
    return [amount / people for _, amount, people, _ in payouts]


def check_drought_cost(result: xr.Dataset, resolution: float) -> Section:
    """Needs cost per person in need of the drought-2021 season against ARC payouts."""
    costs = result["cost"].sum(["day", "cercle"])  # (member, item) [USD]
    peak_in_need = result["people"].sel(count="in_need").sum("cercle").max("day")  # (member,)
    total = (costs.sum("item") / peak_in_need).values
    food = (costs.sel(item="cereal") / peak_in_need).values
    spread = per_person()
    band = (min(spread), max(spread))
    members = total.size
    by_item = (costs / peak_in_need).median("member").to_series().sort_values(ascending=False)
    parts = ", ".join(f"{item} {value:.1f}" for item, value in by_item.items() if value > 0.05)
    records = (
        compare(
            "needs cost per person in need, drought-2021 (all items)",
            band,
            float(np.median(total)),
            Rule(inside="within range"),
            SOURCE,
            unit="USD/person",
            notes=(
                f"median of {members} member(s) at {resolution:g}°; by item (USD/person): {parts}. "
                "Source of doubt when above the range: a payout buys food (cash transfers) for the people it "
                "targets, while the model prices the whole Sphere response, water, shelter and household kits "
                "included (kits go to people whose houses fell in storms in the same season); the cereal ration "
                "alone (next row) is the comparable figure"
            ),
        ),
        compare(
            "cereal ration alone per person in need, drought-2021",
            band,
            float(np.median(food)),
            Rule(inside="within range"),
            SOURCE,
            unit="USD/person",
            notes="food only, closer to what the payouts bought (cash for food)",
        ),
        info(
            "people in need at the peak, drought-2021 (model)",
            float(np.median(peak_in_need.values)),
            "model",
            unit="person",
            notes="ARC's Mali 2021 payout reached 204,000 people; 1.9 million at risk nationwide",
        ),
    )
    figure = {
        "kind": "cost",
        "payouts": [(what, amount / people) for what, amount, people, _ in PAYOUTS],
        "model": float(np.median(total)),
        "food": float(np.median(food)),
    }
    intro = (
        "Africa RiskView payouts, divided by the people they helped, give US$15–35 per person "
        "(five payouts, sources in the table). The model's figure is the cost of all needs of the "
        "drought-2021 scenario divided by the most people in need on any day. Rule: inside the "
        "published spread is within range, outside it is off."
    )
    return Section(
        "drought_cost", "Drought response cost per person against Africa RiskView payouts", intro, records, figure
    )
