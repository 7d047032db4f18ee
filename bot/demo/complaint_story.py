"""The demo's complaint: the card in the group, the text privately to the worker, who accepts and
closes it with a note; the resident opens the card's link privately, confirms and rates."""

from __future__ import annotations

from typing import Any


def _latest(demo: Any, user: Any, data: str) -> dict:
    """The newest message in `user`'s inbox carrying a button whose data starts with `data`."""
    return [m for m in demo.emu.inbox(user) if demo._in(user, data)(m)][-1]


async def _complain_and_accept(demo: Any, resident: Any, worker: Any, group: Any) -> None:
    """The resident complains in the group; the worker accepts the request sent to them privately."""
    emu, w = demo.emu, demo.words
    await demo.step(
        "complain",
        lambda: emu.send(resident, group, w["complaint"]),
        demo._in(worker, "t:1:acc"),
        who=resident.first_name,
        text=w["complaint"],
    )
    request = _latest(demo, worker, "t:1:acc")
    await demo.step(
        "accept",
        lambda: emu.press(worker, request, "t:1:acc"),
        demo._in(worker, "t:1:cls"),
        who=worker.first_name,
    )


async def _close(demo: Any, worker: Any, group: Any) -> dict:
    """The worker closes ticket #1 with a note; returns the group card that links to it."""
    emu, w = demo.emu, demo.words
    request = _latest(demo, worker, "t:1:cls")
    prompt = await demo.step(
        "close",
        lambda: emu.press(worker, request, "t:1:cls"),
        lambda m: m["chat"]["id"] == worker.id and bool(m.get("force_reply")),
        who=worker.first_name,
    )
    await demo._prompt_recorded(prompt)
    return await demo.step(
        "note",
        lambda: emu.send(worker, worker, w["note"], reply_to=prompt),
        demo._link_in(group, "start=t_1"),
        who=worker.first_name,
        text=w["note"],
    )


async def _open(demo: Any, resident: Any, card: dict) -> dict:
    """The resident opens the card's link privately; returns the bot's question."""
    emu = demo.emu
    payload = demo._link(card, "start=t_1").split("start=", 1)[1]
    return await demo.step(
        "open",
        lambda: emu.send(resident, resident, f"/start {payload}"),
        demo._in(resident, "t:1:yes"),
        who=resident.first_name,
    )


async def _confirm_and_rate(demo: Any, resident: Any, ask: dict) -> None:
    """The resident confirms the matter is solved and gives five stars."""
    emu = demo.emu
    rating = await demo.step(
        "yes",
        lambda: emu.press(resident, ask, "t:1:yes"),
        demo._in(resident, "t:1:r:5"),
        who=resident.first_name,
    )
    await demo.step(
        "rate",
        lambda: emu.press(resident, rating, "t:1:r:5"),
        lambda m: (
            m["message_id"] == rating["message_id"]
            and m["chat"]["id"] == resident.id
            and not m.get("reply_markup")
        ),
        who=resident.first_name,
    )


async def story(demo: Any, cast: Any) -> None:
    """Complaint #1 from the resident, handled by the worker, confirmed and rated by the resident."""
    await _complain_and_accept(demo, cast.resident, cast.worker, cast.group)
    card = await _close(demo, cast.worker, cast.group)
    # the group learns nothing of who complained: the resident opens the card's link privately
    ask = await _open(demo, cast.resident, card)
    await _confirm_and_rate(demo, cast.resident, ask)
