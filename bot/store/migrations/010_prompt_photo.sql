-- A photo captioned only /complain (or /wish) asks for the text: the prompt keeps the photo, and the
-- photo's message so that it is removed from the group with the answer once recorded.
ALTER TABLE prompts ADD COLUMN photo_file_id TEXT;
ALTER TABLE prompts ADD COLUMN origin_message_id INTEGER;
