"""`python -m bot post weekly-tally|monthly|digests|collection-day|callbacks|quarterly-stars
[--dry-run|--send] [--config FILE] [--period P]`: make a scheduled post on demand.

Without --dry-run the posts go to the outbox (the running bot's deliverer sends them) and are recorded,
so the scheduled run will not repeat them; --send also delivers them right away (for a bot that is not
running); --dry-run prints them and writes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import sys
from datetime import datetime, timezone

from bot import config as config_mod
from bot.cli import lang
from bot.domain.periods import Period, parse_period
from bot.services import posts as posts_mod
from bot.services.context import Ctx
from bot.services.context import UsernameUnknown
from bot.store import bot_facts
from bot.store.db import Database
from bot.store.uow import reading


def _show(posts: list[posts_mod.Post], out) -> None:
    for p in posts:
        print(f"=== {p.kind} {p.period} -> chat {p.chat_id}", file=out)
        for n in p.notices:
            photo = n.extra.get("photo_b64")
            if photo:
                print(f"[photo: PNG chart, {len(base64.b64decode(photo))} bytes]", file=out)
            if n.text:
                print(n.text, file=out)
            for row in n.buttons or []:
                print(
                    "  " + "  ".join(f"[{label} -> {data.removeprefix('url:')}]" for label, data in row),
                    file=out,
                )
        print(file=out)


async def _deliver(cfg: config_mod.Config, db: Database, timeout: float = 300.0) -> int:
    """Deliver the outbox until it is empty (or `timeout` seconds pass); returns what is still pending."""
    from telegram import Bot

    from bot.delivery import Deliverer

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with Bot(cfg.token, base_url=cfg.api_base_url, base_file_url=cfg.file_base_url) as bot:
        deliverer = Deliverer(db, bot)
        while True:
            await deliverer.deliver_due()
            pending, first = await reading(db).outbox.backlog()
            if not pending or loop.time() > deadline:
                return pending
            wait = (first or 0.0) - datetime.now(timezone.utc).timestamp()
            await asyncio.sleep(min(5.0, max(0.2, wait)))


def _period(cfg: config_mod.Config, command: str, period_text: str | None, now: datetime) -> Period | None:
    """The period to post for, or None (after saying why on stderr) if it is the wrong kind."""
    period = (
        parse_period(period_text, cfg.timezone)
        if period_text
        else posts_mod.default_period(command, now, cfg.timezone)
    )
    expected = posts_mod.PERIOD_KINDS.get(command)
    if expected and period.kind != expected:
        print(
            lang.say(
                "post_period",
                command=command,
                unit=lang.say(f"unit_{expected}"),
                example={"week": "2025-W10", "quarter": "2025-Q1"}.get(expected, "2025-03"),
            ),
            file=sys.stderr,
        )
        return None
    return period


async def run(
    cfg: config_mod.Config,
    command: str,
    period_text: str | None,
    dry_run: bool,
    send: bool,
    now: datetime | None = None,
    out=None,
) -> int:
    """Build the post for the period, then print it, write it to the outbox, or send it."""
    out = out or sys.stdout
    now = now or datetime.now(timezone.utc)
    period = _period(cfg, command, period_text, now)
    if period is None:
        return 2
    db = await Database(cfg.database).open()
    try:
        ctx = Ctx(db, cfg, bot_username=await bot_facts.username(db, cfg.bot_username))
        made = await posts_mod.RUNNERS[command](ctx, now, period, dry_run)
        if dry_run:
            _show(made, out)
            print(lang.say("post_dry_run", count=len(made)), file=out)
            return 0
        print(lang.say("post_written", command=command, period=period.key, count=len(made)), file=out)
        if send:
            left = await _deliver(cfg, db)
            print(lang.say("post_delivered") if not left else lang.say("post_pending", count=left), file=out)
        return 0
    finally:
        await db.close()


def main(argv: list[str]) -> int:
    """Parse the arguments and run one post."""
    parser = argparse.ArgumentParser(prog="python -m bot post", description=lang.say("cli_post"))
    parser.add_argument("what", choices=sorted(posts_mod.RUNNERS))
    parser.add_argument("--config", default="config.toml", help=lang.say("opt_config"))
    parser.add_argument("--period", default=None, help=lang.say("opt_period"))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help=lang.say("opt_post_dry_run"))
    mode.add_argument("--send", action="store_true", help=lang.say("opt_send"))
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(args.config, need_token=args.send)
        return asyncio.run(run(cfg, args.what, args.period, args.dry_run, args.send))
    except config_mod.ConfigError as exc:
        print(lang.config_error(exc), file=sys.stderr)
    except UsernameUnknown:
        print(lang.say("no_username"), file=sys.stderr)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
    return 2
