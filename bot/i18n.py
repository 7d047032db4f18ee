"""All user-visible text: Jinja2 templates per locale, autoescaped for Telegram's HTML parse mode."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.domain.language import DEFAULT, LOCALES, first_choice, from_telegram  # noqa: F401 (re-exported)


def templates_dir() -> str:
    """The folder holding `<locale>/*.j2` templates and `<locale>/labels.toml`."""
    return str(resources.files("bot") / "templates")


@lru_cache(maxsize=None)
def _env(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(f"{templates_dir()}/{locale}"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates ship with the code: no stat() of the file on every render
    )
    env.globals["label"] = lambda key, **kw: label(locale, key, **kw)
    env.filters["clock"] = lambda moment, zone="Asia/Shanghai": clock(locale, moment, zone)
    env.filters["span"] = lambda delta: span(locale, delta)
    env.filters["period"] = lambda p: period_name(locale, p)
    return env


def span(locale: str, delta: timedelta) -> str:
    """A duration in words in the largest whole unit: `3 天`, `4 hours`, `90 seconds`."""
    seconds = max(1, int(delta.total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds % size == 0 or unit == "s":
            n = seconds // size
            return label(locale, f"unit_{unit}_one" if n == 1 else f"unit_{unit}", n=n)
    raise AssertionError("unreachable")


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(locale: str, d: date) -> str:
    return f"{d.month}月{d.day}日" if pick(locale) == "zh" else f"{d.day} {_MONTHS_EN[d.month - 1]}"


def period_name(locale: str, period: Any) -> str:
    """A period as an office names it: `11月29日`, `11月30日–12月6日（第49周）`, `2026年11月`,
    `2026年第四季度` (en: `29 Nov`, `30 Nov – 6 Dec (week 49)`, `November 2026`, `Q4 2026`)."""
    first, zh = period.start.date(), pick(locale) == "zh"
    if period.kind == "day":
        return _day(locale, first)
    if period.kind == "week":
        last, week = period.last_day, first.isocalendar()[1]
        if zh:
            return f"{_day(locale, first)}–{_day(locale, last)}（第{week}周）"
        return f"{_day(locale, first)} – {_day(locale, last)} (week {week})"
    if period.kind == "quarter":
        q = (first.month - 1) // 3 + 1
        return f"{first.year}年第{'一二三四'[q - 1]}季度" if zh else f"Q{q} {first.year}"
    return f"{first.year}年{first.month}月" if zh else f"{_MONTH_NAMES_EN[first.month - 1]} {first.year}"


def clock(locale: str, moment: datetime | None, zone: ZoneInfo | str = "Asia/Shanghai") -> str:
    """A moment as an office writes it, in local time: `11月30日 11:25` or `30 Nov 11:25` (`—` if none)."""
    if moment is None:
        return "—"
    local = moment.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))
    if pick(locale) == "zh":
        return f"{local.month}月{local.day}日 {local:%H:%M}"
    return f"{local.day} {_MONTHS_EN[local.month - 1]} {local:%H:%M}"


@lru_cache(maxsize=None)
def labels(locale: str) -> dict[str, str]:
    """Short texts (buttons, names of statuses, roles, kinds) for a locale, from every labels*.toml."""
    merged: dict[str, str] = {}
    folder = resources.files("bot") / "templates" / locale
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("labels") and entry.name.endswith(".toml"):
            merged.update(tomllib.loads(entry.read_text(encoding="utf-8")))
    return merged


def pick(locale: str | None) -> str:
    """A supported locale, falling back to the default."""
    return locale if locale in LOCALES else DEFAULT


def label(locale: str, key: str, /, **params: Any) -> str:
    """One short text, formatted with params (plain text: escape it yourself for HTML)."""
    table = labels(pick(locale))
    text = table.get(key) or labels(DEFAULT).get(key) or key
    return text.format(**params) if params else text


def render(locale: str, name: str, /, **params: Any) -> str:
    """Render the template `<locale>/<name>.j2` to HTML text, stripped."""
    return _env(pick(locale)).get_template(f"{name}.j2").render(**params).strip()
