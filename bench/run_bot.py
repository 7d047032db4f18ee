"""The real bot on a chosen transport, for comparing them: `python -m bench.run_bot --transport httpx CONFIG`.

`aiohttp` is the bot's own (`bot.transport.AiohttpRequest`, what `python -m bot run` uses); `httpx`
is PTB's `HTTPXRequest` tuned for this load: the same connection count, every connection kept alive
for a minute, HTTP/1.1, and the long poll on a connection of its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from telegram.request import BaseRequest, HTTPXRequest

from bot import config as config_mod
from bot.app import CONNECTIONS, build
from bot.cli import logs
from bot.cli.run import run_async
from bot.polling import serve
from bot.transport import AiohttpRequest


def tuned_httpx(connections: int) -> HTTPXRequest:
    """PTB's httpx transport with keep-alive for every connection (httpx keeps 20 for 5 s by default)."""
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=60.0
    )
    return HTTPXRequest(connection_pool_size=connections, http_version="1.1", httpx_kwargs={"limits": limits})


def transports(kind: str) -> tuple[BaseRequest, BaseRequest]:
    """(requests, long poll) for a transport name."""
    if kind == "httpx":
        return tuned_httpx(CONNECTIONS), tuned_httpx(1)
    return AiohttpRequest(CONNECTIONS), AiohttpRequest(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bot")
    parser.add_argument("--transport", choices=("aiohttp", "httpx"), default="aiohttp")
    parser.add_argument("config")
    args = parser.parse_args(argv)
    cfg = config_mod.load(args.config)
    logs.setup(cfg.log_level, cfg.log_json)  # as `python -m bot run`
    request, updates = transports(args.transport)
    run_async(serve(build(cfg, request, updates)))  # the event loop of `python -m bot run`
    return 0


if __name__ == "__main__":
    sys.exit(main())
