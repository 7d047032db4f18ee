-- A prompt is recorded when it is queued (message_id still unknown), so an answer that arrives
-- before the send has been recorded still finds what was asked.
CREATE TABLE prompts_new (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    user_id INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    ticket_id INTEGER,
    created_at REAL NOT NULL,
    outbox_id INTEGER
);
INSERT INTO prompts_new (chat_id, message_id, user_id, purpose, ticket_id, created_at)
    SELECT chat_id, message_id, user_id, purpose, ticket_id, created_at FROM prompts;
DROP TABLE prompts;
ALTER TABLE prompts_new RENAME TO prompts;
CREATE INDEX prompts_message ON prompts(chat_id, message_id);
CREATE INDEX prompts_user ON prompts(user_id, chat_id, created_at);
CREATE INDEX prompts_outbox ON prompts(outbox_id);
