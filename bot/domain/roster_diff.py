"""What a roster file changes against the stored roster: only real changes count."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from bot.domain.roster import Roster


class StoredGrid(NamedTuple):
    """A stored grid."""

    name: str
    parent: str | None
    level: str


class StoredPerson(NamedTuple):
    """A stored roster person and their roles as (grid, role) pairs."""

    name: str
    phone: str | None
    tg_user_id: int | None
    locale: str | None
    active: bool
    roles: frozenset[tuple[str, str]]


@dataclass
class RosterDiff:
    """Codes (and names) of what the import adds, changes and deactivates."""

    grids_added: list[tuple[str, str]] = field(default_factory=list)
    grids_changed: list[tuple[str, str]] = field(default_factory=list)
    added: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, roles
    changed: list[tuple[str, str, list[str]]] = field(default_factory=list)  # code, name, fields
    deactivated: list[tuple[str, str]] = field(default_factory=list)
    active_before: int = 0

    def deactivated_share(self) -> float:
        """Deactivated people as a share of the people active before the import."""
        return len(self.deactivated) / self.active_before if self.active_before else 0.0


def _person_changes(old: StoredPerson, new: StoredPerson) -> list[str]:
    fields = [
        name for name in ("name", "phone", "locale", "roles") if getattr(old, name) != getattr(new, name)
    ]
    if new.tg_user_id is not None and old.tg_user_id != new.tg_user_id:
        fields.append("telegram_id")
    if not old.active:
        fields.append("reactivated")
    return fields


def diff(grids: dict[str, StoredGrid], people: dict[str, StoredPerson], roster: Roster) -> RosterDiff:
    """Compare the stored grids and people with a roster file."""
    d = RosterDiff(active_before=sum(p.active for p in people.values()))
    for g in roster.grids:
        row = StoredGrid(g.name, g.parent, g.level)
        if g.code not in grids:
            d.grids_added.append((g.code, g.name))
        elif grids[g.code] != row:
            d.grids_changed.append((g.code, g.name))
    for p in roster.people:
        roles = frozenset((r.grid, r.role) for r in p.roles)
        new = StoredPerson(p.name, p.phone, p.telegram_id, p.locale, True, roles)
        if p.code not in people:
            d.added.append((p.code, p.name, ", ".join(f"{role}@{grid}" for grid, role in sorted(roles))))
        elif fields := _person_changes(people[p.code], new):
            d.changed.append((p.code, p.name, fields))
    listed = {p.code for p in roster.people}
    d.deactivated = sorted(
        (code, row.name) for code, row in people.items() if row.active and code not in listed
    )
    return d
