"""Local Telegram Bot API emulator for tests, the demo and manual play.

In a test::

    emu = Emulator(token="123:ABC", bot_username="grid_bot")
    async with serve(emu) as url:                  # free port; url = "http://127.0.0.1:PORT"
        app = (ApplicationBuilder().token(emu.token)
               .base_url(f"{url}/bot").base_file_url(f"{url}/file/bot").build())
        li = emu.user(first_name="Li")
        emu.send(li, li, "/start")                 # li's private chat with the bot
        reply = await emu.wait_for(li)             # the bot's next message there
        emu.press(li, reply, "Yes")                # button by text or callback_data

Out of process: `python -m bot emulator --port 8081` and `EmulatorClient(url)`.
"""

from bot.emulator.client import EmulatorClient, EmulatorClientError
from bot.emulator.emulator import Emulator
from bot.emulator.errors import ApiError, EmulatorError, EmulatorTimeout
from bot.emulator.limits import FAULT_KINDS, RateLimits
from bot.emulator.model import Chat, User
from bot.emulator.server import bot_urls, make_app, run, serve

__all__ = [
    "ApiError",
    "Chat",
    "Emulator",
    "EmulatorClient",
    "EmulatorClientError",
    "EmulatorError",
    "EmulatorTimeout",
    "FAULT_KINDS",
    "RateLimits",
    "User",
    "bot_urls",
    "make_app",
    "run",
    "serve",
]
