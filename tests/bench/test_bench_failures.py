"""The benchmarks fail loudly: a yardstick that cannot run is an error, not a win, and broken dossier
codes fail the intake run. The decision functions are exercised without running a benchmark: no
database, no server, no network, no timing."""

from __future__ import annotations

import os
from types import SimpleNamespace

import numpy as np
import pytest

from bench import intake as intake_bench
from bench import planning

# --- planning: spopt is the yardstick ------------------------------------------------------------

ANSWER = {"seconds": 1.5, "open": np.array([True, False]), "sol_status": 1, "status": "Optimal"}


def test_a_spopt_answer_is_compared():
    theirs = planning.spopt_outcome(timed_out=False, exitcode=0, answer=dict(ANSWER), seconds=2.0)
    assert theirs["finished"] and theirs["seconds"] == 1.5
    ours = {"objective": 1.0}
    assert planning.compare("lscp", 10, 2, ours, theirs) == "equal"
    assert planning.compare("lscp", 10, 2, {"objective": 2.0}, theirs) == "worse"


def test_spopt_hitting_its_wall_clock_cap_is_no_answer_not_an_error():
    theirs = planning.spopt_outcome(timed_out=True, exitcode=None, answer=None, seconds=40.0)
    assert theirs == {"seconds": 40.0, "finished": False}
    assert planning.compare("mclp", 10, 2, {"objective": 5.0}, theirs) == "spopt: no answer"
    nothing = {**ANSWER, "open": np.array([False, False])}  # CBC stopped without a solution
    finished = planning.spopt_outcome(timed_out=False, exitcode=0, answer=nothing, seconds=2.0)
    assert planning.compare("lscp", 10, 2, {"objective": 1.0}, finished) == "spopt: no answer"
    assert planning.compare("pmedian", 10, 2, {"objective": 1.0}, {"skipped": True}).startswith(
        "spopt: not run"
    )


@pytest.mark.parametrize(
    ("exitcode", "answer", "said"),
    [
        (
            0,
            {"error": "Traceback ...\nModuleNotFoundError: No module named 'spopt'"},
            "No module named 'spopt'",
        ),
        (-9, None, "child exit status -9"),  # killed: nothing put on the queue
        (1, None, "child exit status 1"),
        (0, None, "child exit status 0"),  # exited without a word
        (0, {**ANSWER, "open": None}, "gave no answer"),
    ],
    ids=["raised", "killed", "failed", "silent", "no-solution"],
)
def test_spopt_that_could_not_run_is_an_error_not_a_better_objective(exitcode, answer, said):
    with pytest.raises(planning.YardstickFailed, match=said):
        planning.spopt_outcome(timed_out=False, exitcode=exitcode, answer=answer, seconds=1.0)


def test_a_spopt_child_that_raises_fails_the_comparison(monkeypatch):
    def crash(*args):
        raise RuntimeError("CBC exploded")

    monkeypatch.setattr(planning, "solve_with_spopt", crash)  # the forked child inherits it
    with pytest.raises(planning.YardstickFailed, match="CBC exploded"):
        planning.run_spopt(10, 5, "lscp", 1, 1.0, wall_cap=60)


def test_a_spopt_child_that_dies_fails_the_comparison(monkeypatch):
    monkeypatch.setattr(planning, "solve_with_spopt", lambda *args: os._exit(3))
    with pytest.raises(planning.YardstickFailed, match="child exit status 3"):
        planning.run_spopt(10, 5, "lscp", 1, 1.0, wall_cap=60)


def test_a_missing_spopt_stops_the_run_with_a_non_zero_status(monkeypatch, capsys):
    installed = object()  # pulp present, spopt not, whatever this machine has
    monkeypatch.setattr(
        planning.importlib.util, "find_spec", lambda name, *a: None if name == "spopt" else installed
    )
    monkeypatch.setattr(planning, "bench_size", lambda *args: pytest.fail("ran without its yardstick"))
    assert planning.main(["--quick", "--no-record"]) == 1
    assert "spopt not installed" in capsys.readouterr().err


# --- intake: the codes must be gap-free ------------------------------------------------------------


def run_report(codes_ok: bool) -> list[tuple[str, object]]:
    args = SimpleNamespace(
        quick=True, no_record=True, concurrency=16, duration=8, warmup=3, load_before="0 0 0"
    )
    result = intake_bench.LoadResult(
        "4x4", requests=100, ok=100, errors=0, seconds=1.0, p50_ms=1.0, p99_ms=2.0
    )
    return intake_bench.report(args, "test", [result], 1000.0, codes_ok, ["000.00.50.H57"], 500.0)


def test_gap_free_codes_let_the_intake_run_succeed(capsys):
    figures = run_report(codes_ok=True)
    assert dict(figures)["codes_gap_free"] == "yes"
    assert intake_bench.exit_status(figures) == 0
    assert "codes_gap_free: yes" in capsys.readouterr().out


def test_codes_that_are_not_gap_free_fail_the_intake_run(capsys):
    figures = run_report(codes_ok=False)
    assert dict(figures)["codes_gap_free"] == "no"
    assert intake_bench.exit_status(figures) == 1
    captured = capsys.readouterr()
    assert "codes_gap_free: no" in captured.out and "codes_gap_free is 'no'" in captured.err


def test_codes_never_checked_fail_the_intake_run():
    assert intake_bench.exit_status([("intake_per_s", "300.0")]) == 1


# --- queue tickets: a ticket called twice or a missed press makes the run wrong ----------------------


def test_a_queue_ticket_run_with_duplicates_or_misses_is_wrong():
    from bench import queue_tickets

    good = [("ticket_duplicates", 0), ("ticket_missed", 0), ("ticket_call_p99_ms", 12.0)]
    assert queue_tickets.wrong_figures(good) == {}
    assert queue_tickets.wrong_figures([("ticket_duplicates", 1), ("ticket_missed", 0)]) == {
        "ticket_duplicates": 1
    }
    assert queue_tickets.wrong_figures([("ticket_missed", 2000)]) == {"ticket_missed": 2000}


# --- portal: whose dossiers the fill makes -------------------------------------------------------


def test_the_portal_fill_spreads_dossiers_over_persons_and_a_few_businesses():
    from bench import portal

    applicant = portal.owners(1_000_000)
    owners = [applicant(dossier_id) for dossier_id in range(1, 20_001)]
    businesses = [a for a in owners if len(a.id_number) == 10]
    assert 0.015 < len(businesses) / len(owners) < 0.025  # one in 50
    assert len({a.id_number for a in businesses}) == portal.BUSINESSES  # each has many
    persons = [a for a in owners if len(a.id_number) == 12]
    assert len(persons) + len(businesses) == len(owners)
    assert len({a.id_number for a in persons}) > 0.9 * len(persons)  # spread: few repeats in 20,000
    assert owners == [applicant(dossier_id) for dossier_id in range(1, 20_001)]  # seeded, not random
    citizens = portal.citizen_applicants()
    assert len({c.id_number for c in citizens}) == portal.CITIZENS
    assert all(c.search == " " + portal.fold(c.name) for c in citizens[:100])
