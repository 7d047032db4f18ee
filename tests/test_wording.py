"""Wording: one word for a complaint (诉求) in the Chinese texts; English proof-read."""

from __future__ import annotations

from pathlib import Path

from bot import i18n

ROOT = Path(i18n.templates_dir())


def test_chinese_texts_call_a_complaint_one_thing():
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "zh").iterdir() if p.suffix in {".j2", ".toml"}]
    assert not [t for t in texts if "投诉" in t]


def test_english_asks_a_leader_to_bind_in_a_sentence():
    hello = i18n.render("en", "group_hello")
    assert "a grid leader should send /bind GRID-CODE here" in hello
    assert "leader please" not in i18n.label("en", "refused_group_not_bound")


def test_one_star_is_singular():
    from datetime import datetime, timezone
    from bot.domain.tickets import Kind, Ticket

    t = Ticket(3, Kind.WISH, "other", "G", 1, "x", datetime.now(timezone.utc))
    assert "3 1 star!" not in i18n.render("en", "rated", t=t, stars=1) and "1 star!" in i18n.render(
        "en", "rated", t=t, stars=1
    )
