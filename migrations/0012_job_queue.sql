-- One job mechanism: an email's delivery is a `deliver_email` job of the tasks table,
-- like an evaluation. The emails row stays the Outbox's record (status, attempts, the
-- next attempt shown, the server's reply); the job carries the claim and the lease.
insert into tasks (id, company_id, kind, payload, run_at)
select gen_random_uuid(), company_id, 'deliver_email', jsonb_build_object('email_id', id), next_attempt_at
from emails where status = 'queued';

-- Workers claim one kind at a time, the earliest due first.
drop index tasks_due_idx;
create index tasks_due_idx on tasks (kind, run_at) where status in ('queued', 'running');
-- Emails are no longer claimed from their own table.
drop index emails_due_idx;
