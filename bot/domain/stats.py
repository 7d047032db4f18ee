"""What /stats shows: whose figures (a leader's grids or a worker's own), for which month, and the
per-worker rows. Pure: the counts come in from the store as {(grid, person): value}."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from bot.domain.periods import Period, last_complete, month_of
from bot.domain.reports import Counts

LEADER_ROLES = ("small_leader", "big_leader", "admin")


class BadArgument(ValueError):
    """`/stats` takes nothing or `last`."""


def month(arg: str, now: datetime, zone: ZoneInfo) -> Period:
    """This month so far (no argument) or the last complete month (`last`)."""
    word = arg.strip().lower()
    if word in ("", "now", "本月"):
        return month_of(now, zone).until(now)
    if word in ("last", "上月"):
        return last_complete("month", now, zone)
    raise BadArgument(arg)


def led_grids(roles: list[tuple[str, str]]) -> list[str]:
    """The grids a person leads (as small-group leader, big-grid leader or admin)."""
    return sorted({grid for grid, role in roles if role in LEADER_ROLES})


def area_of(led: list[str], subtree: Callable[[str], list[str]]) -> list[str]:
    """Every grid at or below the led ones, each once, in tree order."""
    return list(dict.fromkeys(code for g in led for code in subtree(g)))


@dataclass(frozen=True)
class WorkerRow:
    """A worker's month in the area."""

    person_id: int
    counts: Counts


def worker_rows(counts: dict[tuple[str, int | None], Counts], area: set[str]) -> list[WorkerRow]:
    """Each person's accepted, completed and red flags in the area, most red flags first; people with
    nothing (and the unassigned) are left out."""
    totals: dict[int, Counts] = {}
    for (grid, person), c in counts.items():
        if grid in area and person is not None:
            totals[person] = totals.get(person, Counts()) + c
    rows = [WorkerRow(p, c) for p, c in totals.items() if c != Counts()]
    return sorted(rows, key=lambda r: (-r.counts.flags, -r.counts.completed, -r.counts.accepted, r.person_id))
