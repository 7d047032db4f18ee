"""The fault, update, clock and counter verbs of `EmulatorClient` (the /_emu control API over HTTP)."""

from __future__ import annotations

from typing import Any


class FaultsAndCounters:
    """Faults, injected updates, the clock, the webhook log, rate limits and counters; a mixin of
    `EmulatorClient`, which supplies `request`."""

    async def request(self, verb: str, path: str, body: dict[str, Any] | None = None, /, **query: Any) -> Any:
        """Call a control endpoint and return its JSON (implemented by `EmulatorClient`)."""
        raise NotImplementedError

    # ---- faults and counters ----------------------------------------------------------------
    async def fault(
        self,
        method: str,
        kind: str,
        count: int | None = 1,
        retry_after: int = 1,
        hold: float = 15.0,
        description: str | None = None,
        chat: int | dict[str, Any] | None = None,
    ) -> None:
        """Fail the next `count` calls of `method` (None: all until cleared), to `chat` only if given."""
        await self.request(
            "POST",
            "/_emu/fault",
            {
                "method": method,
                "kind": kind,
                "count": count,
                "retry_after": retry_after,
                "hold": hold,
                "description": description,
                "chat": None if chat is None else _id(chat),
            },
        )

    async def fault_rate(
        self, rate: float, kinds: list[str] | None = None, seed: int | None = None, **options: Any
    ) -> None:
        """Randomly fail about `rate` of send/edit calls."""
        body = {"rate": rate, "seed": seed, **options}
        if kinds:
            body["kinds"] = kinds
        await self.request("POST", "/_emu/fault_rate", body)

    async def clear_faults(self, method: str | None = None) -> None:
        """Drop the faults of `method`, or every fault and the fault rate."""
        await self.request("DELETE", "/_emu/faults", method=method)

    async def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update ({"<kind>": {...}}); returns it with its update_id."""
        return await self.request("POST", "/_emu/updates", {"update": update})

    async def poison_update(self, kind: str = "poll_answer") -> dict[str, Any]:
        """Queue an update python-telegram-bot 22 cannot parse (poll_answer, callback_query, message)."""
        return await self.request("POST", "/_emu/updates", {"poison": kind})

    async def advance(self, seconds: float) -> float:
        """Move the emulator's clock forward; returns its new time."""
        return (await self.request("POST", "/_emu/advance", {"seconds": seconds}))["time"]

    async def webhook(self) -> dict[str, Any]:
        """WebhookInfo ("info") and every delivery attempt ("deliveries": update_id, status, ...)."""
        return await self.request("GET", "/_emu/webhook")

    async def rate_limits(self, **settings: Any) -> dict[str, Any]:
        """Change flood-control settings (enabled, per_second, per_group_per_minute)."""
        return await self.request("POST", "/_emu/rate_limits", settings)

    async def stats(self) -> dict[str, Any]:
        """Calls per method, 429 counts, faults."""
        return await self.request("GET", "/_emu/stats")

    async def log(self, method: str | None = None) -> list[dict[str, Any]]:
        """The Bot API call log (optionally one method)."""
        return await self.request("GET", "/_emu/log", method=method)


def _id(ref: int | dict[str, Any]) -> int:
    """The id of a user or chat given as a dict or as the id itself."""
    return int(ref["id"]) if isinstance(ref, dict) else int(ref)
