-- A write to the JSON API with an Idempotency-Key header: the first request claims the
-- key (in flight), and its response is kept for 24 hours so a repeat gets it again.
create type api_request_state as enum ('in_flight', 'done');

create table api_idempotency_keys (
    company_id uuid not null references companies (id) on delete cascade,
    idempotency_key text not null check (char_length(idempotency_key) between 1 and 255),
    -- SHA-256 of the method, path and body: the same key with another request is refused.
    request_hash bytea not null,
    state api_request_state not null default 'in_flight',
    response_status smallint,
    response_body bytea,
    created_at timestamptz not null default now(),
    primary key (company_id, idempotency_key)
);
create index api_idempotency_keys_created_idx on api_idempotency_keys (created_at);
