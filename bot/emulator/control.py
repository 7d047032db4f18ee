"""HTTP control API under /_emu: act as users, inspect chats, inject faults (JSON in/out)."""

from __future__ import annotations

import inspect
from typing import Any, Callable

from aiohttp import web

from bot.emulator.emulator import Emulator
from bot.emulator.errors import EmulatorError, EmulatorTimeout
from bot.emulator.params import Params

Body = dict[str, Any]
Handler = Callable[[Emulator, Body, dict[str, str]], Any]


def _state(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return {
        "bot": emu.bot.to_dict(),
        "token": emu.token,
        "url": emu.url,
        "users": [u.view() for u in emu.users.values()],
        "chats": [c.view(emu.users) for c in emu.chats.values()],
        "stats": emu.stats(),
        "seq": emu.checkpoint(),
    }


def _new_user(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    allowed = ("id", "first_name", "username", "language_code", "last_name")
    return emu.user(**{k: v for k, v in body.items() if k in allowed and v not in (None, "")}).view()


def _group(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    chat = emu.group(
        str(body.get("title") or "Group"),
        body.get("members") or [],
        supergroup=bool(body.get("supergroup")),
        with_bot=bool(body.get("with_bot")),
    )
    return chat.view(emu.users)


def _chat_action(verb: str) -> Handler:
    def act(emu: Emulator, body: Body, match: dict[str, str]) -> Any:
        chat = int(match["id"])
        if verb == "migrate":
            return emu.migrate(chat).view(emu.users)
        if verb in ("promote_bot", "demote_bot"):
            kwargs = {"by": body.get("by")}
            if verb == "promote_bot":
                kwargs["can_delete_messages"] = bool(body.get("can_delete_messages", True))
            getattr(emu, verb)(chat, **kwargs)
            return emu.chat_of(chat).view(emu.users)
        if verb == "members":
            return emu.add_member(chat, body["user"], by=body.get("by"))
        if verb == "leave":
            return emu.leave(chat, body["user"])
        return getattr(emu, verb)(chat, by=body["by"])

    return act


def _user_action(verb: str) -> Handler:
    def act(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
        getattr(emu, verb)(int(match["id"]))
        return emu.user_of(int(match["id"])).view()

    return act


def _message(emu: Emulator, body: Body) -> Body:
    return emu.stored(int(body["chat"]), int(body["message_id"])).data


def _send(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return emu.send(
        body["user"], body.get("chat", body["user"]), str(body["text"]), reply_to=body.get("reply_to")
    )


def _send_photo(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return emu.send_photo(
        body["user"], body.get("chat", body["user"]), body.get("caption"), reply_to=body.get("reply_to")
    )


def _send_location(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return emu.send_location(
        body["user"], body.get("chat", body["user"]), float(body["latitude"]), float(body["longitude"])
    )


def _edit(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return emu.edit(body["user"], _message(emu, body), str(body["text"]))


def _press(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return {"callback_id": emu.press(body["user"], _message(emu, body), str(body["button"]))}


def _fault(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    count = body.get("count", 1)
    emu.fault(
        body["method"],
        str(body["kind"]),
        None if count in (None, "", "until_cleared") else int(count),
        int(body.get("retry_after", 1)),
        float(body.get("hold", 15.0)),
        body.get("description"),
        body.get("chat"),
    )
    return {"ok": True}


def _inject(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    if body.get("poison"):
        return emu.poison_update(str(body["poison"]), body.get("user"))
    if not isinstance(body.get("update"), dict):
        raise ValueError('give {"update": {"<kind>": {...}}} or {"poison": "poll_answer"}')
    return emu.inject_update(body["update"])


def _webhook(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return {"info": emu.get_webhook_info(Params({})), "deliveries": emu.webhook_deliveries}


def _fault_rate(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    options = {k: body[k] for k in ("kinds", "seed", "methods", "retry_after", "hold") if k in body}
    emu.fault_rate(float(body["rate"]), **options)
    return {"ok": True}


def _rate_limits(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    for key in ("enabled", "per_second", "per_group_per_minute"):
        if key in body:
            setattr(emu.rate_limits, key, type(getattr(emu.rate_limits, key))(body[key]))
    return vars(emu.rate_limits)


async def _wait(emu: Emulator, body: Body, match: dict[str, str]) -> Body:
    return await emu.wait_for(
        body.get("chat"),
        contains=body.get("contains"),
        timeout=float(body.get("timeout", 10)),
        since=body.get("since"),
        from_bot=bool(body.get("from_bot", True)),
    )


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/_emu/state", _state),
    ("GET", "/_emu/users", lambda e, b, m: [u.view() for u in e.users.values()]),
    ("POST", "/_emu/users", _new_user),
    ("POST", "/_emu/users/{id}/block", _user_action("block")),
    ("POST", "/_emu/users/{id}/unblock", _user_action("unblock")),
    ("GET", "/_emu/chats", lambda e, b, m: [c.view(e.users) for c in e.chats.values()]),
    ("POST", "/_emu/groups", _group),
    (
        "GET",
        "/_emu/chats/{id}/messages",
        lambda e, b, m: e.messages(int(m["id"]), as_user=int(b["as_user"]) if b.get("as_user") else None),
    ),
    *[
        ("POST", f"/_emu/chats/{{id}}/{verb}", _chat_action(verb))
        for verb in ("add_bot", "remove_bot", "promote_bot", "demote_bot", "migrate", "members", "leave")
    ],
    ("POST", "/_emu/send", _send),
    ("POST", "/_emu/send_photo", _send_photo),
    ("POST", "/_emu/send_location", _send_location),
    ("POST", "/_emu/edit", _edit),
    ("POST", "/_emu/press", _press),
    ("GET", "/_emu/callbacks/{id}", lambda e, b, m: {"answer": e.callback_answer(m["id"])}),
    ("POST", "/_emu/fault", _fault),
    ("POST", "/_emu/fault_rate", _fault_rate),
    ("DELETE", "/_emu/faults", lambda e, b, m: e.clear_faults(b.get("method")) or {"ok": True}),
    ("POST", "/_emu/updates", _inject),
    ("GET", "/_emu/webhook", _webhook),
    ("POST", "/_emu/rate_limits", _rate_limits),
    ("GET", "/_emu/stats", lambda e, b, m: e.stats()),
    ("GET", "/_emu/log", lambda e, b, m: e.calls_to(b["method"]) if b.get("method") else e.log),
    ("POST", "/_emu/advance", lambda e, b, m: {"time": e.advance(float(b["seconds"]))}),
    ("GET", "/_emu/checkpoint", lambda e, b, m: {"seq": e.checkpoint()}),
    ("POST", "/_emu/wait", _wait),
]


def _wrap(emu: Emulator, handler: Handler) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        body: Body = dict(request.query)
        if request.can_read_body:
            try:
                body.update(await request.json())
            except ValueError:
                return web.json_response({"error": "body must be a JSON object"}, status=400)
        try:
            result = handler(emu, body, dict(request.match_info))
            if inspect.isawaitable(result):
                result = await result
        except EmulatorTimeout as error:
            return web.json_response({"error": str(error)}, status=408)
        except (EmulatorError, KeyError, ValueError, TypeError) as error:
            return web.json_response({"error": f"{type(error).__name__}: {error}"}, status=400)
        return web.json_response(result)

    return handle


def add_control_routes(app: web.Application, emu: Emulator) -> None:
    """Mount the /_emu control API on `app`."""
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, _wrap(emu, handler))
