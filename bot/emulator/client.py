"""`EmulatorClient`: the /_emu control API over HTTP, for tests driving an out-of-process emulator."""

from __future__ import annotations

from typing import Any, Sequence

import aiohttp

from bot.emulator.client_faults import FaultsAndCounters, _id


class EmulatorClientError(RuntimeError):
    """The control API refused a request (status and error text attached)."""

    def __init__(self, status: int, error: str):
        super().__init__(f"{status}: {error}")
        self.status = status
        self.error = error


class EmulatorClient(FaultsAndCounters):
    """Same verbs as `Emulator`, over HTTP; users, chats and messages are plain dicts or ids.

    Use as `async with EmulatorClient("http://127.0.0.1:8081") as emu: ...`.
    """

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "EmulatorClient":
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(self, verb: str, path: str, body: dict[str, Any] | None = None, /, **query: Any) -> Any:
        """Call a control endpoint and return its JSON (EmulatorClientError on 4xx/5xx)."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        params = {k: str(v) for k, v in query.items() if v is not None}
        async with self._session.request(verb, f"{self.url}{path}", json=body, params=params) as response:
            data = await response.json(content_type=None)
            if response.status >= 400:
                raise EmulatorClientError(response.status, (data or {}).get("error", str(data)))
            return data

    @property
    def base_url(self) -> str:
        """What to pass as the bot's base_url."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as the bot's base_file_url."""
        return f"{self.url}/file/bot"

    # ---- world ------------------------------------------------------------------------------
    async def state(self) -> dict[str, Any]:
        """Bot, users, chats, stats and the current checkpoint."""
        return await self.request("GET", "/_emu/state")

    async def user(
        self,
        id: int | None = None,
        first_name: str = "Li",
        username: str | None = None,
        language_code: str | None = "zh",
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """Create a user; returns the user dict (with started/blocked)."""
        return await self.request(
            "POST",
            "/_emu/users",
            {
                "id": id,
                "first_name": first_name,
                "username": username,
                "language_code": language_code,
                "last_name": last_name,
            },
        )

    async def block(self, user: int | dict[str, Any]) -> dict[str, Any]:
        """The user blocks the bot."""
        return await self.request("POST", f"/_emu/users/{_id(user)}/block")

    async def unblock(self, user: int | dict[str, Any]) -> dict[str, Any]:
        """The user unblocks the bot."""
        return await self.request("POST", f"/_emu/users/{_id(user)}/unblock")

    async def group(
        self,
        title: str,
        members: Sequence[int | dict[str, Any]] = (),
        supergroup: bool = False,
        with_bot: bool = False,
    ) -> dict[str, Any]:
        """Create a group; returns the chat dict."""
        return await self.request(
            "POST",
            "/_emu/groups",
            {
                "title": title,
                "members": [_id(m) for m in members],
                "supergroup": supergroup,
                "with_bot": with_bot,
            },
        )

    async def chats(self) -> list[dict[str, Any]]:
        """Every chat with members and the bot's status."""
        return await self.request("GET", "/_emu/chats")

    async def add_bot(self, group: int | dict[str, Any], by: int | dict[str, Any]) -> dict[str, Any]:
        """`by` adds the bot to the group."""
        return await self.request("POST", f"/_emu/chats/{_id(group)}/add_bot", {"by": _id(by)})

    async def remove_bot(self, group: int | dict[str, Any], by: int | dict[str, Any]) -> dict[str, Any]:
        """`by` removes the bot from the group."""
        return await self.request("POST", f"/_emu/chats/{_id(group)}/remove_bot", {"by": _id(by)})

    async def promote_bot(
        self, group: int | dict[str, Any], can_delete_messages: bool = True
    ) -> dict[str, Any]:
        """Make the bot an admin of the group."""
        return await self.request(
            "POST", f"/_emu/chats/{_id(group)}/promote_bot", {"can_delete_messages": can_delete_messages}
        )

    async def add_member(self, group: int | dict[str, Any], user: int | dict[str, Any]) -> dict[str, Any]:
        """The user joins the group."""
        return await self.request("POST", f"/_emu/chats/{_id(group)}/members", {"user": _id(user)})

    async def migrate(self, group: int | dict[str, Any]) -> dict[str, Any]:
        """Upgrade a group to a supergroup; returns the new chat."""
        return await self.request("POST", f"/_emu/chats/{_id(group)}/migrate")

    # ---- acting -----------------------------------------------------------------------------
    async def send(
        self,
        user: int | dict[str, Any],
        chat: int | dict[str, Any] | None,
        text: str,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """`user` writes `text` in `chat` (None: their private chat with the bot)."""
        return await self.request(
            "POST",
            "/_emu/send",
            {
                "user": _id(user),
                "chat": _id(chat if chat is not None else user),
                "text": text,
                "reply_to": reply_to,
            },
        )

    async def send_photo(
        self, user: int | dict[str, Any], chat: int | dict[str, Any] | None, caption: str | None = None
    ) -> dict[str, Any]:
        """`user` sends a generated photo."""
        return await self.request(
            "POST",
            "/_emu/send_photo",
            {"user": _id(user), "chat": _id(chat if chat is not None else user), "caption": caption},
        )

    async def send_location(
        self, user: int | dict[str, Any], chat: int | dict[str, Any] | None, latitude: float, longitude: float
    ) -> dict[str, Any]:
        """`user` shares a location."""
        return await self.request(
            "POST",
            "/_emu/send_location",
            {
                "user": _id(user),
                "chat": _id(chat if chat is not None else user),
                "latitude": latitude,
                "longitude": longitude,
            },
        )

    async def edit(self, user: int | dict[str, Any], message: dict[str, Any], text: str) -> dict[str, Any]:
        """`user` edits their message."""
        return await self.request(
            "POST",
            "/_emu/edit",
            {
                "user": _id(user),
                "chat": message["chat"]["id"],
                "message_id": message["message_id"],
                "text": text,
            },
        )

    async def press(self, user: int | dict[str, Any], message: dict[str, Any], button: str) -> str:
        """`user` presses a button (by text or callback_data); returns the callback query id."""
        result = await self.request(
            "POST",
            "/_emu/press",
            {
                "user": _id(user),
                "chat": message["chat"]["id"],
                "message_id": message["message_id"],
                "button": button,
            },
        )
        return result["callback_id"]

    async def callback_answer(self, callback_id: str) -> dict[str, Any] | None:
        """The bot's answer to a callback query, or None yet."""
        return (await self.request("GET", f"/_emu/callbacks/{callback_id}"))["answer"]

    # ---- reading ----------------------------------------------------------------------------
    async def messages(
        self,
        chat: int | dict[str, Any],
        as_user: int | dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Live messages of a chat."""
        return await self.request(
            "GET", f"/_emu/chats/{_id(chat)}/messages", as_user=_id(as_user) if as_user is not None else None
        )

    async def last(self, chat: int | dict[str, Any]) -> dict[str, Any] | None:
        """The newest live message of a chat."""
        found = await self.messages(chat)
        return found[-1] if found else None

    async def checkpoint(self) -> int:
        """The current change sequence number (for `wait_for(since=...)`)."""
        return (await self.request("GET", "/_emu/checkpoint"))["seq"]

    async def wait_for(
        self,
        chat: int | dict[str, Any] | None = None,
        *,
        contains: str | None = None,
        timeout: float = 10.0,
        since: int | None = None,
        from_bot: bool = True,
    ) -> dict[str, Any]:
        """Wait for a bot message in `chat` after the last user action (or `since`)."""
        return await self.request(
            "POST",
            "/_emu/wait",
            {
                "chat": _id(chat) if chat is not None else None,
                "contains": contains,
                "timeout": timeout,
                "since": since,
                "from_bot": from_bot,
            },
        )
