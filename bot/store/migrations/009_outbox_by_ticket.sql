-- A ticket's messages in a chat (the request to retire when someone else takes the ticket, the
-- resident's question after auto-confirm) are found by ticket and chat.
CREATE INDEX outbox_ticket ON outbox(ticket_id, chat_id) WHERE ticket_id IS NOT NULL;
