"""Routing: who is responsible for a new ticket, and who stands above them in the grid tree."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LADDER = ("small_leader", "big_leader", "admin")


class Track(StrEnum):
    """The three-way split (三事分流) of the field."""

    PUBLIC = "public"  # 公家事: to a named liaison
    COMMUNITY = "community"  # 大家事: to the gridworker
    HOUSEHOLD = "household"  # 自家事: to the gridworker, with volunteers copied in


@dataclass(frozen=True)
class Candidate:
    """A worker who could take the ticket and how many open tickets they already hold."""

    person_id: int
    open_count: int
    reachable: bool = (
        True  # False: they blocked the bot (or never started it), so a request cannot reach them
    )


@dataclass(frozen=True)
class Routing:
    """The routing decision: the assignee and who is copied in."""

    assignee_id: int | None
    copied: tuple[int, ...] = ()


def choose(
    track: Track,
    liaison_id: int | None,
    workers: list[Candidate],
    leaders: list[int],
    volunteers: list[int],
    unreachable: frozenset[int] = frozenset(),
) -> Routing:
    """Pick the assignee: liaison for public matters, else the least-loaded worker, else a leader.
    Nobody the bot cannot reach (a worker with `reachable` False, or a liaison or leader in
    `unreachable`) gets a new ticket while someone reachable can take it."""
    if track is Track.PUBLIC and liaison_id is not None and liaison_id not in unreachable:
        return Routing(liaison_id)
    near = [p for p in leaders if p not in unreachable]
    pool = [w for w in workers if w.reachable and w.person_id not in unreachable] or ([] if near else workers)
    if pool:
        best = min(pool, key=lambda c: (c.open_count, c.person_id))
        copied = tuple(v for v in volunteers if v != best.person_id) if track is Track.HOUSEHOLD else ()
        return Routing(best.person_id, copied)
    fallback = near or leaders
    return Routing(fallback[0] if fallback else None)


def ancestors(grid: str, parents: dict[str, str | None]) -> list[str]:
    """The grid's ancestors, nearest first (guarding against cycles)."""
    chain: list[str] = []
    current = parents.get(grid)
    while current is not None and current not in chain and current != grid:
        chain.append(current)
        current = parents.get(current)
    return chain


def next_up(holders: dict[str, list[int]], after: int | None) -> int | None:
    """The first leader up the ladder (small-group, big-grid, admin) who is not `after`."""
    for role in LADDER:
        for person in holders.get(role, []):
            if person != after:
                return person
    return None
