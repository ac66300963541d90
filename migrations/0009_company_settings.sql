-- Company settings: automatic reminders to candidates who have not started (S-9).
alter table companies
    -- Days after the last invitation before a reminder goes out; 0 turns reminders off.
    add column reminder_after_days integer not null default 2
        check (reminder_after_days between 0 and 30),
    -- Reminders per interview at most.
    add column max_reminders integer not null default 2
        check (max_reminders between 0 and 2);

-- Reminders already queued for the interview: the limit is checked against this in the
-- same transaction that queues the next one.
alter table interviews add column reminders_sent integer not null default 0;

-- The reminder step scans only interviews nobody has started yet.
create index interviews_reminder_due_idx on interviews (last_invited_at)
    where status = 'pending' and started_at is null;
