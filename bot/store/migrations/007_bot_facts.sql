-- Facts about the bot itself learnt from Telegram (its username from getMe), kept across restarts
-- so operator commands (roster invite links, collection-day buttons) can use them.
CREATE TABLE bot_facts (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    at REAL NOT NULL
);
