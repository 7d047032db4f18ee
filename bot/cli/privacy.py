"""`python -m bot privacy export|erase USER`: a resident's personal data, on request.

    python -m bot privacy export USER [--config FILE] [--out FILE]
    python -m bot privacy erase USER [--config FILE] [--yes]

USER is the Telegram user id. Output is counts only (never texts or names), except the export
document itself, which goes to stdout or to --out (created readable by its owner only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import asdict
from datetime import datetime, timezone

from bot import config as config_mod
from bot.cli import lang
from bot.domain.inputs import parse_number
from bot.services import privacy
from bot.services.context import Ctx
from bot.store.db import Database


def _user_id(text: str) -> int:
    value = parse_number(text, high=2**53)
    if value is None:
        raise argparse.ArgumentTypeError(
            "USER must be a Telegram user id (a positive number) / USER 须为 Telegram 用户 id（正整数）"
        )
    return value


def _write_private(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _confirm(user_id: int, s: privacy.ErasureSummary) -> bool:
    print(
        lang.say(
            "privacy_confirm",
            user=user_id,
            tickets=s.tickets,
            users=s.user_row,
            drafts=s.drafts,
            prompts=s.prompts,
            outbox=s.outbox_deleted,
        )
    )
    try:
        answer = input(lang.say("privacy_type_yes"))
    except EOFError:
        return False
    return answer.strip().lower() in {"yes", "y", "是"}


async def _run(cfg: config_mod.Config, args: argparse.Namespace) -> int:
    db = await Database(cfg.database).open()
    try:
        if args.action == "export":
            doc = await privacy.export(db, args.user)
            text = json.dumps(doc, ensure_ascii=False, indent=2)
            if args.out:
                _write_private(args.out, text + "\n")
                print(lang.say("privacy_exported", count=len(doc["tickets"]), path=args.out), file=sys.stderr)
            else:
                print(text)
            return 0
        if not args.yes:
            found = await privacy.preview(db, args.user)
            if not _confirm(args.user, found):
                print(lang.say("privacy_nothing"), file=sys.stderr)
                return 1
        s = await privacy.erase(Ctx(db, cfg), args.user, datetime.now(timezone.utc))
        counts = {k: v for k, v in asdict(s).items() if k != "staff_code"}
        print(lang.say("privacy_erased", counts=", ".join(f"{k} {v}" for k, v in counts.items())))
        if s.staff_code:
            print(lang.say("privacy_staff", code=s.staff_code))
        return 0
    finally:
        await db.close()


def main(argv: list[str]) -> int:
    """Export (JSON) or erase (anonymise, one transaction) what the store holds about a Telegram user."""
    parser = argparse.ArgumentParser(prog="python -m bot privacy", description=lang.say("cli_privacy"))
    sub = parser.add_subparsers(dest="action", required=True)
    exp = sub.add_parser("export", help=lang.say("opt_privacy_export"))
    exp.add_argument("user", type=_user_id, metavar="USER")
    exp.add_argument("--config", default=None, help=lang.say("opt_config"))
    exp.add_argument("--out", default=None, help=lang.say("opt_privacy_out"))
    era = sub.add_parser("erase", help=lang.say("opt_privacy_erase"))
    era.add_argument("user", type=_user_id, metavar="USER")
    era.add_argument("--config", default=None, help=lang.say("opt_config"))
    era.add_argument("--yes", action="store_true", help=lang.say("opt_no_confirm"))
    args = parser.parse_args(argv)
    cfg = lang.load_config(args.config)
    if cfg is None:
        return 2
    if not cfg.database.is_file():
        print(lang.say("no_database", db=cfg.database), file=sys.stderr)
        return 2
    return asyncio.run(_run(cfg, args))
