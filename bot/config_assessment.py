"""Reading [assessment.*]: quarterly stars, grid colours, call-back review and the time bank."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config_reader import NUMBER, Reader
from bot.domain.assessment import ColourRule, StarRule


@dataclass(frozen=True)
class CallbackRule:
    """Weekly call-back review: the share of the week's confirmed tickets called back, at least `minimum`."""

    enabled: bool = True
    share: float = 0.2
    minimum: int = 3


@dataclass(frozen=True)
class TimeBankRule:
    """The volunteer time bank: the most hours one wish may record."""

    enabled: bool = True
    max_hours_per_wish: float = 24.0


@dataclass(frozen=True)
class WorkLogRule:
    """The daily work log (工作日志): /log on or off, and the days without an entry that name a worker
    in their leader's daily digest."""

    enabled: bool = True
    idle_days: int = 3


@dataclass(frozen=True)
class Assessment:
    """The field's assessment rules, each with its own `enabled` switch."""

    stars: StarRule = field(default_factory=StarRule)
    colours: ColourRule = field(default_factory=ColourRule)
    callbacks: CallbackRule = field(default_factory=CallbackRule)
    time_bank: TimeBankRule = field(default_factory=TimeBankRule)
    work_log: WorkLogRule = field(default_factory=WorkLogRule)


def _fraction(r: Reader, key: str, default: float) -> float:
    value = r.get(key, NUMBER, default)
    if not 0 <= value <= 1:
        raise r.fail(key, "bad_share", value=repr(value))
    return float(value)


def _count(r: Reader, key: str, default: int, least: int = 0) -> int:
    value = r.get(key, int, default)
    if value < least:
        raise r.fail(key, "bad_count", value=repr(value), least=least)
    return int(value)


def _thresholds(r: Reader, key: str, default: tuple[float, float, float, float]) -> tuple[float, ...]:
    raw = r.get(key, list, list(default))
    ok = len(raw) == 4 and all(isinstance(x, NUMBER) and not isinstance(x, bool) and 0 <= x <= 1 for x in raw)
    if not ok or list(raw) != sorted(raw):
        raise r.fail(key, "bad_thresholds", value=repr(raw))
    return tuple(float(x) for x in raw)


def _stars(r: Reader) -> StarRule:
    d, p = StarRule(), "assessment.stars."
    weights = [_fraction(r, p + k, getattr(d, k)) for k in ("flag_weight", "rate_weight", "callback_weight")]
    if not any(weights):
        raise r.fail(p + "flag_weight", "bad_weights")
    return StarRule(
        r.get(p + "enabled", bool, True),
        _count(r, p + "flag_target", d.flag_target, 1),
        *weights,
        _thresholds(r, p + "thresholds", d.thresholds),
    )  # type: ignore[arg-type]


def _colours(r: Reader) -> ColourRule:
    d, p = ColourRule(), "assessment.colours."
    rule = ColourRule(
        r.get(p + "enabled", bool, True),
        _fraction(r, p + "blue_from", d.blue_from),
        _count(r, p + "blue_max_overdue", d.blue_max_overdue),
        _count(r, p + "blue_max_marks", d.blue_max_marks),
        _fraction(r, p + "red_below", d.red_below),
        _count(r, p + "red_overdue", d.red_overdue, 1),
        _count(r, p + "red_marks", d.red_marks, 1),
    )
    if rule.red_below > rule.blue_from:
        raise r.fail(p + "red_below", "bad_order", value=repr(rule.red_below), above=rule.blue_from)
    return rule


def _work_log(r: Reader) -> WorkLogRule:
    p = "assessment.work_log."
    return WorkLogRule(r.get(p + "enabled", bool, True), _count(r, p + "idle_days", WorkLogRule.idle_days, 1))


def parse_assessment(r: Reader) -> Assessment:
    """All [assessment.*] keys, validated; defaults as documented in config.example.toml."""
    cb, tb = "assessment.callbacks.", "assessment.time_bank."
    hours = r.get(tb + "max_hours_per_wish", NUMBER, TimeBankRule.max_hours_per_wish)
    if not 0 < hours <= 24:
        raise r.fail(tb + "max_hours_per_wish", "bad_hours", value=repr(hours))
    return Assessment(
        _stars(r),
        _colours(r),
        CallbackRule(
            r.get(cb + "enabled", bool, True),
            _fraction(r, cb + "share", CallbackRule.share),
            _count(r, cb + "minimum", CallbackRule.minimum, 1),
        ),
        TimeBankRule(r.get(tb + "enabled", bool, True), float(hours)),
        _work_log(r),
    )
