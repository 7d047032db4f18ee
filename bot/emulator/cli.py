"""`python -m bot emulator`: serve the Bot API emulator and its web page."""

from __future__ import annotations

import argparse

from bot.emulator.emulator import Emulator
from bot.emulator.server import run


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options of the emulator."""
    parser = argparse.ArgumentParser(
        prog="python -m bot emulator", description="Local Telegram Bot API emulator with a web page."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123:ABC")
    parser.add_argument("--bot-username", default="grid_bot")
    parser.add_argument("--no-rate-limits", action="store_true", help="disable 429 flood control")
    parser.add_argument("--no-privacy", action="store_true", help="bot sees every group message")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run the emulator until Ctrl-C."""
    args = parse_args(argv)
    emulator = Emulator(
        token=args.token,
        bot_username=args.bot_username,
        rate_limits=not args.no_rate_limits,
        privacy=not args.no_privacy,
    )
    run(emulator, args.host, args.port)
    return 0
