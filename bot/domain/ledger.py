"""The office's ledger (台账): one row per ticket, its columns, and the per-grid summary.

Pure: no SQLite, no files. The store yields `Record`s (raw columns, epoch seconds); `ledger_row`
turns one into the values of a row; `Summary` tallies the rows of each grid as they stream past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UNFINISHED = ("open", "accepted")


@dataclass(frozen=True)
class Column:
    """A ledger column: its key (header label `ledger_col_<key>`), width in characters and kind."""

    key: str
    width: int
    kind: str = "text"  # text, int, datetime, flag


BASE_COLUMNS = (
    Column("number", 8, "int"),
    Column("kind", 8),
    Column("category", 12),
    Column("track", 10),
    Column("grid_code", 12),
    Column("grid", 14),
    Column("grid_path", 30),
    Column("status", 9),
    Column("submitted", 17, "datetime"),
    Column("accepted", 17, "datetime"),
    Column("closed", 17, "datetime"),
    Column("confirmed", 17, "datetime"),
    Column("handler_role", 11),
    Column("handler", 10),
    Column("declines", 8, "int"),
    Column("reassigns", 8, "int"),
    Column("extensions", 8, "int"),
    Column("escalations", 8, "int"),
    Column("nudges", 8, "int"),
    Column("supervisions", 8, "int"),
    Column("supervision", 11),
    Column("reopens", 8, "int"),
    Column("accept_late", 9, "flag"),
    Column("resolve_late", 9, "flag"),
    Column("outcome", 12),
    Column("rating", 6, "int"),
    Column("callback", 10),
    Column("close_note", 30),
    Column("supporters", 8, "int"),
    Column("merged_into", 8, "int"),
)
HOURS_COLUMNS = (
    Column("volunteer_hours", 10, "number"),
    Column("hours_state", 10),
    Column("hours_paid", 10, "number"),
)
TEXT_COLUMN = Column("text", 40)
NAME_COLUMNS = (Column("resident_name", 12), Column("resident_id", 14, "int"))


def columns(with_text: bool, with_names: bool, with_hours: bool = True) -> list[Column]:
    """The ledger's columns: the time bank's while it is on; complaint text and residents' names
    only when asked for."""
    return (
        list(BASE_COLUMNS)
        + (list(HOURS_COLUMNS) if with_hours else [])
        + ([TEXT_COLUMN] if with_text else [])
        + (list(NAME_COLUMNS) if with_names else [])
    )


@dataclass(frozen=True)
class Record:
    """One ticket as the store reads it for the ledger (times in epoch seconds)."""

    id: int
    kind: str
    category: str
    grid: str
    status: str
    created_at: float
    first_accept: float | None
    closed_at: float | None
    done_at: float | None
    resolve_due: float | None
    handler_id: int | None
    declines: int
    reassigns: int
    extensions: int
    escalations: int
    nudges: int
    supervisions: int
    supervision: str | None
    reopens: int
    outcome: str | None
    rating: int | None
    close_note: str | None
    supporters: int
    merged_into: int | None
    earned_minutes: int | None  # the time bank: the helper's hours recorded on a wish
    counted_minutes: int | None  # of which counted (the resident confirmed)
    paid_minutes: int | None  # paid for the wish from its resident's time bank
    text: str | None = None
    resident_name: str | None = None
    resident_id: int | None = None
    response_due: float | None = None  # the first accept deadline the ticket had (None: older tickets)
    callback: str | None = None  # the call-back review's answer, if the ticket was sampled


def day_range(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) in the office's zone; raises ValueError if reversed."""
    if last < first:
        raise ValueError("--to is before --from")
    return datetime.combine(first, time(), zone), datetime.combine(last + timedelta(days=1), time(), zone)


def local(epoch: float | None, zone: ZoneInfo) -> datetime | None:
    """Epoch seconds as a naive local datetime (spreadsheets have no time zones), to the second."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(round(epoch), timezone.utc).astimezone(zone).replace(tzinfo=None)


def accept_late(r: Record, accept_seconds: float, now: float) -> bool:
    """First accepted after its first accept deadline (for older tickets: submission + the tier's accept
    time), or never accepted and that passed."""
    deadline = r.response_due if r.response_due is not None else r.created_at + accept_seconds
    if r.first_accept is not None:
        return r.first_accept > deadline
    return r.status in UNFINISHED and now > deadline


def resolve_late(r: Record, now: float) -> bool:
    """Closed after the resolve deadline, or still unfinished with it passed."""
    if r.resolve_due is None:
        return False
    if r.status in UNFINISHED:
        return now > r.resolve_due
    return r.closed_at is not None and r.closed_at > r.resolve_due


def hours_cell(minutes: int | None) -> float | None:
    """Minutes as a number of hours for a spreadsheet cell (1.5), none when nothing was recorded."""
    return None if not minutes else round(minutes / 60, 2)


def hours_state(r: Record) -> str | None:
    """`counted` or `pending` (the label key's suffix) for a wish whose helper recorded hours."""
    if not r.earned_minutes:
        return None
    return "counted" if r.counted_minutes == r.earned_minutes else "pending"


def handler_role(roles: list[tuple[str, str]], ancestry: list[str]) -> str | None:
    """The handler's role on the nearest grid up the ticket's tree, else their first role."""
    for grid in ancestry:
        for g, role in roles:
            if g == grid:
                return role
    return roles[0][1] if roles else None


@dataclass
class GridTally:
    """A grid's tickets submitted in the period, as the ledger rows count them."""

    submitted: int = 0
    done: int = 0
    unfinished: int = 0
    accept_late: int = 0
    resolve_late: int = 0


@dataclass
class Summary:
    """Per-grid tallies gathered while the rows stream (one small entry per grid)."""

    grids: dict[str, GridTally] = field(default_factory=dict)

    def add(self, r: Record, late_accept: bool, late_resolve: bool) -> None:
        """Count one ticket."""
        t = self.grids.setdefault(r.grid, GridTally())
        t.submitted += 1
        t.done += r.status == "done"
        t.unfinished += r.status in UNFINISHED
        t.accept_late += late_accept
        t.resolve_late += late_resolve

    @property
    def rows(self) -> int:
        """How many tickets were counted."""
        return sum(t.submitted for t in self.grids.values())


def months_covered(start: datetime, end: datetime) -> list[str]:
    """The `YYYY-MM` keys of the calendar months that local [start, end) touches, in order."""
    last = end - timedelta(microseconds=1)
    keys, y, m = [], start.year, start.month
    while (y, m) <= (last.year, last.month):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return keys
