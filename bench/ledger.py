"""Ledger export: time and peak memory of `python -m bot export ledger` on generated stores.

    .venv/bin/python -m bench.ledger                    # 100,000 tickets against 10,000 (and an empty period)
    .venv/bin/python -m bench.ledger --small 2000 --large 4000   # smoke size

Each export runs as its own process (the real CLI) on a store from bench/generate.py, covering
every ticket (the two years before the generator's NOW), as XLSX and as CSV. Peak RSS comes from
`os.wait4` (the child's own maximum resident set; the child is started with posix_spawn so the
benchmark's own memory is not counted in it). Baselines in the same run: the same command on
an empty period of the large store (imports, store open, summary queries, no rows), and the export
of the small store. Bounded memory shows as peak RSS large / small near 1 while time grows with
the tickets.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, PYTHON, ROOT, table, write_result
from bench.generate import NOW, generate

FIRST, LAST = "2023-06-01", NOW.date().isoformat()


def _config(folder: Path, database: Path) -> Path:
    path = folder / f"ledger-{database.stem}.toml"
    path.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    return path


def export(store: Path, fmt: str, first: str = FIRST, last: str = LAST) -> dict[str, Any]:
    """One export in a child process: wall seconds, peak RSS (MiB), file size, rows reported."""
    out = OUT / f"ledger-{store.stem}.{fmt}"
    argv = [
        PYTHON,
        "-m",
        "bot",
        "export",
        "ledger",
        "--config",
        str(_config(OUT, store)),
        "--from",
        first,
        "--to",
        last,
        "--format",
        fmt,
        "--out",
        str(out),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t0 = time.perf_counter()
    # close_fds=False lets subprocess use posix_spawn (vfork): a forked copy of this process would
    # otherwise count in the child's peak RSS (Linux keeps ru_maxrss across exec)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, close_fds=False)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"export failed ({proc.returncode}): {err}")
    rows = int(re.search(r"已导出 (\d+)", err)[1])
    size = out.stat().st_size
    out.unlink()
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "rows": rows,
        "file_mib": round(size / 2**20, 2),
    }


def run(small: int, large: int, formats: tuple[str, ...] = ("xlsx", "csv")) -> dict[str, Any]:
    """Generate (or reuse) both stores and export each in both formats, plus the empty baseline."""
    stores = {"small": generate(small, quiet=True), "large": generate(large, quiet=True)}
    result: dict[str, Any] = {"tickets": {"small": small, "large": large}, "formats": list(formats)}
    result["empty"] = export(stores["large"], formats[0], "2000-01-01", "2000-01-01")
    for fmt in formats:
        result[fmt] = {name: export(path, fmt) for name, path in stores.items()}
        s, lg = result[fmt]["small"], result[fmt]["large"]
        result[fmt]["ratios"] = {
            "rss_large_over_small": round(lg["peak_rss_mib"] / s["peak_rss_mib"], 3),
            "rss_large_over_empty": round(lg["peak_rss_mib"] / result["empty"]["peak_rss_mib"], 3),
            "time_large_over_small": round(lg["seconds"] / s["seconds"], 2),
            "cpu_large_over_small": round(lg["cpu_seconds"] / s["cpu_seconds"], 2),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write bench/out/<out>.json."""
    p = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__.split("\n\n")[0])
    p.add_argument("--small", type=int, default=10_000)
    p.add_argument("--large", type=int, default=100_000)
    p.add_argument("--formats", default="xlsx,csv", help="xlsx, csv or both (comma)")
    p.add_argument("--out", default="ledger")
    args = p.parse_args(argv)
    r = run(args.small, args.large, tuple(args.formats.split(",")))
    rows = [("export", "tickets", "rows", "seconds", "CPU s", "peak RSS MiB", "file MiB")]
    rows.append(
        (
            "empty period (baseline)",
            "—",
            str(r["empty"]["rows"]),
            str(r["empty"]["seconds"]),
            str(r["empty"]["cpu_seconds"]),
            str(r["empty"]["peak_rss_mib"]),
            str(r["empty"]["file_mib"]),
        )
    )
    for fmt in r["formats"]:
        for name in ("small", "large"):
            x = r[fmt][name]
            rows.append(
                (
                    f"{fmt} {name}",
                    f"{r['tickets'][name]:,}",
                    f"{x['rows']:,}",
                    str(x["seconds"]),
                    str(x["cpu_seconds"]),
                    str(x["peak_rss_mib"]),
                    str(x["file_mib"]),
                )
            )
    print(table(rows))
    for fmt in r["formats"]:
        print(f"{fmt}: " + ", ".join(f"{k} = {v}" for k, v in r[fmt]["ratios"].items()))
    print(write_result(args.out, r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
