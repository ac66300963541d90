-- Timing the server enforces. A template grants a number of retakes per question
-- (counted on the server) instead of a yes/no.
alter table interview_templates add column retakes integer not null default 0 check (retakes between 0 and 5);
update interview_templates set retakes = case when allow_retakes then 1 else 0 end;
alter table interview_templates drop column allow_retakes;
alter table template_versions add column retakes integer not null default 0 check (retakes between 0 and 5);
update template_versions set retakes = case when allow_retakes then 1 else 0 end;
alter table template_versions drop column allow_retakes;

-- A recruiter may grant a candidate extra time; the candidate's email never mentions it.
create type time_allowance as enum ('standard', 'one_and_half', 'double', 'unlimited');
alter table interviews add column time_allowance time_allowance not null default 'standard';

-- Each question's window: when the candidate was first shown it, when the current
-- attempt opened, until when it may be recorded (null: no limit), and which attempt it is.
create table question_windows (
    interview_id uuid not null,
    company_id uuid not null references companies (id) on delete cascade,
    question_id uuid not null references version_questions (id),
    first_shown_at timestamptz not null default now(),
    opened_at timestamptz not null default now(),
    answer_by timestamptz,
    attempt integer not null default 1 check (attempt >= 1),
    primary key (interview_id, question_id),
    foreign key (company_id, interview_id) references interviews (company_id, id) on delete cascade
);
create index question_windows_company_idx on question_windows (company_id);
create index question_windows_question_idx on question_windows (question_id);

-- The answer's timing as the recruiter sees it: the window it was given in, when its
-- request arrived, and which attempt it was.
alter table answers add column shown_at timestamptz, add column received_at timestamptz, add column attempt integer;
alter type interview_event_kind add value 'time_allowance_changed';
