-- Every bind and re-bind of a group: who did it, from which grid to which, and when.
CREATE TABLE group_bindings (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    grid TEXT NOT NULL,
    previous_grid TEXT,
    by_user INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX group_bindings_chat ON group_bindings(chat_id, at);
