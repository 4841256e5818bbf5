"""OR-Library instances with known optima (skipped when the shared data is absent)."""

from pathlib import Path

import numpy as np
import pytest

from motcua.planning.models import lscp_core, pmedian_core
from motcua.planning.orlib import read_pmed, read_scp

ORLIB = Path(__file__).resolve().parents[3] / "shared" / "data" / "orlib"


@pytest.mark.skipif(not (ORLIB / "scp" / "scp41.txt").exists(), reason="OR-Library data absent")
def test_scp41_optimum_429():
    cover, cost = read_scp(ORLIB / "scp" / "scp41.txt")
    solution = lscp_core(cover, cost)
    assert solution.status == "optimal"
    assert round(solution.objective) == 429


@pytest.mark.skipif(not (ORLIB / "pmed" / "pmed1.txt").exists(), reason="OR-Library data absent")
def test_pmed1_optimum_5819():
    distance, p = read_pmed(ORLIB / "pmed" / "pmed1.txt")
    n = distance.shape[0]
    demand_index, site_index = np.nonzero(np.ones_like(distance))
    solution = pmedian_core(demand_index, site_index, distance[demand_index, site_index], np.ones(n), p, n)
    assert solution.status == "optimal"
    assert round(solution.objective) == 5819
