"""Problem reductions on the coverage matrix (demand rows x site columns).

* identical rows merge into one (weights summed) - exact for every covering model;
* for set covering (LSCP), a row whose site set contains another row's set is implied
  by it and is removed - exact;
* a site whose covered set is contained in another site's set, at the same or higher
  cost and not fixed open, is never needed - exact for LSCP and for uncapacitated MCLP
  (with "at most p sites").

Identical rows are found by hashing each row's site set (two 64-bit keys, then checked
element by element). Containment uses packed bit sets: a row A can only be inside a row
B if B holds A's rarest element, so only those candidate pairs are tested, word by word,
dropping a pair at its first word with an element of A missing from B. When the number
of candidate pairs or the packed size exceeds ``budget`` the step is skipped and
reported; HiGHS presolve performs similar reductions itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

DEFAULT_BUDGET = 2e8
PAIRS_PER_CHUNK = 2_000_000


@dataclass
class ReductionLog:
    steps: dict[str, int | float | str] = field(default_factory=dict)

    def note(self, name: str, value: int | float | str) -> None:
        self.steps[name] = value


def canonical(cover: sp.spmatrix) -> sp.csr_matrix:
    """Binary CSR (float 1.0 entries, sorted indices, no duplicates); the input itself if already so.

    Callers treat the result as read-only."""
    if _is_canonical(cover):
        return cover
    matrix = sp.csr_matrix(cover, dtype=float, copy=True)
    matrix.sum_duplicates()
    matrix.sort_indices()
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    return matrix


def _is_canonical(cover) -> bool:
    if not (sp.issparse(cover) and cover.format == "csr" and cover.dtype == float):
        return False
    return bool(cover.has_canonical_format and np.all(cover.data == 1.0))


def merge_identical_rows(cover: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Return (representative row of each group, group id of every row); groups in first-seen order."""
    cover = canonical(cover)
    n_rows = cover.shape[0]
    if n_rows == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sizes, first_key, second_key = _row_keys(cover)
    order = np.lexsort((np.arange(n_rows), second_key, first_key, sizes))
    new_group = np.ones(n_rows, bool)
    new_group[1:] = (np.diff(sizes[order]) != 0) | (np.diff(first_key[order]) != 0)
    new_group[1:] |= np.diff(second_key[order]) != 0
    leader = order[np.flatnonzero(new_group)]
    representative = np.empty(n_rows, np.int64)
    representative[order] = leader[np.cumsum(new_group) - 1]
    if not _groups_are_exact(cover, representative):
        return _merge_by_bytes(cover)
    representatives = np.flatnonzero(representative == np.arange(n_rows))
    rank = np.full(n_rows, -1, np.int64)
    rank[representatives] = np.arange(representatives.size)
    return representatives.astype(np.int64), rank[representative]


def _row_keys(cover: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Size and two random-weight sums per row: equal rows get equal keys (same summation order)."""
    labels = np.random.default_rng(12345).random((cover.shape[1], 2))
    sums = cover @ labels
    return np.diff(cover.indptr), sums[:, 0], sums[:, 1]


def _groups_are_exact(cover: sp.csr_matrix, representative: np.ndarray) -> bool:
    """Every row has exactly its representative's columns (guards against key collisions)."""
    sizes = np.diff(cover.indptr)
    if np.any(sizes != sizes[representative]):
        return False
    merged = np.flatnonzero(representative != np.arange(representative.size))
    own = cover.indices[_ranges(cover.indptr[merged], sizes[merged])]
    theirs = cover.indices[_ranges(cover.indptr[representative[merged]], sizes[merged])]
    return bool(np.array_equal(own, theirs))


def _merge_by_bytes(cover: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    group_of_key: dict[bytes, int] = {}
    group = np.empty(cover.shape[0], dtype=np.int64)
    representatives: list[int] = []
    for row in range(cover.shape[0]):
        key = cover.indices[cover.indptr[row] : cover.indptr[row + 1]].tobytes()
        if key not in group_of_key:
            group_of_key[key] = len(representatives)
            representatives.append(row)
        group[row] = group_of_key[key]
    return np.asarray(representatives, dtype=np.int64), group


def sum_by_group(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(group, weights=values, minlength=n_groups)


def dominated_rows(cover: sp.csr_matrix, budget: float = DEFAULT_BUDGET) -> np.ndarray | None:
    """Mask of rows to drop for set covering: rows containing another row's site set.

    Of identical rows the first is kept. Returns None when the estimated work exceeds ``budget``.
    """
    cover = canonical(cover)
    sizes = np.diff(cover.indptr)

    def implied(inner, outer):
        return (sizes[outer] > sizes[inner]) | (outer > inner)

    return _drop_contained(cover, budget, implied, drop_outer=True)


def dominated_columns(
    cover: sp.csr_matrix, cost: np.ndarray, protected: np.ndarray, budget: float = DEFAULT_BUDGET
) -> np.ndarray | None:
    """Mask of sites to drop: covered set within another's, cost >= it, not protected.

    Ties (same set, same cost) keep the lower index. Returns None when too costly.
    """
    by_site = canonical(sp.csr_matrix(sp.csc_matrix(cover).T))
    sizes = np.diff(by_site.indptr)
    cost = np.asarray(cost, dtype=float)
    protected = np.asarray(protected, dtype=bool)

    def dominated(inner, outer):
        strictly = (sizes[outer] > sizes[inner]) | (cost[outer] < cost[inner]) | (outer < inner)
        return (cost[outer] <= cost[inner]) & strictly & ~protected[inner]

    drop = _drop_contained(by_site, budget, dominated, drop_outer=False)
    return None if drop is None else drop | ((sizes == 0) & ~protected)


def _drop_contained(matrix: sp.csr_matrix, budget: float, rule, drop_outer: bool) -> np.ndarray | None:
    """Rows to drop, from pairs (inner, outer) with inner's set within outer's and ``rule`` true.

    ``rule`` must define a strict partial order (so that dropping is safe in any order): rows
    are taken smallest first, and rows already dropped are neither tested nor used again.
    Returns None (before any work) when the candidate pairs or the bit sets exceed ``budget``.
    """
    n_rows, n_cols = matrix.shape
    sizes = np.diff(matrix.indptr)
    by_column = sp.csc_matrix(matrix)
    column_counts = np.diff(by_column.indptr)
    rarest = _rarest_column(matrix, column_counts)
    candidates = np.where(sizes > 0, column_counts[np.maximum(rarest, 0)], 0)
    if float(candidates.sum()) > budget or float(n_rows) * ((n_cols + 63) // 64) > budget / 4:
        return None
    bits = _packed_rows(matrix)
    alive = np.ones(n_rows, bool)
    order = np.flatnonzero(sizes > 0)
    order = order[np.argsort(sizes[order], kind="stable")]
    marks = np.arange(1, 1 + candidates.sum() // PAIRS_PER_CHUNK) * PAIRS_PER_CHUNK
    for part in np.split(order, np.searchsorted(np.cumsum(candidates[order]), marks)):
        part = part[alive[part]]
        if not part.size:
            continue
        inner, outer = _contained_pairs(part, by_column, rarest, candidates, sizes, bits, alive)
        chosen = rule(inner, outer)
        alive[(outer if drop_outer else inner)[chosen]] = False
    return ~alive


def _contained_pairs(inner_rows, by_column, rarest, candidates, sizes, bits, alive):
    """Pairs (inner, outer), outer alive and != inner, inner's set within outer's."""
    counts = candidates[inner_rows]
    inner = np.repeat(inner_rows, counts)
    outer = by_column.indices[_ranges(by_column.indptr[rarest[inner_rows]], counts)].astype(np.int64)
    keep = (outer != inner) & (sizes[outer] >= sizes[inner]) & alive[outer]
    inner, outer = inner[keep], outer[keep]
    for word in bits:
        missing = (word[inner] & ~word[outer]) != 0
        if missing.any():
            inner, outer = inner[~missing], outer[~missing]
    return inner, outer


def _rarest_column(matrix: sp.csr_matrix, column_counts: np.ndarray) -> np.ndarray:
    """Per row, its column covered by fewest rows (lowest index on ties; -1 for an empty row)."""
    n_cols = max(matrix.shape[1], 1)
    sizes = np.diff(matrix.indptr)
    filled = sizes > 0
    rarest = np.full(matrix.shape[0], -1, dtype=np.int64)
    if filled.any():
        key = column_counts[matrix.indices].astype(np.int64) * n_cols + matrix.indices
        rarest[filled] = np.minimum.reduceat(key, matrix.indptr[:-1][filled]) % n_cols
    return rarest


def _packed_rows(matrix: sp.csr_matrix) -> np.ndarray:
    """Bit sets as a (words, rows) uint64 array: bit c of row r is set when (r, c) is non-zero."""
    n_rows, n_cols = matrix.shape
    words = (n_cols + 63) // 64
    packed = np.zeros((n_rows, words * 8), dtype=np.uint8)
    for start in range(0, n_rows, 4096):
        block = matrix[start : start + 4096].toarray() != 0
        packed[start : start + 4096, : (n_cols + 7) // 8] = np.packbits(block, axis=1, bitorder="little")
    return np.ascontiguousarray(packed.view(np.uint64).T)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + l) for each start s and length l."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(np.asarray(starts, dtype=np.int64), lengths) + (np.arange(total) - offsets)
