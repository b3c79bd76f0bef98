"""One distribution site for one day: households queue at a few desks to collect their kits.

A small SimPy model, separate from the plan model (:mod:`sim.logistics.model`, where
households are counts per cercle and day): here a site-day is small enough for every
household to be a SimPy process. Households arrive as a Poisson process, wait for the first
free desk (first come, first served) and are served for an exponential or a fixed time.
It answers "how long do people stand in the sun with 4 desks and 300 households?", and its
M/M/c case is checked against the Erlang-C formula (:func:`erlang_c_wait`), which shows that
SimPy's clock and queues are used correctly.

Times are in hours, rates per hour.

References
----------
.. [1] Erlang, A. K. (1917), "Solution of some problems in the theory of probabilities of
   significance in automatic telephone exchanges"; the M/M/c waiting-time formula as in
   Gross, D., Shortle, J. F., Thompson, J. M., Harris, C. M. (2008), Fundamentals of
   Queueing Theory, 4th ed., Wiley, section 2.3.
.. [2] Little, J. D. C. (1961), "A proof for the queuing formula L = λW", Operations
   Research 9(3), 383-387.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

SERVICE_KINDS = ("exponential", "fixed")
"""Service-time laws a desk can follow."""


@dataclass(frozen=True)
class SiteResult:
    """What one simulated site-day measured (households that arrived after the warm-up).

    Attributes
    ----------
    mean_wait_h : float
        Mean time from arrival to the start of service. [h]
    mean_queue_length : float
        Time-averaged number of households waiting (not being served). [household]
    utilisation : float
        Time-averaged share of desks busy. [-]
    served : int
        Households whose service started. [household]
    """

    mean_wait_h: float
    mean_queue_length: float
    utilisation: float
    served: int


def simulate_site(
    arrival_rate_per_h: float,
    service_time_h: float,
    desks: int,
    hours: float,
    seed: int | np.random.SeedSequence = 0,
    service: str = "exponential",
    warmup_h: float = 0.0,
) -> SiteResult:
    """Simulate a distribution site with ``desks`` desks for ``hours`` hours.

    Parameters
    ----------
    arrival_rate_per_h : float
        Mean arrivals of households (a Poisson process). [household/h]
    service_time_h : float
        Mean service time of one household at a desk. [h]
    desks : int
        Desks (servers) working in parallel. [-]
    hours : float
        Length of the simulated period, warm-up included. [h]
    seed : int or SeedSequence
        Seed of the arrival and service draws.
    service : {"exponential", "fixed"}
        Law of the service time.
    warmup_h : float
        Hours at the start that are not measured (the site opens empty). [h]
    """
    if service not in SERVICE_KINDS:
        raise ValueError(f"unknown service law {service!r}; valid ones are: {', '.join(SERVICE_KINDS)}")
    if arrival_rate_per_h <= 0 or service_time_h <= 0 or desks < 1 or hours <= warmup_h or warmup_h < 0:
        raise ValueError("need arrival rate > 0, service time > 0, desks >= 1 and hours > warm-up >= 0")
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=desks)
    waits: list[float] = []
    # time integrals of the queue length and of busy desks, from the end of the warm-up
    area = {"queue": 0.0, "busy": 0.0, "last": warmup_h}

    def advance() -> None:
        now = env.now
        if now > warmup_h:
            span = now - max(area["last"], warmup_h)
            area["queue"] += len(counter.queue) * span
            area["busy"] += counter.count * span
            area["last"] = now

    def household(arrived: float):
        advance()  # the integrals are brought up to date before every change of state
        with counter.request() as turn:
            yield turn
            if arrived >= warmup_h:
                waits.append(env.now - arrived)
            duration = rng.exponential(service_time_h) if service == "exponential" else service_time_h
            yield env.timeout(duration)
            advance()  # leaving the desk hands it to the next in line, at this same instant

    def arrivals():
        while True:
            yield env.timeout(rng.exponential(1.0 / arrival_rate_per_h))
            env.process(household(env.now))

    env.process(arrivals())
    env.run(until=hours)
    advance()
    measured = hours - warmup_h
    return SiteResult(
        mean_wait_h=float(np.mean(waits)) if waits else 0.0,
        mean_queue_length=area["queue"] / measured,
        utilisation=area["busy"] / (measured * desks),
        served=len(waits),
    )


def erlang_c(arrival_rate_per_h: float, service_time_h: float, desks: int) -> float:
    """Probability that an arriving household has to wait, M/M/c (Erlang C) [-].

    With offered load ``a = λ·s`` and utilisation ``ρ = a / c < 1``::

        C(c, a) = (a^c / c!) / (1 − ρ) / (Σ_{k<c} a^k / k! + (a^c / c!) / (1 − ρ))

    References: [1]_.
    """
    load = arrival_rate_per_h * service_time_h
    rho = load / desks
    if not 0 < rho < 1:
        raise ValueError(f"the queue is stable only for utilisation below 1, got {rho:.3f}")
    # terms a^k / k! built up one by one (no overflow for large c)
    term, total = 1.0, 0.0
    for k in range(desks):
        total += term
        term *= load / (k + 1)
    waiting = term / (1.0 - rho)
    return waiting / (total + waiting)


def erlang_c_wait(arrival_rate_per_h: float, service_time_h: float, desks: int) -> float:
    """Mean wait in the queue of an M/M/c site, ``W_q = C(c, a) / (c·μ − λ)`` [h]. References: [1]_."""
    service_rate = 1.0 / service_time_h
    return erlang_c(arrival_rate_per_h, service_time_h, desks) / (desks * service_rate - arrival_rate_per_h)


def erlang_c_queue_length(arrival_rate_per_h: float, service_time_h: float, desks: int) -> float:
    """Mean number waiting in an M/M/c site, ``L_q = λ·W_q`` (Little's law [2]_) [household]."""
    return arrival_rate_per_h * erlang_c_wait(arrival_rate_per_h, service_time_h, desks)


def utilisation(arrival_rate_per_h: float, service_time_h: float, desks: int) -> float:
    """Share of desks busy in the long run, ``ρ = λ·s / c`` [-]."""
    return arrival_rate_per_h * service_time_h / desks
