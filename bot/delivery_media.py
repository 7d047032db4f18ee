"""The Bot API calls of the outbox's media rows: a photo (an uploaded chart or a file_id) and an album
of file_ids (sendMediaGroup, 2-10 photos). Used by bot/delivery.py only."""

from __future__ import annotations

import base64
from typing import Any, Awaitable, Callable

from telegram import InputFile, InputMediaPhoto

MEDIA_OPS = {"photo": "sendPhoto", "album": "sendMediaGroup"}
Call = Callable[..., Awaitable[Any]]


async def send_media(call: Call, chat: int, op: str, p: dict, reply_markup: Any) -> int:
    """Send a media row; the id of its (first) message."""
    if op == "album":
        items = (p.get("extra") or {})["media"]
        media = [
            InputMediaPhoto(i["media"], caption=i.get("caption"), parse_mode=i.get("parse_mode"))
            for i in items
        ]
        sent = await call("sendMediaGroup", chat_id=chat, media=media)
        return int(sent[0]["message_id"])
    upload = p.get("photo_b64") or (p.get("extra") or {}).get("photo_b64")
    photo = InputFile(base64.b64decode(upload), filename="chart.png") if upload else p["photo"]
    msg = await call(
        "sendPhoto",
        chat_id=chat,
        photo=photo,
        caption=p.get("text") or None,
        parse_mode="HTML",
        reply_markup=reply_markup,
    )
    return int(msg["message_id"])


def album_item(file_id: str, caption: str) -> dict[str, str]:
    """One InputMediaPhoto of an album row's `extra["media"]` (the caption in HTML)."""
    return {"type": "photo", "media": file_id, "caption": caption, "parse_mode": "HTML"}
