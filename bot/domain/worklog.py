"""The daily work log (工作日志, Baishui practice): who may write one, what `/log …` means, who has
been idle, and how a day's photos are cut into albums. Pure: no I/O, time passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.inputs import parse_number, visible
from bot.domain.tickets import Status, Ticket

LOGGERS = frozenset({"worker"})  # 网格员: the roster role that keeps a work log
MAX_TEXT = 1000  # characters of one entry; longer lines are refused, never cut silently
ALBUM_MAX = 10  # Telegram: 2 to 10 photos in one album (sendMediaGroup)
_TICKET = re.compile(r"^[#＃]\s*(?P<n>\S*)(?:\s+(?P<rest>.*))?$", re.DOTALL)


@dataclass(frozen=True)
class LogInput:
    """What `/log …` asked for: the line, and the ticket it belongs to (`#N` first), if any."""

    text: str
    ticket_id: int | None = None


@dataclass(frozen=True)
class Entry:
    """One stored work-log entry, as the digest reads it."""

    id: int
    person_id: int
    grid: str
    at: datetime
    text: str
    photo_file_id: str | None = None
    ticket_id: int | None = None
    more_photos: tuple[str, ...] = ()  # the album's other photos, in the order they came

    @property
    def photos(self) -> tuple[str, ...]:
        """Every photo of the entry, the captioned one first."""
        return ((self.photo_file_id,) if self.photo_file_id else ()) + self.more_photos


def parse_log(raw: str | None) -> LogInput:
    """`/log` arguments: `#N line` attaches the line to ticket N; anything else is the line itself
    (a leading plain number is part of the line: "3 households visited" names no ticket).
    Raises ValueError("bad_ticket") for a `#` not followed by a ticket number."""
    text = visible(raw)
    m = _TICKET.match(text)
    if m is None:
        return LogInput(text)
    number = parse_number(m["n"])
    if number is None:
        raise ValueError("bad_ticket")
    return LogInput(visible(m["rest"]), number)


def refusal(worker_grids: list[str], text: str | None) -> str | None:
    """Why this entry cannot be stored (a refusal reason), or None: only a worker (a LOGGERS role on
    some grid) logs, and an entry needs its line (a photo alone says nothing a leader can review),
    of at most MAX_TEXT characters. `text` None: not given yet (it will be asked for)."""
    if not worker_grids:
        return "not_logger"
    if text is None:
        return None
    if not text:
        return "log_empty"
    if len(text) > MAX_TEXT:
        return "log_too_long"
    return None


def ticket_refusal(t: Ticket | None, person_id: int) -> str | None:
    """Why an entry cannot go with this ticket, or None: it must be one the worker closed (the photo of
    the finished work, added later)."""
    if t is None or t.closed_by != person_id:
        return "log_not_your_ticket"
    if t.status not in (Status.CLOSED, Status.DONE):
        return "log_ticket_not_closed"
    return None


def idle_since(day_end: datetime, idle_days: int) -> datetime:
    """The start of the window a worker must have logged in: `idle_days` days before the day's end."""
    return day_end - timedelta(days=idle_days)


def idle_workers(
    workers: dict[int, str],
    last_logged: dict[int, datetime],
    since: datetime,
    started: datetime | None = None,
) -> list[str]:
    """Names of the workers with no entry since `since`, by name (a worker who never logged counts
    too); nobody while the work log has not yet run for the whole window (it began after `since`)."""
    if started is not None and started > since:
        return []
    return sorted(
        name for pid, name in workers.items() if not (pid in last_logged and last_logged[pid] >= since)
    )


def albums(count: int, size: int = ALBUM_MAX) -> list[tuple[int, int]]:
    """[start, end) slices cutting `count` photos into albums of at most `size`, as even as possible,
    so that none holds a single photo unless there is only one (that one is sent as a plain photo)."""
    if count <= 0:
        return []
    parts = -(-count // size)
    base, extra = divmod(count, parts)
    out, start = [], 0
    for i in range(parts):
        end = start + base + (1 if i < extra else 0)
        out.append((start, end))
        start = end
    return out
