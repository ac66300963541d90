-- Job openings and the interview templates that belong to them.
create table jobs (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    title text not null,
    department text,
    location text,
    description text,
    status text not null default 'open' check (status in ('open', 'closed')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index jobs_company_idx on jobs (company_id, status, created_at desc);

-- The editable template. Publishing snapshots it into template_versions; interviews
-- point at a version, so edits never change what a sent interview asks.
create table interview_templates (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    job_id uuid not null references jobs (id) on delete cascade,
    name text not null,
    difficulty text not null check (difficulty in ('easy', 'medium', 'hard')),
    focus_area text,
    duration_minutes integer not null check (duration_minutes between 1 and 600),
    intro text,
    allow_retakes boolean not null default false,
    status text not null default 'draft' check (status in ('draft', 'published')),
    -- The version new interviews are sent with; set while status = 'published'.
    published_version_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index interview_templates_company_idx on interview_templates (company_id, status, created_at desc);
create index interview_templates_job_idx on interview_templates (job_id);

create table template_questions (
    id uuid primary key,
    template_id uuid not null references interview_templates (id) on delete cascade,
    position integer not null,
    prompt text not null,
    answer_kind text not null check (answer_kind in ('video', 'text')),
    thinking_seconds integer not null check (thinking_seconds between 0 and 600),
    answer_seconds integer not null check (answer_seconds between 10 and 1800),
    key_points text[] not null default '{}',
    created_at timestamptz not null default now(),
    unique (template_id, position) deferrable initially deferred
);

-- An immutable snapshot taken at publish time.
create table template_versions (
    id uuid primary key,
    template_id uuid not null references interview_templates (id) on delete cascade,
    company_id uuid not null references companies (id) on delete cascade,
    number integer not null,
    name text not null,
    difficulty text not null,
    focus_area text,
    duration_minutes integer not null,
    intro text,
    allow_retakes boolean not null,
    published_at timestamptz not null default now(),
    unique (template_id, number)
);
create index template_versions_company_idx on template_versions (company_id);

alter table interview_templates
    add constraint interview_templates_published_version_fk
    foreign key (published_version_id) references template_versions (id);

create table version_questions (
    id uuid primary key,
    version_id uuid not null references template_versions (id) on delete cascade,
    position integer not null,
    prompt text not null,
    answer_kind text not null,
    thinking_seconds integer not null,
    answer_seconds integer not null,
    key_points text[] not null,
    unique (version_id, position)
);
