"""Injected trouble: failing Bot API calls and updates this bot's library cannot parse."""

from __future__ import annotations

import asyncio
from typing import Any, Iterable

from bot.emulator.errors import ApiError, EmulatorError
from bot.emulator.limits import SEND_METHODS, STATUS_TEXTS, Fault, FaultPlan
from bot.emulator.world import World

BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)
Reply = tuple[int, Any]  # (HTTP status, JSON body dict or plain-text str)

# Updates of a newer Bot API than the bot's library knows: a required field is missing, so
# python-telegram-bot's Update.de_json raises (TypeError / KeyError) on them.
POISON = {
    "poll_answer": lambda user: {"poll_id": "5001234567890", "user": user},  # no option_ids
    "callback_query": lambda user: {"id": "9001", "from": user, "data": "x"},  # no chat_instance
    "message": lambda user: {"message_id": 1, "from": user, "chat": {"id": user["id"], "type": "private"}},
}


class Faults(World):
    """Fault verbs of the emulator (mixed into `Emulator`)."""

    faults: FaultPlan
    counters: dict[str, Any]

    def fault(
        self,
        method: str,
        kind: str,
        count: int | None = 1,
        retry_after: int = 1,
        hold: float = 15.0,
        description: str | None = None,
        chat: Any = None,
    ) -> None:
        """Fail the next `count` calls of `method` (count None or 0: every call until cleared).

        `chat` (a chat, user or id) limits the fault to calls whose chat_id is that chat.

        kind: "429" (retry_after), "500", "502", "timeout" (not performed, held `hold` s),
        "timeout_after" (performed, answer held), or a status "400", "401", "403", "404", "409",
        "503" answered with `description` (default: Telegram's usual text for it).
        """
        chat_id = None if chat is None else self.chat_of(chat).id
        self.faults.add(method, kind, count, retry_after, hold, description, chat_id)

    def fault_rate(
        self,
        rate: float,
        kinds: Iterable[str] = ("429", "500", "502"),
        seed: int | None = None,
        methods: Iterable[str] = SEND_METHODS,
        retry_after: int = 1,
        hold: float = 15.0,
    ) -> None:
        """Randomly fail about `rate` (0..1) of calls to `methods` (sends and edits by default)."""
        self.faults.set_rate(rate, kinds, methods, seed, retry_after, hold)

    def clear_faults(self, method: str | None = None) -> None:
        """Drop the queued and standing faults of `method`, or every fault and the fault rate."""
        self.faults.clear(method)

    def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update as given (`update_id` is assigned): e.g. {"poll_answer": {...}}."""
        fields = {k: v for k, v in update.items() if k != "update_id"}
        if len(fields) != 1:
            raise EmulatorError("an update has exactly one field besides update_id")
        ((kind, payload),) = fields.items()
        queued = self.emit(kind, payload)
        self.forced_updates.add(queued["update_id"])
        self.last_action_seq = self.checkpoint()
        return queued

    def poison_update(self, kind: str = "poll_answer", user: Any = None) -> dict[str, Any]:
        """Queue an update of `kind` that python-telegram-bot 22 cannot parse (a required field missing)."""
        if kind not in POISON:
            raise EmulatorError(f"no poison update of kind {kind!r}; use one of {', '.join(POISON)}")
        who = (
            self.user_of(user).to_dict()
            if user is not None
            else {"id": 777_000_001, "is_bot": False, "first_name": "Voter"}
        )
        return self.inject_update({kind: POISON[kind](who)})

    async def _fault_reply(self, fault: Fault) -> Reply:
        self.counters["faults"] += 1
        if fault.kind == "429":
            self.counters["too_many_requests"] += 1
            error = ApiError(
                429, f"Too Many Requests: retry after {fault.retry_after}", {"retry_after": fault.retry_after}
            )
            return 429, error.payload()
        if fault.kind == "502":
            return 502, BAD_GATEWAY
        if fault.kind.isdigit():
            status = int(fault.kind)
            return status, ApiError(status, fault.description or STATUS_TEXTS[status]).payload()
        await asyncio.sleep(fault.hold)
        return 504, "504 Gateway Time-out"
