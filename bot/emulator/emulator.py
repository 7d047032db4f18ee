"""`Emulator`: a Telegram Bot API look-alike plus verbs for acting as users (see package doc)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections import Counter
from typing import Any, Callable

from bot.emulator.actors import Actors
from bot.emulator.api_info import InfoMethods
from bot.emulator.api_albums import AlbumMethods
from bot.emulator.errors import ApiError, EmulatorError, EmulatorTimeout
from bot.emulator.faults import Faults, Reply
from bot.emulator.limits import FaultPlan, RateLimiter, RateLimits
from bot.emulator.model import Chat, User
from bot.emulator.params import Params
from bot.emulator.registry import lookup
from bot.emulator.world import ChatRef, UserRef


class Emulator(Actors, Faults, AlbumMethods, InfoMethods):
    """In-process Telegram: serve it with `bot.emulator.serve` and act as users with its verbs."""

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "grid_bot",
        rate_limits: bool | RateLimits = True,
        privacy: bool = True,
        bot_name: str = "Grid Bot",
    ):
        super().__init__(token, bot_username, bot_name, privacy)
        limits = rate_limits if isinstance(rate_limits, RateLimits) else RateLimits(enabled=bool(rate_limits))
        self.limiter = RateLimiter(limits)
        self.faults = FaultPlan()
        self.calls: Counter[str] = Counter()
        self.counters: dict[str, Any] = {"too_many_requests": 0, "rate_limited": 0, "faults": 0}
        self.log: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.url: str | None = None
        self._poll_generation = 0
        self.webhook_deliveries: list[dict[str, Any]] = []

    @property
    def rate_limits(self) -> RateLimits:
        """The live flood-control settings (mutable: enabled, per_second, per_group_per_minute)."""
        return self.limiter.limits

    # ---- the Bot API entry point ------------------------------------------------------------
    async def call(self, method: str, params: Params | dict[str, Any]) -> Reply:
        """Perform Bot API `method`; returns (HTTP status, body) exactly as served over HTTP."""
        p = params if isinstance(params, Params) else Params(params)
        found = lookup(method)
        if found is None:
            return self._record(method, p, 404, ApiError(404, "Not Found: method not found").payload())
        name, impl = found
        self.calls[name] += 1
        fault = self.faults.take(name, p.str("chat_id"))
        if fault is not None and fault.kind != "timeout_after":
            return self._record(name, p, *await self._fault_reply(fault))
        status, body = await self._perform(impl, p)
        if fault is not None:
            self.counters["faults"] += 1
            await asyncio.sleep(fault.hold)
        return self._record(name, p, status, body)

    async def _perform(self, impl: Callable[..., Any], p: Params) -> Reply:
        try:
            result = impl(self, p)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            if error.code == 429:
                self.counters["too_many_requests"] += 1
            return error.code, error.payload()
        return 200, {"ok": True, "result": result}

    def _record(self, method: str, p: Params, status: int, body: Any) -> Reply:
        entry = {"method": method, "params": p.public(), "status": status, "time": time.time()}
        result = body.get("result") if isinstance(body, dict) else None
        if isinstance(result, dict) and "message_id" in result:
            entry["message_id"] = result["message_id"]  # which message a send or edit made
        if isinstance(body, dict) and not body.get("ok", True):
            entry["description"] = body.get("description")
            if body.get("parameters"):
                entry["parameters"] = body["parameters"]
        self.log.append(entry)
        return status, body

    # ---- counters ---------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counters: calls per method, 429s sent (total / by flood control), injected faults."""
        return {"calls": dict(self.calls), **self.counters, "updates_pending": len(self.updates)}

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Logged calls of one method (each: method, params, status, time, description?, message_id?)."""
        return [entry for entry in self.log if entry["method"].lower() == method.lower()]

    # ---- reading ----------------------------------------------------------------------------
    def messages(self, chat: ChatRef, as_user: UserRef | None = None) -> list[dict[str, Any]]:
        """Live messages of a chat (edits applied, deleted ones left out), as `as_user` sees them."""
        where = self.chat_of(chat)
        if as_user is not None and self.user_of(as_user).id not in where.members:
            return []
        return [m.view() for _, m in sorted(where.messages.items()) if not m.deleted]

    def last(self, chat: ChatRef) -> dict[str, Any] | None:
        """The newest live message of a chat, or None."""
        found = self.messages(chat)
        return found[-1] if found else None

    def inbox(self, user: UserRef) -> list[dict[str, Any]]:
        """Messages of the user's private chat with the bot."""
        return self.messages(self.private_chat(self.user_of(user)))

    async def wait_for(
        self,
        match: Callable[[dict[str, Any]], bool] | ChatRef | None = None,
        *,
        contains: str | None = None,
        timeout: float = 10.0,
        since: int | None = None,
        from_bot: bool = True,
    ) -> dict[str, Any]:
        """Wait for a message (new or edited after `since`, default: the last user action).

        `match` is a predicate on message views, or a chat/user (then only the bot's messages in
        that chat count unless from_bot=False); `contains` filters on the plain text.
        """
        since = self.last_action_seq if since is None else since
        test = self._matcher(match, contains, from_bot)

        def found() -> dict[str, Any] | None:
            for message in sorted(self.timeline(), key=lambda m: m.seq):
                if message.seq > since and not message.deleted and test(message.view()):
                    return message.view()
            return None

        try:
            return await self.wait_until(found, timeout)
        except EmulatorTimeout:
            recent = [(m.chat_id, m.plain_text) for m in self.timeline()[-5:]]
            raise EmulatorTimeout(f"no matching message within {timeout} s; recent: {recent}") from None

    def _matcher(self, match: Any, contains: str | None, from_bot: bool) -> Callable[[dict[str, Any]], bool]:
        if callable(match) and not isinstance(match, (Chat, User)):
            base: Callable[[dict[str, Any]], bool] = match
        else:
            chat_id = None if match is None else self.chat_of(match).id
            bot_id = self.bot.id

            def base(view: dict[str, Any]) -> bool:
                return (chat_id is None or view["chat"]["id"] == chat_id) and (
                    not from_bot or view.get("from", {}).get("id") == bot_id
                )

        if contains is None:
            return base
        return lambda view: base(view) and contains in (view.get("plain_text") or "")


__all__ = ["Emulator", "EmulatorError"]
