-- Interviews sent to candidates, their tracking events, and the email outbox.
create table interviews (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    application_id uuid not null references applications (id) on delete cascade,
    candidate_id uuid not null references candidates (id) on delete cascade,
    job_id uuid not null references jobs (id) on delete cascade,
    -- The exact published questions this interview was sent with.
    template_version_id uuid not null references template_versions (id),
    status text not null default 'pending'
        check (status in ('pending', 'in_progress', 'completed', 'expired', 'cancelled')),
    -- Random per-interview input of the link's MAC. The link itself is never stored:
    -- it can only be rebuilt with the server's SECRET_KEY.
    link_nonce bytea not null,
    -- The hidden key of the Send form: a repeated POST finds the interview it created.
    idempotency_key uuid not null,
    sent_by uuid references users (id) on delete set null,
    expires_at timestamptz not null,
    email_sent_at timestamptz,
    email_opened_at timestamptz,
    link_opened_at timestamptz,
    started_at timestamptz,
    completed_at timestamptz,
    last_invited_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (company_id, idempotency_key)
);
create index interviews_company_idx on interviews (company_id, created_at desc);
create index interviews_company_status_idx on interviews (company_id, status, created_at desc);
create index interviews_application_idx on interviews (application_id);
create index interviews_candidate_idx on interviews (candidate_id, created_at desc);
create index interviews_expiry_idx on interviews (expires_at) where status in ('pending', 'in_progress');

create table interview_events (
    id uuid primary key,
    interview_id uuid not null references interviews (id) on delete cascade,
    company_id uuid not null references companies (id) on delete cascade,
    kind text not null,
    detail text,
    created_at timestamptz not null default now()
);
create index interview_events_interview_idx on interview_events (interview_id, created_at);

-- The outbox. Bodies are rendered at delivery (and when viewed in the portal) because
-- they hold the interview link, which the database must never hold.
create table emails (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    interview_id uuid not null references interviews (id) on delete cascade,
    kind text not null check (kind in ('invitation', 'resend', 'reminder')),
    to_address text not null,
    status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
    -- 'smtp' or 'mailbox' (kept in the portal when no SMTP server is configured).
    transport text,
    attempts integer not null default 0,
    -- When a worker may next take it; a claimed email is leased by moving this forward,
    -- so a worker that dies mid-send releases it when the lease ends.
    next_attempt_at timestamptz not null default now(),
    last_error text,
    server_reply text,
    message_id text,
    -- The tracking pixel's own unguessable id.
    pixel_id uuid not null unique,
    opened_at timestamptz,
    sent_at timestamptz,
    created_at timestamptz not null default now()
);
create index emails_due_idx on emails (next_attempt_at) where status = 'queued';
create index emails_company_idx on emails (company_id, created_at desc);
create index emails_interview_idx on emails (interview_id, created_at);
