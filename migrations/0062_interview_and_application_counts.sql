-- The Interviews page and the Applications list at 100,000 interviews: each page reads
-- its 25 rows from an index and its total from a few counter rows, instead of scoring,
-- ordering and counting every interview of the company on every request.

-- The latest finished evaluation's score and recommendation, kept on the interview so
-- that the page sorts and filters by score with an index. Runs change a few at a time
-- (or in bulk in the demo's seed), so whatever statement writes a finished run, or
-- deletes one, recomputes its interviews.
alter table interviews
    add column evaluation_score integer,
    add column evaluation_recommendation recommendation;

update interviews i
set evaluation_score = d.overall_score, evaluation_recommendation = d.recommendation
from (
    select distinct on (interview_id) interview_id, overall_score, recommendation
    from evaluations where status = 'done'
    order by interview_id, created_at desc, id desc
) d
where i.id = d.interview_id;

create index interviews_score_idx on interviews (company_id, evaluation_score desc nulls last, created_at desc, id desc);

create function refresh_evaluation_score() returns trigger language plpgsql as $$
declare
    touched uuid[];
begin
    if tg_op = 'INSERT' then
        touched := array(select distinct interview_id from new_rows where status = 'done');
    elsif tg_op = 'DELETE' then
        touched := array(select distinct interview_id from old_rows where status = 'done');
    else
        touched := array(select interview_id from new_rows where status = 'done'
                         union select interview_id from old_rows where status = 'done');
    end if;
    if cardinality(touched) = 0 then
        return null;
    end if;
    update interviews i
    set (evaluation_score, evaluation_recommendation) = (
        select e.overall_score, e.recommendation from evaluations e
        where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done'
        order by e.created_at desc, e.id desc
        limit 1)
    where i.id = any(touched);
    return null;
end $$;

create trigger evaluations_score_insert after insert on evaluations
    referencing new table as new_rows
    for each statement execute function refresh_evaluation_score();
create trigger evaluations_score_update after update on evaluations
    referencing old table as old_rows new table as new_rows
    for each statement execute function refresh_evaluation_score();
create trigger evaluations_score_delete after delete on evaluations
    referencing old table as old_rows
    for each statement execute function refresh_evaluation_score();

-- Interview totals per company, job and status, and application totals per company, job
-- and stage, so that a page says "of 100,000" without counting 100,000 rows.
--
-- Unlike `candidate_counts`, writers only ever insert: each statement appends its changes
-- as signed rows, and a total is the sum of its group's rows. A transition, a send or an
-- erasure so never waits on a counter row another transaction holds, whatever order
-- it touches interviews, applications and candidates in. Housekeeping folds each group's
-- rows into one.
create table interview_counts (
    company_id uuid not null references companies (id) on delete cascade,
    job_id uuid not null,
    status interview_status not null,
    interviews bigint not null,
    foreign key (company_id, job_id) references jobs (company_id, id) on delete cascade
);
create index interview_counts_idx on interview_counts (company_id, status, job_id) include (interviews);

create table application_counts (
    company_id uuid not null references companies (id) on delete cascade,
    job_id uuid not null,
    stage application_stage not null,
    applications bigint not null,
    foreign key (company_id, job_id) references jobs (company_id, id) on delete cascade
);
create index application_counts_idx on application_counts (company_id, stage, job_id) include (applications);

insert into interview_counts (company_id, job_id, status, interviews)
select company_id, job_id, status, count(*) from interviews group by 1, 2, 3;
insert into application_counts (company_id, job_id, stage, applications)
select company_id, job_id, stage, count(*) from applications group by 1, 2, 3;

-- Rows added or deleted are counted per statement (a bulk insert adds one row per group).
-- Rows deleted because their job or company is being deleted leave no counts behind
-- (those went with the job). A row moved to another status, stage or job is counted by
-- a row trigger whose condition Postgres tests without calling it, so the many updates
-- that change neither (an email sent, a link opened) cost nothing here.
create function interview_counts_add() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into interview_counts (company_id, job_id, status, interviews)
        select company_id, job_id, status, count(*) from new_rows group by 1, 2, 3;
    elsif tg_op = 'DELETE' then
        insert into interview_counts (company_id, job_id, status, interviews)
        select o.company_id, o.job_id, o.status, -count(*) from old_rows o
        where exists (select 1 from jobs j where j.company_id = o.company_id and j.id = o.job_id)
        group by 1, 2, 3;
    end if;
    return null;
end $$;

create trigger interview_counts_insert after insert on interviews
    referencing new table as new_rows
    for each statement execute function interview_counts_add();
create trigger interview_counts_delete after delete on interviews
    referencing old table as old_rows
    for each statement execute function interview_counts_add();

create function interview_counts_move() returns trigger language plpgsql as $$
begin
    insert into interview_counts (company_id, job_id, status, interviews)
    values (old.company_id, old.job_id, old.status, -1), (new.company_id, new.job_id, new.status, 1);
    return null;
end $$;
create trigger interview_counts_update after update of status, job_id on interviews
    for each row when (old.status is distinct from new.status or old.job_id is distinct from new.job_id)
    execute function interview_counts_move();

create function application_counts_add() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into application_counts (company_id, job_id, stage, applications)
        select company_id, job_id, stage, count(*) from new_rows group by 1, 2, 3;
    elsif tg_op = 'DELETE' then
        insert into application_counts (company_id, job_id, stage, applications)
        select o.company_id, o.job_id, o.stage, -count(*) from old_rows o
        where exists (select 1 from jobs j where j.company_id = o.company_id and j.id = o.job_id)
        group by 1, 2, 3;
    end if;
    return null;
end $$;

create trigger application_counts_insert after insert on applications
    referencing new table as new_rows
    for each statement execute function application_counts_add();
create trigger application_counts_delete after delete on applications
    referencing old table as old_rows
    for each statement execute function application_counts_add();

create function application_counts_move() returns trigger language plpgsql as $$
begin
    insert into application_counts (company_id, job_id, stage, applications)
    values (old.company_id, old.job_id, old.stage, -1), (new.company_id, new.job_id, new.stage, 1);
    return null;
end $$;
create trigger application_counts_update after update of stage, job_id on applications
    for each row when (old.stage is distinct from new.stage or old.job_id is distinct from new.job_id)
    execute function application_counts_move();

-- The Applications list's filters, read from an index in the list's order (the
-- Interviews page's job filter reads the Dashboard's index backwards).
create index applications_stage_created_idx on applications (company_id, stage, created_at desc, id desc);
create index applications_job_created_idx on applications (company_id, job_id, created_at desc, id desc);
