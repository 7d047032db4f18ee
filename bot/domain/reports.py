"""Report arithmetic: tallies, the three rates, red flags, service stars, grid ranking.

Pure: no Telegram, no SQLite. The store computes the raw counts with SQL over the event log; this
module turns them into rates and rankings and decides ties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Protocol, TypeVar

FLAG_ACTIONS = ("confirm", "auto_confirm")  # a ticket done by the resident's word or by the clock
ACCEPT_ACTIONS = ("accept", "claim", "take")  # someone took the ticket on
REOPEN_ACTIONS = ("reopen", "callback_unsatisfied")  # the resident's "not resolved", or a call-back's (重办)


@dataclass(frozen=True)
class Counts:
    """A worker's (or grid's) tally for a period: tickets accepted, completed (done) and red flags."""

    accepted: int = 0
    completed: int = 0
    flags: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            self.accepted + other.accepted, self.completed + other.completed, self.flags + other.flags
        )


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Rates:
    """The three 12345-hotline rates, kept as numerator and denominator so they can be summed.

    response: accepted within the accept deadline / due to be accepted;
    resolution: confirmed resolved / evaluated by the resident (confirm or "not resolved");
    satisfaction: ratings of 4 or 5 / ratings given.
    """

    on_time: int = 0
    due: int = 0
    resolved: int = 0
    evaluated: int = 0
    satisfied: int = 0
    rated: int = 0

    def __add__(self, o: "Rates") -> "Rates":
        return Rates(
            self.on_time + o.on_time,
            self.due + o.due,
            self.resolved + o.resolved,
            self.evaluated + o.evaluated,
            self.satisfied + o.satisfied,
            self.rated + o.rated,
        )

    @property
    def response(self) -> float | None:
        """Accepted in time / due to be accepted, or None when nothing was due."""
        return _ratio(self.on_time, self.due)

    @property
    def resolution(self) -> float | None:
        """Confirmed resolved / evaluated, or None when nothing was evaluated."""
        return _ratio(self.resolved, self.evaluated)

    @property
    def satisfaction(self) -> float | None:
        """Ratings of 4-5 / ratings given, or None when nobody rated."""
        return _ratio(self.satisfied, self.rated)

    @property
    def score(self) -> float | None:
        """The ranking score: the mean of the rates that have a denominator (None if none has)."""
        present = [r for r in (self.response, self.resolution, self.satisfaction) if r is not None]
        return sum(present) / len(present) if present else None

    @property
    def empty(self) -> bool:
        """True if no rate could be measured."""
        return not (self.due or self.evaluated or self.rated)


class Summable(Protocol):
    """Counts, Rates, Backlog, Results: records that add up."""

    def __add__(self, other: Any) -> Any: ...


A = TypeVar("A", bound=Summable)


def total(items: Iterable[A]) -> A | None:
    """The sum of Counts or Rates (an empty iterable gives None)."""
    result: A | None = None
    for item in items:
        result = item if result is None else result + item
    return result


def percent(value: float | None) -> str:
    """`85%`, or `—` when the rate has no denominator."""
    return "—" if value is None else f"{round(value * 100)}%"


# --- red flags ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagEvent:
    """One event as the flag rule sees it (the SQL in bot/store/reports.py applies the same rule)."""

    ticket_id: int
    event_id: int
    action: str
    credited: int | None
    self_submitted: bool
    at: datetime


def count_flags(events: Iterable[FlagEvent], start: datetime, end: datetime) -> dict[int, int]:
    """Red flags per person for [start, end): one per ticket, at its first confirm or auto-confirm,
    credited to whoever closed it; none for a ticket a worker submitted themselves."""
    first: dict[int, FlagEvent] = {}
    for e in events:
        if e.action in FLAG_ACTIONS and (
            e.ticket_id not in first or e.event_id < first[e.ticket_id].event_id
        ):
            first[e.ticket_id] = e
    flags: dict[int, int] = {}
    for e in first.values():
        if start <= e.at < end and not e.self_submitted and e.credited is not None:
            flags[e.credited] = flags.get(e.credited, 0) + 1
    return flags


# --- service stars -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A worker in the running for service star: flags, rates, and when they earned their last flag."""

    person_id: int
    name: str
    flags: int
    rates: Rates = field(default_factory=Rates)
    last_flag_at: datetime | None = None


def _higher_first(value: float | None) -> float:
    return -(value if value is not None else -1.0)


def service_stars(candidates: Iterable[Candidate], n: int = 3) -> list[Candidate]:
    """The top `n` by red flags; ties go to higher satisfaction, then to whoever reached their count
    first (earliest last flag-earning completion), then to the lower roster id."""
    ranked = sorted(
        (c for c in candidates if c.flags > 0),
        key=lambda c: (
            -c.flags,
            _higher_first(c.rates.satisfaction),
            c.last_flag_at.timestamp() if c.last_flag_at else float("inf"),
            c.person_id,
        ),
    )
    return ranked[:n]


# --- grid ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridScore:
    """A grid and its rates for the month."""

    code: str
    name: str
    rates: Rates
    penalty: float = 0.0  # supervision (督办) marks of the month, subtracted from the score

    @property
    def score(self) -> float | None:
        """The ranking score: the rates' mean less the supervision penalty (None if nothing measured)."""
        return None if self.rates.score is None else self.rates.score - self.penalty


@dataclass(frozen=True)
class Ranked:
    """A grid's place in the ranking (1 = best); `rank` is None for a grid with nothing to measure."""

    grid: GridScore
    rank: int | None


def rank_grids(scores: Iterable[GridScore]) -> list[Ranked]:
    """Grids by score (mean of the three rates), ties by satisfaction, response, resolution, then more
    tickets measured, then code. Grids with nothing measured come last, unranked."""
    measured = [s for s in scores if not s.rates.empty]
    unmeasured = sorted((s for s in scores if s.rates.empty), key=lambda s: s.code)

    def key(s: GridScore) -> tuple:
        r = s.rates
        return (
            _higher_first(s.score),
            _higher_first(r.satisfaction),
            _higher_first(r.response),
            _higher_first(r.resolution),
            -(r.due + r.evaluated + r.rated),
            s.code,
        )

    ordered = sorted(measured, key=key)
    return [Ranked(s, i + 1) for i, s in enumerate(ordered)] + [Ranked(s, None) for s in unmeasured]


def best_grid(ranking: list[Ranked]) -> GridScore | None:
    """The first-ranked grid (the "mobile red banner"), if any grid was measured."""
    return ranking[0].grid if ranking and ranking[0].rank == 1 else None


def bottom_two(ranking: list[Ranked]) -> list[GridScore]:
    """The last two ranked grids, worst last; never the best grid (with two grids, only one is named)."""
    ranked = [r.grid for r in ranking if r.rank is not None]
    count = min(2, max(0, len(ranked) - 1))
    return ranked[len(ranked) - count :] if count else []


def named_twice(current: list[GridScore], previous: list[GridScore]) -> list[GridScore]:
    """Grids in the bottom two this month and last month: to be reported up."""
    before = {g.code for g in previous}
    return [g for g in current if g.code in before]
