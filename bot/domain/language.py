"""Whose language a message is in: the user's choice, the roster's, Telegram's, else the default."""

from __future__ import annotations

LOCALES = ("zh", "en")
DEFAULT = "zh"


def from_telegram(language_code: str | None) -> str | None:
    """The supported locale a Telegram `language_code` asks for (`en-GB` → en, `zh-hans` → zh), or None."""
    base = (language_code or "").split("-")[0].split("_")[0].lower()
    return base if base in LOCALES else None


def first_choice(*candidates: str | None, default: str | None = None) -> str:
    """The first supported locale of the candidates in order of precedence (the user's /lang choice,
    the roster's, their Telegram language), else `default` if supported, else the bot's default."""
    return next((c for c in (*candidates, default) if c in LOCALES), DEFAULT)
