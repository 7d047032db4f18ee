"""Notices: what to tell whom, stored in the outbox inside the state change's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from bot.domain.notices import Buttons, Notice, release_at
from bot.domain.sla import QuietHours
from bot.store.uow import UnitOfWork

__all__ = ["Buttons", "ButtonsFor", "Notice", "enqueue", "release_at"]

ButtonsFor = Callable[[str], Buttons | None]  # a message's buttons in the reader's locale


async def enqueue(
    uow: UnitOfWork,
    notices: list[Notice],
    now: datetime,
    quiet: QuietHours | None = None,
    zone: ZoneInfo | None = None,
) -> int:
    """Write notices to the outbox in order; quiet ones wait for the end of quiet hours."""
    return await uow.outbox.add(notices, now, quiet, zone)
