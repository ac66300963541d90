-- The candidate's data rights: erasure on request within the company's deadline,
-- retention limits housekeeping applies, and an append-only audit log.

alter table companies
    -- Days the company takes to carry out an erasure request: 0 is at once, and the law
    -- this follows allows at most 30.
    add column erasure_deadline_days integer not null default 0 check (erasure_deadline_days between 0 and 30),
    -- Recordings are deleted this many days after their interview was decided or
    -- completed; null keeps them.
    add column recording_retention_days integer check (recording_retention_days between 1 and 3650),
    -- Candidates with no activity for this many months are erased; null keeps them.
    add column inactive_candidate_months integer check (inactive_candidate_months between 1 and 120);

-- A request to erase a candidate that waits for its deadline (the candidate's own, or one
-- the company received by other means); housekeeping carries it out when due.
alter table candidates
    add column erasure_requested_at timestamptz,
    add column erasure_due_at timestamptz,
    add constraint candidates_erasure_whole check ((erasure_requested_at is null) = (erasure_due_at is null));
create index candidates_erasure_due_idx on candidates (erasure_due_at) where erasure_due_at is not null;
create index candidates_inactive_idx on candidates (company_id, last_activity_at);

-- A video answer whose recording retention deleted: its row stays (the question was
-- answered, its ratings and evaluation remain), its media is gone.
alter table answers
    add column media_deleted_at timestamptz,
    drop constraint answers_content_check,
    add constraint answers_content_check
        check ((answer_kind = 'text' and text_answer is not null)
               or (answer_kind = 'video' and (media_key is not null or media_deleted_at is not null)));
create index answers_media_retained_idx on answers (interview_id) where media_key is not null;

create type audit_action as enum (
    'interview_sent', 'interview_resent', 'interview_cancelled', 'interview_extended', 'link_replaced',
    'recording_played', 'interview_shared', 'share_viewed', 'evaluation_rerun', 'decision_made',
    'erasure_requested', 'candidate_erased', 'archive_downloaded', 'settings_changed', 'role_changed',
    'recordings_expired', 'inactive_candidates_erased'
);
-- Who acted: a member (user_id), the candidate at their link, or housekeeping.
-- share_link: someone without an account, through a share link.
create type audit_actor as enum ('member', 'candidate', 'share_link', 'housekeeping');

-- Who did what and when. Rows hold references and action names only, never names,
-- addresses or text, so an erasure leaves them as they are; the candidate and interview
-- they name may no longer exist, so those are plain ids, not keys.
create table audit_events (
    id uuid primary key,
    company_id uuid not null references companies (id),
    created_at timestamptz not null default now(),
    action audit_action not null,
    actor audit_actor not null,
    user_id uuid,
    candidate_id uuid,
    interview_id uuid,
    -- The member an action was done to (a role change).
    subject_user_id uuid,
    -- How many rows a housekeeping run changed.
    count integer,
    check ((actor = 'member') = (user_id is not null)),
    foreign key (company_id, user_id) references users (company_id, id),
    foreign key (company_id, subject_user_id) references users (company_id, id)
);
create index audit_events_company_idx on audit_events (company_id, created_at desc, id desc);
create index audit_events_candidate_idx on audit_events (company_id, candidate_id, created_at desc) where candidate_id is not null;
create index audit_events_user_idx on audit_events (company_id, user_id, created_at desc) where user_id is not null;
create index audit_events_subject_idx on audit_events (subject_user_id) where subject_user_id is not null;

create function refuse_audit_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: % is refused', tg_op;
end;
$$;
create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function refuse_audit_change();
create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function refuse_audit_change();
