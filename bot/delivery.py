"""The one place that turns stored notices into Bot API calls, in order within each chat."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from contextlib import asynccontextmanager
from typing import Any, AsyncContextManager, AsyncIterator, Awaitable, Callable

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot import transport
from bot.apilog import describe
from bot.delivery_media import MEDIA_OPS, send_media
from bot.domain.notices import Notice
from bot.store.db import Database, ts
from bot.store.outbox import Done, Queued
from bot.store.uow import UnitOfWork, reading, unit_of_work

log = logging.getLogger(__name__)
NO_PREVIEW = {"is_disabled": True}
BOOK_BATCH = 20  # deliveries noted across chats before their bookkeeping is written; never two in one chat


def markup(buttons: list[list[list[str]]] | None, force_reply: bool = False) -> dict | None:
    """Bot API `reply_markup`: an inline keyboard from [[label, data]] rows (`url:` data makes a link
    button), or ForceReply."""
    if force_reply:
        return {"force_reply": True, "selective": True}
    if not buttons:
        return None
    return {
        "inline_keyboard": [
            [
                {"text": label, "url": data[4:]}
                if data.startswith("url:")
                else {"text": label, "callback_data": data}
                for label, data in row
            ]
            for row in buttons
        ]
    }


class Deliverer:
    """Delivers due outbox rows; each chat's rows in order, chats concurrently."""

    def __init__(
        self, db: Database, bot: Bot, clock: Callable[[], datetime] | None = None, concurrency: int = 32
    ) -> None:
        self.db, self.bot = db, bot
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._round = asyncio.Lock()
        self._flushing = asyncio.Lock()
        self.on_unreachable: Callable[[UnitOfWork, int, str], Awaitable[list[Notice]]] | None = None
        self._book: list[Done] = []
        self._cards: dict[int | None, tuple[int | None, int | None]] = {}  # cards posted, not yet recorded
        self._newest_card: dict[tuple[int | None, int], int] = {}
        self._tags: dict[tuple[int, int | None, str], int] = {}  # tagged messages sent, not yet recorded

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
            try:  # asyncio.timeout, not wait_for: 3.11's wait_for swallows a stop that comes with a kick
                async with asyncio.timeout(idle):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()

    async def deliver_due(self, limit: int = 2000) -> int:
        """One round (never two at once): every chat's due prefix of pending rows; returns how many."""
        async with self._round:
            try:
                return await self._deliver_round(limit)
            finally:
                await self._flush()

    async def _deliver_round(self, limit: int) -> int:
        now = ts(self.clock())
        rows = await reading(self.db).outbox.due(limit)
        self._cards, self._tags = {}, {}
        self._newest_card = {(r.ticket_id, r.chat_id): r.id for r in rows if r.op == "card"}
        per_chat: OrderedDict[int, list[Queued]] = OrderedDict()
        held: set[int] = set()
        for row in rows:
            if row.chat_id in held:
                continue
            if row.not_before > now:
                held.add(row.chat_id)
                continue
            per_chat.setdefault(row.chat_id, []).append(row)
        counts = await asyncio.gather(*(self._chat(rows) for rows in per_chat.values()))
        return sum(counts)

    async def _chat(self, rows: list[Queued]) -> int:
        async with self._slots:
            done = 0
            for row in rows:
                if done and self._book:
                    await self._flush()  # what this chat was sent is recorded before its next send
                if not await self._one(row):
                    break
                done += 1
            return done

    async def _one(self, row: Queued) -> bool:
        """Deliver a row; False means stop this chat for now (it will be retried)."""
        try:
            message_id = await self._perform(row, row.payload)
        except RetryAfter as exc:
            return await self._later(
                row, _seconds(exc.retry_after), f"retry after {exc.retry_after}", _method(row)
            )
        except ChatMigrated as exc:
            async with self._write() as uow:
                await uow.groups.migrate(row.chat_id, exc.new_chat_id)
            return False
        except Forbidden as exc:
            await self._forbidden(row, str(exc))
            return False  # the chat's other rows were diverted with it
        except BadRequest as exc:
            return await self._bad_request(row, str(exc))
        except NetworkError as exc:  # includes TimedOut: the call may have been performed
            return await self._later(row, min(60.0, 2.0 ** min(row.attempts, 6)), describe(exc), _method(row))
        tag = (row.payload.get("extra") or {}).get("tag")
        if tag and message_id is not None:
            self._tags[(row.chat_id, row.ticket_id, tag)] = message_id
        await self._finish(Done(row, "sent", message_id))
        return True

    async def _call(self, method: str, **params: Any) -> Any:
        """One Bot API call (PTB's rate limiter and errors), taking the raw JSON result: building PTB
        objects from every answer costs more than the call's own HTTP (`bot.transport.call`)."""
        return await transport.call(self.bot, method, params)

    async def _perform(self, row: Queued, p: dict) -> int | None:
        chat, op = row.chat_id, row.op
        reply_markup = markup(p.get("buttons"), p.get("force_reply", False))
        if op == "delete":
            await self._call("deleteMessage", chat_id=chat, message_id=p["message_id"])
            return None
        if op in MEDIA_OPS:
            return await send_media(self._call, chat, op, p, reply_markup)
        target = p.get("message_id") if op == "edit" else None
        if op == "retire":
            target = await self._tagged(row, (p.get("extra") or {}).get("retire", ""))
            if target is None:
                return None  # never sent (or failed): nothing to retire
        if op == "card":
            card_chat, target = self._cards.get(row.ticket_id, (row.card_chat_id, row.card_message_id))
            target = target if card_chat == chat else None
            if target is not None and self._newest_card.get((row.ticket_id, chat), row.id) > row.id:
                return None  # a newer card edit follows; a card not yet posted is always posted first
        if target is not None:
            await self._edit(chat, target, p["text"], reply_markup)
            return target
        msg = await self._call(
            "sendMessage",
            chat_id=chat,
            text=p["text"],
            parse_mode="HTML",
            reply_markup=reply_markup,
            link_preview_options=NO_PREVIEW,
        )
        if op == "card":
            self._cards[row.ticket_id] = (chat, msg["message_id"])
        return msg["message_id"]

    async def _tagged(self, row: Queued, tag: str) -> int | None:
        """The message a retire row edits: the ticket's last one sent to the chat with the tag."""
        key = (row.chat_id, row.ticket_id, tag)
        if key in self._tags:
            return self._tags[key]
        return await reading(self.db).outbox.tagged(row.chat_id, row.ticket_id, tag, row.id)

    async def _edit(self, chat: int, message_id: int, text: str, reply_markup: Any) -> None:
        try:
            await self._call(
                "editMessageText",
                chat_id=chat,
                message_id=message_id,
                text=text,
                parse_mode="HTML",
                reply_markup=reply_markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    def _write(self, lazy: bool = False) -> AsyncContextManager[UnitOfWork]:
        """A transaction that first records what was delivered so far (so nothing sent is sent again)."""

        @asynccontextmanager
        async def write() -> AsyncIterator[UnitOfWork]:
            batch, self._book = self._book, []
            async with unit_of_work(self.db, lazy=lazy) as uow:
                await uow.outbox.record(batch)
                yield uow

        return write()

    async def _finish(self, done: Done) -> None:
        """Note a delivered row; the notes are written together, at the latest when the round ends.
        A prompt's message id is written at once, so that a quick reply finds its question."""
        self._book.append(done)
        if done.row.payload.get("prompt") or len(self._book) >= BOOK_BATCH:
            await self._flush()

    async def _flush(self) -> None:
        """Record every delivery noted so far, from all chats at once (a chat waiting here while
        another chat's flush runs usually finds its own note already written)."""
        async with self._flushing:
            if self._book:
                async with self._write(lazy=True):
                    pass

    async def _later(self, row: Queued, seconds: float, error: str, method: str) -> bool:
        """A fault Telegram or the network will get over: one warning line, and the row waits."""
        log.warning(
            "%s failed (outbox %s, attempt %d): %s; retrying in %.0f s",
            method,
            row.id,
            row.attempts + 1,
            error,
            seconds,
        )
        when = ts(self.clock() + timedelta(seconds=seconds))
        async with self._write() as uow:
            await uow.outbox.later(row.id, when, error)
        return False

    async def _forbidden(self, row: Queued, error: str) -> None:
        """Blocked, never started, or removed from the group: mark it, stop writing there, and send
        the group-safe variant of every pending private notice to the group instead, in order."""
        async with self._write() as uow:
            if row.chat_id > 0:
                await self._unreachable(uow, row.chat_id, error)
            else:
                await uow.groups.set_membership(row.chat_id, False, False)
            await uow.outbox.closed_chat(row, ts(self.clock()), error)
        self.kick()

    async def _unreachable(self, uow: UnitOfWork, user_id: int, error: str) -> None:
        """Mark the user blocked; the first time, let `on_unreachable` say who must know (their leader)."""
        was = await uow.people.user(user_id)
        await uow.people.mark_blocked(user_id)
        if self.on_unreachable is not None and not (was and was.blocked):
            cause = "blocked" if "blocked" in error.lower() else "not_started"
            await uow.outbox.add(await self.on_unreachable(uow, user_id, cause), self.clock())

    async def _bad_request(self, row: Queued, error: str) -> bool:
        text = error.lower()
        if "not modified" in text:
            await self._finish(Done(row, "sent"))
        elif row.op == "card" and "message to edit not found" in text:
            async with self._write() as uow:
                await uow.outbox.card_gone(row.ticket_id)
            self._cards.pop(row.ticket_id, None)
            return False
        else:
            log.warning("outbox %s refused by Telegram: %s", row.id, error)
            await self._finish(Done(row, "failed", error=error[:200]))
        return True


def _method(row: Queued) -> str:
    """The Bot API method a row's delivery calls (a card is sent once, then edited)."""
    if row.op == "card":
        return "sendMessage/editMessageText"
    return {
        "delete": "deleteMessage",
        **MEDIA_OPS,
        "edit": "editMessageText",
        "retire": "editMessageText",
    }.get(row.op, "sendMessage")


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
