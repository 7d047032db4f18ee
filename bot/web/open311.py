"""The Open311 GeoReport v2 HTTP interface (read-only JSON) under /open311/v2/, with aiohttp.

    GET /open311/v2/discovery.json
    GET /open311/v2/services.json
    GET /open311/v2/requests.json?service_code=&status=&start_date=&end_date=&page=&page_size=
    GET /open311/v2/requests/{id}.json

With `[open311] api_key` set, every endpoint but discovery needs `?api_key=` (403 otherwise).
Errors are the spec's `[{"code": …, "description": …}]`.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import datetime, timezone
from typing import Awaitable, Callable

from aiohttp import web

from bot.domain import open311 as dom
from bot.services import open311 as service
from bot.services.context import Ctx

log = logging.getLogger(__name__)
PREFIX = "/open311/v2"
CTX = web.AppKey("ctx", Ctx)
STARTED = web.AppKey("started", datetime)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(data: object, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The API key (if configured) and the spec's error bodies for anything that goes wrong."""
    key = request.app[CTX].config.open311.api_key
    if (
        key
        and not request.path.endswith("/discovery.json")
        and not hmac.compare_digest(request.query.get("api_key", "").encode(), key.encode())
    ):
        return _json(dom.error_json(403, "a valid api_key is required"), 403)
    try:
        return await handler(request)
    except dom.BadQuery as exc:
        return _json(dom.error_json(400, str(exc)), 400)
    except web.HTTPException as exc:
        return _json(dom.error_json(exc.status, exc.reason), exc.status)
    except Exception as exc:  # logged by type only: no request data
        log.error("open311 request failed: %s", type(exc).__name__)
        return _json(dom.error_json(500, "internal error"), 500)


async def discovery(request: web.Request) -> web.Response:
    """Where this endpoint is and what it speaks."""
    s = request.app[CTX].config.open311
    url = s.base_url or f"{request.scheme}://{request.host}{PREFIX}"
    return _json(dom.discovery_json(s, url, request.app[STARTED]))


async def services(request: web.Request) -> web.Response:
    """The categories."""
    return _json(service.services(request.app[CTX]))


async def requests(request: web.Request) -> web.Response:
    """A page of requests."""
    return _json(await service.requests(request.app[CTX], dict(request.query), datetime.now(timezone.utc)))


async def one(request: web.Request) -> web.Response:
    """One request by number."""
    raw = request.match_info["id"]
    found = (
        await service.request(request.app[CTX], int(raw))
        if raw.isascii() and raw.isdigit() and len(raw) <= 12
        else None
    )
    if found is None:
        return _json(dom.error_json(404, f"no service request {raw}"), 404)
    return _json(found)


def make_app(ctx: Ctx) -> web.Application:
    """The aiohttp application for a context (its database must be open)."""
    app = web.Application(middlewares=[_guard])
    app[CTX], app[STARTED] = ctx, datetime.now(timezone.utc).replace(microsecond=0)
    app.router.add_get(f"{PREFIX}/discovery.json", discovery)
    app.router.add_get(f"{PREFIX}/services.json", services)
    app.router.add_get(f"{PREFIX}/requests.json", requests)
    app.router.add_get(PREFIX + "/requests/{id}.json", one)
    return app


async def start(ctx: Ctx, host: str, port: int) -> web.AppRunner:
    """Serve the interface; returns the runner (`await runner.cleanup()` stops it)."""
    runner = web.AppRunner(make_app(ctx), access_log=None)  # no access log: query strings may hold the key
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually listened on (useful with port 0)."""
    return runner.addresses[0][1]
