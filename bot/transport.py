"""The Bot API transport: python-telegram-bot's `BaseRequest` on aiohttp.

PTB's default `HTTPXRequest` costs the bot a scan of httpcore's whole connection pool on every
request (about an eighth of its busy time under load). aiohttp's connector hands out a kept-alive
connection from a free list and parses responses in C. The timeouts mean what PTB's own mean:
- pool: waiting for a free connection (then `TimedOut`, and the request was *not* sent);
- connect: opening a connection;
- write + read: sending the request and receiving the answer (aiohttp has no separate write
  timer, so a request with a body gets both budgets together);
every timeout raises `telegram.error.TimedOut`, every other transport failure `NetworkError`.

`call` is the short way for calls whose parameters are plain JSON (the deliverer's sends and edits,
callback answers): the body is encoded once and the answer's `result` comes back as JSON, without
PTB's per-parameter encoding and objects; the rate limiter and PTB's errors stay the same.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from telegram import Bot, InputFile, TelegramObject
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

POOL_TIMEOUT_TEXT = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one aiohttp session with at most `connection_pool_size` requests at once."""

    __slots__ = ("_pool_size", "_timeouts", "_media_write_timeout", "_session", "_slots")

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to a long poll's own timeout)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._pool_size, limit_per_host=0, keepalive_timeout=60, enable_cleanup_closed=False
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _pick(self, name: str, value: ODVInput[float]) -> float | None:
        return self._timeouts[name] if isinstance(value, DefaultValue) else value  # type: ignore[return-value]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Perform one request; returns (HTTP status, body)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = bool(request_data and request_data.contains_files)
        write = (
            (self._media_write_timeout if files else self._timeouts["write"])
            if isinstance(write_timeout, DefaultValue)
            else write_timeout
        )
        read = _answer_budget(self._pick("read", read_timeout), write, request_data is not None)
        timeout = aiohttp.ClientTimeout(
            total=None, connect=None, sock_read=read, sock_connect=self._pick("connect", connect_timeout)
        )
        await self._acquire(self._pick("pool", pool_timeout))
        try:
            return await self._send(url, method, request_data, files, timeout)
        finally:
            self._slots.release()

    async def post_json(self, url: str, data: dict[str, Any]) -> Any:
        """POST `data` as one JSON body; the answer's `result`, or the error PTB would raise for it."""
        body = _Json(json.dumps(data, ensure_ascii=False, default=_plain).encode())
        try:
            code, payload = await self.do_request(url, "POST", body)  # type: ignore[arg-type]
        except TelegramError:
            raise
        except Exception as exc:  # as PTB's own request path words it
            raise NetworkError(f"Unknown error in HTTP implementation: {exc!r}") from exc
        if not 200 <= code <= 299:
            await _Answered(code, payload).post(url)  # PTB's mapping of the answer to its error: raises
        return self.parse_json_payload(payload)["result"]

    async def _acquire(self, pool_timeout: float | None) -> None:
        try:
            async with asyncio.timeout(pool_timeout):
                await self._slots.acquire()
        except TimeoutError as err:
            raise TimedOut(message=POOL_TIMEOUT_TEXT) from err

    async def _send(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        files: bool,
        timeout: aiohttp.ClientTimeout,
    ) -> tuple[int, bytes]:
        assert self._session is not None
        try:
            async with self._session.request(
                method, url, timeout=timeout, **_body(request_data, files)
            ) as res:
                return res.status, await res.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _answer_budget(read: float | None, write: float | None, has_body: bool) -> float | None:
    """aiohttp's read timer runs from sending the request on: a body gets the write time too."""
    if read is None or (has_body and write is None):
        return None
    return read + write if has_body and write is not None else read


def _body(request_data: RequestData | None, files: bool) -> dict[str, Any]:
    """The request body: JSON, or multipart form data when a file is uploaded."""
    if request_data is None:
        return {}
    if not files:
        return {"data": request_data.json_payload, "headers": {"Content-Type": "application/json"}}
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content, mimetype = upload[0], upload[1], upload[2]
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return {"data": form}


async def call(bot: Bot, method: str, params: dict[str, Any]) -> Any:
    """One Bot API call with plain JSON parameters (None left out), through the bot's rate limiter if
    it has one; the answer's `result` as JSON. Other transports (and uploads) take PTB's own path."""
    data = {k: v for k, v in params.items() if v is not None}
    request = bot.request
    if not isinstance(request, AiohttpRequest) or any(isinstance(v, InputFile) for v in data.values()):
        return await bot._post(method, data)  # noqa: SLF001 (the untyped path under every Bot method)
    url = f"{bot.base_url}/{method}"
    limiter = getattr(bot, "rate_limiter", None)
    if limiter is None:
        return await request.post_json(url, data)
    return await limiter.process_request(
        callback=request.post_json,
        args=(url, data),
        kwargs={},
        endpoint=method,
        data=data,
        rate_limit_args=None,
    )


def _plain(value: Any) -> Any:
    """JSON for a PTB object among the parameters (a keyboard, an InputMedia): its Bot API form."""
    if isinstance(value, TelegramObject):
        return value.to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class _Json:
    """A request body already encoded (what `do_request` reads of PTB's `RequestData`)."""

    contains_files = False

    def __init__(self, payload: bytes) -> None:
        self.json_payload = payload


class _Answered(BaseRequest):
    """An answer already received, fed through PTB's request wrapper for the error it maps it to."""

    def __init__(self, code: int, payload: bytes) -> None:
        self._answer = (code, payload)

    @property
    def read_timeout(self) -> float | None:
        """Unused: nothing is sent."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """The answer received."""
        return self._answer
