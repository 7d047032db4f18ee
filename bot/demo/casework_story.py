"""The demo's casework: a public matter where a neighbour says "me too", the worker returns it and the
leader says it is not ours, with a note."""

from __future__ import annotations

from typing import Any


async def _public_and_me_too(demo: Any, resident: Any, neighbour: Any, group: Any) -> None:
    """The neighbour raises public matter #3 in the group; the resident says "me too"."""
    emu, w = demo.emu, demo.words
    card = await demo.step(
        "public",
        lambda: emu.send(neighbour, group, w["public"]),
        demo._in(group, "c:3:me"),
        who=neighbour.first_name,
        text=w["public"],
    )
    await demo.step(
        "me_too",
        lambda: emu.press(resident, card, "c:3:me"),
        lambda m: demo._in(group, "c:3:me")(m) and "(1)" in str(m.get("reply_markup")),
        who=resident.first_name,
    )


async def _return(demo: Any, worker: Any, leader: Any) -> dict:
    """The worker returns the matter with a reason; returns the leader's copy of it."""
    emu = demo.emu
    request = [m for m in emu.inbox(worker) if demo._in(worker, "c:3:ret")(m)][-1]
    reasons = await demo.step(
        "return",
        lambda: emu.press(worker, request, "c:3:ret"),
        demo._in(worker, "c:3:rr:1"),
        who=worker.first_name,
    )
    return await demo.step(
        "reason",
        lambda: emu.press(worker, reasons, "c:3:rr:1"),
        demo._in(leader, "c:3:no"),
        who=worker.first_name,
    )


async def _not_ours(demo: Any, leader: Any, returned: dict) -> None:
    """The leader says the matter is not ours and explains why."""
    emu, w = demo.emu, demo.words
    prompt = await demo.step(
        "not_ours",
        lambda: emu.press(leader, returned, "c:3:no"),
        lambda m: m["chat"]["id"] == leader.id and bool(m.get("force_reply")),
        who=leader.first_name,
    )
    await demo._prompt_recorded(prompt)
    await demo.step(
        "explain",
        lambda: emu.send(leader, leader, w["not_ours"], reply_to=prompt),
        lambda m: (
            m["chat"]["id"] == leader.id and "#3" in (m.get("text") or "") and not m.get("reply_markup")
        ),
        who=leader.first_name,
        text=w["not_ours"],
    )


async def story(demo: Any, cast: Any) -> None:
    """A public matter: a neighbour says "me too", the worker returns it, the leader says not ours."""
    await _public_and_me_too(demo, cast.resident, cast.neighbour, cast.group)
    returned = await _return(demo, cast.worker, cast.leader)
    await _not_ours(demo, cast.leader, returned)
