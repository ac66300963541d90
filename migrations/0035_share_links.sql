-- Read-only links to an interview (or all completed interviews of its job) for people
-- without an account. Like the candidate's link, only the nonce is kept: the working
-- token is a MAC under SECRET_KEY and cannot be rebuilt from the database alone.
create type share_scope as enum ('interview', 'job');

create table share_links (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    -- The interview it was created from; a job-wide link shares that interview's job.
    interview_id uuid not null,
    scope share_scope not null,
    nonce bytea not null,
    include_contact boolean not null default false,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    created_by uuid,
    created_at timestamptz not null default now(),
    unique (company_id, id),
    foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade,
    foreign key (company_id, created_by) references users (company_id, id) on delete set null (created_by)
);
create index share_links_interview_idx on share_links (company_id, interview_id, created_at desc);

-- Every view of a share link: the page, or an answer played.
create table share_views (
    id uuid primary key default gen_random_uuid(),
    company_id uuid not null references companies (id) on delete cascade,
    share_id uuid not null,
    -- The interview looked at; none for the list of a job-wide link.
    interview_id uuid,
    answer_id uuid,
    client_ip text not null,
    viewed_at timestamptz not null default now(),
    foreign key (company_id, share_id) references share_links (company_id, id) on delete cascade,
    foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade,
    foreign key (company_id, answer_id) references answers (company_id, id) on delete cascade
);
create index share_views_share_idx on share_views (company_id, share_id, viewed_at desc);
