"""`python -m bot run --config FILE`: start the bot with long polling."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot import config as config_mod
from bot.app import build
from bot.polling import serve


def main(argv: list[str]) -> int:
    """Load the configuration (a bad one stops here with file and key) and poll until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bot run")
    parser.add_argument("--config", default="config.toml", help="TOML configuration file")
    parser.add_argument("--poll-timeout", type=int, default=10, help="long-poll timeout in seconds")
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "aiosqlite"):  # aiosqlite logs SQL parameters (personal data) at DEBUG
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(serve(build(cfg), timeout=args.poll_timeout))
    return 0
