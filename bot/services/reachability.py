"""A staff member the bot can no longer reach (they blocked it): their leader is told at once, with
buttons to hand each of their open tickets to someone else; routing already passes them over."""

from __future__ import annotations

from bot import i18n
from bot.domain.records import Person
from bot.domain.routing import next_up
from bot.domain.tickets import Ticket
from bot.services import locales, views
from bot.services.context import Ctx
from bot.services.notices import Notice
from bot.store.uow import UnitOfWork
from bot import callback_data as cb

MAX_SHOWN = 20  # tickets listed one by one with their buttons; the rest are named in the notice


async def staff_blocked(ctx: Ctx, uow: UnitOfWork, user_id: int, cause: str = "blocked") -> list[Notice]:
    """Notices to the leaders above a staff member who just blocked the bot, or whom it cannot write to
    because they never started it (`cause` "not_started"); nothing for residents."""
    person = await uow.people.person_by_user(user_id)
    if person is None:
        return []
    tickets = await uow.tickets.queue_of(person.id, 200)
    by_leader: dict[int, list[Ticket]] = {}
    for grid in dict.fromkeys([t.grid for t in tickets] + await uow.people.role_grids(person.id)):
        leader = next_up(await uow.people.ladder(grid), person.id)
        if leader is not None:
            by_leader.setdefault(leader, []).extend(t for t in tickets if t.grid == grid)
    out: list[Notice] = []
    for leader, theirs in by_leader.items():
        out += await _tell(ctx, uow, leader, person, theirs, cause)
    return out


async def _tell(
    ctx: Ctx, uow: UnitOfWork, leader_id: int, person: Person, tickets: list[Ticket], cause: str
) -> list[Notice]:
    """One leader's notice in their language (who, how many open tickets), then one short message per
    ticket with Reassign and Take over, so that acting on one leaves the others' buttons in place."""
    leader = await uow.people.person(leader_id)
    if leader is None or leader.tg_user_id is None:
        return []
    loc = await locales.person_locale(ctx, uow, leader_id)
    ids = " ".join(f"#{t.id}" for t in tickets)
    text = i18n.render(loc, "staff_blocked", name=person.name, n=len(tickets), ids=ids, cause=cause)
    out = [Notice(leader.tg_user_id, text)]
    act = [(i18n.label(loc, "btn_reassign"), "rsg"), (i18n.label(loc, "btn_take"), "tak")]
    for t in tickets[:MAX_SHOWN]:
        line = i18n.render(loc, "staff_blocked_ticket", **views.ticket_view(ctx, t, loc))
        buttons = [[(label, cb.escalation(t.id, code)) for label, code in act]]
        out.append(Notice(leader.tg_user_id, line, buttons, ticket_id=t.id, quiet=True))
    return out
