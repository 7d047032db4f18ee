"""Configuration from a TOML file; a bad value stops the bot with the file and the key named."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.periods import ReportSettings, parse_report_settings
from bot.domain.routing import Track
from bot.domain.sla import DEFAULT_TIERS, QuietHours, Tier, parse_duration

LOCALES = ("zh", "en")


class ConfigError(Exception):
    """A configuration problem, naming the file and the key."""


@dataclass(frozen=True)
class Category:
    """A ticket category: its names, track, SLA tier and optional liaison (a roster person code)."""

    key: str
    names: dict[str, str]
    track: Track
    tier: str
    liaison: str | None = None


DEFAULT_CATEGORIES = (
    Category("policy", {"zh": "政策咨询", "en": "Policy consultation"}, Track.COMMUNITY, "normal"),
    Category("dispute", {"zh": "矛盾调解", "en": "Dispute mediation"}, Track.COMMUNITY, "normal"),
    Category("errand", {"zh": "代办服务", "en": "Errands"}, Track.HOUSEHOLD, "normal"),
    Category("sanitation", {"zh": "环境卫生", "en": "Sanitation"}, Track.COMMUNITY, "normal"),
    Category("repair", {"zh": "设施维修", "en": "Repairs"}, Track.PUBLIC, "normal"),
    Category("safety", {"zh": "安全隐患", "en": "Safety"}, Track.PUBLIC, "urgent"),
    Category("other", {"zh": "其他", "en": "Other"}, Track.COMMUNITY, "normal"),
)


@dataclass(frozen=True)
class Config:
    """Everything the bot reads from its configuration file."""

    token: str
    bot_username: str = ""
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"
    database: Path = Path("gridbot.sqlite3")
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    locale: str = "zh"
    tiers: dict[str, Tier] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    auto_confirm: timedelta = timedelta(days=3)
    remind_before: timedelta = timedelta(minutes=30)
    escalation_window: timedelta = timedelta(hours=2)
    quiet_hours: QuietHours | None = QuietHours(time(22, 0), time(7, 0))
    sweep_interval: timedelta = timedelta(seconds=30)
    max_open_per_resident: int = 5
    max_submissions_per_hour: int = 10
    rate_limiter: bool = True
    reports: ReportSettings = field(default_factory=ReportSettings)

    def category(self, key: str) -> Category:
        """The category with this key, or `other`."""
        found = {c.key: c for c in self.categories}
        return found.get(key) or found.get("other") or self.categories[-1]

    def tier_for(self, kind: str, category: str) -> Tier:
        """The SLA tier: wishes use the `wish` tier, complaints their category's tier."""
        name = "wish" if kind == "wish" else self.category(category).tier
        return self.tiers[name]


class _Reader:
    """Reads typed values from the parsed TOML, raising ConfigError that names file and key."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data, self.path = data, path

    def fail(self, key: str, problem: str) -> ConfigError:
        """An error naming the file and the dotted key."""
        return ConfigError(f"{self.path}: [{key}] {problem}")

    def get(self, key: str, kind: type, default: Any) -> Any:
        """The value at a dotted key, checked against `kind`, or the default."""
        node: Any = self.data
        walked: list[str] = []
        for part in key.split("."):
            if not isinstance(node, dict):
                raise self.fail(".".join(walked), f"must be a table, got {node!r}")
            if part not in node:
                return default
            node = node[part]
            walked.append(part)
        if not isinstance(node, kind) or (kind is int and isinstance(node, bool)):
            raise self.fail(key, f"must be {kind.__name__}, got {node!r}")
        return node

    def duration(self, key: str, default: timedelta) -> timedelta:
        """A duration like `90s` or `3d`."""
        raw = self.get(key, str, None)
        if raw is None:
            return default
        try:
            return parse_duration(raw)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def clock(self, key: str, default: time) -> time:
        """A local time like `22:00`."""
        raw = self.get(key, str, None)
        if raw is None:
            return default
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise self.fail(key, f"must be a time like 22:00, got {raw!r}") from None


def _token(r: _Reader, required: bool) -> str:
    token = r.get("telegram.token", str, "")
    env = r.get("telegram.token_env", str, "GRIDBOT_TOKEN")
    token = token or os.environ.get(env, "")
    if required and (not token or ":" not in token):
        raise r.fail("telegram.token", f"no bot token: set it here or in the environment variable {env}")
    return token


def _tiers(r: _Reader) -> dict[str, Tier]:
    tiers = dict(DEFAULT_TIERS)
    for name in r.get("sla", dict, {}):
        base = tiers.get(name, DEFAULT_TIERS["normal"])
        tiers[name] = Tier(name, r.duration(f"sla.{name}.accept", base.accept),
                           r.duration(f"sla.{name}.resolve", base.resolve))
    return tiers


def _categories(r: _Reader, tiers: dict[str, Tier]) -> tuple[Category, ...]:
    table = r.get("categories", dict, None)
    if not table:
        return DEFAULT_CATEGORIES
    result = []
    for key in table:
        track = r.get(f"categories.{key}.track", str, "community")
        if track not in {t.value for t in Track}:
            raise r.fail(f"categories.{key}.track", f"must be public, community or household, got {track!r}")
        tier = r.get(f"categories.{key}.tier", str, "normal")
        if tier not in tiers:
            raise r.fail(f"categories.{key}.tier", f"unknown SLA tier {tier!r}; known: {', '.join(tiers)}")
        names = {loc: r.get(f"categories.{key}.name_{loc}", str, key) for loc in LOCALES}
        result.append(Category(key, names, Track(track), tier, r.get(f"categories.{key}.liaison", str, None)))
    return tuple(result)


def _quiet(r: _Reader) -> QuietHours | None:
    if not r.get("quiet_hours.enabled", bool, True):
        return None
    return QuietHours(r.clock("quiet_hours.start", time(22, 0)), r.clock("quiet_hours.end", time(7, 0)))


def _zone(r: _Reader) -> ZoneInfo:
    name = r.get("bot.timezone", str, "Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail("bot.timezone", f"unknown time zone {name!r}") from None


def from_dict(data: dict[str, Any], path: str = "<config>", base_dir: Path | None = None,
              need_token: bool = True) -> Config:
    """Build a Config from parsed TOML, validating every key it reads."""
    r = _Reader(data, path)
    locale = r.get("bot.locale", str, "zh")
    if locale not in LOCALES:
        raise r.fail("bot.locale", f"must be one of {', '.join(LOCALES)}")
    database = Path(r.get("storage.database", str, "gridbot.sqlite3"))
    if base_dir is not None and not database.is_absolute():
        database = base_dir / database
    tiers = _tiers(r)
    return Config(
        token=_token(r, need_token), bot_username=r.get("telegram.username", str, ""),
        api_base_url=r.get("telegram.api_base_url", str, Config.api_base_url),
        file_base_url=r.get("telegram.file_base_url", str, Config.file_base_url),
        database=database, timezone=_zone(r), locale=locale, tiers=tiers,
        categories=_categories(r, tiers),
        auto_confirm=r.duration("tickets.auto_confirm", Config.auto_confirm),
        remind_before=r.duration("reminders.before", Config.remind_before),
        escalation_window=r.duration("escalation.window", Config.escalation_window),
        quiet_hours=_quiet(r),
        sweep_interval=r.duration("schedule.sweep_interval", Config.sweep_interval),
        max_open_per_resident=r.get("limits.max_open_per_resident", int, 5),
        max_submissions_per_hour=r.get("limits.max_submissions_per_hour", int, 10),
        rate_limiter=r.get("telegram.rate_limiter", bool, True),
        reports=parse_report_settings(r),
    )


def load(path: str | Path | None, need_token: bool = True) -> Config:
    """Read and validate a TOML configuration file (None: built-in defaults)."""
    if path is None:
        return from_dict({}, "<defaults>", Path.cwd(), need_token)
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    return from_dict(data, str(p), p.parent, need_token)
