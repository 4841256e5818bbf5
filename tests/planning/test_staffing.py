"""Erlang B/C known values and monotonicity."""

import math

from hypothesis import given
from hypothesis import strategies as st

from motcua.planning.staffing import counters_needed, erlang_b, erlang_c, queue_figures


def test_known_values():
    assert abs(erlang_b(1, 1.0) - 0.5) < 1e-12
    assert abs(erlang_b(2, 1.0) - 0.2) < 1e-12
    assert abs(erlang_c(1, 0.5) - 0.5) < 1e-12  # M/M/1: P(wait) = rho
    assert abs(erlang_c(2, 1.0) - 1 / 3) < 1e-12
    assert abs(erlang_c(10, 8.0) - 0.4092) < 1e-3  # textbook table value


def test_mm1_mean_wait():
    figures = queue_figures(1, arrivals_per_hour=30, service_minutes=1.0)
    # Wq = rho / (mu - lambda) = 0.5 / (1 - 0.5) = 1 minute
    assert abs(figures.mean_wait_minutes - 1.0) < 1e-12


def test_large_systems_are_stable():
    assert 0.0 <= erlang_c(500, 480.0) <= 1.0
    assert math.isfinite(queue_figures(500, 480 * 60 / 5, 5.0).mean_wait_minutes)


def test_counters_needed_meets_target_with_fewest():
    figures = counters_needed(60, 10, max_mean_wait_minutes=2.0)
    assert figures.mean_wait_minutes <= 2.0
    assert queue_figures(figures.counters - 1, 60, 10).mean_wait_minutes > 2.0
    share = counters_needed(60, 10, target_wait_minutes=5, target_share=0.8)
    assert share.share_served_within_target >= 0.8


@given(st.integers(1, 60), st.floats(1, 300), st.floats(1, 30))
def test_more_counters_never_increase_wait(counters, arrivals, service):
    first = queue_figures(counters, arrivals, service, 5.0)
    second = queue_figures(counters + 1, arrivals, service, 5.0)
    assert second.mean_wait_minutes <= first.mean_wait_minutes + 1e-12
    assert second.probability_wait <= first.probability_wait + 1e-12
