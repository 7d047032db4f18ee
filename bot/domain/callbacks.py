"""Call-back review (回访审核): the big-grid leader phones residents of a weekly sample of confirmed
tickets and records what they said: satisfied, not satisfied (the ticket goes back to its handler with
the leader's note: 重办) or could not reach them.

Pure: the review and the ticket in, the answered review and the ticket's transition out. The sampling
itself is bot.domain.assessment.callback_sample.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable, Iterable

from bot.domain.assessment import Confirmed, callback_sample
from bot.domain.inputs import is_blank
from bot.domain.sla import Tier
from bot.domain.model import Actor, Event, Result, Status, Ticket, require
from bot.domain.tickets import _move

RESULTS = ("satisfied", "unsatisfied", "unreachable")
REVIEWERS = frozenset({"big_leader", "admin"})
ACTIONS = tuple(f"callback_{r}" for r in RESULTS)  # the timeline events (the reviewer is never named)


@dataclass(frozen=True)
class Review:
    """One sampled ticket: who calls (the big-grid leader), whose work it judges, and the answer."""

    ticket_id: int
    leader_id: int
    worker_id: int | None
    grid: str
    week: str
    result: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True)
class Results:
    """Call-back answers of a worker or grid in a period, summable."""

    satisfied: int = 0
    unsatisfied: int = 0
    unreachable: int = 0

    def __add__(self, o: "Results") -> "Results":
        return Results(
            self.satisfied + o.satisfied, self.unsatisfied + o.unsatisfied, self.unreachable + o.unreachable
        )

    @property
    def reached(self) -> int:
        """Residents reached on the phone: satisfied plus not satisfied."""
        return self.satisfied + self.unsatisfied

    @property
    def rate(self) -> float | None:
        """Call-back satisfaction = satisfied / (satisfied + not satisfied); unreachable left out;
        None when nobody was reached."""
        return self.satisfied / self.reached if self.reached else None

    @property
    def empty(self) -> bool:
        """True when nobody was called back."""
        return not (self.reached or self.unreachable)


def may_answer(review: Review | None, actor: Actor) -> Review:
    """Refused unless the review exists, is still unanswered and the actor is the leader it was sent to."""
    require(review is not None, "no_callback")
    assert review is not None
    require(actor.person_id is not None and actor.person_id == review.leader_id, "not_your_callback")
    require(bool(REVIEWERS & (actor.roles_here | actor.roles_above)), "not_leader")
    require(review.result is None, "callback_answered")
    return review


def may_reopen(review: Review | None, t: Ticket, actor: Actor) -> Review:
    """Refused unless the actor may answer "not satisfied" and the ticket is done (the note is asked)."""
    review = may_answer(review, actor)
    require(t.status is Status.DONE, "not_done")
    return review


def _answered(review: Review, result: str, now: datetime) -> Review:
    return replace(review, result=result, answered_at=now)


def record(
    review: Review | None, t: Ticket, actor: Actor, now: datetime, result: str
) -> tuple[Review, Result]:
    """Satisfied or could not reach: the review is answered and one event goes on the ticket's timeline."""
    review = may_answer(review, actor)
    require(result in ("satisfied", "unreachable"), "bad_button")
    detail = {"worker": review.worker_id}
    return _answered(review, result, now), (
        t,
        [Event(f"callback_{result}", t.status.value, t.status.value, detail)],
    )


def reopen(
    review: Review | None,
    t: Ticket,
    actor: Actor,
    now: datetime,
    tier: Tier,
    note: str,
    to_person: int | None = None,
) -> tuple[Review, Result]:
    """Not satisfied: the done ticket goes back to whoever handled it (or `to_person`, when they have
    left), accepted, with a fresh resolve deadline and the leader's note (the resident's first verdict
    and red flag stand)."""
    review = may_reopen(review, t, actor)
    require(not is_blank(note), "empty_callback_note")
    handler = to_person or t.closed_by or t.assignee_id
    detail = {"note": note, "assignee": handler, "worker": review.worker_id}
    moved = _move(
        t,
        "callback_unsatisfied",
        Status.ACCEPTED,
        detail,
        assignee_id=handler,
        accepted_at=now,
        reopen_count=t.reopen_count + 1,
        closed_at=None,
        done_at=None,
        confirm_due=None,
        outcome=None,
        referred_to=None,
        report_due=None,
        resolve_due=tier.resolve_by(now),
        escalation_level=0,
    )
    return _answered(review, "unsatisfied", now), moved


def plan_week(
    candidates: Iterable[tuple[Confirmed, str]],
    leader_of: Callable[[str], int | None],
    share: float,
    minimum: int,
    week: str,
) -> dict[int, tuple[list[Review], int]]:
    """Each leader's reviews for the week and how many tickets they were drawn from: the confirmed
    tickets (with their grids) go to the leader `leader_of(grid)` names (none: not sampled), and each
    leader's pool is sampled on its own, seeded by the week and the leader (reproducible)."""
    pools: dict[int, list[tuple[Confirmed, str]]] = {}
    for c, grid in candidates:
        leader = leader_of(grid)
        if leader is not None:
            pools.setdefault(leader, []).append((c, grid))
    plan = {}
    for leader, pool in sorted(pools.items()):
        grids = {c.ticket_id: g for c, g in pool}
        picks = callback_sample([c for c, _ in pool], share, minimum, f"{week}:{leader}")
        plan[leader] = (
            [Review(c.ticket_id, leader, c.worker_id, grids[c.ticket_id], week) for c in picks],
            len(grids),
        )
    return plan


_PHONE_CHARS = set("0123456789+-() ")


def parse_phone(text: str) -> str | None:
    """A phone number as a resident types it (full-width digits too): 6-15 digits with spaces, +, -,
    brackets; None for anything else."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    digits = sum(c.isdigit() for c in raw)
    if not raw or not set(raw) <= _PHONE_CHARS or not 6 <= digits <= 15:
        return None
    return " ".join(raw.split())
