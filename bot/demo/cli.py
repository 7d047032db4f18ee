"""`python -m bot demo [--lang zh|en]`: the emulator, the real bot and a scripted story, printed.

No token and no network: the bot talks HTTP to a local Telegram Bot API emulator on a free port,
with its database in a temporary directory that is deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

from bot.cli import lang
from bot.demo.story import WORDS, Demo, StepFailed


def main(argv: list[str]) -> int:
    """Run the story; 0 if every step produced its message, 1 (with the step named) if not."""
    parser = argparse.ArgumentParser(prog="python -m bot demo", description=__doc__.splitlines()[0])
    # `python -m bot --lang en demo` and `python -m bot demo --lang en` alike: bot.cli.lang takes
    # --lang out of the arguments and makes it the operator's language, which the story follows
    parser.add_argument(
        "--lang", choices=sorted(WORDS), default=lang.current(), help="language of the bot and the story"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each step's message")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    words = WORDS[args.lang]
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gridbot-demo-") as tmp:
        demo = Demo(args.lang, Path(tmp), sys.stdout, args.timeout)
        try:
            asyncio.run(demo.run())
        except StepFailed as exc:
            print("\n" + words["failed"].format(step=demo.step_name, why=exc), file=sys.stderr)
            return 1
    print("\n" + words["done"].format(s=time.monotonic() - began))
    return 0
