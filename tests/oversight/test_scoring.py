"""The Index 766 arithmetic (pure): answers worked out by hand, and properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.oversight.scoring import (
    DEFAULT_RULES,
    Measure,
    RulesError,
    component_points,
    rules_from,
    score,
)

ON_TIME = DEFAULT_RULES.component("progress.on_time")
ONLINE = DEFAULT_RULES.component("online.dossiers_online")  # threshold 50%, factor: the sync rate
PROCEDURES_ONLINE = DEFAULT_RULES.component("online.procedures_online")  # 4 points, threshold 80%
HANDLING = DEFAULT_RULES.component("satisfaction.dossier_handling")  # 6 points, threshold 90%


def test_on_time_is_proportional_20_times_on_time_over_due():
    # 17 of 20 due dossiers on time: 20 × 17/20 = 17.00; 2 of 3: 13.333… → 13.33; 1 of 8: 2.50
    board = score(DEFAULT_RULES, {"on_time": Measure(17, 20)})
    assert board.component("progress.on_time").points == D("17.00")
    assert component_points(ON_TIME, D(2) / D(3)) == D("13.33")
    assert component_points(ON_TIME, D(1) / D(8)) == D("2.50")


def test_threshold_gives_full_points_at_and_above_and_a_share_below():
    # 4 points, threshold 0.8: at 0.8 → 4; 0.9 → 4; 0.6 → 0.6/0.8×4 = 3.00; 0.7 → 3.50; 0 → 0
    assert component_points(PROCEDURES_ONLINE, D("0.8")) == D("4.00")
    assert component_points(PROCEDURES_ONLINE, D("0.9")) == D("4.00")
    assert component_points(PROCEDURES_ONLINE, D("0.6")) == D("3.00")
    assert component_points(PROCEDURES_ONLINE, D("0.7")) == D("3.50")
    assert component_points(PROCEDURES_ONLINE, D(0)) == D("0.00")
    # just below: 0.7999 / 0.8 × 4 = 3.9995 → 4.00 after rounding half up, 0.79 → 3.95
    assert component_points(PROCEDURES_ONLINE, D("0.79")) == D("3.95")
    # satisfaction: 6 points at 90%: 0.85 → 0.85/0.9×6 = 5.666… → 5.67
    assert component_points(HANDLING, D("0.85")) == D("5.67")


def test_online_share_is_multiplied_by_the_sync_rate_when_it_is_measured():
    # 30 of 100 filed online, threshold 0.5: 0.3/0.5×4 = 2.40; with 50% synced: 0.15/0.5×4 = 1.20
    alone = score(DEFAULT_RULES, {"dossiers_online": Measure(30, 100)})
    assert alone.component("online.dossiers_online").points == D("2.40")
    synced = score(DEFAULT_RULES, {"dossiers_online": Measure(30, 100), "synced": Measure(1, 2)})
    assert synced.component("online.dossiers_online").points == D("1.20")
    # and the sync component itself: 0.5 / 0.8 × 6 = 3.75
    assert synced.component("transparency.synced").points == D("3.75")


def test_zero_denominator_is_not_applicable_by_default_and_zero_when_configured():
    board = score(DEFAULT_RULES, {"on_time": Measure(0, 0), "procedures_online": Measure(3, 4)})
    on_time = board.component("progress.on_time")
    assert on_time.measured and on_time.not_applicable and on_time.points is None
    # N/A is left out of the total and of the measured maximum: 0.75/0.8×4 = 3.75 out of 4
    assert (board.total, board.measured_max) == (D("3.75"), D(4))
    zero = score(rules_from({"zero_denominator": "zero"}), {"on_time": Measure(0, 0)})
    assert zero.component("progress.on_time").points == D("0.00")
    assert (zero.total, zero.measured_max, zero.score) == (D("0.00"), D(20), D("0.00"))


def test_a_component_without_a_measure_is_not_measured_never_zero():
    board = score(DEFAULT_RULES, {"on_time": Measure(9, 10)})
    ratings = board.component("satisfaction.dossier_handling")
    assert not ratings.measured and ratings.points is None and not ratings.not_applicable
    # only the on-time component is measured: 18 of 20, scaled to 90.00 → excellent
    assert (board.total, board.measured_max, board.max_points) == (D("18.00"), D(20), D(100))
    assert board.score == D("90.00") and board.band.key == "excellent"


def test_a_component_becomes_measured_when_its_data_is_given():
    before = score(DEFAULT_RULES, {"on_time": Measure(8, 10)})
    after = score(
        DEFAULT_RULES, {"on_time": Measure(8, 10), "dossier_satisfaction": Measure(0, 0, D("0.72"))}
    )
    assert not before.component("satisfaction.dossier_handling").measured
    handling = after.component("satisfaction.dossier_handling")
    # 0.72 / 0.9 × 6 = 4.80; total 16 + 4.8 = 20.8 of 26 → 80.00 → good
    assert handling.points == D("4.80")
    assert (after.total, after.measured_max, after.score, after.band.key) == (
        D("20.80"),
        D(26),
        D("80.00"),
        "good",
    )


def test_full_marks_everywhere_make_100_excellent():
    measures = {c.source: Measure(1, 1) for c in DEFAULT_RULES.components if c.source}
    measures["average_time"] = Measure(0, 0, value=D(3))
    board = score(DEFAULT_RULES, measures)
    measured = sum(c.rule.max_points for c in board.components if c.rule.source)
    assert board.total == measured and board.score == D("100.00")
    assert board.max_points == D(100)  # the default weights add up to the index's 100 points
    assert board.component("progress.average_time").points is None  # shown, not scored


def test_group_maxima_are_those_of_decision_766():
    board = score(DEFAULT_RULES, {})
    maxima = {g.rule.key: g.max_points for g in board.groups}
    assert maxima == {
        "transparency": 18,
        "progress": 20,
        "online": 12,
        "payment": 10,
        "digitization": 22,
        "satisfaction": 18,
    }
    assert board.score is None and board.band is None  # nothing measured: no grade


@pytest.mark.parametrize(
    ("scaled", "band"),
    [("100", "excellent"), ("90", "excellent"), ("89.99", "good"), ("80", "good"), ("79.99", "fair"),
     ("70", "fair"), ("69.99", "average"), ("50", "average"), ("49.99", "poor"), ("0", "poor")],
)  # fmt: skip
def test_grade_bands(scaled, band):
    from motcua.oversight.scoring import grade

    assert grade(DEFAULT_RULES, D(scaled)).key == band


def test_configuration_overrides_weights_and_thresholds_and_names_bad_keys():
    rules = rules_from({"components": {"online.procedures_online": {"max_points": 6, "threshold": "0.5"}}})
    rule = rules.component("online.procedures_online")
    assert (rule.max_points, rule.threshold) == (D(6), D("0.5"))
    assert component_points(rule, D("0.25")) == D("3.00")
    with pytest.raises(RulesError, match="unknown component 'online.nope'"):
        rules_from({"components": {"online.nope": {"max_points": 1}}})
    with pytest.raises(RulesError, match="threshold.*out of range"):
        rules_from({"components": {"progress.on_time": {"threshold": 2}}})
    with pytest.raises(RulesError, match="strictly decreasing"):
        rules_from({"bands": [[50, "a", "A", "A"], [60, "b", "B", "B"]]})
    with pytest.raises(RulesError, match="zero_denominator"):
        rules_from({"zero_denominator": "maybe"})


shares = st.fractions(min_value=0, max_value=1).map(lambda f: D(f.numerator) / D(f.denominator))
components = st.sampled_from([c for c in DEFAULT_RULES.components if c.scored])


@given(components, shares, shares)
def test_points_never_decrease_with_the_share_and_stay_within_the_maximum(rule, a, b):
    low, high = sorted([a, b])
    assert D(0) <= component_points(rule, low) <= component_points(rule, high) <= rule.max_points


@given(st.dictionaries(st.sampled_from(sorted({c.source for c in DEFAULT_RULES.components if c.source})),
                       st.tuples(st.integers(0, 50), st.integers(0, 50)).map(lambda t: Measure(min(t), max(t)))))  # fmt: skip
def test_total_is_the_sum_of_points_and_the_score_stays_between_0_and_100(measures):
    board = score(DEFAULT_RULES, measures)
    assert board.total == sum((c.points or 0 for c in board.components), D(0))
    assert board.total <= board.measured_max <= board.max_points
    if board.score is not None:
        assert D(0) <= board.score <= D(100)
        assert board.band is not None
    unmeasured = [c for c in board.components if c.rule.source not in measures or c.rule.source is None]
    assert all(c.points is None and not c.measured for c in unmeasured)


def test_the_lower_bands_are_configured_placeholders_marked_to_verify():
    from motcua.oversight.scoring import grade

    marks = {band.key: band.verify for band in DEFAULT_RULES.bands}
    assert marks == {"excellent": False, "good": False, "fair": True, "average": True, "poor": True}
    own = rules_from({"bands": [[90, "a", "A", "A"], [75, "b", "B", "B"], [0, "c", "C", "C", "verify"]]})
    assert [(b.lower, b.key, b.verify) for b in own.bands] == [
        (D(90), "a", False),
        (D(75), "b", False),
        (D(0), "c", True),
    ]
    assert grade(own, D("76")).key == "b"
    with pytest.raises(RulesError, match=r"bands\[0\]"):
        rules_from({"bands": [[90, "a", "A", "A", "maybe"]]})
