"""Persistence: SQLite through aiosqlite, raw parameterised SQL, one writer at a time."""
