-- A company in its first week queues a limited number of candidate emails a day (the
-- server's setting). An operator can raise one company's cap (benchmarks, a verified
-- customer moving in): this column, when set, replaces the setting for that company.
alter table companies add column daily_email_cap integer check (daily_email_cap > 0);
