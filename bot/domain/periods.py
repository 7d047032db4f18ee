"""Period maths for the scheduled posts: days, weeks (Monday 00:00 local), months, and schedules.

Pure: no Telegram, no SQLite; every moment comes in as an aware datetime and a zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = ("day", "week", "month", "quarter")


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A half-open local interval [start, end): one day, one week (Monday to Monday), one month or one
    quarter (January, April, July or October to three months later)."""

    kind: str
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """`2025-03-04`, `2025-W10` (ISO week), `2025-03` or `2025-Q1`: what a post records it covered."""
        d = self.start.date()
        if self.kind == "day":
            return d.isoformat()
        if self.kind == "week":
            year, week, _ = d.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        return f"{d.year:04d}-{d.month:02d}"

    @property
    def zone(self) -> ZoneInfo:
        """The zone the period is cut in."""
        return self.start.tzinfo  # type: ignore[return-value]

    @property
    def last_day(self) -> date:
        """The period's last local calendar day."""
        return (self.end - timedelta(hours=12)).date() if self.kind != "day" else self.start.date()

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        return period_of(self.kind, self.start - timedelta(hours=1), self.zone)

    def next(self) -> "Period":
        """The period of the same kind just after this one."""
        return period_of(self.kind, self.end + timedelta(hours=1), self.zone)

    def contains(self, moment: datetime) -> bool:
        """True if the moment falls inside [start, end)."""
        return self.start <= moment < self.end

    def until(self, moment: datetime) -> "Period":
        """The same period cut short at `moment` (e.g. the month so far); never before its start."""
        return Period(self.kind, self.start, max(self.start, min(self.end, moment.astimezone(self.zone))))


def day_of(moment: datetime, zone: ZoneInfo) -> Period:
    """The local calendar day holding the moment."""
    d = moment.astimezone(zone).date()
    return Period("day", _midnight(d, zone), _midnight(d + timedelta(days=1), zone))


def week_of(moment: datetime, zone: ZoneInfo) -> Period:
    """The local week (Monday 00:00 to the next Monday 00:00) holding the moment."""
    d = moment.astimezone(zone).date()
    monday = d - timedelta(days=d.weekday())
    return Period("week", _midnight(monday, zone), _midnight(monday + timedelta(days=7), zone))


def month_of(moment: datetime, zone: ZoneInfo) -> Period:
    """The local calendar month holding the moment."""
    d = moment.astimezone(zone).date().replace(day=1)
    return Period("month", _midnight(d, zone), _midnight(_first_of_next_month(d), zone))


def quarter_of(moment: datetime, zone: ZoneInfo) -> Period:
    """The local calendar quarter holding the moment (Q1 = January to March)."""
    d = moment.astimezone(zone).date()
    first = date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    end = first
    for _ in range(3):
        end = _first_of_next_month(end)
    return Period("quarter", _midnight(first, zone), _midnight(end, zone))


def is_quarter_start(moment: datetime, zone: ZoneInfo) -> bool:
    """True in the first local month of a quarter (January, April, July, October)."""
    return moment.astimezone(zone).month % 3 == 1


def period_of(kind: str, moment: datetime, zone: ZoneInfo) -> Period:
    """The period of a kind (day, week, month, quarter) holding the moment."""
    return {"day": day_of, "week": week_of, "month": month_of, "quarter": quarter_of}[kind](moment, zone)


def last_complete(kind: str, now: datetime, zone: ZoneInfo) -> Period:
    """The most recent period of a kind that has fully ended by `now` (yesterday, last week, last month)."""
    return period_of(kind, now, zone).previous()


def month_columns(week: Period, zone: ZoneInfo) -> list[Period]:
    """The month columns of a weekly tally: the month the week started in, up to the week's end, and,
    for a week that runs into the next month, that month so far too: every day is in a month column."""
    first = month_of(week.start, zone).until(week.end)
    last = month_of(week.end - timedelta(seconds=1), zone).until(week.end)
    return [first] if first.start == last.start else [first, last]


def is_whole_month(period: Period) -> bool:
    """True if the (possibly cut short) month period runs to the month's end."""
    return period.end == month_of(period.start, period.zone).end


def bound_during(bound_at: datetime | None, period: Period) -> bool:
    """True if a group bound at `bound_at` was bound before the period ended: only then does it get
    the period's post (a group bound later would get a tally of a week it was not part of)."""
    return bound_at is None or bound_at < period.end


def parse_period(text: str, zone: ZoneInfo) -> Period:
    """`2025-03-04` (a day), `2025-W10` (an ISO week), `2025-03` (a month) or `2025-Q1` (a quarter)."""
    text = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text, re.IGNORECASE):
            return quarter_of(_midnight(date(int(m[1]), int(m[2]) * 3 - 2, 1), zone), zone)
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", text, re.IGNORECASE):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return week_of(_midnight(monday, zone), zone)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            return month_of(_midnight(date(int(m[1]), int(m[2]), 1), zone), zone)
        return day_of(_midnight(date.fromisoformat(text), zone), zone)
    except ValueError:
        raise ValueError(f"not a period: {text!r} (use 2025-03-04, 2025-W10, 2025-03 or 2025-Q1)") from None


# --- schedules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class At:
    """When a post goes out: a local time, on a weekday (0 = Monday) or a day of the month, or daily."""

    clock: time
    weekday: int | None = None
    monthday: int | None = None

    def latest(self, now: datetime, zone: ZoneInfo) -> datetime:
        """The most recent scheduled moment at or before `now`."""
        local = now.astimezone(zone)
        day = local.date()
        for back in range(0, 400):
            d = day - timedelta(days=back)
            if self.weekday is not None and d.weekday() != self.weekday:
                continue
            if self.monthday is not None and d.day != self.monthday:
                continue
            moment = datetime.combine(d, self.clock, zone)
            if moment <= local:
                return moment
        raise ValueError("no scheduled moment within a year")


def parse_at(text: str | int, weekly: bool = False, monthly: bool = False) -> At:
    """`08:00` (daily), `mon 09:00` (weekly) or `1 09:00` / `23` (monthly; time defaults to 09:00)."""
    raw = str(text).strip().lower()
    parts = raw.split()
    clock = time(9, 0)
    try:
        if len(parts) == 2 or (len(parts) == 1 and ":" in parts[0]):
            clock = time.fromisoformat(parts[-1] if len(parts[-1]) > 4 else "0" + parts[-1])
        if weekly:
            if len(parts) != 2 or parts[0][:3] not in WEEKDAYS:
                raise ValueError
            return At(clock, weekday=WEEKDAYS.index(parts[0][:3]))
        if monthly:
            day = int(parts[0])
            if not 1 <= day <= 28:
                raise ValueError
            return At(clock, monthday=day)
        if len(parts) != 1:
            raise ValueError
        return At(clock)
    except ValueError:
        shape = "mon 09:00" if weekly else "1 09:00 (day 1-28)" if monthly else "08:00"
        raise ValueError(f"must look like {shape!r}, got {text!r}") from None


@dataclass(frozen=True)
class ReportSettings:
    """When the scheduled posts go out (local time) and which font the charts use."""

    weekly_tally: At = At(time(9, 0), weekday=0)
    monthly: At = At(time(9, 0), monthday=1)
    daily_digest: At = At(time(8, 0))
    weekly_digest: At = At(time(8, 0), weekday=0)
    monthly_digest: At = At(time(8, 0), monthday=1)
    collection_day: At = At(time(9, 0), monthday=23)
    callback_review: At = At(time(9, 0), weekday=0)
    quarterly_stars: At = At(time(9, 30), monthday=1)  # runs monthly, posts in a quarter's first month
    chart_font: str = ""
    enabled: bool = True
    catch_up: timedelta = timedelta(0)  # at start, make a post whose moment passed less than this ago


_SHAPES = {
    "weekly_tally": "weekly",
    "monthly": "monthly",
    "daily_digest": "daily",
    "weekly_digest": "weekly",
    "monthly_digest": "monthly",
    "collection_day": "monthly",
    "callback_review": "weekly",
    "quarterly_stars": "monthly",
}


def parse_report_settings(reader: Any) -> ReportSettings:
    """Read `[schedule]` post times and `[reports]` from a config reader (`get(key, kind, default)`)."""
    values: dict[str, Any] = {}
    for key, shape in _SHAPES.items():
        if key == "collection_day":
            raw = _str_or_int(reader, f"schedule.{key}")
        else:
            raw = reader.get(f"schedule.{key}", str, None)
        if raw is None:
            continue
        try:
            values[key] = parse_at(raw, weekly=shape == "weekly", monthly=shape == "monthly")
        except ValueError as exc:
            raise reader.fail(f"schedule.{key}", "bad_schedule", error=str(exc)) from None
    values["chart_font"] = reader.get("reports.chart_font", str, "")
    values["enabled"] = reader.get("reports.enabled", bool, True)
    values["catch_up"] = reader.duration("reports.catch_up", timedelta(0))
    return ReportSettings(**values)


def _str_or_int(reader: Any, key: str) -> str | int | None:
    try:
        return reader.get(key, int, None)
    except Exception:
        return reader.get(key, str, None)
