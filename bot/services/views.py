"""How a ticket and the people on it read in a message: template parameters, category names, staff labels."""

from __future__ import annotations

from bot import i18n
from bot.domain.tickets import Ticket
from bot.services.context import Ctx
from bot.store.uow import UnitOfWork

ROLE_ORDER = ["worker", "liaison", "small_leader", "big_leader", "admin", "volunteer"]


async def staff_label(uow: UnitOfWork, person_id: int | None, grid: str, locale: str) -> str:
    """`网格员 赵强`: the person's role near the grid and their name."""
    found = await uow.people.label(person_id)
    if found is None:
        return i18n.label(locale, "nobody")
    held = sorted(found.roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else 99)
    role = i18n.label(locale, f"role_{held[0]}") if held else ""
    return f"{role} {found.name}".strip()


def category_name(ctx: Ctx, key: str, locale: str) -> str:
    """The category's display name in a locale."""
    return ctx.config.category(key).names.get(locale, key)


def ticket_view(ctx: Ctx, t: Ticket, locale: str) -> dict:
    """Template parameters describing a ticket."""
    return {
        "t": t,
        "kind": i18n.label(locale, f"kind_{t.kind.value}"),
        "category": category_name(ctx, t.category, locale),
        "status": i18n.label(locale, f"status_{t.status.value}"),
        "tz": ctx.config.timezone,
    }
