-- Candidates (people a company may interview) and applications (a candidate for a job).
create table candidates (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    name text not null,
    email citext not null,
    phone text,
    notes text,
    -- Follows the most recently sent interview: new → invited (Pending) →
    -- active (In Progress) → completed. Stored so the filter stays an index scan.
    status text not null default 'new' check (status in ('new', 'invited', 'active', 'completed')),
    last_activity_at timestamptz not null default now(),
    archived_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (company_id, email)
);
create index candidates_company_created_idx on candidates (company_id, created_at desc, id desc);
create index candidates_company_status_idx on candidates (company_id, status, created_at desc, id desc);
-- Substring search on name and email (ILIKE '%term%').
create index candidates_name_trgm_idx on candidates using gin (name gin_trgm_ops);
create index candidates_email_trgm_idx on candidates using gin ((email::text) gin_trgm_ops);

create table applications (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    candidate_id uuid not null references candidates (id) on delete cascade,
    job_id uuid not null references jobs (id) on delete cascade,
    stage text not null default 'applied'
        check (stage in ('applied', 'screening', 'interviewing', 'offer', 'hired', 'rejected')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (candidate_id, job_id)
);
create index applications_company_idx on applications (company_id, created_at desc);
create index applications_job_idx on applications (job_id);
