"""SLA tiers and durations: `90s`, `30m`, `2h`, `3d`, `1w`, or combinations like `1h30m`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.domain import workdays
from bot.domain.workdays import WorkCalendar

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+)\s*([smhdw])")


def parse_duration(text: str) -> timedelta:
    """Parse a duration such as `90s`, `2h` or `1d12h`; raise ValueError if malformed."""
    cleaned = str(text).strip().lower()
    if not cleaned or _PART.sub("", cleaned).strip():
        raise ValueError(f"not a duration: {text!r} (write e.g. 90s, 30m, 2h, 3d)")
    seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(cleaned))
    if seconds <= 0:
        raise ValueError(f"duration must be positive: {text!r}")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """Render a duration compactly, the inverse of parse_duration for whole units."""
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class Tier:
    """How long a ticket may wait to be accepted and to be resolved.

    A span named in `working` ("accept", "resolve") is working time on `calendar` (`3wd`, `16wh`):
    its deadline skips nights, weekends and holidays (bot.domain.workdays).
    """

    name: str
    accept: timedelta
    resolve: timedelta
    working: frozenset[str] = frozenset()
    calendar: WorkCalendar | None = None

    def _clock(self, which: str) -> WorkCalendar | None:
        return self.calendar if which in self.working else None

    def later(self, which: str, start: datetime, span: timedelta) -> datetime:
        """`span` after `start` on the clock of deadline `which`: working time for a working tier (in a
        year no calendar covers, Monday to Friday: see `uncovered`), else wall-clock time."""
        calendar = self._clock(which)
        if calendar is None:
            return start + span
        try:
            return workdays.deadline(start, span, calendar)
        except workdays.CalendarGap:
            return workdays.deadline(start, span, calendar.provisional())

    def earlier(self, which: str, end: datetime, span: timedelta) -> datetime:
        """`span` before `end` on the clock of deadline `which` (a reminder before the deadline)."""
        calendar = self._clock(which)
        if calendar is None:
            return end - span
        try:
            return workdays.before(end, span, calendar)
        except workdays.CalendarGap:
            return workdays.before(end, span, calendar.provisional())

    def uncovered(self, which: str, since: datetime, due: datetime) -> int | None:
        """The first year from `since` to `due` that no calendar covers, if deadline `which` counts
        working time across it (so it was counted Monday to Friday, holidays unknown); else None."""
        calendar = self._clock(which)
        if calendar is None:
            return None
        first, last = (m.astimezone(calendar.zone).year for m in (since, due))
        return next((y for y in range(first, last + 1) if not calendar.covers(y)), None)

    def accept_by(self, start: datetime) -> datetime:
        """The acceptance deadline of a ticket submitted (or handed on) at `start`."""
        return self.later("accept", start, self.accept)

    def resolve_by(self, start: datetime) -> datetime:
        """The resolution deadline counted from `start`."""
        return self.later("resolve", start, self.resolve)


DEFAULT_TIERS = {
    "urgent": Tier("urgent", timedelta(minutes=30), timedelta(hours=24)),
    "normal": Tier("normal", timedelta(hours=2), timedelta(days=3)),
    "wish": Tier("wish", timedelta(hours=24), timedelta(days=7)),
}


@dataclass(frozen=True)
class QuietHours:
    """A daily local window in which nothing is sent to workers or residents."""

    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        """True if the local wall-clock time falls inside the window."""
        t = local.timetz().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def release_time(self, local: datetime) -> datetime:
        """The first local moment at or after `local` outside the window."""
        if not self.contains(local):
            return local
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=self.end.second, microsecond=0)
        return end if end > local else end + timedelta(days=1)
