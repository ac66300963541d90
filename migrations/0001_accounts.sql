-- Companies, their recruiters, sessions and sign-in throttling.
create extension if not exists citext;
create extension if not exists pg_trgm;

create table companies (
    id uuid primary key,
    name text not null,
    created_at timestamptz not null default now()
);

create table users (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    name text not null,
    email citext not null unique,
    password_hash text not null,
    created_at timestamptz not null default now()
);
create index users_company_id_idx on users (company_id);

-- The cookie carries a random token; only its SHA-256 is stored, so a leaked table
-- gives no working session.
create table sessions (
    token_hash bytea primary key,
    user_id uuid not null references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

-- Failed sign-ins counted per key ("email:<address>" or "ip:<address>") in a sliding
-- window; in Postgres so every instance sees the same counts.
create table sign_in_failures (
    throttle_key text primary key,
    failures integer not null,
    window_started_at timestamptz not null default now()
);
