-- Evaluations of completed interviews (one row per run), their per-answer results,
-- cached transcripts, and the recruiters' own reviews kept beside them.

-- One run of the evaluation pipeline. A run belongs to one queued task: a task that is
-- claimed again (retry, or a worker that died) continues the same row, so a run never
-- appears twice. Re-running queues a new task and so a new row; the page shows the latest.
create table evaluations (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    interview_id uuid not null references interviews (id) on delete cascade,
    task_id uuid unique references tasks (id) on delete set null,
    status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
    -- Why it failed, or why the last attempt will be retried.
    error text,
    retry_at timestamptz,
    -- 'rubric' (built in) or 'openai-compatible'; the model; the prompt or rubric version.
    provider text,
    model text,
    method_version text,
    transcriber text,
    overall_score integer check (overall_score between 0 and 100),
    recommendation text check (recommendation in ('strong_yes', 'yes', 'maybe', 'no')),
    summary text,
    strengths text[] not null default '{}',
    concerns text[] not null default '{}',
    requested_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz
);
create index evaluations_interview_idx on evaluations (company_id, interview_id, created_at desc);

-- One row per question of the interview in a run, answered or not.
create table evaluation_answers (
    id uuid primary key,
    evaluation_id uuid not null references evaluations (id) on delete cascade,
    company_id uuid not null references companies (id) on delete cascade,
    question_id uuid not null references version_questions (id),
    answer_id uuid references answers (id) on delete cascade,
    transcript text,
    -- Why there is no transcript (no service configured, the recording was unreadable…).
    transcript_note text,
    -- 'typed', 'transcribed', 'unavailable' (a video without transcript) or 'unanswered'.
    transcript_source text not null
        check (transcript_source in ('typed', 'transcribed', 'unavailable', 'unanswered')),
    -- Null when the answer could not be judged (a video without a transcript).
    score integer check (score between 1 and 5),
    reason text not null,
    key_points_covered text[] not null default '{}',
    key_points_missed text[] not null default '{}',
    unique (evaluation_id, question_id)
);
create index evaluation_answers_answer_idx on evaluation_answers (answer_id);
create index evaluation_answers_company_idx on evaluation_answers (company_id);

-- Speech-to-text results, kept per answer and model: retries and re-runs do not pay
-- for the same recording twice.
create table answer_transcripts (
    answer_id uuid not null references answers (id) on delete cascade,
    company_id uuid not null references companies (id) on delete cascade,
    model text not null,
    transcript text not null,
    created_at timestamptz not null default now(),
    primary key (answer_id, model)
);
create index answer_transcripts_company_idx on answer_transcripts (company_id);

-- Each recruiter's own rating of an answer; the evaluation's score stays beside it.
create table answer_reviews (
    id uuid primary key,
    company_id uuid not null references companies (id) on delete cascade,
    answer_id uuid not null references answers (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    rating integer not null check (rating between 1 and 5),
    note text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (answer_id, user_id)
);
create index answer_reviews_company_idx on answer_reviews (company_id);
create index answer_reviews_user_idx on answer_reviews (user_id);

-- The team's decision on an interview (the latest one, with who made it).
create table interview_decisions (
    interview_id uuid primary key references interviews (id) on delete cascade,
    company_id uuid not null references companies (id) on delete cascade,
    decision text not null check (decision in ('advance', 'hold', 'reject')),
    note text,
    decided_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index interview_decisions_company_idx on interview_decisions (company_id);
create index interview_decisions_user_idx on interview_decisions (decided_by);

-- Finds the evaluation task of an interview before a worker has taken it.
create index tasks_evaluate_interview_idx on tasks ((payload ->> 'interview_id'))
    where kind = 'evaluate_interview';
