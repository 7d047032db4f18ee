"""End-to-end fixtures: the emulator served in the test's loop and the REAL bot as a subprocess.

`grid` gives a `World`: the emulator, the bot process (start / stop / kill / restart), the people of
the demo roster as emulator users with the roster's Telegram ids, and the grid group with the bot
added and bound by the small-group leader (story 1, the setup every other story starts from).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import pytest

from bot.emulator import Emulator, serve

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "bot" / "demo" / "roster.csv"
GROUP_TITLE = "幸福小区网格群"
# Timeouts only bound a failing wait: generous, so a loaded 2-core CI machine never trips them.
START_TIMEOUT = 60.0
WAIT = 30.0
STOP_GRACE = 1.5  # SIGTERM should stop the bot well within this; then it is killed

# The demo roster's people (bot/demo/roster.csv) with the Telegram ids it gives them.
STAFF = {
    "admin": (9001, "张伟"),
    "big_leader": (9002, "李娜"),
    "leader": (9003, "王芳"),
    "worker": (9004, "赵强"),
    "volunteer": (9005, "刘洋"),
}


class BotDied(AssertionError):
    """The bot process exited while the test was waiting for it."""


class BotProcess:
    """`python -m bot run --config FILE` as a child process; stderr goes to a file."""

    def __init__(self, config: Path, log_dir: Path, args: tuple[str, ...] = ()) -> None:
        self.config, self.log_dir, self.args = config, log_dir, tuple(args)
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0
        self.expected_exit = False
        self._stderr: Any = None

    @property
    def stderr_path(self) -> Path:
        return self.log_dir / f"bot-{self.runs}.stderr"

    def stderr(self) -> str:
        """Everything every run of the process wrote to stderr so far."""
        parts = []
        for n in range(1, self.runs + 1):
            path = self.log_dir / f"bot-{n}.stderr"
            if path.exists():
                parts.append(f"--- run {n} ---\n" + path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)

    async def start(self) -> None:
        """Start a fresh process (the previous one must have ended)."""
        assert self.proc is None or self.proc.returncode is not None, "the bot is already running"
        self.runs += 1
        self.expected_exit = False
        self._stderr = open(self.stderr_path, "wb")
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(self.config),
            *self.args,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._stderr,
            stderr=self._stderr,
        )

    def kill(self) -> None:
        """SIGKILL, synchronously: nothing in the bot gets a chance to run afterwards."""
        if self.proc is not None and self.proc.returncode is None:
            self.expected_exit = True
            self.proc.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = STOP_GRACE) -> bool:
        """Terminate (SIGTERM: a graceful shutdown), wait, then kill; True if it stopped by itself."""
        proc = self.proc
        if proc is None:
            return True
        graceful = True
        try:
            if proc.returncode is None:
                self.expected_exit = True
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), timeout)
                except (asyncio.TimeoutError, TimeoutError):
                    graceful = False
                    proc.kill()
                    await proc.wait()
            else:
                await proc.wait()
        finally:
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None
        return graceful

    @property
    def died(self) -> bool:
        """True if the process ended without the test asking it to."""
        return self.proc is not None and self.proc.returncode is not None and not self.expected_exit


class World:
    """The emulator, the bot process and the people of the story."""

    def __init__(self, emu: Emulator, bot: BotProcess, tmp: Path) -> None:
        self.emu, self.bot, self.tmp = emu, bot, tmp
        self.db_path = tmp / "bot.sqlite3"
        self.admin = emu.user(id=9001, first_name="张伟")
        self.big_leader = emu.user(id=9002, first_name="李娜")
        self.leader = emu.user(id=9003, first_name="王芳")
        self.worker = emu.user(id=9004, first_name="赵强")
        self.volunteer = emu.user(id=9005, first_name="刘洋")
        self.resident = emu.user(id=5001, first_name="陈阿姨")  # never starts the bot privately
        self.neighbour = emu.user(id=5002, first_name="周先生")  # starts the bot privately
        self.passer = emu.user(id=5003, first_name="孙婷")  # a resident who is no helper
        self.staff = [self.admin, self.big_leader, self.leader, self.worker, self.volunteer]
        self.group: Any = None
        self.bound: dict[str, Any] | None = None
        self.hello: dict[str, Any] | None = None

    # ---- waiting, failing fast if the bot died ---------------------------------------------
    async def _race(self, awaitable: Any) -> Any:
        task = asyncio.ensure_future(awaitable)
        proc = self.bot.proc
        died = asyncio.ensure_future(proc.wait()) if proc is not None else None
        try:
            done, _ = await asyncio.wait(
                {task} | ({died} if died else set()), return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            if died is not None and not died.done():
                died.cancel()
        if task in done:
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if self.bot.expected_exit:
            raise AssertionError("waited for the bot after it was stopped")
        raise BotDied(f"the bot process exited with {proc.returncode}; its stderr:\n{self.bot.stderr()}")

    async def wait(
        self,
        match: Any = None,
        *,
        contains: str | None = None,
        timeout: float = WAIT,
        since: int | None = None,
        from_bot: bool = True,
    ) -> dict[str, Any]:
        """`emu.wait_for`, failing with the bot's stderr if the process died meanwhile."""
        return await self._race(
            self.emu.wait_for(match, contains=contains, timeout=timeout, since=since, from_bot=from_bot)
        )

    async def until(self, condition: Callable[[], Any], timeout: float = WAIT) -> Any:
        """`emu.wait_until`, failing with the bot's stderr if the process died meanwhile."""
        return await self._race(self.emu.wait_until(condition, timeout))

    async def answer(self, callback_id: str) -> dict[str, Any]:
        """The toast the bot answered a button press with."""
        return await self.until(lambda: self.emu.callback_answer(callback_id))

    async def edited(self, message: dict[str, Any], contains: str) -> dict[str, Any]:
        """Wait until this very message (same chat, same id) has been edited to contain `contains`."""
        chat, mid = message["chat"]["id"], message["message_id"]
        return await self.wait(
            lambda m: (
                m["chat"]["id"] == chat and m["message_id"] == mid and contains in (m.get("plain_text") or "")
            )
        )

    async def _poll(self, condition: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
        # for conditions on the bot's database or API calls, which do not wake emulator waiters
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (value := condition()):
            if loop.time() > deadline:
                raise AssertionError(f"{what}: not within {timeout} s")
            await asyncio.sleep(0.02)
        return value

    async def confirmed(self) -> None:
        """Wait until the bot has confirmed (fetched past) every update the emulator queued."""
        await self._race(self._poll(lambda: not self.emu.updates, "updates left unconfirmed"))

    async def caught_up(self) -> None:
        """Wait until the bot got past every update so far and sent all it queued for them.

        The proof that makes an absence check meaningful: the bot confirms an update only after
        handling it (bot/polling.py), and a notice (or a retry of one) only leaves the outbox as
        sent or given up; so nothing caused by what happened so far can still come.
        """
        await self.confirmed()
        await self.settled()

    async def settled(self) -> None:
        """Wait until the bot has delivered (and recorded) everything in its outbox."""
        await self._race(
            self._poll(
                lambda: not self.db("SELECT 1 FROM outbox WHERE status = 'pending' LIMIT 1"),
                "the bot's outbox did not drain",
            )
        )

    async def reply(self, user: Any, prompt: dict[str, Any], text: str) -> dict[str, Any]:
        """`user` answers the bot's ForceReply prompt, at a person's pace: after reading it.

        A person cannot answer before the bot has finished sending the prompt; waiting until the
        bot has recorded it keeps the test from racing the bot (see
        test_reply_while_prompt_send_in_flight for what happens when that race is lost).
        """
        chat, mid = prompt["chat"]["id"], prompt["message_id"]
        await self._race(
            self._poll(
                lambda: self.db("SELECT 1 FROM prompts WHERE chat_id = ? AND message_id = ?", (chat, mid)),
                "the bot did not record its prompt",
            )
        )
        return self.emu.send(user, chat, text, reply_to=prompt)

    # ---- the bot process --------------------------------------------------------------------
    async def start_bot(self) -> None:
        """Start the bot process and wait until it long-polls the emulator (or sets its webhook)."""
        calls = self.emu.calls
        polls, hooks = calls["getUpdates"], calls["setWebhook"]
        await self.bot.start()
        await self._race(
            self._poll(
                lambda: calls["getUpdates"] > polls or calls["setWebhook"] > hooks,
                "the bot did not poll the emulator",
                START_TIMEOUT,
            )
        )

    async def restart_bot(self) -> None:
        """Start the bot again after `bot.kill()` or `bot.stop()`."""
        await self.bot.stop()
        await self.start_bot()

    # ---- what people see ------------------------------------------------------------------------
    def seen(self, user: Any, chat: Any = None) -> list[str]:
        """Plain texts of the messages `user` sees in `chat` (default: their private chat)."""
        where = chat if chat is not None else user
        return [m.get("plain_text") or "" for m in self.emu.messages(where, as_user=user)]

    def from_bot(self, chat: Any) -> list[dict[str, Any]]:
        """The bot's live messages in a chat."""
        return [m for m in self.emu.messages(chat) if m.get("from", {}).get("id") == self.emu.bot.id]

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[str]:
        """Texts of a message's inline buttons."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [b["text"] for row in rows for b in row]

    def deep_link_code(self) -> str:
        """The `g_…` payload of the bound message's "submit privately" URL button."""
        assert self.bound is not None
        url = self.bound["reply_markup"]["inline_keyboard"][0][0]["url"]
        return url.split("?start=", 1)[1]

    def db(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the bot's database (committed data) directly."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    # ---- story 1: setup ---------------------------------------------------------------------
    async def setup(self) -> None:
        """Staff start the bot privately; the bot is added to the group; the leader binds it."""
        for person in self.staff:
            self.emu.send(person, person, "/start")
            await self.wait(person, contains="您的账号已绑定")
        self.group = self.emu.group(
            GROUP_TITLE,
            members=[
                self.admin,
                self.leader,
                self.worker,
                self.volunteer,
                self.resident,
                self.neighbour,
                self.passer,
            ],
        )
        self.emu.add_bot(self.group, by=self.admin)
        self.hello = await self.wait(self.group, contains="/bind")
        self.emu.promote_user(self.group, self.leader)  # only a group administrator may bind it
        self.emu.send(self.leader, self.group, "/bind GN-1-1")
        self.bound = await self.wait(self.group, contains="本群已绑定到网格")


def _config(tmp: Path, url: str, token: str, extra: dict[str, Any] | None = None) -> Path:
    """The bot's config file; `extra` adds or overrides keys ({"sla.normal.accept": "6s"} or nested)."""
    tables: dict[str, Any] = {
        "telegram": {"token": token, "api_base_url": f"{url}/bot", "file_base_url": f"{url}/file/bot"},
        "storage": {"database": (tmp / "bot.sqlite3").as_posix()},
        "quiet_hours": {"enabled": False},
    }
    for key, value in (extra or {}).items():
        *parents, leaf = key.split(".")
        node = tables
        for part in parents:
            node = node.setdefault(part, {})
        if isinstance(value, dict) and isinstance(node.get(leaf), dict):
            node[leaf].update(value)
        else:
            node[leaf] = value
    path = tmp / "config.toml"
    path.write_text(_toml(tables), encoding="utf-8")
    return path


def _toml(tables: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for the config: strings, booleans, numbers, lists and nested tables."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines: list[str] = []
    scalars = {k: v for k, v in tables.items() if not isinstance(v, dict)}
    if prefix and scalars:
        lines.append(f"[{prefix}]")
    lines += [f"{k} = {value(v)}" for k, v in scalars.items()]
    for k, v in tables.items():
        if isinstance(v, dict):
            lines.append(_toml(v, f"{prefix}.{k}" if prefix else k).rstrip("\n"))
    return "\n".join(line for line in lines if line) + "\n"


async def _import_roster(config: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--lang",
        "en",
        "roster",
        "import",
        str(ROSTER),
        "--config",
        str(config),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        },
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, f"roster import failed ({proc.returncode}):\n{out.decode()}\n{err.decode()}"
    assert "people: 6 added" in out.decode(), out.decode()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "bot_config(keys): extra keys for the bot's config file, e.g. "
        '{"sla.normal.accept": "6s", "telegram.rate_limiter": False}',
    )
    config.addinivalue_line(
        "markers",
        "emu_setup(fn): fn(emulator) runs before the bot process starts, "
        'e.g. lambda emu: emu.fault("setMyCommands", "500", count=None)',
    )
    config.addinivalue_line(
        "markers", 'bot_args(list): extra arguments for `python -m bot run`, e.g. ["--webhook"]'
    )


def free_port() -> int:
    """A TCP port nobody listens on right now (for the bot's webhook server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def world(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    """The emulator, the demo roster imported, the real bot running; nothing set up yet.

    A test marked `@pytest.mark.bot_config({...})` runs the bot with those extra config keys,
    `@pytest.mark.emu_setup(fn)` prepares the emulator (faults at start-up, injected updates) and
    `@pytest.mark.bot_args([...])` passes extra arguments to the bot process.
    """
    marker = request.node.get_closest_marker("bot_config")
    setup = request.node.get_closest_marker("emu_setup")
    args = request.node.get_closest_marker("bot_args")
    emu = Emulator(token="7001:E2E-test-token", bot_username="grid_bot")
    async with serve(emu) as url:
        config = _config(tmp_path, url, emu.token, marker.args[0] if marker else None)
        await _import_roster(config)
        if setup is not None:
            setup.args[0](emu)
        bot = BotProcess(config, tmp_path, tuple(args.args[0]) if args else ())
        w = World(emu, bot, tmp_path)
        try:
            await w.start_bot()
            yield w
        finally:
            died = bot.died
            await bot.stop()
        if died:
            pytest.fail(
                f"the bot process died (exit code {bot.proc.returncode}); its stderr:\n{bot.stderr()}",
                pytrace=False,
            )


@pytest.fixture
async def grid(world: World) -> World:
    """`world` after story 1: staff started the bot, the group is bound to GN-1-1."""
    await world.setup()
    return world
