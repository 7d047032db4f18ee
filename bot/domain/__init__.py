"""Pure domain core: no Telegram, no SQLite, time comes in as `now`."""
