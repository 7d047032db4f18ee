"""The demo's wish: the neighbour asks for help in the group and the volunteer claims it from the group
card (the time-bank part then sees it done)."""

from __future__ import annotations

from typing import Any


async def story(demo: Any, cast: Any) -> None:
    """Wish #2 from the neighbour, claimed from the group card by the volunteer."""
    emu, w, neighbour, volunteer = demo.emu, demo.words, cast.neighbour, cast.volunteer
    card = await demo.step(
        "wish",
        lambda: emu.send(neighbour, cast.group, w["wish"]),
        demo._in(cast.group, "t:2:clm"),
        who=neighbour.first_name,
        text=w["wish"],
    )
    await demo.step(
        "claim",
        lambda: emu.press(volunteer, card, "t:2:clm"),
        demo._in(volunteer, "t:2:cls"),
        who=volunteer.first_name,
    )
