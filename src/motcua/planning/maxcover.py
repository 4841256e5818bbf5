"""Maximal covering at scale: Lagrangian bound, greedy plus fast swaps, and site fixing.

The coverage matrix (rows = demand points, already merged when identical; columns = sites) is kept
as CSR with int32 indices in both directions. Relaxing "a row counts only if an open site covers
it" with multipliers mu (0 <= mu_i <= w_i) gives, for any mu,

    L(mu) = sum_i (w_i - mu_i) + (sum of the ``budget`` largest s_j),   s_j = sum_{i covered by j} mu_i,

an upper bound on the weight ``budget`` sites can cover. Subgradient steps lower it; each relaxed
network (the ``budget`` sites of largest s) is a real network whose coverage is a lower bound.
The best networks are improved by swaps in the manner of fast interchange (gain of opening a site,
loss of closing one, and the correction for rows covered only by the closed site, one sparse product
per round). The bound also fixes sites: a closed site j whose forced opening bounds the answer at or
under the best network's value (L - s_(budget) + s_j) is never needed, and an open site whose
forced closing does so (L - s_j + s_(budget+1)) must open; what is left is often small enough for
an exact MIP. Every limit is a count of iterations or swaps, never seconds: the same instance gives
the same answer on any machine, whatever its load.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .reduce import canonical

STALE_ROUNDS = 30
SWAP_EVERY = 25  # iterations between swap searches from the relaxation's best new network


@dataclass
class CoverageLists:
    """The coverage lists both ways: ``by_row`` (the canonical matrix itself, not copied) and
    ``by_site`` (its transpose, CSR, int32 indices)."""

    by_row: sp.csr_matrix
    by_site: sp.csr_matrix

    @classmethod
    def of(cls, matrix: sp.spmatrix) -> CoverageLists:
        by_row = canonical(matrix)
        by_site = sp.csr_matrix(sp.csc_matrix(by_row).T)
        by_site.sort_indices()
        indices, indptr = by_site.indices.astype(np.int32), by_site.indptr.astype(np.int64)
        return cls(by_row, sp.csr_matrix((by_site.data, indices, indptr), shape=by_site.shape))

    @property
    def shape(self) -> tuple[int, int]:
        return self.by_row.shape

    def rows_of(self, site: int) -> np.ndarray:
        return self.by_site.indices[self.by_site.indptr[site] : self.by_site.indptr[site + 1]]

    def counts(self, is_open: np.ndarray) -> np.ndarray:
        """How many open sites cover each row."""
        sites = np.flatnonzero(is_open)
        starts, ends = self.by_site.indptr[sites], self.by_site.indptr[sites + 1]
        rows = self.by_site.indices[_ranges(starts, ends - starts)]
        return np.bincount(rows, minlength=self.shape[0])

    def covered(self, weight: np.ndarray, is_open: np.ndarray) -> float:
        return float(weight @ (self.counts(is_open) > 0))


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(np.asarray(starts, np.int64), lengths) + (np.arange(total) - offsets)


# ---------------------------------------------------------------- greedy and swaps


def greedy(lists: CoverageLists, weight: np.ndarray, budget: int, allowed: np.ndarray | None = None):
    """Open ``budget`` sites, each time the one adding most covered weight (lowest index on ties)."""
    n_rows, n_sites = lists.shape
    allowed = np.ones(n_sites, bool) if allowed is None else allowed
    is_open = np.zeros(n_sites, bool)
    uncovered = np.ones(n_rows, bool)
    gains = lists.by_site @ weight
    for _ in range(min(budget, int(allowed.sum()))):
        candidates = np.where(allowed & ~is_open, gains, -1.0)
        best = int(np.argmax(candidates))
        if candidates[best] < 0:  # sites adding nothing still open: the answer uses its budget
            break
        is_open[best] = True
        newly = lists.rows_of(best)
        newly = newly[uncovered[newly]]
        uncovered[newly] = False
        lost = np.zeros(n_rows)
        lost[newly] = weight[newly]
        gains -= lists.by_site @ lost
    return is_open


def swap(
    lists: CoverageLists,
    weight: np.ndarray,
    is_open: np.ndarray,
    *,
    budget: int | None = None,
    allowed: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    max_swaps: int = 200,
) -> tuple[np.ndarray, int]:
    """Best-improvement swaps (one site in, one out; or one in while under ``budget``) until none
    gains or ``max_swaps`` are made. Returns the network and the number of swaps made.

    profit(in, out) = gain[in] - loss[out] + extra[in, out], where gain is the uncovered weight ``in``
    covers, loss the weight only ``out`` covers, and extra the part of that weight ``in`` also covers.
    """
    n_rows, n_sites = lists.shape
    is_open = is_open.copy()
    allowed = np.ones(n_sites, bool) if allowed is None else allowed
    fixed = np.zeros(n_sites, bool) if fixed is None else fixed
    budget = int(is_open.sum()) if budget is None else budget
    counts = lists.counts(is_open)
    made = 0
    threshold = 1e-9 * max(1.0, float(weight.sum()))
    while made < max_swaps:
        openable = allowed & ~is_open
        if not openable.any():
            break
        gain = lists.by_site @ (weight * (counts == 0))
        gain = np.where(openable, gain, -np.inf)
        if is_open.sum() < budget:  # room left: open the best site outright
            site_in = int(np.argmax(gain))
            if gain[site_in] <= threshold:
                break
            is_open[site_in] = True
            counts[lists.rows_of(site_in)] += 1
            made += 1
            continue
        closable = np.flatnonzero(is_open & ~fixed)
        if not closable.size:
            break
        loss, extra = _loss_and_extra(lists, weight, counts, closable)
        profit = gain[:, None] - loss[None, :] + extra
        best = int(np.argmax(profit))
        site_in, column = divmod(best, closable.size)
        if profit[site_in, column] <= threshold:
            break
        site_out = int(closable[column])
        is_open[site_in], is_open[site_out] = True, False
        counts[lists.rows_of(site_in)] += 1
        counts[lists.rows_of(site_out)] -= 1
        made += 1
    return is_open, made


def _loss_and_extra(lists: CoverageLists, weight, counts, closable) -> tuple[np.ndarray, np.ndarray]:
    """loss[k]: the weight only ``closable[k]`` covers; extra[j, k]: the part of it site j covers too
    (one pass over the lists with ``closable.size`` columns)."""
    sole = np.zeros((lists.shape[0], closable.size))
    for k, site in enumerate(closable.tolist()):
        mine = lists.rows_of(site)
        mine = mine[counts[mine] == 1]
        sole[mine, k] = weight[mine]
    return sole.sum(axis=0), np.asarray(lists.by_site @ sole)


# ---------------------------------------------------------------- Lagrangian relaxation


@dataclass
class MaxCoverRelaxation:
    """Best bound, best network met (after swaps), and the sites the bound fixed."""

    bound: float
    is_open: np.ndarray
    covered: float
    iterations: int
    swaps: int
    fixed_closed: np.ndarray
    fixed_open: np.ndarray
    history: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return max(self.bound - self.covered, 0.0) / max(abs(self.bound), 1e-12)


def relax(
    lists: CoverageLists,
    weight: np.ndarray,
    budget: int,
    start: np.ndarray | None = None,
    *,
    max_iterations: int = 400,
    max_swaps: int = 200,
    target_gap: float = 1e-6,
) -> MaxCoverRelaxation:
    """Subgradient optimisation of mu from ``start`` (a network: the first incumbent), with swaps from
    the relaxation's best new networks and site fixing at every iteration."""
    weight = np.asarray(weight, dtype=float)
    n_rows, n_sites = lists.shape
    budget = int(min(budget, n_sites))
    state = _State(lists, weight, budget)
    if start is not None:
        state.offer(np.asarray(start, bool))
    mu = 0.5 * weight
    theta, stale, iteration, swaps = 2.0, 0, 0, 0
    relaxed_best, relaxed_value = None, -np.inf
    for iteration in range(1, max_iterations + 1):  # noqa: B007 (read after the loop)
        score = lists.by_site @ mu
        order = np.argsort(-score, kind="stable")
        chosen = order[:budget]
        top = float(score[chosen].sum())
        bound = float((weight - mu).sum()) + top
        if bound < state.bound - 1e-9 * max(1.0, state.bound):
            state.bound, stale = bound, 0
        else:
            stale += 1
            if stale >= STALE_ROUNDS:
                theta, stale = theta / 2, 0
        is_open = np.zeros(n_sites, bool)
        is_open[chosen] = True
        counts = lists.counts(is_open)
        value = float(weight @ (counts > 0))
        if value > relaxed_value:
            relaxed_best, relaxed_value = is_open, value
        state.offer(is_open, value)
        state.fix(bound, score, order)
        if iteration % SWAP_EVERY == 0 and relaxed_best is not None:
            swaps += state.improve(relaxed_best, max_swaps)
            relaxed_best, relaxed_value = None, -np.inf
        if state.closed_enough(target_gap) or theta < 1e-6:
            break
        subgradient = (weight > mu).astype(float) - counts
        norm = float(subgradient @ subgradient)
        if norm == 0:
            break
        step = theta * (bound - state.best) / norm
        mu = np.clip(mu + step * subgradient, 0.0, weight)
    if relaxed_best is not None:
        swaps += state.improve(relaxed_best, max_swaps)
    return MaxCoverRelaxation(
        max(state.bound, state.best),
        state.best_open,
        state.best,
        iteration,
        swaps,
        state.fixed_closed,
        state.fixed_open,
    )


class _State:
    """The incumbent, the best bound and the fixings; ``margin`` makes fixing exact: with integral
    weights any better network is better by at least 1."""

    def __init__(self, lists: CoverageLists, weight: np.ndarray, budget: int) -> None:
        self.lists, self.weight, self.budget = lists, weight, budget
        n_sites = lists.shape[1]
        self.best_open = np.zeros(n_sites, bool)
        self.best = 0.0
        self.bound = float(weight.sum())
        self.fixed_closed = np.zeros(n_sites, bool)
        self.fixed_open = np.zeros(n_sites, bool)
        integral = bool(np.all(weight == np.round(weight)))
        self.margin = (1.0 - 1e-6) if integral else -1e-9 * max(1.0, float(weight.sum()))
        self.seen: set[bytes] = set()

    def offer(self, is_open: np.ndarray, value: float | None = None) -> None:
        value = self.lists.covered(self.weight, is_open) if value is None else value
        if value > self.best:
            self.best, self.best_open = value, is_open.copy()

    def improve(self, is_open: np.ndarray, max_swaps: int) -> int:
        key = np.packbits(is_open).tobytes()
        if key in self.seen:
            return 0
        self.seen.add(key)
        improved, made = swap(self.lists, self.weight, is_open, budget=self.budget, max_swaps=max_swaps)
        self.offer(improved)
        return made

    def fix(self, bound: float, score: np.ndarray, order: np.ndarray) -> None:
        """Fix sites by this iteration's bound (valid for any mu, so fixings accumulate)."""
        if self.budget == 0 or self.budget >= score.size:
            return
        threshold = self.best + self.margin
        last_in, first_out = score[order[self.budget - 1]], score[order[self.budget]]
        outside = order[self.budget :]
        self.fixed_closed[outside[bound - last_in + score[outside] <= threshold]] = True
        inside = order[: self.budget]
        self.fixed_open[inside[bound - score[inside] + first_out <= threshold]] = True

    def closed_enough(self, target_gap: float) -> bool:
        return self.bound - self.best <= max(target_gap * abs(self.bound), self.margin)
