"""p-median at scale: Lagrangian relaxation on sparse nearest lists, with fast interchange.

Each demand point keeps its K nearest sites (a dense n x K table, sorted by distance) and the cost of its
(K+1)-th nearest, ``beyond``. Relaxing "every demand point is served once" with multipliers lambda gives

    L(lambda) = sum_i lambda_i + (sum of the p smallest rho_j),   rho_j = sum_i min(0, w_i c_ij - lambda_i),

a lower bound on the optimum for any lambda. Pairs outside the lists are left out of rho; the bound stays
valid because every lambda_i is kept at or under w_i x beyond_i (so an unlisted pair, which costs at least
that, adds nothing). Subgradient steps improve the bound; each relaxed solution (the p sites of smallest
rho) is a network whose true cost is an upper bound; the best one is improved by swap local search in the
manner of Resende and Werneck's fast interchange (gain, loss and a sparse "extra" table, one best swap per
round). Every limit is a count of iterations, never seconds: the same instance gives the same answer on any
machine, whatever its load.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .errors import PlanningTooLarge

DEFAULT_NEIGHBOURS = 48
STALE_ROUNDS = 30
EVALUATE_EVERY = 2
BYTES_PER_LISTED_PAIR = 64  # the n x K tables (index, cost, masks, temporaries), measured with some margin


@dataclass
class LagrangeOutcome:
    is_open: np.ndarray
    objective: float
    bound: float
    iterations: int
    swaps: int
    history: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return max(self.objective - self.bound, 0.0) / max(abs(self.objective), 1e-12)


@dataclass
class NearestLists:
    """K nearest sites per demand point: ``site`` and weighted ``cost`` (n x K, ascending), and
    ``beyond`` (n): the weighted cost of the (K+1)-th nearest (inf when every site is listed)."""

    site: np.ndarray
    cost: np.ndarray
    beyond: np.ndarray
    n_sites: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.site.shape


def memory_needed_mb(n_demand: int, neighbours: int) -> float:
    return n_demand * neighbours * BYTES_PER_LISTED_PAIR / 2**20


def check_size(n_demand: int, neighbours: int, limit_mb: float) -> None:
    needed = memory_needed_mb(n_demand, neighbours)
    if needed > limit_mb:
        raise PlanningTooLarge(
            "size",
            f"{n_demand:,} điểm dân cư x {neighbours} điểm gần nhất cần khoảng {needed:,.0f} MB, vượt giới hạn "
            f"{limit_mb:,.0f} MB; hãy gộp điểm dân cư hoặc giảm --k-nearest",
            f"{n_demand:,} demand points x {neighbours} nearest sites need about {needed:,.0f} MB, above the "
            f"{limit_mb:,.0f} MB limit; aggregate demand points or lower --k-nearest",
        )


def solve(
    lists: NearestLists,
    p: int,
    *,
    nearest_cost,
    fixed_open: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    max_iterations: int = 600,
    max_swaps: int = 2000,
    target_gap: float = 2e-3,
    say=None,
) -> LagrangeOutcome:
    """Best network of p sites found, and the best Lagrangian bound.

    ``nearest_cost(is_open, rows) -> weighted cost`` gives, for the demand points ``rows`` whose listed
    sites are all closed, the cost of their nearest open site by the travel model.
    """

    def exact_cost(mask: np.ndarray) -> np.ndarray:
        return true_cost(lists, mask, nearest_cost)

    started = time.perf_counter()
    m = lists.n_sites
    fixed = np.zeros(m, bool) if fixed_open is None else np.asarray(fixed_open, bool)
    allowed = np.ones(m, bool) if allowed is None else np.asarray(allowed, bool)
    state = _Relaxation(lists, p, fixed, allowed, exact_cost)
    # The long round's best network, improved by fast interchange, is a good upper bound; a shorter
    # round then works with it (the subgradient steps take their scale from it), and its own best network
    # is improved in turn.
    first_round = (2 * max_iterations) // 3
    state.run(first_round, target_gap)
    swaps = state.improve(max_swaps)
    if not state.done(target_gap):
        state.theta = max(state.theta, 0.5)
        state.run(max_iterations - state.iterations, target_gap)
        swaps += state.improve(max_swaps)
    if say:
        say(
            f"p-median Lagrangian: bound {state.best_bound:,.1f}, best {state.best_cost:,.1f} after "
            f"{state.iterations} iterations and {swaps} swaps"
        )
    assert state.best_open is not None
    return LagrangeOutcome(
        state.best_open,
        state.best_cost,
        min(state.best_bound, state.best_cost),
        state.iterations,
        swaps,
        {"lagrange_s": state.seconds, "interchange_s": time.perf_counter() - started - state.seconds},
    )


class _Relaxation:
    """Subgradient optimisation of the multipliers, keeping the best bound and the best network."""

    def __init__(self, lists: NearestLists, p: int, fixed, allowed, exact_cost) -> None:
        self.lists, self.p, self.fixed, self.allowed, self.exact_cost = lists, p, fixed, allowed, exact_cost
        k = lists.shape[1]
        self.flat_site = lists.site.ravel()
        self.cap = np.where(np.isfinite(lists.beyond), lists.beyond, np.inf)
        self.lam = np.minimum(lists.cost[:, min(1, k - 1)].copy(), self.cap)
        self.best_bound = -np.inf
        self.best_open: np.ndarray | None = None
        self.best_cost = np.inf
        self.theta, self.stale, self.iterations, self.seconds = 2.0, 0, 0, 0.0
        self.seen: set[bytes] = set()
        self.relaxed_open: np.ndarray | None = None  # the best network the relaxation itself gave
        self.relaxed_cost = np.inf

    def consider(self, is_open: np.ndarray) -> None:
        key = np.packbits(is_open).tobytes()
        if key in self.seen:
            return
        self.seen.add(key)
        value = float(self.exact_cost(is_open).sum())
        if value < self.relaxed_cost:
            self.relaxed_cost, self.relaxed_open = value, is_open
        if value < self.best_cost:
            self.best_cost, self.best_open = value, is_open

    def done(self, target_gap: float) -> bool:
        return self.best_cost - self.best_bound <= target_gap * abs(self.best_cost) or self.theta < 1e-6

    def run(self, rounds: int, target_gap: float) -> None:
        started = time.perf_counter()
        lists, m = self.lists, self.lists.n_sites
        buffer = np.empty_like(lists.cost)
        for _ in range(max(rounds, 0)):
            self.iterations += 1
            np.subtract(lists.cost, self.lam[:, None], out=buffer)
            np.minimum(buffer, 0.0, out=buffer)
            rho = np.bincount(self.flat_site, buffer.ravel(), m)
            is_open = _p_smallest(rho, self.p, self.fixed, self.allowed)
            bound = float(self.lam.sum() + rho[is_open].sum())
            if not np.isfinite(self.best_bound) or bound > self.best_bound + 1e-9 * max(
                1.0, abs(self.best_bound)
            ):
                self.best_bound, self.stale = bound, 0
            else:
                self.stale += 1
                if self.stale >= STALE_ROUNDS:
                    self.theta, self.stale = self.theta / 2, 0
            if self.iterations % EVALUATE_EVERY == 1 or self.best_open is None:
                self.consider(is_open)
            if self.done(target_gap):
                break
            served = is_open[lists.site] & (lists.cost < self.lam[:, None])
            subgradient = 1.0 - served.sum(axis=1)
            norm = float(subgradient @ subgradient)
            if norm == 0:
                self.consider(is_open)  # the relaxed solution is feasible: it is optimal
                break
            step = self.theta * (self.best_cost - bound) / norm
            self.lam = np.clip(self.lam + step * subgradient, 0.0, self.cap)
        self.seconds += time.perf_counter() - started

    def improve(self, max_swaps: int) -> int:
        """Fast interchange from the relaxation's best network (new since the last call), kept if better."""
        if self.relaxed_open is None:
            return 0
        improved, swaps = fast_interchange(
            self.lists, self.relaxed_open, self.fixed, self.allowed, self.exact_cost, max_swaps=max_swaps
        )
        self.relaxed_open, self.relaxed_cost = None, np.inf
        value = float(self.exact_cost(improved).sum())
        if value < self.best_cost:
            self.best_cost, self.best_open = value, improved
        return swaps


def true_cost(lists: NearestLists, is_open: np.ndarray, nearest_cost) -> np.ndarray:
    """Per demand point, the weighted cost of its nearest open site (the list, else the travel model)."""
    open_listed = is_open[lists.site]
    rows = np.arange(lists.shape[0])
    first = np.argmax(open_listed, axis=1)
    has = open_listed[rows, first]
    cost = np.where(has, lists.cost[rows, first], 0.0)
    if not has.all():
        missing = np.flatnonzero(~has)
        cost[missing] = nearest_cost(is_open, missing)
    return cost


def _p_smallest(rho: np.ndarray, p: int, fixed: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The p sites of smallest rho: fixed ones first, never a site that may not open (ties by index)."""
    score = np.where(fixed, -np.inf, np.where(allowed, rho, np.inf))
    order = np.lexsort((np.arange(score.size), score))
    is_open = np.zeros(score.size, bool)
    is_open[order[:p]] = True
    return is_open


def _two_nearest_open(lists: NearestLists, is_open: np.ndarray, exact_cost):
    """Per demand point: position and cost of the nearest and second nearest open listed site;
    the cost of the nearest open site from the travel model where none is listed (second: beyond)."""
    open_listed = is_open[lists.site]
    n, k = lists.shape
    rows = np.arange(n)
    first = np.argmax(open_listed, axis=1)
    has_first = open_listed[rows, first]
    masked = open_listed.copy()
    masked[rows, first] = False
    second = np.argmax(masked, axis=1)
    has_second = masked[rows, second]
    d1 = np.where(has_first, lists.cost[rows, first], np.inf)
    d2 = np.where(has_second, lists.cost[rows, second], lists.beyond)
    if not has_first.all():
        d1 = np.where(has_first, d1, exact_cost(is_open))
        d2 = np.where(has_first, d2, np.maximum(d1, lists.beyond))
    return first, has_first, second, has_second, d1, d2


def fast_interchange(lists: NearestLists, is_open, fixed, allowed, exact_cost, *, max_swaps: int):
    """Swaps (one site in, one out) until none improves or ``max_swaps`` rounds are done.

    profit(in, out) = gain[in] - loss[out] + extra[in, out]: gain from opening ``in`` alone, loss from
    closing ``out`` alone, and the sparse correction for demand points whose nearest is ``out`` and
    for which ``in`` is nearer than their second nearest. Each round computes every profit once, then
    tries the most profitable swaps (each site in at most one of them), keeping each only if the true
    cost falls: the estimates of later swaps are a round old, the check makes every kept swap real.
    Returns the network and the number of swaps kept.
    """
    is_open = is_open.copy()
    m = lists.n_sites
    kept = 0
    current = float(exact_cost(is_open).sum())
    banned = np.zeros(m, bool)  # sites whose swaps the lists overrated, until a swap succeeds
    for _ in range(max_swaps):
        candidates = _swap_candidates(lists, is_open, fixed, allowed & ~banned, exact_cost)
        if not candidates:
            break
        used_in: set[int] = set()
        used_out: set[int] = set()
        improved = False
        for site_in, site_out in candidates:
            if site_in in used_in or site_out in used_out:
                continue
            used_in.add(site_in)
            used_out.add(site_out)
            is_open[site_in], is_open[site_out] = True, False
            value = float(exact_cost(is_open).sum())
            if value < current - 1e-12 * max(1.0, abs(current)):
                current, improved, kept = value, True, kept + 1
            else:
                is_open[site_in], is_open[site_out] = False, True
        if improved:
            banned[:] = False
        else:  # every tried swap was overrated by the lists (a second nearest beyond them): try others
            banned[list(used_in)] = True
    return is_open, kept


SWAPS_PER_ROUND = 8


def _swap_candidates(lists, is_open, fixed, openable_sites, exact_cost) -> list[tuple[int, int]]:
    """The most profitable swaps by the lists' estimate (profit > 0), best first."""
    n, _ = lists.shape
    m = lists.n_sites
    rows = np.arange(n)
    first, has_first, _, _, d1, d2 = _two_nearest_open(lists, is_open, exact_cost)
    # no second open site at all: a large finite stand-in, so that loss and extra cancel exactly
    finite = lists.cost[np.isfinite(lists.cost)]
    d2 = np.where(np.isfinite(d2), d2, 10.0 * (float(finite.max(initial=0.0)) + 1.0))
    out_site = np.where(has_first, lists.site[rows, first], -1)
    candidate = (~is_open & openable_sites)[lists.site]
    saving = np.where(candidate, d1[:, None] - lists.cost, 0.0)
    gain = np.bincount(lists.site.ravel(), np.maximum(saving, 0.0).ravel(), m)
    listed = out_site >= 0
    loss = np.bincount(out_site[listed], (d2 - d1)[listed], m)
    near = candidate & (lists.cost < d2[:, None]) & listed[:, None]
    r, c = np.nonzero(near)
    extra_value = d2[r] - np.maximum(lists.cost[r, c], d1[r])
    extra = sp.csr_matrix((extra_value, (lists.site[r, c], out_site[r])), shape=(m, m))
    extra.sum_duplicates()
    closable = is_open & ~fixed
    openable = ~is_open & openable_sites
    if not closable.any() or not openable.any():
        return []
    threshold = 1e-9 * max(1.0, float(d1[np.isfinite(d1)].sum()))
    coo = extra.tocoo()
    keep = openable[coo.row] & closable[coo.col]
    ins, outs = coo.row[keep], coo.col[keep]
    profit = gain[ins] - loss[outs] + coo.data[keep]
    # pairs without a correction: the largest gains with the smallest losses
    top_in = np.flatnonzero(openable)[np.argsort(-gain[openable], kind="stable")[:SWAPS_PER_ROUND]]
    top_out = np.flatnonzero(closable)[np.argsort(loss[closable], kind="stable")[:SWAPS_PER_ROUND]]
    dense_in, dense_out = np.repeat(top_in, top_out.size), np.tile(top_out, top_in.size)
    dense = gain[dense_in] - loss[dense_out] + np.asarray(extra[dense_in, dense_out]).ravel()
    ins, outs = np.r_[ins, dense_in], np.r_[outs, dense_out]
    profit = np.r_[profit, dense]
    good = profit > threshold
    order = np.lexsort((outs[good], ins[good], -profit[good]))[: 4 * SWAPS_PER_ROUND]
    return list(zip(ins[good][order].tolist(), outs[good][order].tolist(), strict=True))
