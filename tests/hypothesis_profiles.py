"""Hypothesis settings for the whole suite, and in CI one seed per run, printed, so that a failure seen
once in CI can be replayed (a pytest plugin, loaded by tests/conftest.py; it needs no database).

Profiles. Outside CI, "local": Hypothesis's "default" without the deadline, a fresh seed per test, and the example database under
.hypothesis/ replays a local failure by itself. With the CI environment variable set, our "ci":
Hypothesis's own "ci" profile (no deadline, as shared runners are slow and irregular; no example
database, as nothing is kept between CI runs; print_blob, so that a failure also prints the
@reproduce_failure(...) decorator of that very example; the too_slow health check off) but with
derandomize off. Hypothesis's "ci" derandomizes (every test's examples come from a hash of its
source), which replays anything but tries the very same examples in every CI run, forever; we want
each run to explore anew, and the seed of each run printed.

The seed. Without it Hypothesis draws a fresh seed for every test and prints it only for failures it
could not reproduce; the shrunk failing example of an ordinary failure does not say how the run got
there. So in CI one seed is drawn per run and handed to Hypothesis through its pytest plugin's own
option, exactly as if `--hypothesis-seed=<seed>` had been typed: every test then starts its generation
from that seed (each test on its own, so the same examples come whichever tests run, and no example
database is read). The seed is printed when the run starts (in the report's header, or in its place
under -q) and again at the end of a run with failures. tests/test_hypothesis_replay.py checks that
the printed seed replays a run's examples.

To replay a CI failure:

    CI=1 python -m pytest --hypothesis-seed=<seed from the CI log> <the failing test id>

CI=1 loads the same "ci" profile; a seed given on the command line is used as it is, never replaced
by a drawn one."""

from __future__ import annotations

import os
import secrets

import pytest
from hypothesis import HealthCheck, settings

IN_CI = bool(os.environ.get("CI"))

# As Hypothesis's own "ci" profile (recent versions), but exploring: a derandomized test would ignore
# --hypothesis-seed. Every setting in which the two differ from "default" is written out, so that it
# does not depend on the version's built-in one.
settings.register_profile(
    "ci",
    derandomize=False,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Outside CI, Hypothesis's "default" but without its 200 ms deadline: a deadline is a test on the wall
# clock, and it failed examples of pure functions when the machine was busy.
settings.register_profile("local", deadline=None)
settings.load_profile("ci" if IN_CI else "local")

SEED_OPTION = "hypothesis_seed"  # the destination of the Hypothesis plugin's --hypothesis-seed


def seed_of(config: pytest.Config) -> str | None:
    return config.getoption(SEED_OPTION, None)


def replay_command(seed: str) -> str:
    return f"CI=1 python -m pytest --hypothesis-seed={seed} <test id>"


@pytest.hookimpl(tryfirst=True)  # before the Hypothesis plugin's pytest_configure reads the option
def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and seed_of(config) is None:
        config.option.hypothesis_seed = str(secrets.randbelow(2**32))


def announcement(config: pytest.Config) -> str:
    seed = seed_of(config)
    profile = settings.get_current_profile_name()
    if seed is None:
        return f"hypothesis: profile {profile!r}, a random seed per test"
    return f"hypothesis: profile {profile!r}, seed {seed}; replay: {replay_command(seed)}"


def pytest_report_header(config: pytest.Config) -> str:
    return announcement(config)


def pytest_sessionstart(session: pytest.Session) -> None:
    """With -q (the project's addopts) pytest prints no header: the seed is written at the start all
    the same, so that it is in the log even of a run that never ends."""
    config = session.config
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if seed_of(config) is not None and reporter is not None and config.get_verbosity() < 0:
        reporter.write_line(announcement(config))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    seed = seed_of(config)
    if seed is not None and (terminalreporter.stats.get("failed") or terminalreporter.stats.get("error")):
        terminalreporter.write_sep("-", f"hypothesis seed of this run: {seed}")
        terminalreporter.write_line(f"replay a failure: {replay_command(seed)}")
