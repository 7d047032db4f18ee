"""Telegram's overall limit as evenly spaced slots: one message every 1/rate seconds, never a burst.

PTB's `AIORateLimiter` meters the overall limit with aiolimiter's leaky bucket. As a bucket of one (no
bursts, so no 429s) it loses time: its waiters poll on timers of their own, and the message after a
late wake-up is spaced from that late moment. `Pacer` reserves slots on a grid instead: each message
gets the slot 1/rate after the previous one (now, if the pacer was idle or is behind), and never less
than 1/limit after the previous message actually went. A wake-up late by less than the difference
(29/s against 30/s: 1.1 ms) costs nothing, a later one only what exceeds it, and no second ever holds
more than `limit` messages: a stall is not caught up in a burst.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from telegram.ext import AIORateLimiter


class Pacer:
    """An async context manager that lets one caller through per slot: slots 1/rate apart, callers
    at least 1/limit apart."""

    def __init__(
        self,
        rate: float,
        limit: float,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.interval, self.gap = 1.0 / rate, 1.0 / limit
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")
        self._lock = asyncio.Lock()

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def __aenter__(self) -> None:
        async with self._lock:  # one slot at a time, in arrival order
            slot = max(self._next, self._now())
            wait = slot - self._now()
            if wait > 0:
                await self._sleep(wait)
            self._next = max(slot + self.interval, self._now() + self.gap)

    async def __aexit__(self, *exc: object) -> None:
        return None


class PacedRateLimiter(AIORateLimiter):
    """PTB's rate limiter (per-group limits, retries) with the overall limit metered by a `Pacer`."""

    def __init__(
        self, per_second: float, limit: float, group_max_rate: float = 20, group_time_period: float = 60
    ) -> None:
        super().__init__(group_max_rate=group_max_rate, group_time_period=group_time_period)
        self._base_limiter = Pacer(per_second, limit)  # type: ignore[assignment]  # used as `async with` only
