"""The volunteer time bank (时间银行, seed 001) around a wish: who may record hours, when they count,
what a balance shows, who is thanked, and how an account holder pays for their own wish.

Pure: the account arithmetic is `bot.domain.assessment` (balance, earn, spend); this module adds the
rules tied to a ticket. Minutes are the unit everywhere; hours are only for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from bot.domain.assessment import HoursEntry, NotEnoughHours, balance, earn, spend
from bot.domain.model import Event, Kind, Refused, Status, Ticket

CHOICES = (30, 60, 120)  # the hours question's buttons, in minutes: 0.5 h, 1 h, 2 h
TOP = 3  # volunteers thanked in the monthly post


@dataclass(frozen=True)
class Account:
    """A volunteer's account in minutes: confirmed earnings, spending, and earnings still pending."""

    earned: int = 0
    spent: int = 0
    pending: int = 0

    @property
    def balance(self) -> int:
        """What may be spent: confirmed earnings less spending."""
        return max(0, self.earned - self.spent)


def account(entries: Iterable[HoursEntry]) -> Account:
    """Sum a volunteer's entries (earned-and-confirmed, spent, earned-but-pending)."""
    rows = list(entries)
    return Account(
        earned=sum(e.minutes for e in rows if e.minutes > 0 and e.confirmed),
        spent=-sum(e.minutes for e in rows if e.minutes < 0),
        pending=sum(e.minutes for e in rows if e.minutes > 0 and not e.confirmed),
    )


def hours(minutes: int) -> str:
    """Minutes as hours for people: 90 → "1.5", 120 → "2", 20 → "0.33"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def may_record(t: Ticket, person_id: int | None, counted: bool, own: bool = False) -> None:
    """Refused unless `person_id` closed this wish and their hours on it were not counted yet; nobody
    earns hours on their own wish (`own`: the helper is its resident)."""
    if t.kind is not Kind.WISH or person_id is None or t.closed_by != person_id:
        raise Refused("hours_not_yours")
    if own:
        raise Refused("hours_own_wish")
    if t.status is Status.OPEN or t.outcome not in (None, "resolved"):
        raise Refused("hours_not_yours")  # only a wish its helper reported as done earns hours
    if counted:
        raise Refused("hours_counted")


def checked(minutes: int | None, max_hours: float) -> int:
    """The minutes to record: refused when unreadable or above the per-wish cap (Refused)."""
    if minutes is None or minutes <= 0:
        raise Refused("hours_unreadable")
    if minutes > round(max_hours * 60):
        raise Refused("hours_too_many", most=hours(round(max_hours * 60)))
    return earn(minutes, confirmed=False).minutes


def counts_now(t: Ticket) -> bool:
    """Hours recorded on a wish count at once when its resident has already confirmed it."""
    return t.status is Status.DONE


def recorded(t: Ticket, person_id: int, minutes: int) -> Event:
    """The timeline's line for hours recorded (counted or waiting for the resident)."""
    detail = {"minutes": minutes, "person": person_id, "counted": counts_now(t)}
    return Event("hours", t.status.value, t.status.value, detail)


def may_pay(t: Ticket, user_id: int, earned: int | None, paid: bool) -> int:
    """The minutes to pay: refused unless the wish's own resident pays, once, for a confirmed wish
    whose helper's hours (`earned`, counted) were recorded."""
    if t.resident_id != user_id or t.kind is not Kind.WISH:
        raise Refused("not_resident")
    if t.status is not Status.DONE or not earned:
        raise Refused("hours_nothing_to_pay")
    if paid:
        raise Refused("hours_paid_already")
    return earned


def pay(t: Ticket, entries: list[HoursEntry], minutes: int, helper: int | None) -> Event:
    """The payer's spend for the helper's hours (Refused "hours_not_enough" over the balance)."""
    try:
        spend(entries, minutes)
    except NotEnoughHours:
        raise Refused("hours_not_enough", have=hours(balance(entries)), need=hours(minutes)) from None
    return Event("hours_paid", t.status.value, t.status.value, {"minutes": minutes, "to": helper})


def thanked(totals: dict[int, int], limit: int = TOP) -> list[tuple[int, int]]:
    """The month's top volunteers: (person, minutes), most hours first, ties by roster order."""
    ranked = sorted(((p, m) for p, m in totals.items() if m > 0), key=lambda pm: (-pm[1], pm[0]))
    return ranked[:limit]
