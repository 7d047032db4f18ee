"""The work-log part of a small-group leader's daily digest (工作日志, issue 13 point 1): each worker's
entries of the day in the leader's grids (how many, and each line), the workers with no entry for
`idle_days` days, and the day's photos as albums after the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from bot import i18n
from bot.delivery_media import album_item
from bot.domain import worklog as domain
from bot.domain.periods import Period
from bot.domain.worklog import Entry
from bot.services.context import Ctx
from bot.services.notices import Notice
from bot.services.publish import Tree
from bot.store.uow import UnitOfWork

MAX_PHOTOS = 30  # per digest (three albums); the rest are counted in the text
CAPTION_TEXT = 900  # characters of an entry's line in a caption (Telegram allows 1024 in all)


@dataclass
class WorkLogDay:
    """What every reader's work-log part reads: the day's entries, the workers, their latest entries."""

    period: Period
    idle_days: int
    entries: list[Entry] = field(default_factory=list)
    workers: dict[str, dict[int, str]] = field(default_factory=dict)  # grid -> worker id -> name
    last: dict[int, datetime] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    started: datetime | None = None  # when the work log began: no one is idle before a whole window


async def read(ctx: Ctx, uow: UnitOfWork, tree: Tree, period: Period) -> WorkLogDay | None:
    """The day's work log over the whole tree; None when the log is off or the digest is not a day's."""
    rule = ctx.config.assessment.work_log
    if not rule.enabled or period.kind != "day":
        return None
    day = WorkLogDay(period, rule.idle_days)
    day.entries = await uow.work_logs.between(list(tree.grids), period.start, period.end)
    for s in await uow.reports.staff(domain.LOGGERS):
        day.workers.setdefault(s.grid, {})[s.person_id] = s.name
    ids = {p for team in day.workers.values() for p in team}
    day.last = await uow.work_logs.last_logged(sorted(ids), period.end)
    day.names = await uow.reports.names(ids | {e.person_id for e in day.entries})
    day.started = await uow.work_logs.started()
    return day


def part(
    ctx: Ctx, day: WorkLogDay | None, tree: Tree, held: list[str], loc: str, chat: int
) -> tuple[str, list[Notice]]:
    """One reader's work-log text (to append to the digest) and the albums of the day's photos."""
    if day is None:
        return "", []
    codes = list(dict.fromkeys(c for g in held for c in tree.subtree(g)))
    since = domain.idle_since(day.period.end, day.idle_days)
    grids = [_grid(ctx, day, tree, code, since) for code in codes]
    grids = [g for g in grids if g["workers"] or g["idle"]]
    if not grids:
        return "", []
    photos = [
        {**e, "photo": f, "first": i == 0}
        for g in grids
        for w in g["workers"]
        for e in w["entries"]
        for i, f in enumerate(e["photos"])
    ]
    text = i18n.render(
        loc,
        "digest_worklog",
        period=day.period,
        grids=grids,
        many=len(grids) > 1,
        idle_days=day.idle_days,
        photos=min(len(photos), MAX_PHOTOS),
        more_photos=max(0, len(photos) - MAX_PHOTOS),
    )
    return text, _albums(chat, photos[:MAX_PHOTOS], loc)


def _grid(ctx: Ctx, day: WorkLogDay, tree: Tree, code: str, since: datetime) -> dict:
    """A grid's workers with their entries of the day, and the names of its idle workers."""
    zone = ctx.config.timezone
    mine = [e for e in day.entries if e.grid == code]
    workers = []
    for pid in dict.fromkeys(e.person_id for e in mine):
        entries = [_entry(e, day.names.get(pid, "?"), zone) for e in mine if e.person_id == pid]
        workers.append({"name": day.names.get(pid, "?"), "entries": entries})
    idle = domain.idle_workers(day.workers.get(code, {}), day.last, since, day.started)
    return {"name": tree.name(code), "workers": workers, "idle": idle}


def _entry(e: Entry, name: str, zone: tzinfo) -> dict:
    return {
        "name": name,
        "time": e.at.astimezone(zone).strftime("%H:%M"),
        "text": e.text,
        "ticket": e.ticket_id,
        "photos": list(e.photos),
    }


def _albums(chat: int, photos: list[dict], loc: str) -> list[Notice]:
    """The photos as albums of 2-10 (a lone photo as a plain one), each captioned with who, when, what."""
    captions = [
        i18n.render(
            loc, "digest_worklog_caption", **{**p, "text": p["text"][:CAPTION_TEXT] if p["first"] else ""}
        )
        for p in photos
    ]
    out = []
    for start, end in domain.albums(len(photos)):
        if end - start == 1:
            out.append(Notice(chat, captions[start], op="photo", photo=photos[start]["photo"]))
            continue
        media = [album_item(photos[i]["photo"], captions[i]) for i in range(start, end)]
        out.append(Notice(chat, op="album", extra={"media": media}))
    return out
