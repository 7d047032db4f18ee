"""Prompts: the bot's ForceReply questions, so that an answer can be matched to what was asked."""

from __future__ import annotations

import aiosqlite


async def consume(conn: aiosqlite.Connection, user_id: int, purpose: str | None = None,
                  ticket_id: int | None = None, chat_id: int | None = None) -> None:
    """Forget the user's answered prompts (of one purpose, ticket or chat when given)."""
    sql, params = "DELETE FROM prompts WHERE user_id = ?", [user_id]
    for column, value in (("purpose", purpose), ("ticket_id", ticket_id), ("chat_id", chat_id)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    await conn.execute(sql, params)
