"""The heuristics' answers do not depend on the clock: their limits are counts, never seconds (issue 17).

The clock is made to race (every reading an hour after the previous one, as on a machine slowed to a
crawl); a limit in seconds would then stop each heuristic at once and leave its start unimproved.
"""

import itertools
import time

import numpy as np
import scipy.sparse as sp

from motcua.planning import heuristics as heur
from motcua.planning.models import lscp_core
from motcua.planning.solver import SolveOptions


def _race_the_clock(monkeypatch) -> None:
    ticks = itertools.count()

    def an_hour_later() -> float:
        return 3600.0 * next(ticks)

    for name in ("perf_counter", "monotonic", "time", "process_time"):
        monkeypatch.setattr(time, name, an_hour_later)


def _cover_instance() -> tuple[sp.csr_matrix, np.ndarray]:
    """150 rows x 50 sites; the greedy cover costs 58, the local search finds 52 (the optimum)."""
    rng = np.random.default_rng(2)
    dense = rng.random((150, 50)) < 0.06
    dense[np.arange(150), rng.integers(0, 50, 150)] = True
    return sp.csr_matrix(dense.astype(float)), rng.integers(1, 6, 50).astype(float)


def _pmedian_instance():
    """200 demand points x 40 sites, p = 8; the swaps improve the greedy network (141.5 to 132.9)."""
    rng = np.random.default_rng(0)
    demand, sites = rng.random((200, 2)), rng.random((40, 2))
    demand_index, site_index = np.nonzero(np.ones((200, 40), bool))
    pair_cost = np.linalg.norm(demand[demand_index] - sites[site_index], axis=1)
    return demand_index, site_index, pair_cost, rng.integers(1, 10, 200).astype(float)


def _cover_answers() -> dict:
    cover, cost = _cover_instance()
    everything = np.ones(cover.shape[1], bool)
    start = heur.greedy_set_cover(cover, cost, np.ones(cover.shape[0], bool), ~everything, everything)
    found = heur.local_search_cover(cover, cost, start)
    solved = lscp_core(cover, cost, options=SolveOptions(time_limit=None))
    return {
        "start": float(cost @ start),
        "found": float(cost @ found),
        "found_sites": np.flatnonzero(found).tolist(),
        "core_warm_start": solved.extra["warm_start_objective"],
        "core_local_search": solved.reductions["local_search_objective"],
        "core_sites": np.flatnonzero(solved.is_open).tolist(),
    }


def _pmedian_answers() -> dict:
    demand_index, site_index, pair_cost, weight = _pmedian_instance()
    fallback, none = np.full(weight.size, 1e6), np.zeros(40, bool)
    greedy = heur.greedy_pmedian(demand_index, site_index, pair_cost, weight, fallback, 8, none, ~none)
    swapped = heur.swap_pmedian(demand_index, site_index, pair_cost, weight, fallback, greedy, none, ~none)
    return {
        "greedy": heur.pmedian_cost(demand_index, site_index, pair_cost, weight, fallback, greedy),
        "swapped": heur.pmedian_cost(demand_index, site_index, pair_cost, weight, fallback, swapped),
        "sites": np.flatnonzero(swapped).tolist(),
    }


def test_cover_local_search_ignores_the_clock(monkeypatch):
    calm = _cover_answers()
    assert calm["found"] < calm["start"] and calm["core_local_search"] < calm["core_warm_start"]
    _race_the_clock(monkeypatch)
    assert _cover_answers() == calm


def test_pmedian_swaps_ignore_the_clock(monkeypatch):
    calm = _pmedian_answers()
    assert calm["swapped"] < calm["greedy"] - 1.0
    _race_the_clock(monkeypatch)
    assert _pmedian_answers() == calm
