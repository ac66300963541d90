-- How many current (not archived) candidates each company added per day (UTC), kept by
-- triggers like `candidate_counts`. A deep page of the list starts from the day that
-- holds its first row instead of stepping over every newer candidate in the index:
-- page 200 skips 4,975 candidates, and before a vacuum has marked their pages visible
-- each of those is a visit to the table.
create table candidate_days (
    company_id uuid not null references companies (id) on delete cascade,
    day timestamptz not null,
    candidates bigint not null,
    primary key (company_id, day)
);

insert into candidate_days (company_id, day, candidates)
select company_id, date_trunc('day', created_at, 'UTC'), count(*)
from candidates
where archived_at is null
group by 1, 2;

-- Rows are changed in key order so that two transactions never wait on each other's
-- counters in opposite orders (no deadlock).
create function candidate_days_add_rows() returns trigger language plpgsql as $$
begin
    insert into candidate_days (company_id, day, candidates)
    select company_id, date_trunc('day', created_at, 'UTC'), count(*)
    from new_rows
    where archived_at is null
    group by 1, 2
    order by 1, 2
    on conflict (company_id, day) do update set candidates = candidate_days.candidates + excluded.candidates;
    return null;
end $$;

-- Plain updates (no insert): a company being deleted cascades here too, and must not
-- get a counter row back.
create function candidate_days_remove_rows() returns trigger language plpgsql as $$
begin
    update candidate_days d
    set candidates = d.candidates - removed.n
    from (
        select company_id, date_trunc('day', created_at, 'UTC') as day, count(*) as n
        from old_rows
        where archived_at is null
        group by 1, 2
        order by 1, 2
    ) removed
    where d.company_id = removed.company_id and d.day = removed.day;
    return null;
end $$;

-- Archiving or restoring moves a candidate out of or back into their day. A row trigger
-- whose condition Postgres tests itself, so the many updates that archive no one (a
-- status, an edit, the last activity) cost nothing here.
create function candidate_days_move_row() returns trigger language plpgsql as $$
begin
    insert into candidate_days (company_id, day, candidates)
    values (new.company_id, date_trunc('day', new.created_at, 'UTC'), case when new.archived_at is null then 1 else -1 end)
    on conflict (company_id, day) do update set candidates = candidate_days.candidates + excluded.candidates;
    return null;
end $$;

create trigger candidate_days_insert after insert on candidates
    referencing new table as new_rows
    for each statement execute function candidate_days_add_rows();
create trigger candidate_days_delete after delete on candidates
    referencing old table as old_rows
    for each statement execute function candidate_days_remove_rows();
create trigger candidate_days_update after update of archived_at on candidates
    for each row when ((old.archived_at is null) <> (new.archived_at is null))
    execute function candidate_days_move_row();
