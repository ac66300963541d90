-- Candidates' answers, and the task queue shared by background workers.
create table answers (
    id uuid primary key,
    interview_id uuid not null references interviews (id) on delete cascade,
    company_id uuid not null references companies (id) on delete cascade,
    question_id uuid not null references version_questions (id),
    answer_kind text not null check (answer_kind in ('video', 'text')),
    text_answer text,
    -- Video answers: the object's key in media storage, its type and size.
    media_key text,
    media_type text,
    media_bytes bigint,
    created_at timestamptz not null default now(),
    unique (interview_id, question_id),
    check ((answer_kind = 'text' and text_answer is not null) or (answer_kind = 'video' and media_key is not null))
);
create index answers_company_idx on answers (company_id);

-- Background work other than email (evaluations, …), claimed with SKIP LOCKED.
create table tasks (
    id uuid primary key,
    company_id uuid references companies (id) on delete cascade,
    kind text not null,
    payload jsonb not null default '{}',
    status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
    attempts integer not null default 0,
    -- When a worker may take it next; a running task's lease ends here.
    run_at timestamptz not null default now(),
    last_error text,
    created_at timestamptz not null default now(),
    finished_at timestamptz
);
create index tasks_due_idx on tasks (run_at) where status in ('queued', 'running');
