"""The reports repository: tallies, rates, backlog and the ledger's records over committed data."""

from __future__ import annotations

from datetime import datetime
from typing import AsyncIterator, Iterable

import aiosqlite

from bot.domain.callbacks import Results
from bot.domain.ledger import Record
from bot.domain.records import Group
from bot.domain.reports import Counts, Rates
from bot.store import callbacks, ledger, reports
from bot.store.groups import group_of
from bot.store.ledger import CHUNK
from bot.store.reports import Backlog, Grid, Key, Staff


class Reports:
    """Report queries of a unit of work (usually a read over committed data)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def bound_groups(self) -> list[Group]:
        """Groups bound to a grid where the bot still is."""
        return [group_of(r) for r in await reports.bound_groups(self._conn)]

    async def grids(self) -> dict[str, Grid]:
        """The whole grid tree by code (small: one row per grid)."""
        return await reports.grids(self._conn)

    async def staff(self, roles: Iterable[str]) -> list[Staff]:
        """Active people holding any of these roles, with the grid they hold it on."""
        return await reports.staff(self._conn, roles)

    async def names(self, person_ids: Iterable[int]) -> dict[int, str]:
        """Roster names by person id."""
        return await reports.names(self._conn, person_ids)

    async def counts(self, start: datetime, end: datetime) -> dict[Key, Counts]:
        """Accepted, completed and red flags per (grid, person) for [start, end)."""
        return await reports.counts(self._conn, start, end)

    async def last_flags(self, start: datetime, end: datetime) -> dict[Key, datetime]:
        """When each (grid, person) earned their last red flag in [start, end) (the stars' tie-break)."""
        return await reports.last_flags(self._conn, start, end)

    async def rates(
        self, start: datetime, end: datetime, now: datetime, accept_seconds: dict[tuple[str, str], float]
    ) -> dict[Key, Rates]:
        """The three rates' numerators and denominators per (grid, person) for [start, end)."""
        return await reports.rates(self._conn, start, end, now, accept_seconds)

    async def callback_results(self, start: datetime, end: datetime) -> dict[Key, Results]:
        """Call-back review answers given in [start, end) per (grid, worker judged): `.satisfied`,
        `.unsatisfied`, `.unreachable`; `.reached` (satisfied + not) and `.rate` = satisfied / reached."""
        return await callbacks.results(self._conn, start, end)

    async def backlog(
        self, grid_codes: list[str], start: datetime, end: datetime, now: datetime
    ) -> dict[Key, Backlog]:
        """Per (grid, assignee): new since `start` (submitted in [start, end)), open now (waiting or in"""
        return await reports.backlog(self._conn, grid_codes, start, end, now)

    async def overdue_ids(
        self, grid_codes: list[str], now: datetime, limit: int = 30
    ) -> dict[str, list[int]]:
        """Numbers of overdue unfinished tickets per grid, most overdue first (numbers only: no texts)."""
        return await reports.overdue_ids(self._conn, grid_codes, now, limit)

    async def claim_post(self, kind: str, period: str, chat_id: int, now: datetime) -> bool:
        """Record that this chat got this period's post; False if it already had (post nothing then)."""
        return await reports.claim_post(self._conn, kind, period, chat_id, now)

    async def posted(self, kind: str, period: str) -> set[int]:
        """Chats that already got this period's post."""
        return await reports.posted(self._conn, kind, period)

    def records(
        self,
        start: datetime,
        end: datetime,
        grids: list[str] | None,
        with_text: bool = False,
        with_names: bool = False,
        chunk: int = CHUNK,
    ) -> AsyncIterator[list[Record]]:
        """Tickets submitted in [start, end) (in these grids, if given), `chunk` at a time, by number."""
        return ledger.records(self._conn, start, end, grids, with_text, with_names, chunk)

    async def staff_roles(self) -> tuple[dict[int, str], dict[int, list[tuple[str, str]]]]:
        """Every roster person's name and roles (grid, role): the roster is small next to the tickets."""
        return await ledger.staff_roles(self._conn)
