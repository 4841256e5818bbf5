"""Command line: ``motcua plan`` (network planning). Progress goes to stderr, summary to stdout."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from .data import RULE_WORDS_VI, CoverageRule, load_demand_csv, load_sites_csv
from .demo import DEMO_DIR, existing_network, load_demo
from .dispatch import Question, answer
from .errors import PlanningInputError
from .planner import PlanningProblem, solve_lscp
from .report import format_decision, write_all
from .result import PlanResult
from .scenario import ScenarioReport, evaluate_scenario, format_comparison, format_value
from .solver import SolveOptions
from .upgrade import Capacity, Phase

MODELS = ("lscp", "mclp", "pmedian", "hierarchical", "evaluate", "upgrade-close", "remove-open")
# Models whose promise is "everyone within the standard": short of 100 % is said on screen, exit 3.
PROMISE_EVERYONE = ("lscp", "hierarchical", "upgrade-close", "remove-open")
EXIT_BAD_INPUT = 2
EXIT_NOT_EVERYONE = 3


class _OneLineParser(argparse.ArgumentParser):
    """Bad options: one line on stderr and exit 2 (no usage block)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"Tham số không hợp lệ / invalid option: {message}\n")


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} không phải số / is not a number") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r}: phải là số dương hữu hạn / must be a finite positive number"
        )
    return value


def count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} không phải số nguyên / is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: phải ≥ 0 / must be ≥ 0")
    return value


def phase_spec(text: str) -> Phase:
    """CLOSE,UPGRADE[,NEW[,MINUTES[,KM]]]: MINUTES and KM are that phase's standard (default: --max-*)."""
    parts = [part.strip() for part in text.split(",")]
    if not 2 <= len(parts) <= 5:
        raise argparse.ArgumentTypeError(f"{text!r}: cần / expected CLOSE,UPGRADE[,NEW[,MINUTES[,KM]]]")
    close, upgrade, new = (count(part) for part in (parts + ["0"])[:3])
    rule = None
    if len(parts) >= 4:
        minutes = positive_number(parts[3])
        km = positive_number(parts[4]) if len(parts) == 5 else None
        rule = CoverageRule(minutes, km)
    return Phase(close=close, upgrade=upgrade, new_sites=new, rule=rule)


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="motcua plan", description="Quy hoạch mạng lưới điểm phục vụ / Service network planning"
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="dữ liệu mẫu / demo data (communes, units)")
    source.add_argument("--demand", type=Path, help="CSV: id,lat,lon,population[,dossiers,area_type]")
    parser.add_argument("--sites", type=Path, help="CSV: id,name,lat,lon,kind[,capacity,fixed_open,...]")
    parser.add_argument("--model", choices=MODELS, default=None)
    parser.add_argument("-p", type=count, default=None, help="number of sites (mclp, pmedian)")
    parser.add_argument("--max-minutes", type=positive_number, default=30.0)
    parser.add_argument("--max-km", type=positive_number, default=5.0)
    parser.add_argument("--combine", choices=("or", "and"), default="or")
    parser.add_argument(
        "--tight-minutes", type=positive_number, default=15.0, help="hierarchical second standard"
    )
    parser.add_argument(
        "--close",
        "--remove",
        dest="remove",
        type=count,
        default=0,
        help="upgrade-close: reception points to close",
    )
    parser.add_argument(
        "--upgrade",
        "--open",
        dest="open_new",
        type=count,
        default=0,
        help="upgrade-close: reception points (with premises) upgraded to branches in place",
    )
    parser.add_argument(
        "--new-sites",
        type=count,
        default=0,
        help="upgrade-close: at most this many new sites (with premises)",
    )
    parser.add_argument(
        "--phase",
        action="append",
        type=phase_spec,
        default=None,
        metavar="CLOSE,UPGRADE[,NEW[,MINUTES[,KM]]]",
        help="upgrade-close: one phase (repeat in order); its own budget and standard",
    )
    parser.add_argument(
        "--capacity",
        action="store_true",
        help="upgrade-close: counters limit each unit (needs a dossiers column)",
    )
    parser.add_argument("--service-minutes", type=positive_number, default=15.0)
    parser.add_argument("--max-wait", type=positive_number, default=10.0, help="target mean wait, minutes")
    parser.add_argument("--branch-counters", type=count, default=6)
    parser.add_argument("--hours-per-year", type=positive_number, default=2000.0)
    parser.add_argument("--k-nearest", type=count, default=None, help="pmedian: restrict to k nearest sites")
    parser.add_argument("--time-limit", type=positive_number, default=60.0)
    parser.add_argument(
        "--max-memory-mb",
        type=positive_number,
        default=2048.0,
        help="pmedian: refuse (before building it) a model needing more memory than this",
    )
    parser.add_argument("--mip-gap", type=positive_number, default=None)
    parser.add_argument("--no-spread", action="store_true", help="demo: one point per commune")
    parser.add_argument(
        "--out", type=Path, default=None, help="write result.json, sites.csv, demand.csv, map.*"
    )
    parser.add_argument("--quiet", action="store_true", help="no solver log on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit 0: solved; 1: no solution; 2: bad input (one line on stderr); 3: solved, but a model that
    promises everyone within the standard leaves people out (they are listed)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a bad option already said in one line
        return int(stop.code or 0)
    try:
        _check_out(args.out)
        problem = _load_problem(args)
        options = SolveOptions(
            time_limit=args.time_limit, mip_gap=args.mip_gap, progress=None if args.quiet else _stderr
        )
        if args.demo and args.model is None:
            return _run_demo(problem, args, options)
        return _run_model(problem, args.model or "lscp", args, options)
    except PlanningInputError as error:
        print(f"Lỗi dữ liệu / Data error: {error}", file=sys.stderr)
    except OSError as error:
        print(f"Lỗi tệp / File error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
    except MemoryError:
        print("Hết bộ nhớ / Out of memory: bài toán quá lớn / the instance is too large", file=sys.stderr)
    return EXIT_BAD_INPUT


def _check_out(out: Path | None) -> None:
    """Refuse an unwritable --out before any solving (not after minutes of work)."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise PlanningInputError(f"--out {out}", "không phải thư mục", "is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    probe = out / ".motcua-write-test"
    probe.write_text("")
    probe.unlink()


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
            raise PlanningInputError("--sites", "bắt buộc khi có --demand", "is required with --demand")
        demand, sites = load_demand_csv(args.demand), load_sites_csv(args.sites)
    return PlanningProblem(demand, sites, rule)


def _run_model(problem: PlanningProblem, model: str, args, options: SolveOptions) -> int:
    started = time.perf_counter()
    question = Question(
        model.replace("-", "_"),
        p=args.p,
        remove=args.remove,
        open_new=args.open_new,
        tight_minutes=args.tight_minutes,
        k_nearest=args.k_nearest,
        new_sites=args.new_sites,
        max_memory_mb=args.max_memory_mb,
        phases=tuple(args.phase or ()),
        capacity=_capacity(args),
    )
    result, scenario = answer(problem, question, options)
    print(_result_summary(result))
    if result.model == "upgrade_close":
        print(format_decision(result))
    print(format_comparison([scenario]))
    short = _not_everyone(problem, result) if model in PROMISE_EVERYONE else None
    if short:
        print(short)
    _write_outputs(args, problem, result, {"result": result.to_dict(), "scenario": scenario.to_dict()})
    if not args.quiet:
        _stderr(f"done in {time.perf_counter() - started:.1f} s")
    if result.status not in ("optimal", "feasible", "time_limit", "evaluated"):
        return 1
    return EXIT_NOT_EVERYONE if short else 0


def _capacity(args) -> Capacity | None:
    if not args.capacity:
        return None
    return Capacity(
        hours_per_year=args.hours_per_year,
        service_minutes=args.service_minutes,
        max_mean_wait_minutes=args.max_wait,
        branch_counters=args.branch_counters,
    )


def _not_everyone(problem: PlanningProblem, result: PlanResult, shown: int = 10) -> str | None:
    """The people and places the plan leaves outside the standard, said on screen."""
    if not result.uncovered:
        return None
    people = sum(u.weight for u in result.uncovered)
    places = [u.demand_id for u in result.uncovered]
    listed = ", ".join(places[:shown]) + (f" (+{len(places) - shown})" if len(places) > shown else "")
    lines = [
        f"CHƯA ĐẠT CHUẨN CHO MỌI NGƯỜI: {people:,.0f} người tại {len(places)} điểm ngoài chuẩn "
        f"{problem.rule.describe(RULE_WORDS_VI)}: {listed}.",
        f"NOT EVERYONE IS WITHIN THE STANDARD: {people:,.0f} people at {len(places)} places outside "
        f"{problem.rule.describe()}: {listed}.",
    ]
    lines += [f"  {u.demand_id}: {u.reason_vi} / {u.reason_en}" for u in result.uncovered[:shown]]
    return "\n".join(lines)


def _result_summary(result: PlanResult) -> str:
    if result.model == "upgrade_close":
        return f"Đóng và nâng cấp: trạng thái {result.status}.\nUpgrade and close: status {result.status}."
    share = result.details.get("covered_weight_share")
    share_text = "n/a" if share is None else format_value(share, "share")
    objective = "n/a" if result.objective is None else f"{result.objective + 0.0:,.6g}"
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
    rules = (problem.rule.describe(RULE_WORDS_VI), problem.rule.describe())
    print(_demo_summary(problem, now, best, best_report, rules, int(current.sum())))
    print()
    print(format_comparison([now, best_report]))
    short = _not_everyone(problem, best)
    if short:
        print(short)
    payload = {"lscp": best.to_dict(), "current": now.to_dict(), "lscp_scenario": best_report.to_dict()}
    _write_outputs(args, problem, best, payload)
    if best.status not in ("optimal", "feasible", "time_limit"):
        return 1
    return EXIT_NOT_EVERYONE if short else 0


def _demo_summary(
    problem, now: ScenarioReport, best: PlanResult, best_report, rules: tuple[str, str], n_current: int
) -> str:
    rule_vi, rule = rules
    people = problem.weight().sum()
    uncoverable = len([u for u in best.uncovered if u.reason_en.startswith("No candidate")])
    lines = [
        f"Tiêu chuẩn: {rule_vi} (khoảng cách đường = đường chim bay x 1,3; tốc độ theo khu vực).",
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
        if not args.quiet:
            _stderr(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(main())
