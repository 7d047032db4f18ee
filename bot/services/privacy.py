"""A resident's personal data: export everything the store holds about them, or erase it.

Erasure anonymises in one transaction and keeps the shape the reports need: every ticket stays with
its kind, category, grid, status, assignee, closer, rating, reopen count and deadlines, and every
event stays with its action, statuses, time and staff actor, so tallies, red flags, service stars and
rates come out the same. What goes: the texts (replaced by a marker), photos, locations, close notes,
the Telegram user id (replaced by ERASED_RESIDENT), the users row, drafts, prompts, and messages
still waiting to be sent to the person. Nothing here logs personal data. The queries are in
bot/store/privacy.py.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.tickets import Kind
from bot.services import cards
from bot.services.context import Ctx
from bot.store.privacy import ERASED, ERASED_RESIDENT, ErasureSummary, export, preview

__all__ = ["ERASED", "ERASED_RESIDENT", "ErasureSummary", "erase", "export", "preview"]


async def erase(ctx: Ctx, user_id: int, now: datetime) -> ErasureSummary:
    """Anonymise everything about a resident in ONE transaction; a wish's group card is edited to match."""
    async with ctx.uow() as uow:
        s, ids = await uow.personal.erase(user_id)
        edits = []
        for tid in ids:  # a wish's group card shows its text: the running bot delivers the edit
            t = await uow.tickets.get(tid)
            if t is not None and t.kind is Kind.WISH:
                edits += await cards.card(ctx, uow, t)
        await uow.outbox.add(edits, now)
        s.cards_updated = len(edits)
    ctx.kick()
    return s
