-- Delivery you can prove: a message whose data went out with no reply may have arrived.
-- Such a message is marked "outcome unknown" and sent once more with the same Message-ID.

alter type interview_event_kind add value 'outcome_unknown';

alter table emails
    -- Set while an attempt is sending; still set when the next attempt starts, the
    -- previous one ended (a crash, a restart) without its outcome recorded.
    add column sending_since timestamptz,
    -- When an attempt ended with the outcome unknown: the email is sent once more, never
    -- a third time.
    add column outcome_unknown_at timestamptz;
