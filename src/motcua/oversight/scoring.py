"""The Index 766 scoreboard as pure arithmetic (no Django): the groups and components of Decision
766/QĐ-TTg (2022), their thresholds and points, the total and its grade band.

What is configuration: every component's maximum points and threshold, the grade bands and what a zero
denominator gives. DEFAULT_RULES holds the documented defaults, each with its legal source; a
province's settings override them (rules_from). What is not: the arithmetic below.

A component is *measured* when the caller gives a Measure for its source. The caller gives one when
its data exists (motcua computes it, or a later module supplies it); a component without one is "not
measured here": it has no points and does not count in the measured maximum, never as zero.

Points (DOMAIN.md section 5):
- threshold None: points = max × ratio (the on-time component: 20 × on time / due);
- otherwise full points at or above the threshold, ratio / threshold × max below it;
- an optional factor (the sync rate for the share of dossiers filed online) multiplies the ratio;
- a zero denominator gives N/A (not counted), or 0 when configured so;
- two decimals, rounded half up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

DECISION_766 = "Quyết định 766/QĐ-TTg ngày 23/6/2022, Phụ lục (Bộ chỉ số)"
VERIFY = " (cần đối chiếu / verify)"


@dataclass(frozen=True)
class GroupRule:
    key: str
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class ComponentRule:
    key: str  # "<group>.<name>"
    group: str
    label_vi: str
    label_en: str
    max_points: Decimal
    threshold: Decimal | None  # None: proportional (max × ratio)
    source: str | None  # the measure that feeds it; None: motcua's data cannot compute it
    legal_source: str = DECISION_766
    scored: bool = True  # False: shown for information (average resolution time), no points
    factor: str | None = None  # a measure whose ratio multiplies this one's (the sync rate)


@dataclass(frozen=True)
class GradeBand:
    lower: Decimal  # the band holds scores >= lower (and below the next band's lower)
    key: str
    label_vi: str
    label_en: str
    verify: bool = False  # a placeholder not yet checked against the legal text: shown as such


@dataclass(frozen=True)
class Rules:
    groups: tuple[GroupRule, ...]
    components: tuple[ComponentRule, ...]
    bands: tuple[GradeBand, ...]  # highest first
    zero_denominator: Literal["na", "zero"] = "na"

    def component(self, key: str) -> ComponentRule:
        return next(c for c in self.components if c.key == key)


@dataclass(frozen=True)
class Measure:
    """A ratio's parts. `ratio` may be given when the figure is not a plain quotient (the satisfaction
    ratio is 100% minus two shares); numerator and denominator are then shown for information."""

    numerator: Decimal | int
    denominator: Decimal | int
    ratio: Decimal | None = None
    value: Decimal | None = None  # a figure that is not a ratio (average working days)

    def share(self) -> Decimal | None:
        if self.ratio is not None:
            return max(ZERO, min(ONE, Decimal(self.ratio)))
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)


@dataclass(frozen=True)
class ComponentScore:
    rule: ComponentRule
    measured: bool
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    ratio: Decimal | None = None  # the share after the factor, two decimals of a percent kept
    points: Decimal | None = None  # None: not measured, not scored, or N/A (zero denominator)
    value: Decimal | None = None

    @property
    def not_applicable(self) -> bool:
        return self.measured and self.rule.scored and self.points is None

    @property
    def counted_max(self) -> Decimal:
        return self.rule.max_points if self.points is not None else ZERO


@dataclass(frozen=True)
class GroupScore:
    rule: GroupRule
    max_points: Decimal
    components: tuple[ComponentScore, ...]
    points: Decimal
    measured_max: Decimal


@dataclass(frozen=True)
class Scoreboard:
    groups: tuple[GroupScore, ...]
    total: Decimal  # points of the measured components
    measured_max: Decimal  # the maximum of the measured components
    max_points: Decimal  # the whole index (100 with the defaults)
    score: Decimal | None  # total scaled to 100 (None when nothing is measured)
    band: GradeBand | None

    @property
    def components(self) -> list[ComponentScore]:
        return [c for g in self.groups for c in g.components]

    def component(self, key: str) -> ComponentScore:
        return next(c for c in self.components if c.rule.key == key)


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def component_points(rule: ComponentRule, share: Decimal) -> Decimal:
    """Points for a share in [0, 1]."""
    share = max(ZERO, min(ONE, share))
    if rule.threshold is None:
        return round2(rule.max_points * share)
    if share >= rule.threshold:
        return round2(rule.max_points)
    return round2(share / rule.threshold * rule.max_points)


def score_component(
    rule: ComponentRule, measures: Mapping[str, Measure | None], zero_denominator: str = "na"
) -> ComponentScore:
    measure = measures.get(rule.source) if rule.source else None
    if measure is None:
        return ComponentScore(rule, measured=False)
    share = measure.share()
    base = ComponentScore(
        rule, True, measure.numerator, measure.denominator, value=measure.value, ratio=share
    )
    if not rule.scored:
        return base
    if share is None:
        return replace(base, points=ZERO if zero_denominator == "zero" else None)
    factor = measures.get(rule.factor) if rule.factor else None
    factor_share = factor.share() if factor is not None else None
    if factor_share is not None:
        share = share * factor_share
    return replace(base, ratio=share, points=component_points(rule, share))


def grade(rules: Rules, score: Decimal | None) -> GradeBand | None:
    if score is None:
        return None
    return next((band for band in rules.bands if score >= band.lower), None)


def score(rules: Rules, measures: Mapping[str, Measure | None]) -> Scoreboard:
    groups = []
    for group in rules.groups:
        parts = tuple(
            score_component(c, measures, rules.zero_denominator)
            for c in rules.components
            if c.group == group.key
        )
        groups.append(
            GroupScore(
                group,
                sum((c.rule.max_points for c in parts if c.rule.scored), ZERO),
                parts,
                sum((c.points or ZERO for c in parts), ZERO),
                sum((c.counted_max for c in parts), ZERO),
            )
        )
    total = sum((g.points for g in groups), ZERO)
    measured_max = sum((g.measured_max for g in groups), ZERO)
    max_points = sum((g.max_points for g in groups), ZERO)
    scaled = round2(total / measured_max * HUNDRED) if measured_max else None
    return Scoreboard(tuple(groups), round2(total), measured_max, max_points, scaled, grade(rules, scaled))


# --- the documented defaults --------------------------------------------------------------------------


def _d(value: str | int) -> Decimal:
    return Decimal(str(value))


DEFAULT_GROUPS = (
    GroupRule("transparency", "Công khai, minh bạch", "Transparency"),
    GroupRule("progress", "Tiến độ giải quyết", "Progress of resolution"),
    GroupRule("online", "Dịch vụ trực tuyến", "Online services"),
    GroupRule("payment", "Thanh toán trực tuyến", "Online payment"),
    GroupRule("digitization", "Số hóa hồ sơ", "Digitization"),
    GroupRule("satisfaction", "Mức độ hài lòng", "Satisfaction"),
)

_THRESHOLD = _d("0.8")  # "80% unless stated" (DOMAIN.md section 5)


def _c(
    key: str,
    vi: str,
    en: str,
    points: int,
    threshold: Decimal | None = _THRESHOLD,
    source: str | None = None,
    legal: str = DECISION_766,
    **extra: Any,
) -> ComponentRule:
    return ComponentRule(key, key.split(".")[0], vi, en, _d(points), threshold, source, legal, **extra)


DEFAULT_COMPONENTS = (
    _c("transparency.published_on_time", "Công bố TTHC đúng hạn", "Procedures published on time", 6),
    _c(
        "transparency.national_database",
        "Công khai trên Cơ sở dữ liệu quốc gia đúng hạn",
        "Published on the national database on time",
        4,
    ),
    _c("transparency.complete_publication", "Công khai đầy đủ", "Complete publication", 2),
    _c(
        "transparency.synced",
        "Hồ sơ đồng bộ lên Cổng DVC quốc gia",
        "Dossiers synced to the national portal",
        6,
        source="synced",
    ),
    _c(
        "progress.on_time",
        "Hồ sơ giải quyết đúng hạn",
        "Dossiers resolved on or before the appointment",
        20,
        threshold=None,
        source="on_time",
        legal=DECISION_766 + "; 20 × đúng hạn / đến hạn (DOMAIN.md §5)",
    ),
    _c(
        "progress.average_time",
        "Thời gian giải quyết trung bình (ngày làm việc)",
        "Average resolution time (working days)",
        0,
        threshold=None,
        source="average_time",
        scored=False,
    ),
    _c(
        "online.procedures_online",
        "Tỷ lệ TTHC cung cấp trực tuyến",
        "Share of procedures offered online",
        4,
        source="procedures_online",
        legal=DECISION_766 + VERIFY,
    ),
    _c(
        "online.services_used",
        "DVC trực tuyến phát sinh hồ sơ",
        "Online services that received dossiers",
        4,
        source="online_services_used",
        legal=DECISION_766 + VERIFY,
    ),
    _c(
        "online.dossiers_online",
        "Tỷ lệ hồ sơ nộp trực tuyến (× tỷ lệ đồng bộ)",
        "Share of dossiers filed online (× the sync rate)",
        4,
        threshold=_d("0.5"),
        source="dossiers_online",
        legal=DECISION_766 + VERIFY,
        factor="synced",
    ),
    _c(
        "payment.integrated",
        "TTHC có phí được tích hợp thanh toán trực tuyến",
        "Fee-bearing procedures integrated",
        2,
    ),
    _c(
        "payment.procedures_paid_online",
        "TTHC phát sinh thanh toán trực tuyến",
        "Procedures with online payments",
        2,
        source="procedures_paid_online",
    ),
    _c(
        "payment.dossiers_paid_online",
        "Tỷ lệ hồ sơ có phí được thanh toán trực tuyến",
        "Share of fee-bearing dossiers paid online",
        6,
        source="dossiers_paid_online",
    ),
    _c(
        "digitization.electronic_results",
        "Cấp kết quả điện tử",
        "Electronic results",
        6,
        source="electronic_results",
    ),
    _c(
        "digitization.digitized_dossiers",
        "Số hóa hồ sơ",
        "Digitized dossiers",
        4,
        source="digitized_dossiers",
    ),
    _c(
        "digitization.certified_copies",
        "Chứng thực bản sao điện tử",
        "Electronic certified copies",
        2,
        source="certified_copies",
    ),
    _c(
        "digitization.reuse",
        "Tái sử dụng dữ liệu số hóa",
        "Reuse of digitized data",
        2,
        source="reused_data",
    ),
    _c(
        "digitization.citizen_store",
        "Kết nối kho dữ liệu của tổ chức, cá nhân",
        "Linked to the citizen's data store",
        4,
    ),
    _c(
        "digitization.population_procedures",
        "TTHC sử dụng CSDL quốc gia về dân cư",
        "Procedures using the population database",
        2,
    ),
    _c(
        "digitization.population_dossiers",
        "Hồ sơ sử dụng CSDL quốc gia về dân cư",
        "Dossiers using the population database",
        2,
    ),
    _c(
        "satisfaction.feedback_on_time",
        "Xử lý phản ánh, kiến nghị đúng hạn",
        "Feedback handled on time",
        6,
    ),
    _c(
        "satisfaction.feedback_satisfaction",
        "Hài lòng về xử lý phản ánh, kiến nghị",
        "Satisfaction with feedback handling",
        6,
    ),
    _c(
        "satisfaction.dossier_handling",
        "Hài lòng về giải quyết hồ sơ: 100% − (% trễ hạn + % không hài lòng)",
        "Satisfaction with dossier handling: 100% − (% late + % dislikes)",
        6,
        threshold=_d("0.9"),
        source="dossier_satisfaction",
    ),
)

# ">= 90 excellent, 80-90 good" are the sources' (DOMAIN.md section 5). The bands below 80 (70 fair,
# 50 average, below that poor) are placeholders (verify): marked so, and shown as to be verified, until a
# province sets its bands from the legal text in MOTCUA_INDEX766 ("bands").
DEFAULT_BANDS = (
    GradeBand(_d(90), "excellent", "Xuất sắc", "Excellent"),
    GradeBand(_d(80), "good", "Tốt", "Good"),
    GradeBand(_d(70), "fair", "Khá", "Fair", verify=True),
    GradeBand(_d(50), "average", "Trung bình", "Average", verify=True),
    GradeBand(_d(0), "poor", "Yếu", "Poor", verify=True),
)

DEFAULT_RULES = Rules(DEFAULT_GROUPS, DEFAULT_COMPONENTS, DEFAULT_BANDS)


class RulesError(ValueError):
    """A configuration that cannot be used; the message names the key and the problem."""


def rules_from(config: Mapping[str, Any] | None, base: Rules = DEFAULT_RULES) -> Rules:
    """The base rules with a province's overrides:
    {"components": {"progress.on_time": {"max_points": 20, "threshold": null}},
     "bands": [[90, "excellent", "Xuất sắc", "Excellent"], ...], "zero_denominator": "na"}.
    A configured band is the province's own (not marked to verify) unless it has a fifth element
    "verify": [70, "fair", "Khá", "Fair", "verify"]."""
    if not config:
        return base
    unknown = set(config) - {"components", "bands", "zero_denominator"}
    if unknown:
        raise RulesError(f"INDEX766: unknown key(s) {sorted(unknown)}")
    components = list(base.components)
    by_key = {c.key: i for i, c in enumerate(components)}
    for key, change in (config.get("components") or {}).items():
        if key not in by_key:
            raise RulesError(f"INDEX766.components: unknown component {key!r}")
        components[by_key[key]] = _changed(components[by_key[key]], key, change)
    bands = base.bands
    if "bands" in config:
        bands = tuple(_band(i, b) for i, b in enumerate(config["bands"]))
        lowers = [b.lower for b in bands]
        if lowers != sorted(lowers, reverse=True) or len(set(lowers)) != len(lowers):
            raise RulesError("INDEX766.bands: lower bounds must be strictly decreasing")
    zero = config.get("zero_denominator", base.zero_denominator)
    if zero not in ("na", "zero"):
        raise RulesError(f"INDEX766.zero_denominator: {zero!r} is not 'na' or 'zero'")
    return Rules(base.groups, tuple(components), bands, zero)


def _number(where: str, value: Any, low: Decimal, high: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise RulesError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        raise RulesError(f"{where}: {value!r} is out of range")
    return number


def _changed(rule: ComponentRule, key: str, change: Mapping[str, Any]) -> ComponentRule:
    unknown = set(change) - {"max_points", "threshold"}
    if unknown:
        raise RulesError(f"INDEX766.components.{key}: unknown setting(s) {sorted(unknown)}")
    values: dict[str, Any] = {}
    if "max_points" in change:
        values["max_points"] = _number(f"INDEX766.components.{key}.max_points", change["max_points"], ZERO)
    if "threshold" in change:
        threshold = change["threshold"]
        values["threshold"] = (
            None
            if threshold is None
            else _number(f"INDEX766.components.{key}.threshold", threshold, Decimal("0.0001"), ONE)
        )
    return replace(rule, **values)


def _band(index: int, band: Sequence[Any]) -> GradeBand:
    if isinstance(band, str) or len(band) not in (4, 5) or (len(band) == 5 and band[4] != "verify"):
        raise RulesError(f'INDEX766.bands[{index}]: expected [lower, key, label_vi, label_en(, "verify")]')
    lower, key, vi, en = band[:4]
    return GradeBand(
        _number(f"INDEX766.bands[{index}].lower", lower, ZERO, HUNDRED),
        str(key),
        str(vi),
        str(en),
        verify=len(band) == 5,
    )
