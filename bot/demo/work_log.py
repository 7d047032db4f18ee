"""The demo's work-log part (工作日志): the worker logs the day's visit with a photo in the private
chat, and the small-group leader's daily digest carries it, the photo after the text."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.domain.periods import day_of


async def _todays_digest(demo: Any) -> None:
    """The leaders' daily digest for today (the scheduled one covers yesterday, the demo has no past)."""
    from bot.services import posts

    now = datetime.now(timezone.utc)
    await posts.digests(demo.ctx, now, day_of(now, demo.ctx.config.timezone))


async def story(demo: Any, worker: Any, leader: Any) -> None:
    """A captioned photo `/log …` from the worker, then the leader's daily digest with it."""
    emu, w = demo.emu, demo.words
    await demo.step(
        "log",
        lambda: emu.send_photo(worker, worker, caption=w["log"]),
        demo._in(worker),
        who=worker.first_name,
        text=w["log"],
    )
    await demo.step(
        "digest",
        lambda: _todays_digest(demo),
        lambda m: m["chat"]["id"] == leader.id and "photo" in m,
        who=leader.first_name,
    )
