-- Every state is a PostgreSQL enum type instead of text with a CHECK constraint: the
-- database refuses an unknown value, and a literal in a query is parsed as the type, so
-- a misspelt state (`status = 'pendng'`) fails when the query is checked
-- (scripts/prepare-queries) instead of quietly matching nothing.
create type job_status as enum ('open', 'closed');
create type template_status as enum ('draft', 'published');
create type difficulty as enum ('easy', 'medium', 'hard');
create type answer_kind as enum ('video', 'text');
create type candidate_status as enum ('new', 'invited', 'active', 'completed');
create type application_stage as enum ('applied', 'screening', 'interviewing', 'offer', 'hired', 'rejected');
create type interview_status as enum ('pending', 'in_progress', 'completed', 'expired', 'cancelled');
create type email_kind as enum ('invitation', 'resend', 'reminder');
create type email_status as enum ('queued', 'sent', 'failed');
create type task_status as enum ('queued', 'running', 'done', 'failed');
create type evaluation_status as enum ('queued', 'running', 'done', 'failed');
create type recommendation as enum ('strong_yes', 'yes', 'maybe', 'no');
create type transcript_source as enum ('typed', 'transcribed', 'unavailable', 'unanswered');
create type decision as enum ('advance', 'hold', 'reject');

-- Predicates that compare a state with text are made again over the types below.
drop index interviews_expiry_idx, interviews_reminder_due_idx, emails_due_idx, tasks_due_idx;
alter table answers drop constraint answers_check;

alter table jobs
    drop constraint jobs_status_check,
    alter column status drop default,
    alter column status type job_status using status::job_status,
    alter column status set default 'open';

alter table interview_templates
    drop constraint interview_templates_status_check,
    drop constraint interview_templates_difficulty_check,
    alter column status drop default,
    alter column status type template_status using status::template_status,
    alter column status set default 'draft',
    alter column difficulty type difficulty using difficulty::difficulty;
alter table template_versions alter column difficulty type difficulty using difficulty::difficulty;

alter table template_questions
    drop constraint template_questions_answer_kind_check,
    alter column answer_kind type answer_kind using answer_kind::answer_kind;
alter table version_questions alter column answer_kind type answer_kind using answer_kind::answer_kind;
alter table answers
    drop constraint answers_answer_kind_check,
    alter column answer_kind type answer_kind using answer_kind::answer_kind,
    add constraint answers_content_check
        check ((answer_kind = 'text' and text_answer is not null) or (answer_kind = 'video' and media_key is not null));

-- The counters' key follows the candidates' column, so the triggers, which copy the
-- status from the changed rows, need no change.
alter table candidates
    drop constraint candidates_status_check,
    alter column status drop default,
    alter column status type candidate_status using status::candidate_status,
    alter column status set default 'new';
alter table candidate_counts alter column status type candidate_status using status::candidate_status;

alter table applications
    drop constraint applications_stage_check,
    alter column stage drop default,
    alter column stage type application_stage using stage::application_stage,
    alter column stage set default 'applied';

alter table interviews
    drop constraint interviews_status_check,
    alter column status drop default,
    alter column status type interview_status using status::interview_status,
    alter column status set default 'pending';
create index interviews_expiry_idx on interviews (expires_at) where status in ('pending', 'in_progress');
create index interviews_reminder_due_idx on interviews (last_invited_at)
    where status = 'pending' and started_at is null;

alter table emails
    drop constraint emails_kind_check,
    drop constraint emails_status_check,
    alter column kind type email_kind using kind::email_kind,
    alter column status drop default,
    alter column status type email_status using status::email_status,
    alter column status set default 'queued';
create index emails_due_idx on emails (next_attempt_at) where status = 'queued';

alter table tasks
    drop constraint tasks_status_check,
    alter column status drop default,
    alter column status type task_status using status::task_status,
    alter column status set default 'queued';
create index tasks_due_idx on tasks (run_at) where status in ('queued', 'running');

alter table evaluations
    drop constraint evaluations_status_check,
    drop constraint evaluations_recommendation_check,
    alter column status drop default,
    alter column status type evaluation_status using status::evaluation_status,
    alter column status set default 'queued',
    alter column recommendation type recommendation using recommendation::recommendation;

alter table evaluation_answers
    drop constraint evaluation_answers_transcript_source_check,
    alter column transcript_source type transcript_source using transcript_source::transcript_source;

alter table interview_decisions
    drop constraint interview_decisions_decision_check,
    alter column decision type decision using decision::decision;
