"""The overall rate limit (`bot.pacing`): evenly spaced, a late timer not passed on, never a burst."""

from __future__ import annotations

import asyncio

from bot.pacing import Pacer

RATE, LIMIT = 29, 30


class Clock:
    """A clock the test moves: each sleep advances it by the time asked plus that sleep's lateness."""

    def __init__(self, late: list[float] | None = None) -> None:
        self.now, self.late = 1000.0, list(late or [])

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + (self.late.pop(0) if self.late else 0.0)


async def _through(pacer: Pacer, clock: Clock, n: int) -> list[float]:
    """When each of n queued callers got through."""
    times: list[float] = []

    async def one() -> None:
        async with pacer:
            times.append(clock())

    await asyncio.gather(*(one() for _ in range(n)))
    return times


def _most_in_a_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_queued_messages_go_one_slot_apart():
    clock = Clock()
    times = await _through(Pacer(RATE, LIMIT, clock, clock.sleep), clock, 59)
    assert times[0] == 1000.0
    assert [round(b - a, 9) for a, b in zip(times, times[1:])] == [round(1 / RATE, 9)] * 58
    assert round(times[-1] - times[0], 9) == 2.0  # 58 gaps of 1/29 s


async def test_a_slightly_late_timer_costs_nothing_later():
    """Late by 1 ms (less than 1/29 - 1/30 s): the slots after it keep their places on the grid."""
    clock = Clock(late=[0.0, 0.001] + [0.0] * 60)
    times = await _through(Pacer(RATE, LIMIT, clock, clock.sleep), clock, 59)
    assert round(times[-1] - times[0], 9) == 2.0
    assert _most_in_a_second(times) <= LIMIT


async def test_a_stall_is_not_made_up_in_a_burst():
    """A timer 200 ms late: the next callers are spaced at least 1/30 s from it, never bunched."""
    clock = Clock(late=[0.0, 0.0, 0.2] + [0.0] * 60)
    times = await _through(Pacer(RATE, LIMIT, clock, clock.sleep), clock, 90)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 1 / LIMIT - 1e-9
    assert _most_in_a_second(times) <= LIMIT


async def test_an_idle_pacer_gives_no_credit():
    """After a quiet minute the first caller goes at once, the next one a slot later (no burst)."""
    clock = Clock()
    pacer = Pacer(RATE, LIMIT, clock, clock.sleep)
    await _through(pacer, clock, 3)
    clock.now += 60.0
    times = await _through(pacer, clock, 3)
    assert times[0] == clock.now - 2 / RATE and round(times[1] - times[0], 9) == round(1 / RATE, 9)
