"""The sane range of every quantity a user writes: the bounds the schemas and the CLI check.

A value outside these bounds is refused at load with a line naming its file, line and field;
inside them, the model gives an answer. The bounds are wide: they stop typing errors, units
mistaken for others and values no delta operation could hold, not unusual plans.

Every bound is in the canonical unit of its field (the unit in brackets).
"""

from __future__ import annotations

MIN_YEAR = 1950
"""Earliest year of any date in a file [year]. Notes: the delta's gauge records and the
rainfall climatology start in the 1950s (OPIDIN; CHIRPS from 1981); an earlier date is a typo."""

MAX_YEAR = 2100
"""Latest year of any date in a file [year]. Notes: the horizon of CMIP6 scenarios; a later
date is a typo."""

MAX_STAGE_CM = 1000.0
"""Highest stage at a gauge, for a flood peak, a boat threshold or a trigger [cm]. Notes: half
as much again as the highest stage in ``sim/data/gauges.csv`` (Mopti, 682 cm, 2 October 2024,
OPIDIN bulletin 7 of 2024); beyond it the stage–extent relation of :mod:`hazards.flood` would
be extrapolated far past the delta's topographic maximum."""

MAX_PEAK_SPREAD_CM = 200.0
"""Largest standard deviation of the ensemble's flood peak [cm]. Notes: eight times OPIDIN's
September forecast error (25 cm, :data:`hazards.settings.PEAK_SPREAD_CM`)."""

MAX_RETURN_PERIOD_YEARS = 10_000.0
"""Longest return period asked of a flood, a season or a storm [year]. Notes: beyond the
probable-maximum events that dam safety designs for; the fitted laws are meaningless further."""

MAX_STORM_TOTAL_MM = 4000.0
"""Largest three-day storm total [mm]. Notes: the world's 72-hour record is 3,930 mm
(Cratère Commerson, La Réunion, 24–26 February 2007; WMO Weather and Climate Extremes Archive)."""

MAX_DAILY_RAINFALL_MM = 2000.0
"""Largest daily rainfall in a rainfall threshold [mm/day]. Notes: the world's 24-hour record is
1,825 mm (Foc-Foc, La Réunion, 7–8 January 1966; WMO Weather and Climate Extremes Archive)."""

SPI_RANGE = (-5.0, 5.0)
"""Range of a standardised precipitation index threshold [-]. Notes: SPI is a standard normal
deviate; ±5 has a probability below one in three million (McKee et al. 1993)."""

HOUSEHOLD_SIZE_RANGE = (1.0, 30.0)
"""Mean number of persons per household [person/household]. Notes: a mean, not one family:
the shipped scenarios use 5.2 (their ``household_size`` says where it comes from); a mean of
one household is above 30 nowhere on earth (UN DESA, Household Size and Composition 2019)."""

MAX_REBUILD_DAYS = 3650.0
"""Longest time to rebuild a house [day]. Notes: ten years; beyond the horizon of any plan."""

MAX_LEAD_DAYS = 365.0
"""Longest lead time of a supplier, a trigger's warning, or a pledge's delay [day]. Notes: one
year; international sea freight to Mali takes two to four months (Logistics Cluster, Mali LCA)."""

MAX_USD = 1e10
"""Largest amount of money in a plan (funds, pledges, a released amount, a minimum order) [USD].
Notes: more than ten times Mali's whole Humanitarian Response Plan (about US$ 700 million
asked for 2024, OCHA Financial Tracking Service)."""

MAX_UNIT_COST_USD = 10_000.0
"""Largest price or cost per unit: of an item in a ration profile (per kit, kg, L…), or written
in a plan (storage per m³ and month, transport per tonne-kilometre) [USD per unit]. Notes: the
dearest item of ``sim/data/rations.csv`` is the emergency latrine at 300 USD, then the shelter
kit at 100 USD; 10,000 USD is 33 times that, more than any relief item costs, and refuses a
cost written in CFA francs (667 FCFA per USD: a 55 USD kit is 36,685 FCFA) without its
``cost_unit``."""

MAX_PRICE_FACTOR = 100.0
"""Largest price of a source relative to the ration profile's unit cost [-]. Notes: assumption."""

MAX_STOCK_UNITS = 1e9
"""Largest quantity of one item in a warehouse, an order or a supplier's monthly capacity
[item unit: kit, net, kg, L]. Notes: a billion litres of water is 250 days of Sphere's 15 L for
the whole delta's 2.5 million people."""

MAX_WAREHOUSE_M3 = 1_000_000.0
"""Largest warehouse [m³]. Notes: assumption: far more than any humanitarian warehouse
(the United Nations Humanitarian Response Depot in Dubai, the largest, is of the order of
100,000 m³); the stock must also fit the warehouse's own capacity."""

MAX_VEHICLES = 1000
"""Most trucks or boats of one kind at a hub [vehicle]. Notes: every truck is a process of the
simulation; a thousand at a hub is more than the Logistics Cluster ever chartered in Mali."""

MAX_PAYLOAD_T = 500.0
"""Largest payload of one truck or boat [t]. Notes: large Niger barges carry 300–400 t; trucks
30–40 t (Logistics Cluster, Mali LCA)."""

MAX_VEHICLE_M3 = 2000.0
"""Largest load volume of one truck or boat [m³]. Notes: a 400 t barge of light goods."""

MAX_TRUCK_SPEED_KMH = 120.0
"""Highest average speed of a truck [km/h]. Notes: the speed limit of Mali's national roads."""

MAX_BOAT_SPEED_KM_DAY = 1000.0
"""Longest distance a boat covers in a day [km/day]. Notes: 40 km/h for 24 hours, twice a
motorised pinasse's speed."""

MAX_TEAMS = 10_000
"""Most distribution teams [team]. Notes: a team of five per 250 people of the delta's
2.5 million."""

MAX_HOUSEHOLDS_PER_TEAM_DAY = 5000.0
"""Most households one team serves in a day [household/day]. Notes: twenty times the default
of 250 (WFP distribution planning)."""

MAX_MEMBERS = 1000
"""Most ensemble members of one run [member]. Notes: about 2 MB of results per member; a
thousand members is two hours on two cores, and a median is stable to 1 % after a few hundred."""

MAX_WORKERS = 256
"""Most local worker processes [process]. Notes: each warm worker holds about 0.9 GB."""

MAX_SEED = 2**63 - 1
"""Largest random seed [-]. Notes: NumPy's SeedSequence takes any non-negative integer; this is
the largest a 64-bit signed integer holds, as written in summary.json."""

MAX_RATIONS_BYTES = 1_000_000
"""Largest ration profile read [byte]. Notes: the shipped profile is 3.3 kB for 10 items, and a
profile holds at most one row per item of :data:`sim.needs.ITEM_UNITS` (11); a million bytes is 300
times that, room for long source texts, and keeps a wrong file (a log, a database dump) from
being read into memory."""

MAX_RATION_QUANTITY = {
    "L": 200.0,
    "kg": 100.0,
    "m**2": 50.0,
    "kit": 10.0,
    "net": 10.0,
    "latrine": 1.0,
}
"""Largest quantity of an item per person, household or destroyed house, in the item's unit:
per day for ``person_day`` and ``person_month`` rations (a monthly one is compared as
quantity / :data:`sim.needs.DAYS_PER_MONTH`), as written for the others [item unit]. Notes: bounds that
catch a slip (a quantity typed in another unit, extra zeros, ``1e9``), not a judgement of a
profile; each is several times the shipped value (``sim/data/rations.csv``):
L: 200 L per person per day, twice WHO's 'optimal access' of 100 L (Howard et al. 2020,
*Domestic water quantity, service level and health*, 2nd ed., WHO) — the profile has
Sphere's 15 L; kg: 100 kg, a month of cereal for a household of five (0.6 kg × 5 × 30 = 90 kg)
handed out at once — the daily rations are 0.6 kg of cereal and 1.95 kg of animal feed;
m**2: 50 m² per person, above Sphere's 45 m² of whole settlement per person (the profile
has 3.5 m² of covered space); kit and net: 10 per person or household (one NFI kit per
household, one net per 1.8 people: 10 nets cover a household of 18); latrine: one per
person (the profile has one per 50)."""
