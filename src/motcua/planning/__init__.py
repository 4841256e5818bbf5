"""Network planning core (pure NumPy/SciPy/HiGHS, no Django): LSCP, MCLP, p-median, scenarios."""

from .data import CandidateSites, CoverageRule, DemandPoints, load_demand_csv, load_sites_csv
from .models import SiteGroup
from .planner import PlanningProblem, solve_hierarchical, solve_lscp, solve_mclp, solve_pmedian
from .result import PlanResult
from .scenario import ScenarioReport, compare_scenarios, evaluate_scenario, remove_and_open
from .solver import SolveOptions
from .staffing import counters_needed, erlang_b, erlang_c, queue_figures
from .travel import HaversineTravel, RoadGraphTravel, coverage_matrix, haversine_km

__all__ = [
    "CandidateSites",
    "CoverageRule",
    "DemandPoints",
    "HaversineTravel",
    "PlanResult",
    "PlanningProblem",
    "RoadGraphTravel",
    "ScenarioReport",
    "SiteGroup",
    "SolveOptions",
    "compare_scenarios",
    "counters_needed",
    "coverage_matrix",
    "erlang_b",
    "erlang_c",
    "evaluate_scenario",
    "haversine_km",
    "load_demand_csv",
    "load_sites_csv",
    "queue_figures",
    "remove_and_open",
    "solve_hierarchical",
    "solve_lscp",
    "solve_mclp",
    "solve_pmedian",
]
