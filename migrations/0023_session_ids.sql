-- A session is named on the Account page by an opaque id, so that one of them can be
-- signed out without the page ever holding its token or the token's hash.
alter table sessions add column id uuid not null default gen_random_uuid();
create unique index sessions_id_key on sessions (id);
