"""Readers for OR-Library set covering (scp*) and p-median (pmed*) instances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path


def _numbers(path: Path) -> np.ndarray:
    return np.array(Path(path).read_text().split(), dtype=np.int64)


def read_scp(path: Path) -> tuple[sp.csr_matrix, np.ndarray]:
    """Return (rows x columns coverage matrix, column costs)."""
    values = _numbers(path)
    n_rows, n_cols = int(values[0]), int(values[1])
    cost = values[2 : 2 + n_cols].astype(float)
    position = 2 + n_cols
    rows, cols = [], []
    for row in range(n_rows):
        count = int(values[position])
        members = values[position + 1 : position + 1 + count] - 1
        rows.append(np.full(count, row))
        cols.append(members)
        position += 1 + count
    rows_arr, cols_arr = np.concatenate(rows), np.concatenate(cols)
    matrix = sp.csr_matrix((np.ones(rows_arr.size), (rows_arr, cols_arr)), shape=(n_rows, n_cols))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix, cost


def read_pmed(path: Path) -> tuple[np.ndarray, int]:
    """Return (all-pairs shortest path matrix, p). Duplicate edges: the last one wins."""
    values = _numbers(path)
    n, n_edges, p = (int(v) for v in values[:3])
    edges = values[3 : 3 + 3 * n_edges].reshape(n_edges, 3)
    last = {}
    for i, j, cost in edges.tolist():
        last[(min(i, j), max(i, j))] = cost
    u = np.array([k[0] for k in last]) - 1
    v = np.array([k[1] for k in last]) - 1
    w = np.array(list(last.values()), dtype=float)
    graph = sp.csr_matrix((w, (u, v)), shape=(n, n))
    return shortest_path(graph, directed=False), p
