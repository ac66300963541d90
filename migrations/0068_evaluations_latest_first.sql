-- An interview's latest evaluation is read newest first, ties broken by id (two runs
-- started in one transaction share their time): with the id in the index the read
-- stops at the first entry, where it sorted the interview's evaluations each time (on
-- the Interviews page, once per row shown).
create index evaluations_latest_idx on evaluations (company_id, interview_id, created_at desc, id desc);
drop index evaluations_interview_idx;
