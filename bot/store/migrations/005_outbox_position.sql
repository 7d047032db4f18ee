-- Delivery order within a chat: a fallback for a blocked user's notice takes the place of the
-- notice it replaces (position = that notice's id), not the end of the group's queue.
ALTER TABLE outbox ADD COLUMN position REAL;
