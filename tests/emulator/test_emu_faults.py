"""Injected faults: 429, 500, 502, timeout (not performed), timeout_after (performed), random rate."""

from __future__ import annotations

import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.emulator import Emulator


# PTB itself warns about RetryAfter.retry_after becoming a timedelta in v23.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def started(emu: Emulator):
    user = emu.user()
    emu.send(user, user, "/start")
    return user


async def test_fault_429_with_retry_after(emu: Emulator, tg) -> None:
    li = started(emu)
    emu.fault("sendMessage", "429", count=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await tg.send_message(li.id, "x")
    await tg.send_message(li.id, "third works")
    assert [e.get("parameters") for e in emu.calls_to("sendMessage")] == [
        {"retry_after": 7},
        {"retry_after": 7},
        None,
    ]
    assert emu.counters["too_many_requests"] == 2 and emu.counters["faults"] == 2
    assert emu.calls["sendMessage"] == 3 and [m["text"] for m in emu.inbox(li)] == ["/start", "third works"]


async def test_fault_500_and_502(emu: Emulator, tg) -> None:
    li = started(emu)
    emu.fault("sendMessage", "500")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await tg.send_message(li.id, "x")
    emu.fault("editMessageText", "502")
    message = await tg.send_message(li.id, "y")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await tg.edit_message_text("z", li.id, message.message_id)
    assert [e["status"] for e in emu.log[-3:]] == [500, 200, 502]
    assert emu.last(li)["text"] == "y"


async def test_fault_timeout_is_not_performed(emu: Emulator, url: str, bot_factory) -> None:
    li = started(emu)
    emu.fault("sendMessage", "timeout", hold=1.0)
    async with bot_factory(url, read_timeout=0.5) as tg:
        with pytest.raises(TimedOut):
            await tg.send_message(li.id, "lost")
    assert [m["text"] for m in emu.inbox(li)] == ["/start"]


async def test_fault_timeout_after_is_performed(emu: Emulator, url: str, bot_factory) -> None:
    li = started(emu)
    emu.fault("sendMessage", "timeout_after", hold=1.0)
    async with bot_factory(url, read_timeout=0.5) as tg:
        with pytest.raises(TimedOut):
            await tg.send_message(li.id, "maybe sent")
    assert [m["text"] for m in emu.inbox(li)] == ["/start", "maybe sent"]


async def test_fault_rate_is_seeded_and_roughly_right(emu: Emulator, tg) -> None:
    emu.rate_limits.enabled = False
    li = started(emu)
    emu.fault_rate(0.10, kinds=["500", "429"], seed=7)
    failures = 0
    for n in range(200):
        try:
            await tg.send_message(li.id, str(n))
        except (NetworkError, RetryAfter):
            failures += 1
    assert 8 <= failures <= 35 and emu.counters["faults"] == failures
    assert len(emu.inbox(li)) == 1 + 200 - failures
    await tg.get_me()  # other methods are never failed by the rate
    emu.clear_faults()
    await tg.send_message(li.id, "clean")


def test_unknown_fault_kind_is_rejected(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        emu.fault("sendMessage", "418")


async def test_call_log_names_the_message_a_send_made(emu: Emulator, tg) -> None:
    li = started(emu)
    sent = await tg.send_message(li.id, "hello")
    entry = emu.calls_to("sendMessage")[-1]
    assert entry["message_id"] == sent.message_id and entry["status"] == 200 and entry["time"] > 0
