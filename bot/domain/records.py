"""The records services work with besides tickets: Telegram users, roster people, grids, groups, prompts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class User:
    """A Telegram user the bot has seen."""

    tg_user_id: int
    first_name: str = ""
    locale: str | None = None
    started: bool = False
    blocked: bool = False
    home_grid: str | None = None
    tg_language: str | None = None  # from Telegram's language_code; users.locale is the user's choice
    roster_locale: str | None = None  # the roster's language for a staff member's account

    @property
    def reachable(self) -> bool:
        """The bot may write to them privately: they started it and did not block it."""
        return self.started and not self.blocked


@dataclass(frozen=True)
class Person:
    """A roster person: staff or volunteer."""

    id: int
    code: str
    name: str
    tg_user_id: int | None
    locale: str | None
    invite_code: str
    active: bool


@dataclass(frozen=True)
class Grid:
    """A grid of the tree (community, big grid, small grid)."""

    code: str
    name: str
    parent: str | None = None
    level: str = ""


@dataclass(frozen=True)
class Group:
    """A Telegram group, the grid it is bound to, and the bot's standing there."""

    chat_id: int
    link_code: str
    grid: str | None = None
    title: str | None = None
    locale: str | None = None
    member: bool = True
    can_delete: bool = False
    bound_by: int | None = None
    bound_at: datetime | None = None


@dataclass(frozen=True)
class Prompt:
    """A ForceReply question the bot asked, so an answer can be matched to it."""

    id: int
    chat_id: int
    user_id: int
    purpose: str
    ticket_id: int | None = None
    message_id: int | None = None
    photo_file_id: str | None = None  # a photo sent with the command, waiting for its text
    origin_message_id: int | None = None  # that photo's message, removed with a complaint


@dataclass(frozen=True)
class StaffLabel:
    """A person's name and every role they hold, to label them near a ticket."""

    name: str
    roles: frozenset[str] = frozenset()
