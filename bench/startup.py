"""Memory and start-up: the real bot process with a 1M-ticket store vs an empty store.

    python -m bench.startup [--tickets 1000000] [--runs 3] [--settle 5]

Each run starts `python -m bot run --config …` against a fresh in-process emulator. Start-up time =
from just before the process is spawned to the emulator receiving its first getUpdates (polled
every 5 ms). The bot
then keeps running for --settle seconds (its first deadline sweep runs after 1 s) and is stopped
with SIGINT; peak RSS = the child's ru_maxrss from os.wait4. Runs alternate empty / large; the
median of each is reported. The large store is a copy of bench/generate.py's cached store (the bot
writes to it). Target: large / empty <= 1.2 for both.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.emulator import serve
from bench.common import (
    TOKEN,
    BotProcess,
    WatchingEmulator,
    bot_argv,
    table,
    wait_calls,
    write_config,
    write_result,
)
from bench.generate import generate


async def one_run(db_path: Path, folder: Path, settle: float, timeout: float) -> dict[str, float]:
    emu = WatchingEmulator(token=TOKEN, bot_username="grid_bench_bot", rate_limits=False)
    async with serve(emu) as url:
        config = write_config(folder, url, db_path)
        proc = BotProcess(bot_argv(config), folder / f"bot-{db_path.stem}.log")
        t0 = time.time()
        proc.start()
        try:
            seen = await wait_calls(emu, "getUpdates", timeout=timeout, proc=proc)
            await asyncio.sleep(settle)
        finally:
            await proc.stop(emu)
    # `seen`: when the emulator counted the first getUpdates call (polled every 5 ms)
    return {"startup_s": seen - t0, "peak_rss_mib": proc.rusage.ru_maxrss / 1024}


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    source = await asyncio.to_thread(generate, args.tickets, args.seed)
    large = folder / "large.sqlite3"
    await asyncio.to_thread(shutil.copyfile, source, large)
    runs: dict[str, list[dict[str, float]]] = {"empty": [], "large": []}
    for i in range(args.runs):
        empty = folder / f"empty{i}.sqlite3"  # a new empty store every run: migrations applied at start
        runs["empty"].append(await one_run(empty, folder, args.settle, args.timeout))
        runs["large"].append(await one_run(large, folder, args.settle, args.timeout))
    med = {
        k: {m: statistics.median(r[m] for r in v) for m in ("startup_s", "peak_rss_mib")}
        for k, v in runs.items()
    }
    ratios = {m: med["large"][m] / med["empty"][m] for m in ("startup_s", "peak_rss_mib")}
    print(
        table(
            [
                ("store", "start-up s", "peak RSS MiB"),
                (
                    "empty (baseline)",
                    f"{med['empty']['startup_s']:.3f}",
                    f"{med['empty']['peak_rss_mib']:.1f}",
                ),
                (
                    f"{args.tickets:,} tickets",
                    f"{med['large']['startup_s']:.3f}",
                    f"{med['large']['peak_rss_mib']:.1f}",
                ),
                ("ratio", f"{ratios['startup_s']:.2f}", f"{ratios['peak_rss_mib']:.2f}"),
            ]
        )
    )
    met = all(v <= 1.2 for v in ratios.values())
    print(f"target (both <= 1.2): {'met' if met else 'MISSED'}")
    data = {
        "params": vars(args),
        "runs": runs,
        "median": med,
        "ratios": ratios,
        "target_met": met,
        "large_store_mib": large.stat().st_size / 2**20,
    }
    print(f"results: {write_result(args.out, data)}")
    shutil.rmtree(folder, ignore_errors=True)
    return data


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--settle", type=float, default=5.0, help="seconds the bot runs after its first poll")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--out", default="startup")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    asyncio.run(main_async(parse(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
