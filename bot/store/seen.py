"""What one unit of work has already read, shared by its repositories so that nothing is read twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain.records import Group, Person, StaffLabel, User


@dataclass
class Seen:
    """Records read in this unit of work, by id (None: looked up and not found)."""

    users: dict[int, User | None] = field(default_factory=dict)
    people: dict[int, Person | None] = field(default_factory=dict)
    groups: dict[int, Group | None] = field(default_factory=dict)
    labels: dict[int, StaffLabel | None] = field(default_factory=dict)
    open_counts: dict[int, int] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)  # people whose account blocked the bot
    supporters: dict[int, list[int]] = field(default_factory=dict)  # by ticket, first first
    near: set[int] = field(default_factory=set)  # people loaded with their user, roles and open count


def person_of(row: Any) -> Person:
    """A roster person from a `people` row."""
    return Person(
        row["id"],
        row["code"],
        row["name"],
        row["tg_user_id"],
        row["locale"],
        row["invite_code"],
        bool(row["active"]),
    )


def user_of(row: Any) -> User:
    """A Telegram user from a `users` row."""
    return User(
        row["tg_user_id"],
        row["first_name"] or "",
        row["locale"],
        bool(row["started"]),
        bool(row["blocked"]),
        row["home_grid"],
        row["tg_language"],
        row["roster_locale"],
    )
