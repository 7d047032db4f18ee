"""Cutting a resident's texts out of stored messages and event details (erasure's text surgery)."""

from __future__ import annotations

import json
import re
from typing import Any

ERASED = "[erased]"


_TAG = re.compile(r"(<[^>]*>)")


def _scrub_text(text: Any, secrets: list[str], user_id: int) -> Any:
    """Cut secrets out of an HTML message's text nodes (never out of its tags) and drop the mention."""
    if not isinstance(text, str):
        return text
    text = re.sub(rf'<a href="tg://user\?id={user_id}">.*?</a>', ERASED, text, flags=re.S)
    parts = _TAG.split(text)
    for i in range(0, len(parts), 2):  # even indexes are text between tags
        for secret in secrets:
            parts[i] = parts[i].replace(secret, ERASED)
    return "".join(parts)


def scrub_payload(raw: str | None, secrets: list[str], user_id: int) -> str | None:
    """A stored message payload with the secrets and the mention cut out of its text."""
    if raw is None:
        return None
    data = json.loads(raw)
    if isinstance(data.get("text"), str):
        data["text"] = _scrub_text(data["text"], secrets, user_id)
    return json.dumps(data, ensure_ascii=False)


def scrub_detail(raw: str) -> str:
    """An event detail whose every text value becomes the marker."""
    try:
        detail = json.loads(raw)
    except ValueError:
        return json.dumps({})
    if not isinstance(detail, dict):
        return json.dumps({})
    return json.dumps({k: ERASED if isinstance(v, str) else v for k, v in detail.items()}, ensure_ascii=False)
