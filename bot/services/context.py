"""What every service needs: the database, the configuration, and the outbox's wake-up call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncContextManager, Callable

from bot.config import Config
from bot.store.db import Database
from bot.store.uow import UnitOfWork, reading, unit_of_work


@dataclass
class Ctx:
    """Shared service dependencies."""

    db: Database
    config: Config
    kick: Callable[[], None] = field(default=lambda: None)
    bot_username: str = ""

    def uow(self, update_id: int | None = None) -> AsyncContextManager[UnitOfWork]:
        """`async with ctx.uow(update_id) as uow:` one use case's transaction and its repositories."""
        return unit_of_work(self.db, update_id)

    def read(self) -> UnitOfWork:
        """Repositories over committed data, for answers that change nothing."""
        return reading(self.db)

    def deep_link(self, payload: str) -> str:
        """A t.me link that opens a private chat with the bot and sends /start payload."""
        username = self.bot_username or self.config.bot_username
        if not username:  # never a link to somebody else's bot
            raise UsernameUnknown
        return f"https://t.me/{username}?start={payload}"


class UsernameUnknown(Exception):
    """The bot's username is not known yet (the bot never ran, so getMe was never asked)."""


@dataclass
class Who:
    """The Telegram user behind an update."""

    id: int
    first_name: str = ""
    language: str | None = None


@dataclass
class Outcome:
    """What a service tells the acting user right away (a button's toast), after storing notices."""

    answer: str = ""
    ticket_id: int | None = None
