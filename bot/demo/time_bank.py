"""The demo's time-bank part: the volunteer completes the wish they claimed, records an hour, the
neighbour confirms it, and /my shows the volunteer's balance (docs/time_bank.md)."""

from __future__ import annotations

from typing import Any


def _with(demo: Any, chat: Any, data: str) -> dict:
    """The latest bot message in `chat` carrying a button whose data starts with `data`."""
    match = demo._in(chat, data)
    return [m for m in demo.emu.messages(chat) if match(m)][-1]


async def story(demo: Any, volunteer: Any, neighbour: Any, group: Any) -> None:
    """Wish #2, claimed by the volunteer, done and counted in their time bank."""
    emu, w, who = demo.emu, demo.words, volunteer.first_name
    mine = _with(demo, volunteer, "t:2:cls")
    prompt = await demo.step(
        "close",
        lambda: emu.press(volunteer, mine, "t:2:cls"),
        lambda m: m["chat"]["id"] == volunteer.id and bool(m.get("force_reply")),
        who=who,
    )
    await demo._prompt_recorded(prompt)
    ask = await demo.step(
        "note",
        lambda: emu.send(volunteer, volunteer, w["wish_note"], reply_to=prompt),
        demo._in(volunteer, "h:2:60"),
        who=who,
        text=w["wish_note"],
    )
    await demo.step(
        "hours",
        lambda: emu.press(volunteer, ask, "h:2:60"),
        lambda m: m["message_id"] == ask["message_id"] and not m.get("reply_markup"),
        who=who,
    )
    card = _with(demo, group, "t:2:yes")
    await demo.step(
        "wish_yes",
        lambda: emu.press(neighbour, card, "t:2:yes"),
        demo._in(volunteer),
        who=neighbour.first_name,
    )
    await demo.step("my", lambda: emu.send(volunteer, volunteer, "/my"), demo._in(volunteer), who=who)
