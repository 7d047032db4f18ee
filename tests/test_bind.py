"""/bind: who may bind or re-bind a group, and what the binder and the group are told."""

from __future__ import annotations

from tests.test_story import GROUP, LEADER


async def _grid_of(bot, chat_id: int = GROUP) -> str | None:
    row = await bot.ctx.db.fetchone("SELECT grid FROM groups WHERE chat_id = ?", (chat_id,))
    return row[0] if row else None


async def test_grid_code_matches_whatever_its_letter_case(bot):
    await bot.say(LEADER, GROUP, "/bind gn-1-1")
    assert await _grid_of(bot) == "GN-1-1"
    assert "幸福小区网格" in bot.last(GROUP)["text"]
