"""Counters needed at a site: Erlang C (M/M/c queue).

Erlang B by the stable recursion B(0) = 1, B(c) = a B(c-1) / (c + a B(c-1)); then
C(c) = c B / (c - a (1 - B)). No factorials, no overflow for hundreds of servers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def erlang_b(servers: int, offered_load: float) -> float:
    if servers < 0 or offered_load < 0:
        raise ValueError("servers and load must be non-negative")
    blocking = 1.0
    for c in range(1, servers + 1):
        blocking = offered_load * blocking / (c + offered_load * blocking)
    return blocking


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits; 1.0 when the queue is unstable (load >= servers)."""
    if servers <= 0 or offered_load >= servers:
        return 1.0
    if offered_load == 0:
        return 0.0
    blocking = erlang_b(servers, offered_load)
    return servers * blocking / (servers - offered_load * (1.0 - blocking))


@dataclass(frozen=True)
class QueueFigures:
    counters: int
    utilisation: float
    probability_wait: float
    mean_wait_minutes: float
    share_served_within_target: float | None


def queue_figures(
    counters: int, arrivals_per_hour: float, service_minutes: float, target_wait_minutes: float | None = None
) -> QueueFigures:
    rate_per_minute = arrivals_per_hour / 60.0
    load = rate_per_minute * service_minutes
    stable = counters > load
    wait_probability = erlang_c(counters, load)
    if not stable:
        return QueueFigures(counters, math.inf if counters == 0 else load / counters, 1.0, math.inf, 0.0)
    drain = counters / service_minutes - rate_per_minute  # per minute
    mean_wait = wait_probability / drain
    within = None
    if target_wait_minutes is not None:
        within = 1.0 - wait_probability * math.exp(-drain * target_wait_minutes)
    return QueueFigures(counters, load / counters, wait_probability, mean_wait, within)


def counters_needed(
    arrivals_per_hour: float,
    service_minutes: float,
    *,
    max_mean_wait_minutes: float | None = None,
    target_wait_minutes: float | None = None,
    target_share: float | None = None,
    max_counters: int = 1000,
) -> QueueFigures:
    """Fewest counters meeting a mean-wait target and/or P(wait <= t) >= share."""
    if max_mean_wait_minutes is None and (target_wait_minutes is None or target_share is None):
        raise ValueError("give max_mean_wait_minutes or target_wait_minutes with target_share")
    load = arrivals_per_hour / 60.0 * service_minutes
    for counters in range(max(1, math.floor(load) + 1), max_counters + 1):
        figures = queue_figures(counters, arrivals_per_hour, service_minutes, target_wait_minutes)
        if _meets(figures, max_mean_wait_minutes, target_share):
            return figures
    raise ValueError(f"more than {max_counters} counters needed")


def _meets(figures: QueueFigures, max_mean_wait, target_share) -> bool:
    if max_mean_wait is not None and figures.mean_wait_minutes > max_mean_wait + 1e-12:
        return False
    within = figures.share_served_within_target or 0.0
    return target_share is None or within >= target_share - 1e-12


def capacity_per_hour(counters: int, service_minutes: float, max_mean_wait_minutes: float) -> float:
    """The most arrivals per hour ``counters`` serve with a mean wait at or under the target
    (the inverse of :func:`counters_needed` with ``max_mean_wait_minutes``); 0 without counters.

    The mean wait grows with the arrival rate, so a bisection on the rate finds it (to 1e-9 of the
    counters' full rate, in a fixed 60 halvings: the same answer on any machine).
    """
    if counters <= 0:
        return 0.0
    if service_minutes <= 0 or max_mean_wait_minutes < 0:
        raise ValueError("service_minutes must be > 0 and the target wait >= 0")
    low, high = 0.0, counters * 60.0 / service_minutes  # at ``high`` the queue is unstable
    for _ in range(60):
        middle = (low + high) / 2
        if queue_figures(counters, middle, service_minutes).mean_wait_minutes <= max_mean_wait_minutes:
            low = middle
        else:
            high = middle
    return low
