"""The demo's opening: the people, each of the staff starting the bot privately, the admin adding the
bot to the group and the leader binding the group to its grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GROUP_TITLE = "幸福小区网格群"
STAFF = ((9001, "张伟"), (9002, "李娜"), (9003, "王芳"), (9004, "赵强"), (9005, "刘洋"))
RESIDENTS = ((5001, "陈阿姨"), (5002, "周先生"))


@dataclass(frozen=True)
class Cast:
    """Who takes part in the story, and the group they meet in."""

    admin: Any
    leader: Any
    worker: Any
    volunteer: Any
    resident: Any
    neighbour: Any
    group: Any


def _people(demo: Any) -> tuple[list[Any], list[Any]]:
    """Create the staff, then the residents, in the emulator."""
    emu, lang = demo.emu, demo.lang
    staff = [emu.user(id=uid, first_name=name, language_code=lang) for uid, name in STAFF]
    residents = [emu.user(id=uid, first_name=name, language_code=lang) for uid, name in RESIDENTS]
    return staff, residents


async def _start_all(demo: Any, staff: list[Any]) -> None:
    """Each of the staff sends /start in their private chat."""
    emu = demo.emu
    for person in staff:
        await demo.step(
            "start", lambda p=person: emu.send(p, p, "/start"), demo._in(person), who=person.first_name
        )


async def _bind_group(demo: Any, admin: Any, leader: Any, members: list[Any]) -> Any:
    """The admin adds the bot to a new group; the leader, made a group admin, binds it."""
    emu = demo.emu
    group = emu.group(GROUP_TITLE, members=members)
    await demo.step(
        "add",
        lambda: emu.add_bot(group, by=admin),
        demo._in(group),
        who=admin.first_name,
        group=GROUP_TITLE,
    )
    emu.promote_user(group, leader)  # only a group administrator may bind it
    await demo.step(
        "bind",
        lambda: emu.send(leader, group, "/bind GN-1-1"),
        demo._in(group, None),
        who=leader.first_name,
    )
    return group


async def story(demo: Any) -> Cast:
    """The people and the bound group the rest of the story happens in."""
    staff, (resident, neighbour) = _people(demo)
    admin, _, leader, worker, volunteer = staff
    await _start_all(demo, staff)
    group = await _bind_group(demo, admin, leader, [admin, leader, worker, volunteer, resident, neighbour])
    return Cast(admin, leader, worker, volunteer, resident, neighbour, group)
