"""Configuration (bot/config.py): defaults, overrides, and errors that name the file and the key."""

from __future__ import annotations

import tomllib
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot import config as C
from bot.config import ConfigError, from_dict, load
from bot.domain.routing import Track
from bot.domain.sla import QuietHours

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456:TEST-token"


@pytest.fixture(autouse=True)
def _no_token_in_env(monkeypatch):
    """Tests must not see a real token from the developer's shell."""
    monkeypatch.delenv("GRIDBOT_TOKEN", raising=False)


def cfg(data: dict | None = None, **kwargs) -> C.Config:
    kwargs.setdefault("need_token", False)
    return from_dict(data or {}, **kwargs)


# --- defaults -------------------------------------------------------------------------------


def test_defaults_have_the_seven_standard_categories():
    c = cfg()
    assert [k.key for k in c.categories] == [
        "policy",
        "dispute",
        "errand",
        "sanitation",
        "repair",
        "safety",
        "other",
    ]
    assert c.category("safety").names == {"zh": "安全隐患", "en": "Safety"}
    assert c.category("repair").track is Track.PUBLIC
    assert c.category("errand").track is Track.HOUSEHOLD


def test_default_sla_tiers():
    t = cfg().tiers
    assert (t["urgent"].accept, t["urgent"].resolve) == (timedelta(minutes=30), timedelta(hours=24))
    assert (t["normal"].accept, t["normal"].resolve) == (timedelta(hours=2), timedelta(days=3))
    assert (t["wish"].accept, t["wish"].resolve) == (timedelta(hours=24), timedelta(days=7))


def test_defaults_are_shanghai_time_chinese_and_quiet_at_night():
    c = cfg()
    assert c.timezone.key == "Asia/Shanghai"
    assert c.locale == "zh"
    assert c.quiet_hours == QuietHours(time(22, 0), time(7, 0))
    assert c.auto_confirm == timedelta(days=3)
    assert c.max_open_per_resident == 5 and c.max_submissions_per_hour == 10
    assert c.token == ""


def test_wishes_use_the_wish_tier_and_complaints_their_categorys_tier():
    c = cfg()
    assert c.tier_for("wish", "safety").name == "wish"
    assert c.tier_for("complaint", "safety").name == "urgent"
    assert c.tier_for("complaint", "repair").name == "normal"


def test_unknown_category_falls_back_to_other():
    assert cfg().category("no-such-thing").key == "other"


# --- token ----------------------------------------------------------------------------------


def test_token_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("GRIDBOT_TOKEN", TOKEN)
    assert from_dict({}).token == TOKEN


def test_token_env_variable_name_is_configurable(monkeypatch):
    monkeypatch.setenv("MY_BOT_TOKEN", TOKEN)
    assert from_dict({"telegram": {"token_env": "MY_BOT_TOKEN"}}).token == TOKEN


def test_token_in_the_file_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("GRIDBOT_TOKEN", "999:env")
    assert from_dict({"telegram": {"token": TOKEN}}).token == TOKEN


def test_missing_token_stops_the_bot_naming_the_key_and_the_variable():
    with pytest.raises(ConfigError, match=r"^gridbot\.toml: \[telegram\.token\].*GRIDBOT_TOKEN"):
        from_dict({}, path="gridbot.toml")


def test_token_without_colon_is_not_a_bot_token(monkeypatch):
    monkeypatch.setenv("GRIDBOT_TOKEN", "not-a-token")
    with pytest.raises(ConfigError, match=r"\[telegram\.token\]"):
        from_dict({})


def test_need_token_false_allows_running_without_a_token():
    assert from_dict({}, need_token=False).token == ""


# --- bad values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"sla": {"urgent": {"accept": "abc"}}}, "sla.urgent.accept"),
        ({"sla": {"urgent": {"accept": "0s"}}}, "sla.urgent.accept"),
        ({"sla": {"normal": {"resolve": 5}}}, "sla.normal.resolve"),
        ({"categories": {"x": {"track": "private"}}}, "categories.x.track"),
        ({"categories": {"x": {"tier": "slow"}}}, "categories.x.tier"),
        ({"categories": {"x": {"name_zh": 7}}}, "categories.x.name_zh"),
        ({"bot": {"timezone": "Mars/Olympus"}}, "bot.timezone"),
        ({"bot": {"timezone": ""}}, "bot.timezone"),
        ({"bot": {"timezone": "../etc"}}, "bot.timezone"),
        ({"bot": {"timezone": 8}}, "bot.timezone"),
        ({"bot": {"locale": "fr"}}, "bot.locale"),
        ({"quiet_hours": {"start": "25:00"}}, "quiet_hours.start"),
        ({"quiet_hours": {"end": "seven"}}, "quiet_hours.end"),
        ({"quiet_hours": {"enabled": "no"}}, "quiet_hours.enabled"),
        ({"tickets": {"auto_confirm": "soon"}}, "tickets.auto_confirm"),
        ({"reminders": {"before": "-5m"}}, "reminders.before"),
        ({"limits": {"max_open_per_resident": True}}, "limits.max_open_per_resident"),
        ({"limits": {"max_submissions_per_hour": "10"}}, "limits.max_submissions_per_hour"),
        ({"storage": {"database": 1}}, "storage.database"),
        ({"telegram": {"rate_limiter": 1}}, "telegram.rate_limiter"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_value_raises_config_error_naming_file_and_key(data, key):
    with pytest.raises(ConfigError) as info:
        from_dict(data, path="conf/gridbot.toml", need_token=False)
    assert str(info.value).startswith(f"conf/gridbot.toml: [{key}] ")


def test_bad_duration_message_explains_the_format():
    with pytest.raises(ConfigError, match=r"\[sla\.urgent\.accept\] not a duration: 'abc'"):
        from_dict({"sla": {"urgent": {"accept": "abc"}}}, need_token=False)


def test_unknown_tier_message_lists_the_known_tiers():
    with pytest.raises(ConfigError, match="known: urgent, normal, wish"):
        from_dict({"categories": {"x": {"tier": "slow"}}}, need_token=False)


def test_sla_tier_given_as_a_plain_string_is_rejected():
    with pytest.raises(ConfigError, match=r"\[sla\.urgent"):
        from_dict({"sla": {"urgent": "30m"}}, need_token=False)


# --- overrides ------------------------------------------------------------------------------


def test_overriding_one_deadline_keeps_the_other():
    t = cfg({"sla": {"urgent": {"accept": "10m"}}}).tiers["urgent"]
    assert (t.accept, t.resolve) == (timedelta(minutes=10), timedelta(hours=24))


def test_new_tier_starts_from_normal_and_categories_may_use_it():
    c = cfg(
        {
            "sla": {"slow": {"resolve": "2w"}},
            "categories": {"garden": {"tier": "slow", "track": "household", "name_zh": "绿化"}},
        }
    )
    assert (c.tiers["slow"].accept, c.tiers["slow"].resolve) == (timedelta(hours=2), timedelta(weeks=2))
    assert c.tier_for("complaint", "garden").name == "slow"


def test_custom_categories_replace_the_defaults_and_names_default_to_the_key():
    c = cfg(
        {"categories": {"water": {"track": "public", "liaison": "p006", "name_en": "Water"}, "noise": {}}}
    )
    assert [k.key for k in c.categories] == ["water", "noise"]
    water, noise = c.categories
    assert water.names == {"zh": "water", "en": "Water"}
    assert (water.track, water.tier, water.liaison) == (Track.PUBLIC, "normal", "p006")
    assert (noise.track, noise.tier, noise.liaison) == (Track.COMMUNITY, "normal", None)
    assert c.category("unknown").key == "noise"  # no `other`: the last category


def test_empty_categories_table_keeps_the_defaults():
    assert len(cfg({"categories": {}}).categories) == 7


def test_quiet_hours_can_be_moved_or_switched_off():
    assert cfg({"quiet_hours": {"start": "21:30", "end": "08:00"}}).quiet_hours == QuietHours(
        time(21, 30), time(8, 0)
    )
    assert cfg({"quiet_hours": {"enabled": False}}).quiet_hours is None


def test_english_locale_and_another_timezone():
    c = cfg({"bot": {"locale": "en", "timezone": "Europe/Berlin"}})
    assert (c.locale, c.timezone.key) == ("en", "Europe/Berlin")


def test_relative_database_path_is_resolved_next_to_the_config_file(tmp_path):
    assert (
        cfg({"storage": {"database": "data/bot.db"}}, base_dir=tmp_path).database == tmp_path / "data/bot.db"
    )
    absolute = tmp_path / "elsewhere.db"
    assert cfg({"storage": {"database": str(absolute)}}, base_dir=Path("/ignored")).database == absolute


# --- load -----------------------------------------------------------------------------------


def test_load_of_a_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml: file not found"):
        load(missing)


def test_load_of_invalid_toml_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot\nlocale = ", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load(bad, need_token=False)


def test_load_reads_a_valid_file_and_resolves_the_database_beside_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDBOT_TOKEN", TOKEN)
    f = tmp_path / "gridbot.toml"
    f.write_text(
        '[bot]\nlocale = "en"\n\n[storage]\ndatabase = "grid.sqlite3"\n\n[sla.urgent]\naccept = "15m"\n',
        encoding="utf-8",
    )
    c = load(f)
    assert c.token == TOKEN and c.locale == "en"
    assert c.database == tmp_path / "grid.sqlite3"
    assert c.tiers["urgent"].accept == timedelta(minutes=15)


def test_load_error_in_the_file_names_the_file_and_key(tmp_path):
    f = tmp_path / "gridbot.toml"
    f.write_text('[bot]\ntimezone = "Nowhere/Land"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"gridbot\.toml: \[bot\.timezone\]"):
        load(f, need_token=False)


def test_load_without_a_file_uses_built_in_defaults():
    c = load(None, need_token=False)
    assert c.locale == "zh" and len(c.categories) == 7


def test_the_example_config_loads(monkeypatch):
    example = REPO / "config.example.toml"
    if not example.exists():
        pytest.skip("config.example.toml not present yet")
    env = (
        tomllib.loads(example.read_text(encoding="utf-8"))
        .get("telegram", {})
        .get("token_env", "GRIDBOT_TOKEN")
    )
    monkeypatch.setenv(env, TOKEN)
    c = load(example)
    assert c.token
    assert c.categories and c.locale in C.LOCALES
