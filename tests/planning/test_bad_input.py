"""Every bad input: one clear line and exit 2 from the command line, a typed error from the Python API."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.planning import (
    CandidateSites,
    CoverageRule,
    DemandPoints,
    PlanningProblem,
    solve_mclp,
    solve_pmedian,
)
from motcua.planning.cli import main
from motcua.planning.errors import PlanningInputError
from motcua.planning.result import weighted_share
from motcua.planning.scenario import evaluate_scenario, format_comparison, format_value, remove_and_open


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    demand = write(
        tmp_path / "demand.csv",
        "id,lat,lon,population,area_type\na,11.0,106.6,100,urban\nb,11.05,106.6,50,rural\n",
    )
    sites = write(
        tmp_path / "sites.csv",
        "id,name,lat,lon,kind\nS1,Một,11.0,106.6,center\nS2,Hai,11.05,106.6,reception_point\n",
    )
    return tmp_path, demand, sites


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code, err, *needles):
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(
    "rows, needle",
    [
        ("a,95,106.6,100,urban\n", "latitude must lie in [-90, 90]"),
        ("a,11.0,406,100,urban\n", "lon 406.0"),
        ("a,nan,106.6,100,urban\n", "lat nan"),
        ("a,inf,106.6,100,urban\n", "lat inf"),
        ("a,eleven,106.6,100,urban\n", "line 2: lat"),
        ("a,,106.6,100,urban\n", "missing value"),
    ],
)
def test_cli_bad_coordinates_one_line(files, capsys, rows, needle):
    folder, _, sites = files
    demand = write(folder / "bad.csv", "id,lat,lon,population,area_type\n" + rows)
    code, out, err = run(capsys, "--demand", demand, "--sites", sites, "--quiet")
    assert_one_line_error(code, err, needle)
    assert out == ""


@pytest.mark.parametrize(
    "option, value", [("--max-minutes", "nan"), ("--max-minutes", "-5"), ("--max-km", "inf"), ("-p", "x")]
)
def test_cli_bad_numbers_one_line(files, capsys, option, value):
    _, demand, sites = files
    code, out, err = run(capsys, "--demand", demand, "--sites", sites, option, value)
    assert_one_line_error(code, err, option)
    assert out == ""


def test_cli_remove_more_than_reception_points(files, capsys):
    _, demand, sites = files
    code, _, err = run(capsys, "--demand", demand, "--sites", sites, "--model", "remove-open", "--remove", 5)
    assert_one_line_error(
        code, err, "close", "the phases close 5 in total but only 1 reception points may close"
    )


def test_cli_p_above_sites(files, capsys):
    _, demand, sites = files
    for model in ("pmedian", "mclp"):
        code, _, err = run(capsys, "--demand", demand, "--sites", sites, "--model", model, "-p", 5)
        assert_one_line_error(code, err, "is 5 but only 2 sites may open")


def test_cli_unwritable_out_refused_before_solving(files, capsys):
    folder, demand, sites = files
    blocker = write(folder / "a-file", "x")
    code, out, err = run(capsys, "--demand", demand, "--sites", sites, "--out", blocker / "sub", "--quiet")
    assert_one_line_error(code, err, "a-file")
    assert out == ""  # nothing solved


def test_cli_quiet_prints_only_the_summary(files, capfd):
    _, demand, sites = files
    assert main(["--demand", str(demand), "--sites", str(sites), "--quiet"]) == 0
    captured = capfd.readouterr()
    assert "HiGHS" not in captured.out and "Running" not in captured.out
    assert captured.err == ""
    assert captured.out.startswith("Mô hình lscp")


def test_cli_unreachable_demand_said_on_screen_with_exit_3(files, capsys):
    folder, _, sites = files
    demand = write(
        folder / "far.csv",
        "id,lat,lon,population,area_type\na,11.0,106.6,100,urban\nfar,13.0,106.6,50,rural\n",
    )
    code, out, _ = run(capsys, "--demand", demand, "--sites", sites, "--quiet")
    assert code == 3
    assert "NOT EVERYONE IS WITHIN THE STANDARD: 50 people at 1 places" in out
    assert "CHƯA ĐẠT CHUẨN CHO MỌI NGƯỜI" in out
    assert "far: Không có điểm ứng viên nào trong phạm vi 30 phút hoặc 5 km" in out
    assert "tại 1 điểm ngoài chuẩn 30 phút hoặc 5 km: far." in out  # the rule in Vietnamese words
    assert "outside 30 min or 5 km" in out


# ---------------------------------------------------------------- Python API


def test_api_typed_errors():
    with pytest.raises(PlanningInputError, match="sites.ids: .* has 1 values but there are 2 points"):
        CandidateSites.from_arrays([11.0, 11.1], [106.6, 106.6], ids=["x"])
    with pytest.raises(PlanningInputError, match="weight population"):
        DemandPoints.from_arrays([11.0, 11.1], [106.6, 106.6], [1.0])
    with pytest.raises(PlanningInputError, match="2 latitudes but 1 longitudes"):
        CandidateSites.from_arrays([11.0, 11.1], [106.6])
    demand = DemandPoints.from_arrays([11.0], [106.6], [1.0])
    empty = CandidateSites.from_arrays([], [])
    with pytest.raises(PlanningInputError, match="^sites: .* no sites"):
        PlanningProblem(demand, empty)
    with pytest.raises(PlanningInputError, match="max_minutes"):
        CoverageRule(max_minutes=math.nan)
    with pytest.raises(PlanningInputError, match="max_km"):
        CoverageRule(max_km=-5)
    problem = PlanningProblem(demand, CandidateSites.from_arrays([11.0], [106.6], kind="reception_point"))
    with pytest.raises(PlanningInputError, match="p: .* is 3 but only 1 sites may open"):
        solve_pmedian(problem, 3)
    with pytest.raises(PlanningInputError, match="p: .* is 3 but only 1 sites may open"):
        solve_mclp(problem, 3)
    with pytest.raises(PlanningInputError, match="close: .* only 1 reception points may close"):
        remove_and_open(problem, 2, 0)
    assert issubclass(PlanningInputError, ValueError)


finite_lat = st.floats(-90, 90, allow_nan=False)
finite_lon = st.floats(-180, 180, allow_nan=False)
bad_value = st.one_of(
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.floats(90.0001, 1e6),
    st.floats(-1e6, -90.0001),
)


@given(st.lists(st.tuples(finite_lat, finite_lon), min_size=1, max_size=6), st.integers(0, 5), bad_value)
def test_coordinates_property(points, position, bad):
    lat = [p[0] for p in points]
    lon = [p[1] for p in points]
    DemandPoints.from_arrays(lat, lon)  # every valid point is accepted
    position %= len(points)
    lat[position] = bad
    with pytest.raises(PlanningInputError, match=f"first d{position}"):
        DemandPoints.from_arrays(lat, lon)


# ---------------------------------------------------------------- display


@given(st.floats(0, 1))
def test_km_and_minutes_never_print_as_percent(value):
    assert "%" not in format_value(value, "km")
    assert "%" not in format_value(value, "minutes")
    assert format_value(value, "share").endswith("%")
    assert not format_value(-0.0, "km").startswith("-")


def test_zero_population_consistent_between_summary_and_table():
    demand = DemandPoints.from_arrays([11.0, 11.02], [106.6, 106.6], [0.0, 0.0])
    sites = CandidateSites.from_arrays([11.0], [106.6], kind="center")
    problem = PlanningProblem(demand, sites, CoverageRule(max_minutes=None, max_km=1.0))
    report = evaluate_scenario(problem, ["s0"], name="now")
    result = solve_mclp(problem, 1)
    assert report.share_covered == result.details["covered_weight_share"] == 0.5  # share of places
    assert weighted_share(np.zeros(2), np.array([True, True])) == 1.0
    table = format_comparison([report])
    assert "50.0%" in table and "Mean km" in table and "0.9%" not in table
    assert result.objective == 0.0 and str(result.objective) == "0.0"  # never "-0"
