"""Fixtures: an emulator served on a free port and a real PTB Bot talking to it."""

from __future__ import annotations

from typing import AsyncIterator

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.emulator import Emulator, RateLimits, serve

TOKEN = "123:ABC"


@pytest.fixture
def emu() -> Emulator:
    """A fresh emulator (flood control on with Telegram's numbers)."""
    return Emulator(token=TOKEN, bot_username="grid_bot", rate_limits=RateLimits())


@pytest.fixture
async def url(emu: Emulator) -> AsyncIterator[str]:
    """The emulator served on 127.0.0.1 at a free port."""
    async with serve(emu) as base:
        yield base


def make_bot(url: str, token: str = TOKEN, read_timeout: float = 5.0) -> Bot:
    """A real python-telegram-bot Bot pointed at the emulator."""
    request = HTTPXRequest(read_timeout=read_timeout, connect_timeout=2.0, connection_pool_size=8)
    return Bot(token, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot", request=request)


@pytest.fixture
def bot_factory() -> object:
    """`make_bot(url, token=..., read_timeout=...)` for tests needing special timeouts."""
    return make_bot


@pytest.fixture
async def tg(url: str) -> AsyncIterator[Bot]:
    """An initialised PTB Bot talking HTTP to the emulator."""
    async with make_bot(url) as bot:
        yield bot
