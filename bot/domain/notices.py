"""Notices: what to tell whom. Services make them; the store keeps them in the outbox; delivery sends them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.sla import QuietHours

Buttons = list[list[tuple[str, str]]]
_PAYLOAD = ("text", "buttons", "force_reply", "prompt", "photo", "message_id", "extra")  # in field order


@dataclass
class Notice:
    """One message to deliver: `op` is send, card (send or edit a ticket's group card), delete, photo,
    or retire (edit the ticket's last message in the chat tagged `extra["retire"]`, e.g. a request whose
    buttons no longer apply; a sent message's tag is `extra["tag"]`)."""

    chat_id: int
    text: str = ""
    buttons: Buttons | None = None
    op: str = "send"
    ticket_id: int | None = None
    quiet: bool = False
    force_reply: bool = False
    prompt: dict[str, Any] | None = None
    photo: str | None = None
    message_id: int | None = None
    fallback_chat_id: int | None = None
    fallback_text: str | None = None
    fallback_buttons: Buttons | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> str:
        """The JSON the deliverer reads."""
        data = {k: v for k in _PAYLOAD if (v := getattr(self, k))}
        return json.dumps(data, ensure_ascii=False)

    def fallback_payload(self) -> str | None:
        """The group-safe variant used when the private chat is closed to the bot."""
        if self.fallback_chat_id is None:
            return None
        data: dict[str, object] = {"text": self.fallback_text, "buttons": self.fallback_buttons}
        if self.extra.get("tag"):  # the group variant can be retired like the private one
            data["extra"] = {"tag": self.extra["tag"]}
        return json.dumps(data, ensure_ascii=False)


def release_at(now: datetime, quiet: QuietHours | None, zone: ZoneInfo | None) -> datetime:
    """When a notice written now may go out, holding it through quiet hours."""
    if quiet is None or zone is None:
        return now
    local = now.astimezone(zone)
    return quiet.release_time(local).astimezone(now.tzinfo)


def fold_into_cards(notices: list[Notice], limit: int = 4096) -> list[Notice]:
    """A ticket's group notice written with its card goes into the card's message (one edit instead of
    an edit and a new message, which count twice against a group's 20 messages a minute): its text
    below the card's, its buttons below the card's. Prompts and overlong texts stay separate."""
    out: list[Notice] = []
    cards: dict[tuple[int | None, int], int] = {}  # (ticket, chat) -> where that card is in `out`
    for n in notices:
        key = (n.ticket_id, n.chat_id)
        if n.op == "card" and n.ticket_id is not None:
            cards[key] = len(out)
            out.append(n)
            continue
        at = cards.get(key) if n.op == "send" and not (n.prompt or n.force_reply) else None
        if at is None or len(out[at].text) + len(n.text) + 2 > limit:
            out.append(n)
            continue
        card = out[at]
        out[at] = replace(
            card,
            text=f"{card.text.rstrip()}\n\n{n.text}",
            buttons=[*(card.buttons or []), *(n.buttons or [])] or None,
        )
    return out
