"""Configuration from a TOML file; a bad value stops the bot with the file and the key named."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain import open311
from bot.domain.periods import ReportSettings, parse_report_settings
from bot.domain.routing import Track
from bot.config_assessment import Assessment, parse_assessment
from bot.config_calendar import CaseworkSettings, parse_calendar, parse_casework, parse_tiers
from bot.config_reader import NUMBER, ConfigError, Reader
from bot.domain.workdays import WorkCalendar
from bot.domain.sla import DEFAULT_TIERS, QuietHours, Tier

__all__ = ["Category", "Config", "ConfigError", "Webhook", "from_dict", "load"]

LOCALES = ("zh", "en")


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
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    casework: CaseworkSettings = field(default_factory=CaseworkSettings)
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
    webhook: "Webhook | None" = None
    log_level: str = "INFO"
    log_json: bool = False
    max_deactivate_share: float = 0.10
    open311: open311.Settings = field(default_factory=open311.Settings)
    assessment: Assessment = field(default_factory=Assessment)

    def category(self, key: str) -> Category:
        """The category with this key, or `other`."""
        found = {c.key: c for c in self.categories}
        return found.get(key) or found.get("other") or self.categories[-1]

    def tier_for(self, kind: str, category: str) -> Tier:
        """The SLA tier: wishes use the `wish` tier, complaints their category's tier."""
        name = "wish" if kind == "wish" else self.category(category).tier
        return self.tiers[name]


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (`url`) and where the bot listens for them behind a proxy."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str = ""


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _webhook(r: Reader) -> Webhook | None:
    url = r.get("webhook.url", str, "")
    listen, port = r.get("webhook.listen", str, Webhook.listen), r.get("webhook.port", int, Webhook.port)
    secret = r.get("webhook.secret_token", str, "")
    if not url:
        return None
    if not url.startswith("https://") and not url.startswith("http://"):
        raise r.fail("webhook.url", "bad_url", value=repr(url))
    if secret and (len(secret) > 256 or not all(c.isalnum() or c in "_-" for c in secret)):
        raise r.fail("webhook.secret_token", "bad_secret")
    return Webhook(url, listen, port, secret)


def _logging(r: Reader) -> tuple[str, bool]:
    level = r.get("logging.level", str, "INFO").upper()
    if level not in LOG_LEVELS:
        raise r.fail("logging.level", "bad_choice", known=", ".join(LOG_LEVELS))
    return level, r.get("logging.json", bool, False)


def _share(r: Reader) -> float:
    raw = r.get("roster.max_deactivate_share", NUMBER, 0.10)
    if not 0 <= raw <= 1:
        raise r.fail("roster.max_deactivate_share", "bad_share", value=repr(raw))
    return float(raw)


def _token(r: Reader, required: bool) -> str:
    token = r.get("telegram.token", str, "")
    env = r.get("telegram.token_env", str, "GRIDBOT_TOKEN")
    token = token or os.environ.get(env, "")
    if required and (not token or ":" not in token):
        raise r.fail("telegram.token", "no_token", env=env)
    return token


def _categories(r: Reader, tiers: dict[str, Tier]) -> tuple[Category, ...]:
    table = r.get("categories", dict, None)
    if not table:
        return DEFAULT_CATEGORIES
    result = []
    for key in table:
        track = r.get(f"categories.{key}.track", str, "community")
        if track not in {t.value for t in Track}:
            raise r.fail(f"categories.{key}.track", "bad_track", value=repr(track))
        tier = r.get(f"categories.{key}.tier", str, "normal")
        if tier not in tiers:
            raise r.fail(f"categories.{key}.tier", "unknown_tier", value=repr(tier), known=", ".join(tiers))
        names = {loc: r.get(f"categories.{key}.name_{loc}", str, key) for loc in LOCALES}
        result.append(Category(key, names, Track(track), tier, r.get(f"categories.{key}.liaison", str, None)))
    return tuple(result)


def _quiet(r: Reader) -> QuietHours | None:
    hours = QuietHours(r.clock("quiet_hours.start", time(22, 0)), r.clock("quiet_hours.end", time(7, 0)))
    return hours if r.get("quiet_hours.enabled", bool, True) else None


def _zone(r: Reader) -> ZoneInfo:
    name = r.get("bot.timezone", str, "Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail("bot.timezone", "bad_zone", value=repr(name)) from None


def _locale(r: Reader) -> str:
    """The bot's locale, one of LOCALES."""
    locale = r.get("bot.locale", str, "zh")
    if locale not in LOCALES:
        raise r.fail("bot.locale", "bad_locale", known=", ".join(LOCALES))
    return locale


def _database(r: Reader, base_dir: Path | None) -> Path:
    """The database path, relative to `base_dir` unless absolute."""
    database = Path(r.get("storage.database", str, "gridbot.sqlite3"))
    if base_dir is not None and not database.is_absolute():
        database = base_dir / database
    return database


def _calendar_and_tiers(r: Reader, base_dir: Path | None) -> tuple[ZoneInfo, WorkCalendar, dict[str, Tier]]:
    """The time zone, the working-day calendar and the SLA tiers that depend on it."""
    zone = _zone(r)
    calendar = parse_calendar(r, zone, base_dir)
    tiers = parse_tiers(r, calendar, datetime.now(zone).year)
    return zone, calendar, tiers


def _check_complete(r: Reader, need_token: bool) -> None:
    """Refuse unknown keys, then (if asked) require a bot token."""
    r.refuse_unknown()  # before the token: a misspelled [telegram] is named, not "no bot token"
    if need_token:
        _token(r, True)


def from_dict(
    data: dict[str, Any], path: str = "<config>", base_dir: Path | None = None, need_token: bool = True
) -> Config:
    """Build a Config from parsed TOML, validating every key it reads."""
    r = Reader(data, path)
    locale = _locale(r)
    database = _database(r, base_dir)
    zone, calendar, tiers = _calendar_and_tiers(r, base_dir)
    level, json_logs = _logging(r)
    categories = _categories(r, tiers)
    config = Config(
        token=_token(r, False),
        bot_username=r.get("telegram.username", str, ""),
        api_base_url=r.get("telegram.api_base_url", str, Config.api_base_url),
        file_base_url=r.get("telegram.file_base_url", str, Config.file_base_url),
        database=database,
        timezone=zone,
        calendar=calendar,
        casework=parse_casework(r),
        locale=locale,
        tiers=tiers,
        categories=categories,
        auto_confirm=r.duration("tickets.auto_confirm", Config.auto_confirm),
        remind_before=r.duration("reminders.before", Config.remind_before),
        escalation_window=r.duration("escalation.window", Config.escalation_window),
        quiet_hours=_quiet(r),
        sweep_interval=r.duration("schedule.sweep_interval", Config.sweep_interval),
        max_open_per_resident=r.get("limits.max_open_per_resident", int, 5),
        max_submissions_per_hour=r.get("limits.max_submissions_per_hour", int, 10),
        rate_limiter=r.get("telegram.rate_limiter", bool, True),
        reports=parse_report_settings(r),
        webhook=_webhook(r),
        log_level=level,
        log_json=json_logs,
        max_deactivate_share=_share(r),
        open311=open311.parse_settings(r, {c.key for c in categories}),
        assessment=parse_assessment(r),
    )
    _check_complete(r, need_token)
    return config


def load(path: str | Path | None, need_token: bool = True) -> Config:
    """Read and validate a TOML configuration file (None: built-in defaults)."""
    if path is None:
        return from_dict({}, "<defaults>", Path.cwd(), need_token)
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(p), None, "file_not_found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), None, "bad_toml", error=str(exc)) from None
    return from_dict(data, str(p), p.parent, need_token)
