-- The candidate's rights: what they are told before an interview, their agreement to it,
-- and their choice of a person's review instead of AI.

-- What a company adds to the notice candidates read before an interview, and where
-- they write to ask about their data. Empty: the notice says to reply to the invitation.
alter table companies
    add column privacy_text text not null default '' check (char_length(privacy_text) <= 4000),
    add column privacy_contact text not null default '' check (char_length(privacy_contact) <= 200);

alter table interviews
    -- The candidate's agreement to the notice: when, to which version of its text, and
    -- the address the agreement came from. The time and version go together; the
    -- address exists only with them.
    add column consented_at timestamptz,
    add column consent_notice_version text,
    add column consent_ip text,
    add constraint interviews_consent_whole
        check ((consented_at is null) = (consent_notice_version is null)
               and (consent_ip is null or consented_at is not null)),
    -- The candidate asked for a person to review the answers instead of AI: the
    -- interview is never transcribed nor sent to the evaluator.
    add column human_review_requested_at timestamptz;

alter type interview_event_kind add value 'consented';
alter type interview_event_kind add value 'human_review_requested';
