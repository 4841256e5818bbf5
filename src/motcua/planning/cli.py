"""Command line: ``motcua plan`` (network planning). Progress goes to stderr, summary to stdout."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from .data import CoverageRule, load_demand_csv, load_sites_csv
from .demo import DEMO_DIR, existing_network, load_demo
from .dispatch import Question, answer
from .planner import PlanningProblem, solve_lscp
from .report import write_all
from .result import PlanResult
from .scenario import ScenarioReport, evaluate_scenario, format_comparison
from .solver import SolveOptions

MODELS = ("lscp", "mclp", "pmedian", "hierarchical", "evaluate", "remove-open")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua plan", description="Quy hoạch mạng lưới điểm phục vụ / Service network planning"
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="dữ liệu mẫu / demo data (communes, units)")
    source.add_argument("--demand", type=Path, help="CSV: id,lat,lon,population[,dossiers,area_type]")
    parser.add_argument("--sites", type=Path, help="CSV: id,name,lat,lon,kind[,capacity,fixed_open,...]")
    parser.add_argument("--model", choices=MODELS, default=None)
    parser.add_argument("-p", type=int, default=None, help="number of sites (mclp, pmedian)")
    parser.add_argument("--max-minutes", type=float, default=30.0)
    parser.add_argument("--max-km", type=float, default=5.0)
    parser.add_argument("--combine", choices=("or", "and"), default="or")
    parser.add_argument("--tight-minutes", type=float, default=15.0, help="hierarchical second standard")
    parser.add_argument("--remove", type=int, default=0, help="remove-open: reception points to close")
    parser.add_argument(
        "--open", dest="open_new", type=int, default=0, help="remove-open: candidates to open"
    )
    parser.add_argument("--k-nearest", type=int, default=None, help="pmedian: restrict to k nearest sites")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--mip-gap", type=float, default=None)
    parser.add_argument("--no-spread", action="store_true", help="demo: one point per commune")
    parser.add_argument(
        "--out", type=Path, default=None, help="write result.json, sites.csv, demand.csv, map.*"
    )
    parser.add_argument("--quiet", action="store_true", help="no solver log on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        problem = _load_problem(args)
    except (OSError, ValueError, KeyError) as error:
        print(f"Lỗi dữ liệu / Data error: {error}", file=sys.stderr)
        return 2
    options = SolveOptions(
        time_limit=args.time_limit, mip_gap=args.mip_gap, progress=None if args.quiet else _stderr
    )
    if args.demo and args.model is None:
        return _run_demo(problem, args, options)
    return _run_model(problem, args.model or "lscp", args, options)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load_problem(args) -> PlanningProblem:
    rule = CoverageRule(args.max_minutes, args.max_km, args.combine)
    if args.demo:
        if not (DEMO_DIR / "jurisdictions.csv").exists():
            raise OSError(f"thiếu dữ liệu mẫu / demo data missing: {DEMO_DIR}")
        demand, sites = load_demo(DEMO_DIR, spread=not args.no_spread)
    else:
        if args.sites is None:
            raise ValueError("--sites is required with --demand")
        demand, sites = load_demand_csv(args.demand), load_sites_csv(args.sites)
    return PlanningProblem(demand, sites, rule)


def _run_model(problem: PlanningProblem, model: str, args, options: SolveOptions) -> int:
    started = time.perf_counter()
    try:
        question = Question(
            model.replace("-", "_"),
            p=args.p,
            remove=args.remove,
            open_new=args.open_new,
            tight_minutes=args.tight_minutes,
            k_nearest=args.k_nearest,
        )
    except ValueError as error:
        print(f"Tham số không hợp lệ / invalid options: {error}", file=sys.stderr)
        return 2
    result, scenario = answer(problem, question, options)
    print(_result_summary(result))
    print(format_comparison([scenario]))
    _write_outputs(args, problem, result, {"result": result.to_dict(), "scenario": scenario.to_dict()})
    _stderr(f"done in {time.perf_counter() - started:.1f} s")
    return 0 if result.status in ("optimal", "feasible", "time_limit", "evaluated") else 1


def _result_summary(result: PlanResult) -> str:
    share = result.details.get("covered_weight_share")
    share_text = "n/a" if share is None else f"{share:.1%}"
    objective = "n/a" if result.objective is None else f"{result.objective:g}"
    return "\n".join(
        [
            f"Mô hình {result.model}: trạng thái {result.status}, mục tiêu {objective}, "
            f"{len(result.open_sites)} điểm mở, đạt chuẩn {share_text} dân số.",
            f"Model {result.model}: status {result.status}, objective {objective}, "
            f"{len(result.open_sites)} open sites, {share_text} of the weight covered.",
        ]
    )


def _run_demo(problem: PlanningProblem, args, options: SolveOptions) -> int:
    """How few units reach everyone within the standard; what does today's network reach?"""
    current = existing_network(problem.sites)
    now = evaluate_scenario(problem, current, name="hiện tại / current")
    best = solve_lscp(problem, options=options)
    best_report = evaluate_scenario(
        problem, np.isin(problem.sites.ids, best.open_sites), name="tối thiểu / LSCP"
    )
    rule = problem.rule.describe()
    print(_demo_summary(problem, now, best, best_report, rule, int(current.sum())))
    print()
    print(format_comparison([now, best_report]))
    payload = {"lscp": best.to_dict(), "current": now.to_dict(), "lscp_scenario": best_report.to_dict()}
    _write_outputs(args, problem, best, payload)
    return 0 if best.status in ("optimal", "feasible", "time_limit") else 1


def _demo_summary(
    problem, now: ScenarioReport, best: PlanResult, best_report, rule: str, n_current: int
) -> str:
    people = problem.weight().sum()
    uncoverable = len([u for u in best.uncovered if u.reason_en.startswith("No candidate")])
    lines = [
        f"Tiêu chuẩn: {rule} (khoảng cách đường = đường chim bay x 1,3; tốc độ theo khu vực).",
        f"Standard: {rule} (road distance = straight line x 1.3; speed by area type).",
        f"Dân số: {people:,.0f} người tại {len(problem.demand)} điểm; {len(problem.sites)} điểm ứng viên.",
        f"Population: {people:,.0f} at {len(problem.demand)} points; {len(problem.sites)} candidate sites.",
        f"Mạng lưới hiện tại ({n_current} điểm) đạt chuẩn cho {now.share_covered:.1%} dân số; "
        f"xa nhất {now.worst_minutes:.0f} phút / {now.worst_km:.1f} km.",
        f"Current network ({n_current} units) covers {now.share_covered:.1%} of people; "
        f"worst {now.worst_minutes:.0f} min / {now.worst_km:.1f} km.",
        f"Tối thiểu cần {len(best.open_sites)} điểm để mọi người dân có thể tiếp cận đều đạt chuẩn "
        f"(trạng thái {best.status}); đạt chuẩn {best_report.share_covered:.1%}.",
        f"At least {len(best.open_sites)} units reach everyone reachable within the standard "
        f"(status {best.status}); covered {best_report.share_covered:.1%}.",
    ]
    if uncoverable:
        lines.append(
            f"{uncoverable} điểm dân cư không điểm ứng viên nào đạt chuẩn / "
            f"{uncoverable} demand points no candidate can reach within the standard."
        )
    return "\n".join(lines)


def _write_outputs(args, problem, result: PlanResult, payload: dict) -> None:
    if args.out is None:
        return
    title = f"motcua plan: {result.model} ({problem.rule.describe()})"
    for path in write_all(args.out, problem, result, payload, title):
        _stderr(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(main())
