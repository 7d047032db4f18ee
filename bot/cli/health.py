"""`python -m bot health [--config FILE]`: exit 0 while a bot process holds the configured database
(for a container HEALTHCHECK or a monitoring probe), 1 otherwise."""

from __future__ import annotations

import argparse
import sys

from bot.cli import lang
from bot.lock import holder


def main(argv: list[str]) -> int:
    """Check that the bot runs on this configuration's database."""
    parser = argparse.ArgumentParser(prog="python -m bot health", description=lang.say("cli_health"))
    parser.add_argument("--config", default="config.toml", help=lang.say("opt_config"))
    args = parser.parse_args(argv)
    cfg = lang.load_config(args.config)
    if cfg is None:
        return 2
    pid = holder(cfg.database)
    if pid is None:
        print(lang.say("health_down", db=cfg.database), file=sys.stderr)
        return 1
    print(lang.say("health_up", db=cfg.database, pid=pid))
    return 0
