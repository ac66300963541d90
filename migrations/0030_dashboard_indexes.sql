-- The Dashboard reads a period's cohort (the interviews sent in it), for the company or
-- one job, from index-only scans: each index carries every column a funnel step tests,
-- so the table's rows are not visited.
create index interviews_dashboard_cohort_idx on interviews (company_id, created_at)
    include (job_id, status, email_opened_at, link_opened_at, started_at, completed_at, reminders_sent,
             human_review_requested_at);
create index interviews_dashboard_job_cohort_idx on interviews (company_id, job_id, created_at)
    include (status, email_opened_at, link_opened_at, started_at, completed_at, reminders_sent,
             human_review_requested_at);

-- Completions per day: the interviews completed in the period.
create index interviews_completed_idx on interviews (company_id, completed_at)
    include (job_id) where completed_at is not null;

-- "Evaluated": an interview with a finished evaluation run.
create index evaluations_done_idx on evaluations (company_id, interview_id) where status = 'done';
