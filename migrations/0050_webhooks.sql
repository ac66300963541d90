-- Webhooks: endpoints a company's admins register, and the deliveries of events to them.
-- Deliveries hold ids and states only (no names, addresses or answers), so erasing a
-- candidate leaves nothing personal here.

create type webhook_event as enum (
    'interview_sent', 'email_opened', 'link_opened', 'interview_started', 'interview_completed',
    'interview_evaluated', 'decision_made', 'candidate_erased'
);
create type webhook_delivery_status as enum ('queued', 'delivered', 'failed');

create table webhook_endpoints (
    id uuid primary key,
    company_id uuid not null references companies (id),
    url text not null,
    events webhook_event[] not null check (cardinality(events) > 0),
    -- `whsec_` and base64 of random bytes. Kept as it was shown: signing needs the key
    -- itself (an HMAC cannot be computed from a hash of it).
    secret text not null,
    created_by uuid not null,
    created_at timestamptz not null default now(),
    -- When the first of an unbroken run of failed attempts happened; null after a success.
    failing_since timestamptz,
    -- Set after five days of only failures; no events are queued for it until enabled.
    disabled_at timestamptz,
    unique (company_id, id),
    foreign key (company_id, created_by) references users (company_id, id)
);
create index webhook_endpoints_company_idx on webhook_endpoints (company_id, created_at);

create table webhook_deliveries (
    id uuid primary key,
    company_id uuid not null references companies (id),
    endpoint_id uuid not null,
    -- The `webhook-id` header: the same for a redelivery of the same message, so that a
    -- receiver can recognise it.
    message_id text not null,
    event webhook_event not null,
    -- The exact body sent and signed.
    body text not null,
    status webhook_delivery_status not null default 'queued',
    attempts integer not null default 0,
    response_status integer,
    duration_ms integer,
    last_error text,
    created_at timestamptz not null default now(),
    attempted_at timestamptz,
    next_attempt_at timestamptz,
    unique (company_id, id),
    foreign key (company_id, endpoint_id) references webhook_endpoints (company_id, id) on delete cascade
);
create index webhook_deliveries_endpoint_idx on webhook_deliveries (company_id, endpoint_id, created_at desc);

alter type account_email_kind add value 'webhook_disabled';
alter type audit_action add value 'webhook_created';
alter type audit_action add value 'webhook_deleted';
alter type audit_action add value 'webhook_enabled';
alter type audit_action add value 'webhook_disabled';
