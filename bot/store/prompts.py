"""Prompts: the bot's ForceReply questions, so that an answer can be matched to what was asked."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.domain.records import Prompt


def prompt_of(row: Any) -> Prompt:
    """A prompt from a `prompts` row."""
    return Prompt(
        row["id"],
        row["chat_id"],
        row["user_id"],
        row["purpose"],
        row["ticket_id"],
        row["message_id"],
        row["photo_file_id"],
        row["origin_message_id"],
    )


class Prompts:
    """The prompts repository."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def consume(
        self,
        user_id: int,
        purpose: str | None = None,
        ticket_id: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Forget the user's answered prompts (of one purpose, ticket or chat when given)."""
        sql, params = "DELETE FROM prompts WHERE user_id = ?", [user_id]
        for column, value in (("purpose", purpose), ("ticket_id", ticket_id), ("chat_id", chat_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        await self._conn.execute(sql, params)

    async def replied_to(self, chat_id: int, message_id: int) -> Prompt | None:
        """The prompt sent as this message."""
        rows = await self._conn.execute_fetchall(
            "SELECT * FROM prompts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        return prompt_of(rows[0]) if rows else None

    async def latest(
        self, chat_id: int, user_id: int, since: float, unsent_only: bool = False
    ) -> Prompt | None:
        """The user's latest prompt in a chat since a time (only those still being delivered if asked)."""
        rows = await self._conn.execute_fetchall(
            "SELECT * FROM prompts WHERE chat_id = ? AND user_id = ? AND created_at > ? "
            f"{'AND message_id IS NULL ' if unsent_only else ''}ORDER BY id DESC LIMIT 1",
            (chat_id, user_id, since),
        )
        return prompt_of(rows[0]) if rows else None
