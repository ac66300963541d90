-- The audit log also records a job's default reviewers being added and removed.
alter type audit_action add value 'job_reviewer_added';
alter type audit_action add value 'job_reviewer_removed';

-- The job an action was done to: a plain id, so that the entry outlives the job.
alter table audit_events add column job_id uuid;
