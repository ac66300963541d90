-- Per-company API keys. The key itself is shown once; only its SHA-256 is kept, so the
-- table cannot sign anyone in. A read-write key acts with a Recruiter's rights, for the
-- Admin who created it (the author of what it sends in the timeline and audit log).
-- Its rate-limit window lives on its row: one statement verifies the key, notes its
-- use and counts the request, and every instance counts in the same place.
create type api_key_scope as enum ('read_only', 'read_write');

create table api_keys (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    name text not null check (char_length(name) between 1 and 100),
    scope api_key_scope not null,
    key_hash bytea not null unique check (octet_length(key_hash) = 32),
    created_by uuid not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    window_started_at timestamptz not null default now(),
    window_hits integer not null default 0,
    unique (company_id, id),
    foreign key (company_id, created_by) references users (company_id, id)
);
create index api_keys_company_idx on api_keys (company_id, created_at desc);
create index api_keys_created_by_idx on api_keys (company_id, created_by);

alter type audit_action add value 'api_key_created';
alter type audit_action add value 'api_key_revoked';
