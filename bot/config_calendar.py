"""The `[calendar]` section and the office's calendar file; SLA tiers in working time (`3wd`, `16wh`).

    [calendar]
    official = true            # use the chinese-calendar package (official holidays and 调休)
    file = "calendar.toml"     # the office's file: extra holidays and make-up days, and the years it covers
    opens = "09:00"            # office hours: working time runs only inside them
    closes = "17:00"

The office file (TOML):

    years = [2027]                          # years this file covers on its own (weekends + lists below)
    holidays = ["2027-01-01", "2027-02-10"]
    workdays = ["2027-02-07"]               # make-up working days (调休)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config_reader import NUMBER, Reader
from bot.domain.sla import DEFAULT_TIERS, Tier
from bot.domain.workdays import WorkCalendar, parse_span


@dataclass(frozen=True)
class CaseworkSettings:
    """[casework]: report-back window for referrals, the duplicate look-back, supervision penalties."""

    report_within: timedelta = timedelta(minutes=30)
    duplicate_window: timedelta = timedelta(days=14)
    supervise_penalty: float = 0.05
    red_penalty: float = 0.10


def parse_casework(r: Reader) -> CaseworkSettings:
    """The [casework] section."""
    d = CaseworkSettings()
    return CaseworkSettings(
        r.duration("casework.report_within", d.report_within),
        r.duration("casework.duplicate_window", d.duplicate_window),
        float(r.get("casework.supervise_penalty", NUMBER, d.supervise_penalty)),
        float(r.get("casework.red_penalty", NUMBER, d.red_penalty)),
    )


def _official() -> Any:
    import chinese_calendar  # the package's data is pure: no I/O at call time

    return chinese_calendar.is_workday


def _dates(r: Reader, data: dict, key: str, path: Path) -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(str(v)) for v in data.get(key, []))
    except (TypeError, ValueError) as e:
        raise r.fail("calendar.file", "bad_calendar_file", value=str(path), error=str(e)) from None


def _office_file(r: Reader, base_dir: Path | None) -> tuple[frozenset[date], frozenset[date], frozenset[int]]:
    name = r.get("calendar.file", str, None)
    if name is None:
        return frozenset(), frozenset(), frozenset()
    path = Path(name) if base_dir is None or Path(name).is_absolute() else base_dir / name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise r.fail("calendar.file", "bad_calendar_file", value=str(path), error=str(e)) from None
    years = data.get("years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        raise r.fail("calendar.file", "bad_calendar_file", value=str(path), error="years = [2027, …]")
    return _dates(r, data, "holidays", path), _dates(r, data, "workdays", path), frozenset(years)


def parse_calendar(r: Reader, zone: ZoneInfo, base_dir: Path | None) -> WorkCalendar:
    """The working-day calendar the configuration describes."""
    holidays, workdays, years = _office_file(r, base_dir)
    opens, closes = (
        r.clock("calendar.opens", WorkCalendar.opens),
        r.clock("calendar.closes", WorkCalendar.closes),
    )
    if closes <= opens:
        raise r.fail("calendar.closes", "bad_office_hours", value=f"{opens:%H:%M}-{closes:%H:%M}")
    official = _official() if r.get("calendar.official", bool, True) else None
    return WorkCalendar(
        zone, opens, closes, holidays, workdays, years, official, file=r.get("calendar.file", str, None)
    )


def _span(r: Reader, key: str, default: Any, calendar: WorkCalendar) -> tuple[Any, bool]:
    raw = r.get(key, str, None)
    working = parse_span(raw, calendar) if raw is not None else None
    return (working, True) if working is not None else (r.duration(key, default), False)


def parse_tiers(r: Reader, calendar: WorkCalendar, this_year: int) -> dict[str, Tier]:
    """SLA tiers; a working-time tier needs a calendar that covers `this_year`."""
    tiers = dict(DEFAULT_TIERS)
    for name in r.get("sla", dict, {}):
        base = tiers.get(name, DEFAULT_TIERS["normal"])
        accept, accept_w = _span(r, f"sla.{name}.accept", base.accept, calendar)
        resolve, resolve_w = _span(r, f"sla.{name}.resolve", base.resolve, calendar)
        working = frozenset(w for w, on in (("accept", accept_w), ("resolve", resolve_w)) if on)
        if working and not calendar.covers(this_year):
            raise r.fail(f"sla.{name}", "calendar_gap", year=this_year)
        tiers[name] = Tier(name, accept, resolve, working, calendar if working else None)
    return tiers


LOOKAHEAD = timedelta(days=30)  # warn a month before working-time deadlines reach an unknown year


def year_ahead_gap(tiers: dict[str, Tier], now: datetime, lookahead: timedelta = LOOKAHEAD) -> int | None:
    """The first year no calendar covers that a working-time deadline set between `now` and
    `now + lookahead` would run into (start-up warns the operator), else None."""
    start = now + lookahead
    for tier in tiers.values():
        for which in sorted(tier.working):
            due = tier.later(which, start, tier.accept if which == "accept" else tier.resolve)
            year = tier.uncovered(which, now, due)
            if year is not None:
                return year
    return None
