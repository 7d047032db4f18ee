"""`python -m bot run --config FILE`: start the bot with long polling."""

from __future__ import annotations

import argparse
import logging
import sys

from telegram import Update

from bot import config as config_mod
from bot.app import build


def main(argv: list[str]) -> int:
    """Load the configuration (a bad one stops here with file and key) and poll until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bot run")
    parser.add_argument("--config", default="config.toml", help="TOML configuration file")
    parser.add_argument("--poll-interval", type=float, default=0.0)
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    build(cfg).run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=args.poll_interval,
                           drop_pending_updates=False)
    return 0
