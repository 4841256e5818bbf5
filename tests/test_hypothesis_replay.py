"""In CI a run's Hypothesis seed is printed and replays the run: pytest is run on a small probe (in a
child process, without Django) with CI=1, as CI runs it, then again with the printed seed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import os

from hypothesis import given, settings, strategies as st


@settings(max_examples=25)
@given(st.integers())
def test_records_what_it_is_given(number):
    with open(os.environ["PROBE_SEEN"], "a") as seen:
        seen.write(f"{number}\\n")


@given(st.integers())
def test_fails_on_large_numbers(number):
    assert number < 1000
"""


def run_probe(folder: Path, *options: str) -> tuple[str, list[str]]:
    """Run the probe as CI would; returns pytest's output and the numbers the recording test saw."""
    seen = folder / "seen.txt"
    seen.unlink(missing_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "HYPOTHESIS"))}
    env.update(
        CI="1", PROBE_SEEN=str(seen), PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:cacheprovider"]
    command += [
        "-p",
        "tests.hypothesis_profiles",
        "-c",
        str(folder / "pytest.ini"),
        *options,
        "test_probe.py",
    ]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr  # the failing probe test fails
    return done.stdout, seen.read_text().split()


def printed_seed(output: str) -> str:
    found = re.search(
        r"hypothesis: profile 'ci', seed (\d+); replay: CI=1 python -m pytest --hypothesis-seed=\1", output
    )
    assert found, output
    return found.group(1)


def test_a_ci_run_prints_its_seed_and_the_seed_replays_it(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_probe.py").write_text(PROBE)

    output, examples = run_probe(tmp_path)
    seed = printed_seed(output)
    assert output.index(f"seed {seed}") < output.index("FAILURES")  # printed at the start
    assert f"hypothesis seed of this run: {seed}" in output  # and again after the failures
    assert f"replay a failure: CI=1 python -m pytest --hypothesis-seed={seed} <test id>" in output
    assert "@reproduce_failure(" in output  # the ci profile's print_blob
    assert len(examples) == 25

    replayed, replayed_examples = run_probe(tmp_path, f"--hypothesis-seed={seed}")
    assert printed_seed(replayed) == seed  # a given seed is kept, not drawn again
    assert replayed_examples == examples

    other, other_examples = run_probe(tmp_path)
    assert printed_seed(other) != seed and other_examples != examples  # each CI run draws its own
