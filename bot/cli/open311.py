"""`python -m bot open311 --config FILE [--port P] [--listen HOST]`: serve the read-only Open311
GeoReport v2 interface on its own (the running bot also serves it when `[open311] port` is set)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot import config as config_mod
from bot.cli import lang
from bot.services.context import Ctx
from bot.store.db import Database
from bot.web import open311 as web311


async def serve(cfg: config_mod.Config, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until `stop` is set."""
    db = await Database(cfg.database).open()
    runner = await web311.start(Ctx(db, cfg), host, port)
    try:
        print(
            lang.say("open311_serving", url=f"http://{host}:{web311.bound_port(runner)}{web311.PREFIX}/"),
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()
        await db.close()


async def _main(cfg: config_mod.Config, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(cfg, host, port, stop)


def main(argv: list[str]) -> int:
    """Parse the arguments, load the configuration and serve."""
    parser = argparse.ArgumentParser(prog="python -m bot open311", description=lang.say("cli_open311"))
    parser.add_argument("--config", default="config.toml", help=lang.say("opt_config"))
    parser.add_argument("--port", type=int, default=None, help=lang.say("opt_port"))
    parser.add_argument("--listen", default=None, help=lang.say("opt_listen"))
    args = parser.parse_args(argv)
    cfg = lang.load_config(args.config)
    if cfg is None:
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    port = args.port if args.port is not None else (8311 if cfg.open311.port is None else cfg.open311.port)
    asyncio.run(_main(cfg, args.listen or cfg.open311.listen, port))
    return 0
