"""Flood control (Telegram's 429s) and injected faults."""

from __future__ import annotations

import math
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable

FAULT_KINDS = ("429", "500", "502", "timeout", "timeout_after", "400", "401", "403", "404", "409", "503")
STATUS_TEXTS = {  # what Telegram answers with each status, unless a fault gives its own description
    400: "Bad Request: emulated fault",
    401: "Unauthorized",
    403: "Forbidden: emulated fault",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
SEND_METHODS = ("sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup")


@dataclass
class RateLimits:
    """Flood-control settings: `enabled`, messages per second overall, per minute per group."""

    enabled: bool = True
    per_second: int = 30
    per_group_per_minute: int = 20


class RateLimiter:
    """Sliding windows of sent messages; `check` answers retry_after seconds or None."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.clock = clock
        self._overall: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}

    def check(self, chat_id: int) -> int | None:
        """Record one message to `chat_id`, or return retry_after if it would exceed a limit."""
        if not self.limits.enabled:
            return None
        now = self.clock()
        retry = _over(self._overall, now, 1.0, self.limits.per_second)
        group = self._groups.setdefault(chat_id, deque()) if chat_id < 0 else None
        if retry is None and group is not None:
            retry = _over(group, now, 60.0, self.limits.per_group_per_minute)
        if retry is not None:
            return retry
        self._overall.append(now)
        if group is not None:
            group.append(now)
        return None

    def reset(self) -> None:
        """Forget all recorded sends."""
        self._overall.clear()
        self._groups.clear()


def _over(window: deque[float], now: float, span: float, limit: int) -> int | None:
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < limit:
        return None
    return max(1, math.ceil(window[0] + span - now))


@dataclass
class Fault:
    """One injected failure: kind, retry_after for 429, hold seconds for timeouts."""

    kind: str
    retry_after: int = 1
    hold: float = 15.0
    description: str | None = None


Key = tuple[str, str | None]  # (method in lower case, chat id or None for every chat)


@dataclass
class FaultPlan:
    """Queued and standing faults per method (optionally per chat) plus a random failure rate."""

    queued: dict[Key, deque[Fault]] = field(default_factory=dict)
    standing: dict[Key, Fault] = field(default_factory=dict)
    rate: float = 0.0
    rate_kinds: tuple[str, ...] = ("429", "500", "502")
    rate_methods: tuple[str, ...] = SEND_METHODS
    rate_fault: Fault = field(default_factory=lambda: Fault("500"))
    rng: random.Random = field(default_factory=random.Random)

    def add(
        self,
        method: str,
        kind: str,
        count: int | None = 1,
        retry_after: int = 1,
        hold: float = 15.0,
        description: str | None = None,
        chat: int | None = None,
    ) -> None:
        """Fail the next `count` calls of `method` (to `chat` only, if given) with `kind`.

        count None or 0: every such call until cleared.
        """
        check_kinds([kind])
        key = (method.lower(), None if chat is None else str(chat))
        if not count or count < 0:
            self.standing[key] = Fault(kind, retry_after, hold, description)
            return
        queue = self.queued.setdefault(key, deque())
        queue.extend(Fault(kind, retry_after, hold, description) for _ in range(count))

    def set_rate(
        self,
        rate: float,
        kinds: Iterable[str],
        methods: Iterable[str],
        seed: int | None,
        retry_after: int,
        hold: float,
    ) -> None:
        """Fail about `rate` of calls to `methods` with a random kind from `kinds`."""
        self.rate, self.rate_kinds = rate, check_kinds(kinds)
        self.rate_methods = tuple(m.lower() for m in methods)
        self.rate_fault = Fault("500", retry_after, hold)
        self.rng = random.Random(seed)

    def take(self, method: str, chat: str | None = None) -> Fault | None:
        """The fault to apply to this call of `method` (addressed to `chat`), if any."""
        keys = [(method.lower(), chat), (method.lower(), None)] if chat else [(method.lower(), None)]
        for key in keys:
            if self.queued.get(key):
                return self.queued[key].popleft()
        for key in keys:
            if key in self.standing:
                return self.standing[key]
        if self.rate > 0 and method.lower() in self.rate_methods and self.rng.random() < self.rate:
            kind = self.rng.choice(self.rate_kinds)
            return Fault(kind, self.rate_fault.retry_after, self.rate_fault.hold)
        return None

    def clear(self, method: str | None = None) -> None:
        """Drop queued and standing faults of `method` (every chat), or all of them and the rate."""
        if method is None:
            self.queued.clear()
            self.standing.clear()
            self.rate = 0.0
            return
        for plan in (self.queued, self.standing):
            for key in [k for k in plan if k[0] == method.lower()]:
                del plan[key]


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """Validate fault kind names."""
    kinds = tuple(str(k) for k in kinds)
    unknown = [k for k in kinds if k not in FAULT_KINDS]
    if unknown or not kinds:
        raise ValueError(f"unknown fault kind(s) {unknown}; use {', '.join(FAULT_KINDS)}")
    return kinds
