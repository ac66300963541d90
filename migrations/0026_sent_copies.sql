-- What each email looked like when it went out, its interview link masked, so the
-- Outbox shows what was actually sent (a text changed later does not rewrite it) while
-- the database still never holds a working link.
alter table emails
    add column sent_subject text,
    add column sent_text text,
    add column sent_html text;
