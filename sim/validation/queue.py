"""Check: the SimPy distribution point against queueing theory (Erlang C).

An M/M/c site (Poisson arrivals, exponential service, c desks, first come first served) has
a known mean wait (Erlang C) and mean queue length (Little's law). The SimPy model of
:mod:`sim.logistics.distribution_point` is run in independent replications; its mean over
replications, with a 95 % confidence interval from the replications (Student t), is compared
with the formula. If SimPy's clock or queues were used wrongly, the waits would not match.

References
----------
.. [1] Gross, D., Shortle, J. F., Thompson, J. M., Harris, C. M. (2008), Fundamentals of
   Queueing Theory, 4th ed., Wiley, section 2.3 (M/M/c).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.logistics.distribution_point import (
    erlang_c_queue_length,
    erlang_c_wait,
    simulate_site,
    utilisation,
)
from sim.validation.verdict import Record, Rule, Section, judge

SOURCE = "Erlang C, Gross et al. 2008, Fundamentals of Queueing Theory, §2.3 [1]"

CASES = (
    # arrivals [household/h], service [h], desks
    (10.0, 0.08, 1),
    (50.0, 4.0 / 60.0, 4),
    (60.0, 0.2, 14),
)
"""Sites checked: an M/M/1 textbook case (ρ = 0.8), a 4-desk site at 50 households an hour
and 4 minutes each (ρ = 0.83), and a large 14-desk site at 60 an hour and 12 minutes each (ρ = 0.86)."""


@dataclass(frozen=True)
class Estimate:
    """Mean over replications and the half-width of its 95 % confidence interval."""

    mean: float
    half_width: float


def estimate(values: np.ndarray) -> Estimate:
    """Mean and 95 % Student-t half-width of independent replications."""
    values = np.asarray(values, float)
    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return Estimate(float(values.mean()), float(half))


def ci_rule(half_width: float) -> Rule:
    """Inside the 95 % confidence interval agrees; within three half-widths within range."""
    return Rule(agree=half_width, within=3.0 * half_width)


def ci_record(name: str, theory: float, sim: Estimate, unit: str, notes: str) -> Record:
    """A record judged against the replications' confidence interval."""
    difference, verdict = judge(sim.mean, theory, ci_rule(sim.half_width))
    rule = f"|Δ| ≤ 95 % CI half-width ({sim.half_width:.4g} {unit}) agrees, ≤ 3 half-widths within range, else off"
    return Record(
        name,
        theory,
        SOURCE,
        sim.mean,
        difference,
        verdict,
        rule,
        unit,
        f"simulated {sim.mean:.4g} ± {sim.half_width:.3g} {unit}; {notes}",
    )


def check_queue(replications: int = 20, hours: float = 300.0, warmup_h: float = 20.0, seed: int = 7) -> Section:
    """Each case of :data:`CASES` simulated ``replications`` times against Erlang C."""
    records = []
    points = []
    root = np.random.SeedSequence(seed)
    for (rate, service, desks), child in zip(CASES, root.spawn(len(CASES))):
        runs = [
            simulate_site(rate, service, desks, hours, seed=s, warmup_h=warmup_h) for s in child.spawn(replications)
        ]
        wait = estimate([r.mean_wait_h * 60.0 for r in runs])
        queue = estimate([r.mean_queue_length for r in runs])
        busy = estimate([r.utilisation for r in runs])
        label = f"M/M/{desks}, λ = {rate:g}/h, service {service * 60:g} min"
        notes = f"{replications} replications of {hours - warmup_h:g} h after {warmup_h:g} h warm-up"
        theory_wait = erlang_c_wait(rate, service, desks) * 60.0
        records.append(ci_record(f"{label}: mean wait", theory_wait, wait, "min", notes))
        records.append(
            ci_record(
                f"{label}: mean queue length", erlang_c_queue_length(rate, service, desks), queue, "household", notes
            )
        )
        records.append(ci_record(f"{label}: desk utilisation", utilisation(rate, service, desks), busy, "", notes))
        points.append((label, theory_wait, wait.mean, wait.half_width))
    intro = (
        "`sim/logistics/distribution_point.py` simulates one distribution site in SimPy, every "
        "household a process queueing for a desk (`simpy.Resource`). For three M/M/c sites the mean "
        "wait, queue length and utilisation over independent replications (95 % confidence "
        "interval, Student t) are compared with the Erlang-C formula. Hand check of the 4-desk case: "
        "a = 50 × 4/60 = 3.333, Σ_{k<4} a^k/k! = 16.062, a^4/4!/(1 − 0.833) = 30.864, "
        "C = 30.864 / 46.926 = 0.6577, W_q = 0.6577 / (60 − 50) h = 3.95 min."
    )
    return Section(
        "queue", "The distribution queue against Erlang C", intro, tuple(records), {"kind": "queue", "points": points}
    )
