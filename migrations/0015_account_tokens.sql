-- Email verification, password reset and the emails that carry their links.

-- Accounts that existed before verification keep working: their owners signed up
-- when an address was taken on trust.
alter table users add column email_verified_at timestamptz;
update users set email_verified_at = created_at;

create type account_token_purpose as enum ('verify_email', 'reset_password');

-- One-time links of an account. Only the SHA-256 of the link's token is stored; the
-- token itself is a MAC of the row's id under SECRET_KEY, so the outbox can render the
-- email at delivery without the database ever holding a working link.
create table account_tokens (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    purpose account_token_purpose not null,
    token_hash bytea not null unique,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);
create index account_tokens_user_idx on account_tokens (user_id, purpose);

-- Emails about an account (not about a candidate): queued in the transaction that
-- decides to send them and delivered as jobs of their own kind, but kept apart from the
-- company's candidate emails so that no Outbox page ever lists their links.
create type account_email_kind as enum ('verify_email', 'already_registered', 'reset_password');

create table account_emails (
    id uuid primary key,
    kind account_email_kind not null,
    to_address text not null,
    user_id uuid not null references users (id) on delete cascade,
    -- The link the email carries, when it carries one.
    token_id uuid references account_tokens (id) on delete cascade,
    status email_status not null default 'queued',
    transport text,
    attempts integer not null default 0,
    last_error text,
    server_reply text,
    message_id text,
    sent_at timestamptz,
    created_at timestamptz not null default now()
);
-- Notes per address per hour are counted from here.
create index account_emails_to_idx on account_emails (lower(to_address), kind, created_at);

-- Hits per key in a fixed window (sign-ups per client address).
create table rate_limits (
    limit_key text primary key,
    hits integer not null,
    window_started_at timestamptz not null default now()
);
