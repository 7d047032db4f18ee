"""Shared helpers for the benchmarks: machine facts, results, the bot process, a watching emulator."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from bot.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TOKEN = "123456:BENCH"
PYTHON = sys.executable


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "load_average": load(),
    }


def load() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (other work on a shared machine)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far (from /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write bench/out/<name>.json with the machine facts added; returns the path."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(
        json.dumps({"benchmark": name, "machine": machine(), **data}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return path


def table(rows: list[tuple[str, ...]]) -> str:
    """A plain aligned text table (first row = header)."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), nearest-rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_config(folder: Path, url: str, database: Path, **limits: int) -> Path:
    """A bot config pointing at the emulator: no quiet hours, no PTB rate limiter (the emulator's is off)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.toml"
    extra = "".join(f"{k} = {v}\n" for k, v in limits.items())
    path.write_text(
        "[telegram]\n"
        f'token = "{TOKEN}"\n'
        f'api_base_url = "{url}/bot"\n'
        f'file_base_url = "{url}/file/bot"\n'
        "rate_limiter = false\n"
        "[storage]\n"
        f'database = "{database}"\n'
        "[quiet_hours]\nenabled = false\n"
        "[limits]\n" + (extra or "max_open_per_resident = 5\n"),
        encoding="utf-8",
    )
    return path


class BotProcess:
    """A child process (the real bot or the echo bot) with its output in a log file."""

    def __init__(self, argv: list[str], log: Path) -> None:
        self.argv, self.log_path = argv, log
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.rusage: Any = None

    def start(self) -> "BotProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.started_at = time.time()
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        return self

    async def stop(self, emu: Emulator | None = None, timeout: float = 15.0) -> int:
        """SIGINT (PTB shuts down cleanly), then SIGKILL; records the child's rusage.

        With the emulator given, its pending long poll is woken at once with an update no handler
        takes (a poll answer), so the bot need not wait out its 10-second poll to stop.
        """
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        if emu is not None:
            await asyncio.sleep(0.2)
            emu.emit(
                "poll_answer",
                {
                    "poll_id": "bench-stop",
                    "option_ids": [],
                    "option_persistent_ids": [],
                    "user": {"id": 1, "is_bot": False, "first_name": "stop"},
                },
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self.rusage = usage
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                break
            await asyncio.sleep(0.05)
        else:
            self.proc.kill()
            _, status, self.rusage = os.wait4(self.proc.pid, 0)
            self.proc.returncode = os.waitstatus_to_exitcode(status)
        self._log.close()
        return self.proc.returncode

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def bot_argv(config: Path, transport: str | None = None) -> list[str]:
    """The real bot's command line (with a transport: through `bench.run_bot`); BENCH_PROFILE=FILE
    runs it under cProfile (for finding the cost)."""
    profile = os.environ.get("BENCH_PROFILE")
    runner = ["-m", "cProfile", "-o", profile, "-m"] if profile else ["-m"]
    if transport:
        return [PYTHON, *runner, "bench.run_bot", "--transport", transport, str(config)]
    return [PYTHON, *runner, "bot", "run", "--config", str(config)]


class WatchingEmulator(Emulator):
    """An emulator that resolves futures when the bot sends or edits a message (no timeline scans).

    `expect(chat_id, test)` returns a future resolved with (emulator time, message dict) at the
    moment the emulator answers the matching sendMessage / editMessageText, so latency is
    measured where Telegram would see it.
    """

    WATCHED = {"sendMessage", "editMessageText"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waiters: dict[int, list[tuple[Callable[[str, dict], bool], asyncio.Future]]] = {}
        self.sent_ok: dict[str, int] = {}
        self.group_ok: dict[str, int] = {}  # successful sends and edits in groups, by method
        self.on_sent: Callable[[str, dict], None] | None = None

    def expect(self, chat_id: int, test: Callable[[str, dict], bool]) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters.setdefault(chat_id, []).append((test, fut))
        return fut

    def _record(self, method, p, status, body):  # type: ignore[override]
        result = super()._record(method, p, status, body)
        if status == 200 and method in self.WATCHED and isinstance(body, dict):
            message = body.get("result")
            if isinstance(message, dict):
                self.sent_ok[method] = self.sent_ok.get(method, 0) + 1
                if message["chat"]["id"] < 0:
                    self.group_ok[method] = self.group_ok.get(method, 0) + 1
                if self.on_sent is not None:
                    self.on_sent(method, message)
                chat_id = message["chat"]["id"]
                pending = self.waiters.get(chat_id)
                if pending:
                    now = time.perf_counter()
                    for item in list(pending):
                        test, fut = item
                        if not fut.done() and test(method, message):
                            fut.set_result((now, message))
                            pending.remove(item)
        return result


async def wait_calls(
    emu: Emulator, method: str, count: int = 1, timeout: float = 60.0, proc: BotProcess | None = None
) -> float:
    """Wait until the emulator saw `count` calls of `method`; returns time.time() then."""
    deadline = time.monotonic() + timeout
    while emu.calls.get(method, 0) < count:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"bot process exited:\n{proc.tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {method} within {timeout} s" + (f":\n{proc.tail()}" if proc else ""))
        await asyncio.sleep(0.005)
    return time.time()
