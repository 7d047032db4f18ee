"""The cost of synchronous=FULL: a committed update's transaction, FULL (the bot) vs NORMAL.

    python -m bench.durability [--commits 300] [--rounds 5] [--dir DIR]

Each round opens a fresh store with bot.store.db.Database (WAL, migrations applied) once with
synchronous=NORMAL and once with FULL (order alternating) and times --commits write transactions
shaped like a handled update: `db.write(update_id)` (the processed-update row) plus a ticket event
row. Reported: median milliseconds per commit for each mode and FULL / NORMAL. With FULL every
COMMIT waits for an fsync of the WAL, so a transaction whose update is then confirmed to Telegram
survives a power cut. Put --dir on the disk the bot's database lives on: the fsync is what it costs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import table, write_result
from bot.store.db import Database


async def commits(folder: Path, mode: str, n: int) -> float:
    """Milliseconds per committed update transaction in `mode`."""
    db = await Database(folder / f"{mode}-{time.monotonic_ns()}.sqlite3", synchronous=mode).open()
    try:
        now = datetime.now(timezone.utc).timestamp()
        t0 = time.perf_counter()
        for i in range(1, n + 1):
            async with db.write(update_id=i) as conn:
                await conn.execute(
                    "INSERT INTO bot_facts (key, value, at) VALUES (?, ?, ?)", (f"bench{i}", "x" * 200, now)
                )
        return (time.perf_counter() - t0) * 1000 / n
    finally:
        await db.close()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(args.dir or tempfile.mkdtemp(prefix="bench-durability-"))
    runs: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    for r in range(args.rounds):
        for mode in ("NORMAL", "FULL") if r % 2 == 0 else ("FULL", "NORMAL"):
            runs[mode].append(await commits(folder, mode, args.commits))
    med = {mode: statistics.median(v) for mode, v in runs.items()}
    return {
        "params": vars(args),
        "folder": str(folder),
        "runs_ms_per_commit": runs,
        "median_ms_per_commit": med,
        "full_over_normal": med["FULL"] / med["NORMAL"],
        "extra_ms_per_update": med["FULL"] - med["NORMAL"],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the comparison, print a table and write bench/out/durability.json."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.durability",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", default=None, help="where the stores are made (the bot's disk)")
    result = asyncio.run(main_async(parser.parse_args(argv)))
    med = result["median_ms_per_commit"]
    print(
        table(
            [
                ("synchronous", "ms per committed update (median)"),
                ("NORMAL", f"{med['NORMAL']:.3f}"),
                ("FULL (the bot)", f"{med['FULL']:.3f}"),
                ("FULL / NORMAL", f"{result['full_over_normal']:.2f}"),
                ("extra ms per update", f"{result['extra_ms_per_update']:.3f}"),
            ]
        )
    )
    print(f"-> {write_result('durability', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
