"""The intake benchmark's printed table and target lines."""

from __future__ import annotations

from typing import Any

from bench.common import load, table


def report(echo: dict[str, Any], real: dict[str, Any], others: dict[str, dict[str, Any]]) -> list[str]:
    """The printed table and target lines (the targets for the first bot run)."""
    rows = [
        (
            "bot",
            "tickets",
            "tickets/s",
            "CPU ms/ticket",
            "CPU share",
            "API calls/ticket",
            "group msgs/ticket",
            "p50 ms",
            "p99 ms",
            "half-peak p50 ms",
            "half-peak p99 ms",
        )
    ]
    for name, r in (("echo (baseline)", echo), *others.items()):
        rows.append(
            (
                name,
                str(r["tickets"]),
                f"{r['per_second']:.1f}",
                f"{r['cpu_ms_per_ticket']:.2f}",
                f"{r['cpu_share']:.2f}",
                f"{sum(r['calls_per_ticket'].values()):.2f}",
                f"{r['group_messages_per_ticket']:.2f}",
                f"{r['p50_ms']:.1f}",
                f"{r['p99_ms']:.1f}",
                f"{r['half_peak']['p50_ms']:.1f}",
                f"{r['half_peak']['p99_ms']:.1f}",
            )
        )
    ratio = real["per_second"] / echo["per_second"]
    half_p99 = real["half_peak"]["p99_ms"]
    return [
        table(rows),
        "bot API calls per ticket: " + ", ".join(f"{k} {v:.2f}" for k, v in real["calls_per_ticket"].items()),
        "echo API calls per ticket: "
        + ", ".join(f"{k} {v:.2f}" for k, v in echo["calls_per_ticket"].items()),
        f"rate ratio bot/echo = {ratio:.2f} (target >= 0.60: {'met' if ratio >= 0.6 else 'MISSED'}); "
        f"bot CPU {real['cpu_ms_per_ticket']:.2f} ms/ticket (target <= 5: "
        f"{'met' if real['cpu_ms_per_ticket'] <= 5 else 'MISSED'}); half-peak p99 {half_p99:.0f} ms "
        f"(target < 300: {'met' if half_p99 < 300 else 'MISSED'}); group messages/ticket "
        f"{real['group_messages_per_ticket']:.2f} (target <= 2)",
        f"machine load average (1, 5, 15 min): {load()}",
    ]
