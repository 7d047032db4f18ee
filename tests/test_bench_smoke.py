"""One tiny run of each benchmark (bench/), so they keep working; the real figures are in bench/README.md."""

from __future__ import annotations

import json

from bench import broadcast, growth, intake, startup
from bench.common import OUT


def _result(name: str) -> dict:
    return json.loads((OUT / f"{name}.json").read_text(encoding="utf-8"))


def test_intake_smoke():
    assert (
        intake.main(
            [
                "--grids",
                "3",
                "--tickets",
                "2",
                "--transport",
                "aiohttp",
                "--transport",
                "httpx",
                "--out",
                "smoke-intake",
            ]
        )
        == 0
    )
    r = _result("smoke-intake")
    assert r["durable"] and r["bot"]["tickets"] == r["echo"]["tickets"] == 6
    assert sorted(r["runs"]) == ["grid bot (aiohttp)", "grid bot (httpx)"]
    assert r["bot"]["half_peak"]["tickets"] == r["echo"]["half_peak"]["tickets"] == 3
    for side in ("bot", "echo"):
        assert (
            0 <= r[side]["cpu_ms_per_ticket"] < float("inf")
            and r[side]["calls_per_ticket"]["sendMessage"] >= 1
        )


def test_broadcast_smoke():
    broadcast.main(["--groups", "45", "--limiter", "smooth", "--out", "smoke-broadcast"])
    r = _result("smoke-broadcast")
    assert r["delivered"] == r["groups_with_exactly_one"] == 45
    assert r["outbox"] == {"sent": 45}


def test_growth_smoke():
    assert growth.main(["--small", "3000", "--large", "6000", "--repeat", "1", "--out", "smoke-growth"]) == 0
    r = _result("smoke-growth")
    assert r["same_numbers"] and r["small"]["sweep"]["rows"] == r["large"]["sweep"]["rows"] == 500


def test_startup_smoke():
    assert (
        startup.main(["--tickets", "3000", "--runs", "1", "--settle", "0.5", "--out", "smoke-startup"]) == 0
    )
    r = _result("smoke-startup")
    assert r["median"]["large"]["peak_rss_mib"] > 10


def test_ledger_smoke():
    from bench import ledger

    assert (
        ledger.main(["--small", "2000", "--large", "3000", "--formats", "csv", "--out", "smoke-ledger"]) == 0
    )
    r = _result("smoke-ledger")
    assert r["csv"]["large"]["rows"] == 3000 and r["csv"]["small"]["rows"] == 2000 and r["empty"]["rows"] == 0


def test_statements_per_ticket_within_budget():
    """Submit, accept and deliver one ticket: ≤25 statements, of which ≤6 go through the database thread
    (the 4 COMMITs and the deliverer's 2 reads of due rows), 4 write transactions."""
    from bench import statements

    assert statements.main(["--tickets", "2", "--out", "smoke-statements"]) == 0
    r = _result("smoke-statements")
    assert r["statements_per_ticket"] <= 25, r["by_verb_per_ticket"]
    assert r["trips_per_ticket"] <= 6, r["trips_by_verb_per_ticket"]
    assert r["write_transactions_per_ticket"] <= 4, r["by_verb_per_ticket"]
