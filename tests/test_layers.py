"""The layers hold by shape: SQL and the database driver only in bot/store/, no I/O in bot/domain/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
SQL = re.compile(
    r"^\s*((SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|WITH)\b[\s\S]*\b(FROM|INTO|SET|TABLE|AS)\b"
    r"|PRAGMA\s+\w+)",
    re.I,
)
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
    found = [
        f"{f.relative_to(BOT)}:{n.lineno}"
        for f, tree in _modules(("store", *OUTSIDE))
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and SQL.search(n.value)
    ]
    assert found == []


def test_no_database_driver_outside_the_store():
    found = [
        str(f.relative_to(BOT))
        for f, tree in _modules(("store", *OUTSIDE))
        if _imports(tree) & {"aiosqlite", "sqlite3"}
    ]
    assert found == []


def test_domain_does_no_io():
    found = [
        str(f.relative_to(BOT))
        for f, tree in _modules(())
        if f.parent.name == "domain"
        and _imports(tree) & {"aiosqlite", "sqlite3", "telegram", "aiohttp", "httpx", "asyncio"}
    ]
    assert found == []


def test_the_check_finds_sql_and_imports():
    """The patterns above do catch what they forbid (so the tests cannot pass vacuously)."""
    assert SQL.search("SELECT id FROM tickets WHERE x = ?") and SQL.search("PRAGMA integrity_check")
    assert _imports(ast.parse("import aiosqlite\nfrom sqlite3 import Row")) == {"aiosqlite", "sqlite3"}


def test_button_data_is_written_and_read_by_one_module():
    """Every button a service builds is one the handlers' patterns accept (and nothing else writes it)."""
    from bot import callback_data as cb

    built = [
        (cb.ticket(7, "acc"), cb.TICKET),
        (cb.ticket(7, "r", 5), cb.TICKET),
        (cb.escalation(7, "rsg", 12), cb.ESCALATION),
        (cb.casework(7, "rr", "x"), cb.CASEWORK),
        (cb.draft("cancel"), cb.DRAFT),
        (cb.draft("grid", "GN-1-1"), cb.DRAFT),
    ]
    assert all(pattern.fullmatch(data) for data, pattern in built)
    literal = re.compile(r"""f?["'][tdec]:(\{|[a-z])""")
    found = [
        str(f.relative_to(BOT))
        for f, _ in _modules(OUTSIDE)
        if f.name != "callback_data.py" and literal.search(f.read_text(encoding="utf-8"))
    ]
    assert found == []


def _calls(tree: ast.AST, method: str) -> list[int]:
    return [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method
    ]


def test_services_and_handlers_write_only_through_the_unit_of_work():
    """A write transaction is `ctx.uow(…)` (or `unit_of_work(db)`), whose repositories are the only way in:
    nobody above the store opens `Database.write()` on a bare connection."""
    found = [
        f"{f.relative_to(BOT)}:{line}"
        for f, tree in _modules(())
        if f.parent.name in {"services", "handlers"}
        for line in _calls(tree, "write")
    ]
    assert found == []
    assert _calls(ast.parse("async def f(db):\n    async with db.write() as conn: ..."), "write") == [2]
