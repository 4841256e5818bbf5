"""Problem reductions on the coverage matrix (demand rows x site columns).

* identical rows merge into one (weights summed) - exact for every covering model;
* for set covering (LSCP), a row whose site set contains another row's set is implied
  by it and is removed - exact;
* a site whose covered set is contained in another site's set, at the same or higher
  cost and not fixed open, is never needed - exact for LSCP and for uncapacitated MCLP
  (with "at most p sites").

Dominance needs pairwise overlaps (a sparse matrix product). When its work estimate
exceeds ``budget`` the step is skipped and reported; HiGHS presolve performs similar
reductions itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

DEFAULT_BUDGET = 3e7


@dataclass
class ReductionLog:
    steps: dict[str, int | str] = field(default_factory=dict)

    def note(self, name: str, value: int | str) -> None:
        self.steps[name] = value


def canonical(cover: sp.spmatrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(cover, dtype=float, copy=True)
    matrix.sum_duplicates()
    matrix.sort_indices()
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    return matrix


def merge_identical_rows(cover: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Return (representative row of each group, group id of every row)."""
    cover = canonical(cover)
    keys = [cover.indices[cover.indptr[i] : cover.indptr[i + 1]].tobytes() for i in range(cover.shape[0])]
    group_of_key: dict[bytes, int] = {}
    group = np.empty(len(keys), dtype=np.int64)
    representatives = []
    for row, key in enumerate(keys):
        if key not in group_of_key:
            group_of_key[key] = len(representatives)
            representatives.append(row)
        group[row] = group_of_key[key]
    return np.asarray(representatives, dtype=np.int64), group


def sum_by_group(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(group, weights=values, minlength=n_groups)


def dominated_rows(cover: sp.csr_matrix, budget: float = DEFAULT_BUDGET) -> np.ndarray | None:
    """Mask of rows to drop for set covering (superset rows); rows must be distinct.

    Returns None when the estimated work exceeds ``budget``.
    """
    cover = canonical(cover)
    column_counts = np.diff(cover.tocsc().indptr)
    if float(np.sum(column_counts.astype(float) ** 2)) > budget:
        return None
    sizes = np.diff(cover.indptr)
    drop = np.zeros(cover.shape[0], dtype=bool)
    for start in range(0, cover.shape[0], 2000):
        overlap = (cover[start : start + 2000] @ cover.T).tocoo()
        row = overlap.row + start
        subset_of_row = (overlap.col != row) & (overlap.data == sizes[overlap.col]) & (sizes[overlap.col] > 0)
        drop[row[subset_of_row]] = True
    return drop


def dominated_columns(
    cover: sp.csr_matrix, cost: np.ndarray, protected: np.ndarray, budget: float = DEFAULT_BUDGET
) -> np.ndarray | None:
    """Mask of sites to drop: covered set within another's, cost >= it, not protected.

    Ties (same set, same cost) keep the lower index. Returns None when too costly.
    """
    cover_csc = sp.csc_matrix(canonical(cover))
    row_counts = np.diff(canonical(cover).indptr)
    if float(np.sum(row_counts.astype(float) ** 2)) > budget:
        return None
    sizes = np.diff(cover_csc.indptr)
    drop = (sizes == 0) & ~protected
    for start in range(0, cover_csc.shape[1], 1000):
        overlap = (cover_csc[:, start : start + 1000].T @ cover_csc).tocoo()
        site = overlap.row + start
        other = overlap.col
        inside = (other != site) & (overlap.data == sizes[site])
        strictly = (sizes[other] > sizes[site]) | (cost[other] < cost[site]) | (other < site)
        dominated = inside & (cost[other] <= cost[site]) & strictly & ~protected[site]
        drop[site[dominated]] = True
    return drop
