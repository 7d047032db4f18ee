-- A user's Telegram language (language_code, reduced to a supported locale): their default until
-- they choose one with /lang (users.locale) or the roster gives one (people.locale).
ALTER TABLE users ADD COLUMN tg_language TEXT;
-- The roster's language for a staff member's account (people.locale), kept with the user so that
-- reading a user tells their language without a second query; it counts as their choice.
ALTER TABLE users ADD COLUMN roster_locale TEXT;
UPDATE users SET roster_locale = (SELECT p.locale FROM people p WHERE p.tg_user_id = users.tg_user_id AND p.active = 1);
