"""The one place that turns stored notices into Bot API calls, in order within each chat."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.store import groups, outbox, people
from bot.store import tickets as ticket_store
from bot.services.notices import Notice
from bot.store.db import Database, ts
from bot.store.uow import UnitOfWork, as_uow

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(buttons: list[list[list[str]]] | None, force_reply: bool = False) -> Any:
    """Inline keyboard from [[label, data]] rows (`url:` data makes a link button), or ForceReply."""
    if force_reply:
        return ForceReply(selective=True)
    if not buttons:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label, url=data[4:]) if data.startswith("url:")
         else InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in buttons])


class Deliverer:
    """Delivers due outbox rows; each chat's rows in order, chats concurrently."""

    def __init__(self, db: Database, bot: Bot, clock: Callable[[], datetime] | None = None,
                 concurrency: int = 32) -> None:
        self.db, self.bot = db, bot
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._round = asyncio.Lock()
        self.on_unreachable: Callable[[UnitOfWork, int, str], Awaitable[list[Notice]]] | None = None

    def kick(self) -> None:
        """Ask for a delivery round soon (after a commit)."""
        self._wake.set()

    async def run_forever(self, idle: float = 1.0) -> None:
        """Deliver until cancelled, waking on kick() or every `idle` seconds."""
        while True:
            try:
                await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the loop alive; the row stays pending
                log.exception("delivery round failed")
            try:
                await asyncio.wait_for(self._wake.wait(), idle)
            except TimeoutError:
                pass
            self._wake.clear()

    async def deliver_due(self, limit: int = 2000) -> int:
        """One round (never two at once): every chat's due prefix of pending rows; returns how many."""
        async with self._round:
            return await self._deliver_round(limit)

    async def _deliver_round(self, limit: int) -> int:
        now = ts(self.clock())
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE status = 'pending' ORDER BY COALESCE(position, id), id LIMIT ?",
            (limit,))
        per_chat: OrderedDict[int, list] = OrderedDict()
        held: set[int] = set()
        for row in rows:
            if row["chat_id"] in held:
                continue
            if row["not_before"] > now:
                held.add(row["chat_id"])
                continue
            per_chat.setdefault(row["chat_id"], []).append(row)
        counts = await asyncio.gather(*(self._chat(rows) for rows in per_chat.values()))
        return sum(counts)

    async def _chat(self, rows: list) -> int:
        async with self._slots:
            done = 0
            for row in rows:
                if not await self._one(row):
                    break
                done += 1
            return done

    async def _one(self, row: Any) -> bool:
        """Deliver a row; False means stop this chat for now (it will be retried)."""
        payload = json.loads(row["payload"])
        try:
            message_id = await self._perform(row, payload)
        except RetryAfter as exc:
            return await self._later(row, _seconds(exc.retry_after), f"retry after {exc.retry_after}",
                                     _method(row, payload))
        except ChatMigrated as exc:
            async with self.db.write() as conn:
                await groups.migrate(conn, row["chat_id"], exc.new_chat_id)
            return False
        except Forbidden as exc:
            await self._forbidden(row, str(exc))
            return False  # the chat's other rows were diverted with it
        except BadRequest as exc:
            return await self._bad_request(row, str(exc))
        except NetworkError as exc:  # includes TimedOut: the call may have been performed
            return await self._later(row, min(60.0, 2.0 ** min(row["attempts"], 6)),
                                     f"{type(exc).__name__}: {exc}", _method(row, payload))
        await self._finish(row, payload, message_id, "sent")
        return True

    async def _perform(self, row: Any, p: dict) -> int | None:
        chat, op = row["chat_id"], row["op"]
        reply_markup = markup(p.get("buttons"), p.get("force_reply", False))
        if op == "delete":
            await self.bot.delete_message(chat, p["message_id"])
            return None
        if op == "photo":
            upload = p.get("photo_b64") or (p.get("extra") or {}).get("photo_b64")
            photo = InputFile(base64.b64decode(upload), filename="chart.png") if upload else p["photo"]
            msg = await self.bot.send_photo(chat, photo, caption=p.get("text") or None,
                                            parse_mode=ParseMode.HTML, reply_markup=reply_markup)
            return msg.message_id
        target = p.get("message_id") if op == "edit" else None
        if op == "card":
            card_chat, target = await ticket_store.card_of(self.db.reader, row["ticket_id"])
            target = target if card_chat == chat else None
            if target is not None and await self._superseded(row):
                return None  # a newer card edit follows; a card not yet posted is always posted first
        if target is not None:
            await self._edit(chat, target, p["text"], reply_markup)
            return target
        msg = await self.bot.send_message(chat, p["text"], parse_mode=ParseMode.HTML,
                                          reply_markup=reply_markup, link_preview_options=NO_PREVIEW)
        return msg.message_id

    async def _edit(self, chat: int, message_id: int, text: str, reply_markup: Any) -> None:
        try:
            await self.bot.edit_message_text(text, chat, message_id, parse_mode=ParseMode.HTML,
                                             reply_markup=reply_markup, link_preview_options=NO_PREVIEW)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    async def _superseded(self, row: Any) -> bool:
        newer = await self.db.fetchone(
            "SELECT 1 FROM outbox WHERE status = 'pending' AND op = 'card' AND ticket_id = ? "
            "AND chat_id = ? AND id > ? LIMIT 1", (row["ticket_id"], row["chat_id"], row["id"]))
        return newer is not None

    async def _finish(self, row: Any, payload: dict, message_id: int | None, status: str,
                      error: str | None = None) -> None:
        async with self.db.write() as conn:
            await conn.execute("UPDATE outbox SET status = ?, message_id = ?, attempts = attempts + 1, "
                               "error = ? WHERE id = ?", (status, message_id, error, row["id"]))
            if status != "sent" or message_id is None:
                return
            if row["op"] == "card":
                await ticket_store.set_card(conn, row["ticket_id"], row["chat_id"], message_id)
            if payload.get("prompt"):
                await conn.execute("UPDATE prompts SET message_id = ?, chat_id = ? WHERE outbox_id = ?",
                                   (message_id, row["chat_id"], row["id"]))

    async def _later(self, row: Any, seconds: float, error: str, method: str) -> bool:
        """A fault Telegram or the network will get over: one warning line, and the row waits."""
        log.warning("%s failed (outbox %s, attempt %d): %s; retrying in %.0f s", method, row["id"],
                    row["attempts"] + 1, error, seconds)
        when = ts(self.clock() + timedelta(seconds=seconds))
        async with self.db.write() as conn:
            await conn.execute("UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? "
                               "WHERE id = ?", (when, error[:200], row["id"]))
        return False

    async def _forbidden(self, row: Any, error: str) -> None:
        """Blocked, never started, or removed from the group: mark it, stop writing there, and send
        the group-safe variant of every pending private notice to the group instead, in order."""
        async with self.db.write() as conn:
            if row["chat_id"] > 0:
                await self._unreachable(conn, row["chat_id"], error)
            else:
                await groups.set_membership(conn, row["chat_id"], False, False)
            await conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (row["id"],))
            await outbox.divert(conn, row["chat_id"], ts(self.clock()), error)
        self.kick()

    async def _unreachable(self, conn: Any, user_id: int, error: str) -> None:
        """Mark the user blocked; the first time, let `on_unreachable` say who must know (their leader)."""
        was = await conn.execute_fetchall("SELECT blocked FROM users WHERE tg_user_id = ?", (user_id,))
        await people.mark_blocked(conn, user_id)
        if self.on_unreachable is not None and not (was and was[0][0]):
            cause = "blocked" if "blocked" in error.lower() else "not_started"
            uow = as_uow(conn)
            await uow.outbox.add(await self.on_unreachable(uow, user_id, cause), self.clock())

    async def _bad_request(self, row: Any, error: str) -> bool:
        text = error.lower()
        if "not modified" in text:
            await self._finish(row, {}, None, "sent")
        elif row["op"] == "card" and "message to edit not found" in text:
            async with self.db.write() as conn:
                await conn.execute("UPDATE tickets SET card_message_id = NULL WHERE id = ?", (row["ticket_id"],))
            return False
        else:
            log.warning("outbox %s refused by Telegram: %s", row["id"], error)
            await self._finish(row, {}, None, "failed", error[:200])
        return True


def _method(row: Any, payload: dict) -> str:
    """The Bot API method a row's delivery calls (a card is sent once, then edited)."""
    op = row["op"]
    if op == "card":
        return "sendMessage/editMessageText"
    return {"delete": "deleteMessage", "photo": "sendPhoto", "edit": "editMessageText"}.get(op, "sendMessage")


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
