"""Strict readers for what people type: numbers (ASCII digits only, bounded) and meaningful text."""

from __future__ import annotations

import re
import unicodedata

MAX_NUMBER = 10**12 - 1  # a ticket or person id never reaches twelve digits
_DIGITS = re.compile(r"[0-9]{1,20}")


def parse_number(text: str | None, low: int = 1, high: int = MAX_NUMBER, prefix: str = "") -> int | None:
    """The number `text` spells in ASCII digits (an optional `prefix` such as "#" allowed), within
    [low, high]; None for anything else (superscripts, full-width or Arabic-Indic digits, signs, spaces)."""
    raw = (text or "").strip()
    if prefix and raw.startswith(prefix):
        raw = raw[len(prefix) :]
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # Hangul fillers, the blank Braille cell


def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in {"Cf", "Cc", "Zs", "Zl", "Zp"}


def visible(text: str | None) -> str:
    """The text without leading and trailing invisible characters (spaces, zero-width spaces and
    joiners, byte-order marks, direction marks, control characters); "" when nothing is left."""
    raw = text or ""
    if not any(not _invisible(ch) for ch in raw):
        return ""
    start = next(i for i, ch in enumerate(raw) if not _invisible(ch))
    end = len(raw) - next(i for i, ch in enumerate(reversed(raw)) if not _invisible(ch))
    return raw[start:end]


def is_blank(text: str | None) -> bool:
    """True when nothing visible is left once invisible characters are removed."""
    return visible(text) == ""
