"""Greedy starts and simple local search, used as HiGHS warm starts.

All functions work on a CSR coverage matrix ``cover`` (demand x site, 1.0 where the
site covers the demand point) or on sparse assignment pairs. Every limit is a count (steps, pairs
visited), never seconds: the same instance gives the same answer whatever the machine's load.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

# Defaults measured on a quiet 2-core machine (2026-12-04) to take about as long as the earlier
# limits in seconds: the local search runs ~9,000-12,000 steps/s on the reduced OR-Library scp
# models (20,000 steps: ~2 s on scpnrg1/scpnrh1, the largest), and a p-median drop-and-re-add trial
# visits ~50-130 million pairs/s (10**8: one full pass on pmed40's 810,000 pairs, p = 90, in ~1 s).
LOCAL_SEARCH_STEPS = 20_000
SWAP_PAIR_VISITS = 100_000_000


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


def pmedian_cost(demand_index, site_index, pair_cost, weight, fallback, is_open) -> float:
    best = best_open_cost(demand_index, site_index, pair_cost, fallback, is_open)
    return float(weight @ best)


def best_open_cost(demand_index, site_index, pair_cost, fallback, is_open) -> np.ndarray:
    best = fallback.copy()
    usable = is_open[site_index]
    np.minimum.at(best, demand_index[usable], pair_cost[usable])
    return best


def greedy_pmedian(demand_index, site_index, pair_cost, weight, fallback, p, pre_open, allowed) -> np.ndarray:
    """Open p sites greedily by total weighted saving, then try drop/add swaps."""
    is_open = pre_open.copy()
    n_sites = allowed.size
    current = best_open_cost(demand_index, site_index, pair_cost, fallback, is_open)
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


def swap_pmedian(
    demand_index,
    site_index,
    pair_cost,
    weight,
    fallback,
    is_open,
    fixed,
    allowed,
    pair_visits=SWAP_PAIR_VISITS,
):
    """Drop each open site in turn and re-add the best one; keep improvements.

    Each trial visits every pair; there are at most ``pair_visits // pairs`` trials (at least one).
    """
    is_open = is_open.copy()
    best_total = pmedian_cost(demand_index, site_index, pair_cost, weight, fallback, is_open)
    trials = max(1, int(pair_visits) // max(demand_index.size, 1))
    for site in np.flatnonzero(is_open & ~fixed)[:trials]:
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


def _column_rows(cover_csc: sp.csc_matrix, site: int | np.integer) -> np.ndarray:
    return cover_csc.indices[cover_csc.indptr[site] : cover_csc.indptr[site + 1]]


class _CoverSearch:
    """State of a row-weighting local search for set covering (after Gao et al., RWLS 2015).

    ``score[j]`` is, for an open site, minus the weight of rows only it covers and, for a
    closed site, the weight of uncovered rows it would cover. ``sole[r]`` is the XOR of the
    open sites covering row r: the covering site itself when ``count[r] == 1``.
    """

    def __init__(self, cover: sp.csr_matrix, cover_csc: sp.csc_matrix, is_open: np.ndarray):
        self.cover, self.cover_csc = cover, cover_csc
        self.is_open = is_open.copy()
        self.weight = np.ones(cover.shape[0])
        self.count = np.zeros(cover.shape[0], np.int64)
        self.sole = np.zeros(cover.shape[0], np.int64)
        for site in np.flatnonzero(is_open):
            rows = _column_rows(cover_csc, site)
            self.count[rows] += 1
            self.sole[rows] ^= site
        self.score = np.zeros(cover.shape[1])
        self._rescore()

    def _rescore(self) -> None:
        uncovered = self.weight * (self.count == 0)
        gain = self.cover_csc.T @ uncovered
        alone = self.count == 1
        loss = np.bincount(self.sole[alone], weights=self.weight[alone], minlength=self.score.size)
        self.score = np.where(self.is_open, -loss, gain)

    def _shift_sites_of(self, rows: np.ndarray, amounts: np.ndarray) -> None:
        """Add ``amounts[k]`` to the score of every site covering ``rows[k]`` (few rows: a loop)."""
        indptr, indices = self.cover.indptr, self.cover.indices
        for row, amount in zip(rows.tolist(), amounts.tolist(), strict=True):
            self.score[indices[indptr[row] : indptr[row + 1]]] += amount

    def open(self, site: int) -> None:
        rows = _column_rows(self.cover_csc, site)
        counts = self.count[rows]
        was_empty, was_alone = rows[counts == 0], rows[counts == 1]
        self._shift_sites_of(was_empty, -self.weight[was_empty])
        np.add.at(self.score, self.sole[was_alone], self.weight[was_alone])
        self.count[rows] += 1
        self.sole[rows] ^= site
        self.is_open[site] = True
        self.score[site] = -self.weight[was_empty].sum()

    def close(self, site: int) -> None:
        rows = _column_rows(self.cover_csc, site)
        self.count[rows] -= 1
        self.sole[rows] ^= site
        self.is_open[site] = False
        counts = self.count[rows]
        now_empty, now_alone = rows[counts == 0], rows[counts == 1]
        self._shift_sites_of(now_empty, self.weight[now_empty])
        np.subtract.at(self.score, self.sole[now_alone], self.weight[now_alone])
        self.score[site] = self.weight[now_empty].sum()

    def bump_uncovered(self, rows: np.ndarray) -> None:
        self._shift_sites_of(rows, np.ones(rows.size))
        self.weight[rows] += 1.0


def local_search_cover(
    cover: sp.csr_matrix,
    cost: np.ndarray,
    start: np.ndarray,
    max_steps: int = LOCAL_SEARCH_STEPS,
    target: float = -np.inf,
) -> np.ndarray:
    """Improve a full cover by row-weighting local search; stops at ``target`` cost, after
    ``max_steps`` steps or after max(1000, 2 x sites) steps without improvement.

    Always returns a full cover (the best one met, never worse than ``start``).
    """
    cost = np.asarray(cost, dtype=float)
    cover_csc = cover.tocsc()
    everything = np.ones(cover.shape[0], bool)
    best = drop_redundant(cover_csc, cost, everything, start, np.zeros(cost.size, bool))
    search = _CoverSearch(cover, cover_csc, best)
    rng = np.random.default_rng(0)
    last_move = np.zeros(cost.size)
    step, improved_at, patience = 0, 0, max(1000, 2 * cost.size)
    while step < max_steps and cost @ best > target + 1e-9 and step - improved_at < patience:
        step += 1
        if not (search.count == 0).any():
            if cost @ search.is_open < cost @ best - 1e-9:
                best, improved_at = search.is_open.copy(), step
            search.close(_pick_removal(search, cost, last_move, None))
            continue
        removed = _pick_removal(search, cost, last_move, step - 1)
        search.close(removed)
        last_move[removed] = step
        uncovered = np.flatnonzero(search.count == 0)
        added = _pick_addition(search, cost, last_move, uncovered[rng.integers(uncovered.size)], removed)
        search.open(added)
        last_move[added] = step
        search.bump_uncovered(np.flatnonzero(search.count == 0))
    return best


def _pick_removal(search: _CoverSearch, cost, last_move, tabu_step) -> int:
    """Open site losing least weight per cost; not the one just added; oldest on ties."""
    candidates = np.flatnonzero(search.is_open)
    if tabu_step is not None and candidates.size > 1:
        candidates = candidates[last_move[candidates] != tabu_step]
    value = search.score[candidates] / cost[candidates]
    top = candidates[value >= value.max() - 1e-12]
    return int(top[np.argmin(last_move[top])])


def _pick_addition(search: _CoverSearch, cost, last_move, row, removed) -> int:
    """Among the sites covering ``row``, the one gaining most weight per cost; oldest on ties."""
    candidates = search.cover.indices[search.cover.indptr[row] : search.cover.indptr[row + 1]]
    if candidates.size > 1:
        candidates = candidates[candidates != removed]
    value = search.score[candidates] / cost[candidates]
    top = candidates[value >= value.max() - 1e-12]
    return int(top[np.argmin(last_move[top])])
