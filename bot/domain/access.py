"""Who may bind a group, and who may read a ticket: pure decisions with no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.tickets import Actor, Kind, Ticket

CHAT_ADMINS = frozenset({"administrator", "creator"})


def may_bind(chat_status: str | None, on_target: Actor, on_current: Actor | None) -> str | None:
    """Why binding is refused (a refusal reason), or None when allowed. The sender must lead the target
    grid (or above) and administer the Telegram group; re-binding a bound group also needs a leader of
    the grid it is bound to (or above). `on_current` is None for a group not yet bound."""
    if not on_target.is_leader:
        return "not_binder"
    if chat_status not in CHAT_ADMINS:
        return "not_chat_admin"
    if on_current is not None and not on_current.is_leader:
        return "not_current_leader"
    return None


@dataclass(frozen=True)
class Reader:
    """Someone asking to read a ticket: their Telegram id and their roles near the ticket's grid."""

    actor: Actor
    copied: frozenset[int] = frozenset()  # roster people the ticket was copied to


def may_read(reader: Reader, t: Ticket) -> bool:
    """A wish is public; a complaint is for its resident, its assignee, whoever it was copied to,
    and the leaders of its grid or above (a worker or volunteer sees it only when it is theirs)."""
    if t.kind is Kind.WISH:
        return True
    a = reader.actor
    if a.user_id is not None and a.user_id == t.resident_id:
        return True
    if a.person_id is not None and (a.person_id == t.assignee_id or a.person_id in reader.copied):
        return True
    return a.is_leader


def whole_in_group(t: Ticket) -> bool:
    """A group sees a wish whole; a complaint only by its number and status, never who or what."""
    return t.kind is Kind.WISH
