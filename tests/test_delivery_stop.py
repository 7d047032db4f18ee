"""Stopping the bot right after something was queued: the deliverer's idle wait must let the stop
through (Python 3.11's asyncio.wait_for returned the wake-up and swallowed the cancellation, so the
deliverer ran on and shutdown hung until killed)."""

from __future__ import annotations

import asyncio

from tests.harness import Harness


async def test_a_stop_that_comes_with_a_kick_still_stops_the_deliverer(tmp_path):
    h = await Harness(tmp_path).start()
    task = h.app.bot_data["delivery_task"]
    await h.deliverer.deliver_due()  # after the deliverer's own first round, so it is waiting idle
    for _ in range(5):
        await asyncio.sleep(0)
    h.deliverer.kick()  # the idle wait ends ...
    await asyncio.sleep(0)  # ... and its wake-up is on its way when the stop arrives
    await asyncio.wait_for(h.stop(), 10)
    assert task.cancelled()
