"""Importing a roster: the grid tree and its people, applied whole in one transaction or not at all;
previewed with a dry run (the same transaction, rolled back), and refused when it would deactivate
more of the active people than the configured share unless forced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.roster import Roster
from bot.domain.roster_diff import RosterDiff, diff
from bot.services.context import Ctx
from bot.services.handover import hand_over
from bot.store.db import Database
from bot.store.uow import UnitOfWork, unit_of_work


@dataclass
class ImportSummary:
    """What an import changed (real changes only), and the invite codes of people not yet bound."""

    grids_added: int = 0
    grids_updated: int = 0
    people_added: int = 0
    people_updated: int = 0
    people_deactivated: int = 0
    tickets_handed_over: int = 0
    invites: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, invite code)
    changes: RosterDiff = field(default_factory=RosterDiff)
    moves: list[tuple[str, int, str]] = field(default_factory=list)  # (from, open tickets, to)
    dry_run: bool = False


class TooManyDeactivated(Exception):
    """The import would deactivate more than the allowed share of active people; nothing was written."""

    def __init__(self, summary: ImportSummary, limit: float) -> None:
        super().__init__(f"{summary.people_deactivated} of {summary.changes.active_before} people")
        self.summary, self.limit = summary, limit


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run."""


def _summary(d: RosterDiff) -> ImportSummary:
    return ImportSummary(
        grids_added=len(d.grids_added),
        grids_updated=len(d.grids_changed),
        people_added=len(d.added),
        people_updated=len(d.changed),
        people_deactivated=len(d.deactivated),
        changes=d,
    )


async def _moves(uow: UnitOfWork, moved: list[tuple[int | None, int | None]]) -> list[tuple[str, int, str]]:
    names = await uow.roster.names([i for pair in moved for i in pair if i is not None])
    counts: dict[tuple[int | None, int | None], int] = {}
    for pair in moved:
        counts[pair] = counts.get(pair, 0) + 1
    return [
        (names.get(a, "—") if a else "—", n, names.get(b, "—") if b else "—") for (a, b), n in counts.items()
    ]


async def apply(
    db: Database,
    roster: Roster,
    now: datetime,
    ctx: Ctx | None = None,
    *,
    dry_run: bool = False,
    max_share: float | None = None,
) -> ImportSummary:
    """Upsert grids and people by code, replace their roles, deactivate people left out of the file;
    with a service context, tickets of people who left their grid go to the leader above.

    `dry_run`: do all of it and roll back, returning what would change. `max_share`: raise
    TooManyDeactivated (nothing written) if more than this share of active people would go."""
    summary = ImportSummary()
    try:
        async with unit_of_work(db) as uow:
            summary = await _write(uow, roster, max_share)
            if ctx is not None:
                moved = await hand_over(ctx, uow, now)
                summary.tickets_handed_over, summary.moves = len(moved), await _moves(uow, moved)
            if dry_run:
                raise _RollBack
    except _RollBack:
        summary.dry_run = True
    return summary


async def _write(uow: UnitOfWork, roster: Roster, max_share: float | None) -> ImportSummary:
    """Compare the file with the store, refuse too many departures, then write grids and people."""
    await uow.roster.defer_foreign_keys()
    summary = _summary(diff(await uow.roster.grids(), await uow.roster.people(), roster))
    if max_share is not None and summary.changes.deactivated_share() > max_share:
        raise TooManyDeactivated(summary, max_share)
    await uow.roster.write_grids(roster)
    await uow.roster.write_people(roster)
    await uow.roster.deactivate([code for code, _ in summary.changes.deactivated])
    await uow.roster.refresh_roster_locales()
    summary.invites = await uow.roster.invites()
    return summary
