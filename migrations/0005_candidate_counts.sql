-- Candidate totals per company, status and archived flag, kept by triggers, so the
-- Candidates page can say "Showing 26–50 of 100,000" without counting 100,000 rows
-- on every request (a count(*) there costs ~8 ms, too much under load).
-- Statement-level triggers with transition tables: a bulk insert of 10,000 rows
-- touches each counter row once.
create table candidate_counts (
    company_id uuid not null references companies (id) on delete cascade,
    status text not null,
    archived boolean not null,
    candidates bigint not null,
    primary key (company_id, status, archived)
);

insert into candidate_counts (company_id, status, archived, candidates)
select company_id, status, archived_at is not null, count(*)
from candidates
group by 1, 2, 3;

-- Rows are changed in key order so that two transactions never wait on each other's
-- counters in opposite orders (no deadlock).
create function candidate_counts_add_rows() returns trigger language plpgsql as $$
begin
    insert into candidate_counts (company_id, status, archived, candidates)
    select company_id, status, archived_at is not null, count(*)
    from new_rows
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (company_id, status, archived)
        do update set candidates = candidate_counts.candidates + excluded.candidates;
    return null;
end $$;

-- Plain updates (no insert): a company being deleted cascades here too, and must not
-- get a counter row back.
create function candidate_counts_remove_rows() returns trigger language plpgsql as $$
begin
    update candidate_counts c
    set candidates = c.candidates - removed.n
    from (
        select company_id, status, archived_at is not null as archived, count(*) as n
        from old_rows
        group by 1, 2, 3
        order by 1, 2, 3
    ) removed
    where c.company_id = removed.company_id and c.status = removed.status and c.archived = removed.archived;
    return null;
end $$;

-- Only counters whose total changes are touched: editing a name or an email locks none.
create function candidate_counts_move_rows() returns trigger language plpgsql as $$
begin
    insert into candidate_counts (company_id, status, archived, candidates)
    select company_id, status, archived, sum(delta)
    from (
        select company_id, status, archived_at is not null as archived, -1 as delta from old_rows
        union all
        select company_id, status, archived_at is not null, 1 from new_rows
    ) changes
    group by 1, 2, 3
    having sum(delta) <> 0
    order by 1, 2, 3
    on conflict (company_id, status, archived)
        do update set candidates = candidate_counts.candidates + excluded.candidates;
    return null;
end $$;

create trigger candidate_counts_insert after insert on candidates
    referencing new table as new_rows
    for each statement execute function candidate_counts_add_rows();
create trigger candidate_counts_delete after delete on candidates
    referencing old table as old_rows
    for each statement execute function candidate_counts_remove_rows();
create trigger candidate_counts_update after update on candidates
    referencing old table as old_rows new table as new_rows
    for each statement execute function candidate_counts_move_rows();

-- The current (not archived) list, newest first, read from the index alone: deep pages
-- (page 200 skips 4,975 rows) and the status filter never visit the skipped rows.
create index candidates_current_created_idx on candidates (company_id, created_at desc, id desc)
    include (status) where archived_at is null;
