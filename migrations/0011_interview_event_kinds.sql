-- The kinds of an interview's timeline events as an enum type, like the states (0010):
-- an unknown kind is refused, and a misspelt one in a query fails when it is checked.
create type interview_event_kind as enum (
    'queued', 'sent', 'failed', 'retrying', 'opened', 'link_opened', 'started', 'answer_saved', 'completed',
    'evaluated', 'evaluation_failed', 'resent', 'reminded', 'cancelled', 'extended', 'expired'
);

alter table interview_events alter column kind type interview_event_kind using kind::interview_event_kind;
