"""`python -m bot run [--config FILE] [--webhook] [--log-level L]`: start the bot."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from typing import Any, Coroutine
from datetime import datetime

from bot import config as config_mod
from bot.app import build
from bot.config_calendar import year_ahead_gap
from bot.cli import lang, logs
from bot.lock import DatabaseLocked, hold
from bot.polling import serve

GC_YOUNG = 10_000  # allocations between two collections of the youngest generation


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot run", description=lang.say("cli_run"))
    parser.add_argument("--config", default="config.toml", help=lang.say("opt_config"))
    parser.add_argument("--poll-timeout", type=int, default=10, help=lang.say("opt_poll_timeout"))
    parser.add_argument("--webhook", action="store_true", help=lang.say("opt_webhook"))
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=config_mod.LOG_LEVELS,
        default=None,
        help=lang.say("opt_log_level"),
    )
    return parser


def run_async(main: Coroutine[Any, Any, None]) -> None:
    """Run the bot on uvloop (libuv's event loop: less CPU per update than asyncio's own), if installed.

    The objects made at start-up (modules, templates, the application) live as long as the process:
    frozen, the garbage collector never scans them again; and it looks for cycles every `GC_YOUNG`
    new objects instead of every 700 (each update makes a few thousand, nearly all freed at once).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    try:
        import uvloop
    except ImportError:  # a platform uvloop does not support
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def warn_calendar(cfg: config_mod.Config, now: datetime) -> int | None:
    """Warn the operator (one log line, their language) when working-time deadlines set within a month
    would run into a year no calendar covers; that year, or None."""
    year = year_ahead_gap(cfg.tiers, now)
    if year is not None:
        file = cfg.calendar.file or lang.say("calendar_file_unset")
        logging.getLogger("bot.calendar").warning(lang.say("calendar_ahead", year=year, file=file))
    return year


def main(argv: list[str]) -> int:
    """Load the configuration (a bad one stops here with file and key), take the database, run."""
    args = _parser().parse_args(argv)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        print(lang.config_error(exc), file=sys.stderr)
        return 2
    if args.webhook and cfg.webhook is None:
        print(lang.say("cfg_header", message=lang.say("cfg_webhook_missing")), file=sys.stderr)
        return 2
    logs.setup(args.log_level or cfg.log_level, cfg.log_json)
    warn_calendar(cfg, datetime.now(cfg.timezone))
    try:
        held = hold(cfg.database)
    except DatabaseLocked as exc:
        print(lang.say("locked", db=exc.path, pid=exc.pid), file=sys.stderr)
        return 3
    try:
        if args.webhook:
            from bot.webhook import serve_webhook

            run_async(serve_webhook(build(cfg), cfg.webhook))
        else:
            run_async(serve(build(cfg), timeout=args.poll_timeout))
    finally:
        held.close()
    return 0
