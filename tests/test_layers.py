"""The layers hold by shape: SQL and the database driver only in bot/store/, no I/O in bot/domain/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
SQL = re.compile(r"^\s*((SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|WITH)\b[\s\S]*\b(FROM|INTO|SET|TABLE|AS)\b"
                 r"|PRAGMA\s+\w+)", re.I)
OUTSIDE = ("emulator", "demo")  # the emulator is a separate program; the demo only drives the bot


def _modules(skip: tuple[str, ...]) -> list[tuple[Path, ast.AST]]:
    found = []
    for f in sorted(BOT.rglob("*.py")):
        if not set(f.relative_to(BOT).parts[:-1]) & set(skip):
            found.append((f, ast.parse(f.read_text(encoding="utf-8"))))
    return found


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_sql_outside_the_store():
    found = [f"{f.relative_to(BOT)}:{n.lineno}" for f, tree in _modules(("store", *OUTSIDE))
             for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and SQL.search(n.value)]
    assert found == []


def test_no_database_driver_outside_the_store():
    found = [str(f.relative_to(BOT)) for f, tree in _modules(("store", *OUTSIDE))
             if _imports(tree) & {"aiosqlite", "sqlite3"}]
    assert found == []


def test_domain_does_no_io():
    found = [str(f.relative_to(BOT)) for f, tree in _modules(()) if f.parent.name == "domain"
             and _imports(tree) & {"aiosqlite", "sqlite3", "telegram", "aiohttp", "httpx", "asyncio"}]
    assert found == []


def test_the_check_finds_sql_and_imports():
    """The patterns above do catch what they forbid (so the tests cannot pass vacuously)."""
    assert SQL.search("SELECT id FROM tickets WHERE x = ?") and SQL.search("PRAGMA integrity_check")
    assert _imports(ast.parse("import aiosqlite\nfrom sqlite3 import Row")) == {"aiosqlite", "sqlite3"}
