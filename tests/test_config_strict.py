"""Unknown config keys and sections are refused with the nearest valid name; operator text in zh and en."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main as cli_main
from bot.cli import lang
from bot.config import ConfigError, from_dict, load

TOKEN = "123456:TEST-token"


@pytest.fixture(autouse=True)
def _no_token_in_env(monkeypatch):
    monkeypatch.delenv("GRIDBOT_TOKEN", raising=False)
    yield
    lang.use("zh")


def _error(data: dict, **kw) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        from_dict(data, path="office.toml", **kw)
    return info.value


def test_a_misspelled_key_is_refused_with_the_nearest_valid_name():
    exc = _error({"schedule": {"sweep_intervall": "30s"}}, need_token=False)
    assert (
        exc.text("en")
        == "office.toml: [schedule.sweep_intervall] unknown key; did you mean `sweep_interval`?"
    )
    assert (
        exc.text("zh")
        == "office.toml: [schedule.sweep_intervall] 没有这个设置项；您是不是想写 `sweep_interval`？"
    )


def test_a_misspelled_section_is_named_not_reported_as_a_missing_token():
    exc = _error({"telegarm": {"token": TOKEN}})
    assert exc.key == "telegarm"
    assert "did you mean [telegram]?" in exc.text("en") and "token" not in exc.text("en")


def test_a_key_in_a_named_table_is_checked_too():
    exc = _error({"sla": {"urgent": {"acept": "10m"}}}, need_token=False)
    assert exc.key == "sla.urgent.acept" and "`accept`" in exc.text("en")
    exc = _error({"categories": {"repair": {"trak": "public"}}}, need_token=False)
    assert exc.key == "categories.repair.trak" and "`track`" in exc.text("en")


def test_an_unknown_key_with_no_near_name_lists_the_known_ones():
    exc = _error({"quiet_hours": {"zzz": 1}}, need_token=False)
    assert exc.text("en").endswith("unknown key; known here: enabled, end, start")


def test_keys_that_are_read_only_sometimes_are_still_known():
    """quiet_hours start/end with quiet hours off, and every new section, are valid."""
    c = from_dict(
        {
            "quiet_hours": {"enabled": False, "start": "23:00", "end": "06:00"},
            "webhook": {
                "url": "https://bot.example.org/tg",
                "listen": "0.0.0.0",
                "port": 8443,
                "secret_token": "s3cret_x",
            },
            "logging": {"level": "debug", "json": True},
            "roster": {"max_deactivate_share": 0.25},
        },
        need_token=False,
    )
    assert c.quiet_hours is None and c.webhook and c.webhook.port == 8443
    assert (c.log_level, c.log_json, c.max_deactivate_share) == ("DEBUG", True, 0.25)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"webhook": {"url": "ftp://x"}}, "webhook.url"),
        ({"webhook": {"url": "https://x", "secret_token": "has space"}}, "webhook.secret_token"),
        ({"logging": {"level": "LOUD"}}, "logging.level"),
        ({"roster": {"max_deactivate_share": 10}}, "roster.max_deactivate_share"),
        ({"roster": {"max_deactivate_share": True}}, "roster.max_deactivate_share"),
    ],
)
def test_bad_new_values_are_refused(data, key):
    assert _error(data, need_token=False).key == key


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_cli_speaks_the_configs_locale_and_lang_overrides_it(tmp_path, capsys):
    path = _write(tmp_path, '[bot]\nlocale = "zh"\n[schedule]\nsweep_intervall = "30s"\n')
    assert cli_main(["backup", str(tmp_path / "b.sqlite3"), "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("配置错误：") and "您是不是想写 `sweep_interval`？" in err
    assert cli_main(["--lang", "en", "backup", str(tmp_path / "b.sqlite3"), "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("configuration error: ") and "did you mean `sweep_interval`?" in err


def test_usage_and_argparse_errors_in_the_operators_language(capsys):
    assert cli_main(["--lang", "zh", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：python -m bot") and "导入花名册" in out
    with pytest.raises(SystemExit):
        cli_main(["--lang", "zh", "roster"])
    assert "缺少以下参数" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["--lang", "en", "roster"])
    assert "the following arguments are required" in capsys.readouterr().err


def test_version(capsys):
    assert cli_main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("gridbot 0.")


def test_no_token_message_in_chinese(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(_write(tmp_path, '[bot]\nlocale = "zh"\n'))
    assert "没有机器人令牌" in info.value.text("zh") and "GRIDBOT_TOKEN" in info.value.text("zh")


@pytest.mark.parametrize(
    "command, zh, en",
    [
        ("backup", "文件已存在时覆盖", "replace FILE if it exists"),
        ("export", "包含居民姓名（个人信息）", "include residents' names (personal data)"),
        ("open311", "监听地址", "address (default: [open311] listen)"),
        ("post", "只打印内容，不写入也不发送", "print the post; write and send nothing"),
        ("privacy", "以 JSON 输出关于该用户存储的全部内容", "print everything stored about USER as JSON"),
    ],
)
def test_every_commands_help_in_the_operators_language(capsys, command, zh, en):
    for locale, expected, other in (("zh", zh, en), ("en", en, zh)):
        with pytest.raises(SystemExit):
            cli_main(["--lang", locale, command, "--help"])
        out = capsys.readouterr().out
        assert expected in out and other not in out, out
