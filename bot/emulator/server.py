"""aiohttp server: Bot API at /bot<token>/<method>, files, control API at /_emu, web page at /."""

from __future__ import annotations

import asyncio
import contextlib
from importlib import resources
from typing import Any, AsyncIterator

from aiohttp import web

from bot.emulator.control import add_control_routes
from bot.emulator.emulator import Emulator
from bot.emulator.errors import ApiError
from bot.emulator.params import read_params

EMULATOR_KEY: web.AppKey[Emulator] = web.AppKey("emulator", Emulator)


def _reply(status: int, body: Any) -> web.Response:
    if isinstance(body, str):
        return web.Response(status=status, text=body, content_type="text/html")
    return web.json_response(body, status=status)


def _unauthorized() -> web.Response:
    return _reply(401, ApiError(401, "Unauthorized").payload())


async def bot_api(request: web.Request) -> web.Response:
    """Handle /bot<token>/<method> with JSON, urlencoded or multipart parameters."""
    emulator = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emulator.token:
        return _unauthorized()
    try:
        params = await read_params(request)
    except ApiError as error:
        return _reply(error.code, error.payload())
    return _reply(*await emulator.call(request.match_info["method"], params))


async def download(request: web.Request) -> web.Response:
    """Serve /file/bot<token>/<file_path> for files announced by getFile."""
    emulator = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emulator.token:
        return _unauthorized()
    path = request.match_info["path"]
    for record in emulator.files.values():
        if record.file_path == path:
            return web.Response(body=record.data, content_type="application/octet-stream")
    return _reply(404, ApiError(404, "Not Found").payload())


async def file_by_id(request: web.Request) -> web.Response:
    """Serve a file's bytes by file_id for the web page (photos are shown as images)."""
    record = request.app[EMULATOR_KEY].files.get(request.match_info["file_id"])
    if record is None:
        return web.json_response({"error": "no such file"}, status=404)
    kind = (
        "image/jpeg"
        if record.data[:3] == b"\xff\xd8\xff"
        else ("image/png" if record.data[:4] == b"\x89PNG" else "application/octet-stream")
    )
    return web.Response(body=record.data, content_type=kind)


async def index(request: web.Request) -> web.Response:
    """The web page for acting as users."""
    page = resources.files("bot.emulator").joinpath("static/index.html").read_text("utf-8")
    return web.Response(text=page, content_type="text/html")


def make_app(emulator: Emulator) -> web.Application:
    """The aiohttp application serving `emulator`."""
    app = web.Application(client_max_size=60 * 1024 * 1024)
    app[EMULATOR_KEY] = emulator
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    app.router.add_get("/", index)
    app.router.add_get("/_emu/files/{file_id}", file_by_id)
    add_control_routes(app, emulator)
    return app


@contextlib.asynccontextmanager
async def serve(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve `emulator` (port 0 = a free port) and yield its base URL, e.g. http://127.0.0.1:PORT.

    Give the bot `base_url=url + "/bot"` and `base_file_url=url + "/file/bot"`.
    """
    runner = web.AppRunner(make_app(emulator), shutdown_timeout=0.5, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0]
    emulator.url = f"http://{host}:{bound[1]}"
    try:
        yield emulator.url
    finally:
        emulator.stop_webhook_delivery()
        emulator.bump()  # wake long polls so shutdown is quick
        await runner.cleanup()


def bot_urls(url: str) -> dict[str, str]:
    """ApplicationBuilder / Bot keyword arguments for a served emulator URL."""
    return {"base_url": f"{url}/bot", "base_file_url": f"{url}/file/bot"}


def run(emulator: Emulator, host: str = "127.0.0.1", port: int = 8081, announce: bool = True) -> None:
    """Serve `emulator` until interrupted (blocking; used by the CLI)."""

    async def main() -> None:
        async with serve(emulator, host, port) as url:
            if announce:
                print(f"Telegram emulator: open {url}/ in a browser", flush=True)
                print(
                    f"Bot settings: base_url={url}/bot  base_file_url={url}/file/bot  token={emulator.token}",
                    flush=True,
                )
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
