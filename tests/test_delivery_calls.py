"""The deliverer's Bot API calls: raw JSON in and out, still through the bot's rate limiter."""

from __future__ import annotations

from telegram.ext import AIORateLimiter

from bot import app
from tests.harness import Harness
from tests.test_story import GROUP, RESIDENT, WORKER, _bound

limited: list[tuple[str, object]] = []


class Counting(AIORateLimiter):
    """The bot's limiter, noting each call it lets through."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        limited.append((endpoint, data.get("chat_id")))
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


async def test_sends_and_edits_pass_the_rate_limiter_with_their_buttons(tmp_path, monkeypatch):
    monkeypatch.setattr(app, "rate_limiter", lambda: Counting(overall_max_rate=0, group_max_rate=0))
    limited.clear()
    h = await Harness(tmp_path, rate_limiter=True).start()
    try:
        await _bound(h)
        await h.say(RESIDENT, GROUP, "/complain 环境卫生 楼道垃圾三天没人清运")
        request = h.last(WORKER)
        await h.press(WORKER, WORKER, 1, h.button(request, "t:1:acc"))
    finally:
        await h.stop()
    assert ("sendMessage", GROUP) in limited and ("sendMessage", WORKER) in limited
    assert ("editMessageText", GROUP) in limited and ("editMessageText", WORKER) in limited
    assert h.button(request, "t:1:acc") == "t:1:acc"
    assert h.button(h.last(WORKER), "t:1:cls") == "t:1:cls"  # the edit carries its new button
