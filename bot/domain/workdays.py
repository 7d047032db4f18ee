"""Working time: SLA spans counted in working hours (`16wh`) or working days (`3wd`).

Pure. A working day is a weekday that is not a public holiday, or a make-up working day (调休, often
a Saturday or Sunday). Working time runs only inside office hours on working days; one working day
is one office day of working time, so `3wd` from Friday 10:00 ends on Wednesday 10:00 (Saturday and
Sunday skipped). The official schedule comes from a function (the `chinese-calendar` package's
`is_workday`, which raises NotImplementedError for years it does not know) and the office's own
file of extra holidays, make-up days and the years it covers. A year that neither covers raises
CalendarGap; `WorkCalendar.provisional()` counts such a year Monday to Friday instead (the SLA tiers
fall back to it so no ticket is lost, and the sweep tells the admin: bot.domain.sla.Tier.uncovered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo, timezone
from typing import Callable

_SPAN = re.compile(r"\s*(\d+)\s*(wd|wh)\s*")
MAX_DAYS = 3660  # no deadline is ten years of working days away


class CalendarGap(Exception):
    """A deadline falls in a year that neither the official schedule nor the office file covers."""

    def __init__(self, year: int) -> None:
        super().__init__(f"no working-day calendar for {year}")
        self.year = year


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and office hours in a time zone."""

    zone: tzinfo = timezone.utc
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    holidays: frozenset[date] = frozenset()  # the office's extra days off
    workdays: frozenset[date] = frozenset()  # the office's make-up working days
    years: frozenset[int] = frozenset()  # years the office file covers completely (weekends + its lists)
    official: Callable[[date], bool] | None = field(default=None, compare=False)
    guess: bool = False  # a year nobody covers counts Monday to Friday (provisional) instead of CalendarGap
    file: str | None = field(default=None, compare=False)  # the office file's name, for messages

    @property
    def day_length(self) -> timedelta:
        """Working time in one working day."""
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def is_workday(self, day: date) -> bool:
        """True on a working day; CalendarGap for a year nobody covers."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.official is not None:
            try:
                return bool(self.official(day))
            except NotImplementedError:
                pass
        if day.year in self.years or self.guess:
            return day.weekday() < 5
        raise CalendarGap(day.year)

    def provisional(self) -> WorkCalendar:
        """The same calendar, counting Monday to Friday in years nobody covers (holidays unknown)."""
        return replace(self, guess=True)

    def covers(self, year: int) -> bool:
        """True if working days of `year` are known."""
        try:
            self.is_workday(date(year, 7, 1))
        except CalendarGap:
            return False
        return True


def parse_span(text: str, calendar: WorkCalendar) -> timedelta | None:
    """The working time in `3wd` or `16wh`; None if the text is not a working-time span."""
    m = _SPAN.fullmatch(str(text).lower())
    if not m or int(m[1]) <= 0:
        return None
    return int(m[1]) * (calendar.day_length if m[2] == "wd" else timedelta(hours=1))


def deadline(start: datetime, amount: timedelta, calendar: WorkCalendar) -> datetime:
    """The moment `amount` of working time after `start` has passed (aware, in start's zone)."""
    local = start.astimezone(calendar.zone)
    left = amount
    day = local.date()
    for _ in range(MAX_DAYS):
        if calendar.is_workday(day):
            opens = datetime.combine(day, calendar.opens, calendar.zone)
            closes = datetime.combine(day, calendar.closes, calendar.zone)
            begin = max(local, opens)
            if begin < closes:
                if begin + left <= closes:
                    return (begin + left).astimezone(start.tzinfo)
                left -= closes - begin
        day += timedelta(days=1)
    raise CalendarGap(day.year)


def before(end: datetime, amount: timedelta, calendar: WorkCalendar) -> datetime:
    """The moment `amount` of working time before `end` (aware, in end's zone): a reminder's time."""
    local = end.astimezone(calendar.zone)
    left = amount
    day = local.date()
    for _ in range(MAX_DAYS):
        if calendar.is_workday(day):
            opens = datetime.combine(day, calendar.opens, calendar.zone)
            stop = min(local, datetime.combine(day, calendar.closes, calendar.zone))
            if stop > opens:
                if stop - left >= opens:
                    return (stop - left).astimezone(end.tzinfo)
                left -= stop - opens
        day -= timedelta(days=1)
    raise CalendarGap(day.year)
