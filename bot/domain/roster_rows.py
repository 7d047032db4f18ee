"""A roster's records as read and validated: grids, people and their roles, and the errors found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LEVELS = ("community", "big_grid", "small_grid", "grid")
ROLES = ("admin", "big_leader", "small_leader", "worker", "volunteer", "liaison")
LOCALES = ("zh", "en")
MAX_CODE = 32
FIELDS = ("kind", "code", "name", "parent", "level", "roles", "telegram_id", "phone", "locale", "note")
ONLY = {"grid": ("parent", "level"), "person": ("roles", "telegram_id", "phone", "locale")}


@dataclass(frozen=True)
class GridRow:
    """One grid of the tree; parent is None for a root (a community)."""

    code: str
    name: str
    parent: str | None
    level: str
    line: int


@dataclass(frozen=True)
class RoleRow:
    """One role a person holds on one grid."""

    role: str
    grid: str


@dataclass(frozen=True)
class PersonRow:
    """One person with their roles and optional contact details."""

    code: str
    name: str
    roles: tuple[RoleRow, ...]
    telegram_id: int | None
    phone: str | None
    locale: str | None
    line: int


@dataclass(frozen=True)
class Roster:
    """A validated roster: all grids and all people, in file order."""

    grids: tuple[GridRow, ...]
    people: tuple[PersonRow, ...]


@dataclass(frozen=True)
class RosterError:
    """One problem in the file: line number (0 = whole file), English and Chinese message."""

    line: int
    message: str
    message_zh: str = ""

    def __str__(self) -> str:
        """Render as 'line N: message'."""
        return f"line {self.line}: {self.message}"


class RosterInvalid(Exception):
    """The roster file has errors; nothing should be applied. `errors` is sorted by line."""

    def __init__(self, errors: list[RosterError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__("\n".join(str(e) for e in self.errors))


class Errors(list[RosterError]):
    """The problems found so far, each in English and Chinese."""

    def add(self, line: int, en: str, zh: str) -> None:
        """Record a problem on a line."""
        self.append(RosterError(line, en, zh))


@dataclass
class Raw:
    """One row (CSV) or table (TOML) as read, before its values are checked."""

    kind: str
    line: int
    fields: dict[str, str]
    roles: list[str] = field(default_factory=list)

    def get(self, key: str) -> str:
        """The field's value, stripped ('' when absent)."""
        return self.fields.get(key, "").strip()


def alias(value: str, aliases: dict[str, str]) -> str:
    """A header, kind, level or role word normalised, with its Chinese or other alias resolved."""
    key = re.sub(r"[\s\-]+", "_", value.strip().lower())
    return aliases.get(key, key)
