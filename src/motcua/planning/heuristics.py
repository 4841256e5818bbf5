"""Greedy starts and simple local search, used as HiGHS warm starts.

All functions work on a CSR coverage matrix ``cover`` (demand x site, 1.0 where the
site covers the demand point) or on sparse assignment pairs.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp


def greedy_set_cover(
    cover: sp.csr_matrix, cost: np.ndarray, must_cover: np.ndarray, pre_open: np.ndarray, allowed: np.ndarray
) -> np.ndarray:
    """Chvátal's greedy: repeatedly open the site with most newly covered rows per cost."""
    cover_csc = cover.tocsc()
    is_open = pre_open.copy()
    uncovered = must_cover & ~_covered_by(cover, is_open)
    gains = cover_csc.T @ uncovered.astype(float)
    while uncovered.any():
        ratio = np.where(allowed & ~is_open & (gains > 0), gains / np.maximum(cost, 1e-12), -1.0)
        best = int(np.argmax(ratio))
        if ratio[best] <= 0:
            break  # the rest cannot be covered
        is_open[best] = True
        newly = _column_rows(cover_csc, best)
        newly = newly[uncovered[newly]]
        uncovered[newly] = False
        gains -= np.asarray(cover[newly].sum(axis=0)).ravel()
    return drop_redundant(cover_csc, cost, must_cover, is_open, pre_open)


def drop_redundant(cover_csc, cost, must_cover, is_open, keep) -> np.ndarray:
    """Close open sites (most expensive first) whose rows stay covered by others."""
    is_open = is_open.copy()
    count = cover_csc @ is_open.astype(float)
    for site in np.flatnonzero(is_open & ~keep)[np.argsort(-cost[is_open & ~keep], kind="stable")]:
        rows = _column_rows(cover_csc, site)
        rows = rows[must_cover[rows]]
        if np.all(count[rows] >= 2):
            is_open[site] = False
            count[_column_rows(cover_csc, site)] -= 1
    return is_open


def greedy_max_cover(
    cover: sp.csr_matrix, weight: np.ndarray, p: int, pre_open: np.ndarray, allowed: np.ndarray
) -> np.ndarray:
    """Open up to p sites in total, each time the one adding most covered weight."""
    cover_csc = cover.tocsc()
    is_open = pre_open.copy()
    uncovered = ~_covered_by(cover, is_open)
    gains = cover_csc.T @ (weight * uncovered)
    while is_open.sum() < p:
        candidates = np.where(allowed & ~is_open, gains, -1.0)
        best = int(np.argmax(candidates))
        if candidates[best] < 0:
            break
        is_open[best] = True
        newly = _column_rows(cover_csc, best)
        newly = newly[uncovered[newly]]
        uncovered[newly] = False
        gains -= cover[newly].T @ weight[newly]
    return is_open


def swap_max_cover(
    cover: sp.csr_matrix,
    weight: np.ndarray,
    is_open: np.ndarray,
    fixed: np.ndarray,
    allowed: np.ndarray,
    seconds: float = 1.0,
) -> np.ndarray:
    """1-swap local search: close the open site losing least, open the best other; repeat."""
    deadline = time.perf_counter() + seconds
    cover_csc = cover.tocsc()
    is_open = is_open.copy()
    count = cover_csc @ is_open.astype(float)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        only_here = weight * (count == 1)
        loss = cover_csc.T @ only_here
        for site in np.flatnonzero(is_open & ~fixed)[np.argsort(loss[is_open & ~fixed], kind="stable")]:
            if time.perf_counter() >= deadline:
                break
            rows = _column_rows(cover_csc, site)
            after = count.copy()
            after[rows] -= 1
            gains = cover_csc.T @ (weight * (after == 0))
            gains[is_open | ~allowed] = -1.0
            best = int(np.argmax(gains))
            if gains[best] > loss[site] + 1e-9:
                is_open[site], is_open[best] = False, True
                count = after
                count[_column_rows(cover_csc, best)] += 1
                improved = True
                break
    return is_open


def pmedian_cost(demand_index, site_index, pair_cost, weight, fallback, is_open) -> float:
    best = _best_open_cost(demand_index, site_index, pair_cost, fallback, is_open)
    return float(weight @ best)


def _best_open_cost(demand_index, site_index, pair_cost, fallback, is_open) -> np.ndarray:
    best = fallback.copy()
    usable = is_open[site_index]
    np.minimum.at(best, demand_index[usable], pair_cost[usable])
    return best


def greedy_pmedian(demand_index, site_index, pair_cost, weight, fallback, p, pre_open, allowed) -> np.ndarray:
    """Open p sites greedily by total weighted saving, then try drop/add swaps."""
    is_open = pre_open.copy()
    n_sites = allowed.size
    current = _best_open_cost(demand_index, site_index, pair_cost, fallback, is_open)
    while is_open.sum() < p:
        saving = weight[demand_index] * np.maximum(current[demand_index] - pair_cost, 0.0)
        gains = np.bincount(site_index, weights=saving, minlength=n_sites)
        gains[~allowed | is_open] = -1.0
        best = int(np.argmax(gains))
        if gains[best] < 0:
            break
        is_open[best] = True
        at_best = site_index == best
        np.minimum.at(current, demand_index[at_best], pair_cost[at_best])
    return is_open


def swap_pmedian(demand_index, site_index, pair_cost, weight, fallback, is_open, fixed, allowed, seconds=1.0):
    """Drop each open site in turn and re-add the best one; keep improvements."""
    deadline = time.perf_counter() + seconds
    is_open = is_open.copy()
    best_total = pmedian_cost(demand_index, site_index, pair_cost, weight, fallback, is_open)
    for site in np.flatnonzero(is_open & ~fixed):
        if time.perf_counter() >= deadline:
            break
        trial = is_open.copy()
        trial[site] = False
        trial = greedy_pmedian(
            demand_index, site_index, pair_cost, weight, fallback, is_open.sum(), trial, allowed
        )
        total = pmedian_cost(demand_index, site_index, pair_cost, weight, fallback, trial)
        if total < best_total - 1e-9:
            is_open, best_total = trial, total
    return is_open


def _covered_by(cover: sp.csr_matrix, is_open: np.ndarray) -> np.ndarray:
    return (cover @ is_open.astype(float)) > 0


def _column_rows(cover_csc: sp.csc_matrix, site: int) -> np.ndarray:
    return cover_csc.indices[cover_csc.indptr[site] : cover_csc.indptr[site + 1]]
