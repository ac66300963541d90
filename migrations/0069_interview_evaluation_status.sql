-- The Interviews page shows, for each row, the state of its latest evaluation run. Looked
-- up per row, it was an index descent for each of the 25 rows; kept on the interview
-- beside the latest finished score, it is read with it. Whatever statement writes,
-- changes or deletes a run recomputes its interviews: a run changes state a few times in
-- its life, each after seconds of work.
--
-- The latest email's state stays a lookup: kept the same way, every send and delivery
-- rewrote the interview once more (in one run, sending served 417 requests/s against
-- 488–545 without it, and delivery 489 emails/s against 541–561).
alter table interviews add column evaluation_status evaluation_status;

update interviews i
set evaluation_status = latest.status
from (
    select distinct on (interview_id) interview_id, status
    from evaluations
    order by interview_id, created_at desc, id desc
) latest
where i.id = latest.interview_id;

-- The latest finished score, as before, and now the latest run's state, from one trigger.
drop trigger evaluations_score_insert on evaluations;
drop trigger evaluations_score_update on evaluations;
drop trigger evaluations_score_delete on evaluations;
drop function refresh_evaluation_score();

create function refresh_interview_evaluation() returns trigger language plpgsql as $$
declare
    touched uuid[];
begin
    if tg_op = 'INSERT' then
        touched := array(select distinct interview_id from new_rows);
    elsif tg_op = 'DELETE' then
        touched := array(select distinct interview_id from old_rows);
    else
        touched := array(select interview_id from new_rows union select interview_id from old_rows);
    end if;
    if cardinality(touched) = 0 then
        return null;
    end if;
    update interviews i
    set evaluation_score = fresh.score, evaluation_recommendation = fresh.recommendation,
        evaluation_status = fresh.status
    from (
        select v.id, done.overall_score as score, done.recommendation, latest.status
        from interviews v
        left join lateral (
            select e.overall_score, e.recommendation from evaluations e
            where e.company_id = v.company_id and e.interview_id = v.id and e.status = 'done'
            order by e.created_at desc, e.id desc
            limit 1) done on true
        left join lateral (
            select e.status from evaluations e
            where e.company_id = v.company_id and e.interview_id = v.id
            order by e.created_at desc, e.id desc
            limit 1) latest on true
        where v.id = any(touched)
    ) fresh
    where i.id = fresh.id
      and (i.evaluation_score, i.evaluation_recommendation, i.evaluation_status)
          is distinct from (fresh.score, fresh.recommendation, fresh.status);
    return null;
end $$;

create trigger evaluations_interview_insert after insert on evaluations
    referencing new table as new_rows
    for each statement execute function refresh_interview_evaluation();
create trigger evaluations_interview_update after update on evaluations
    referencing old table as old_rows new table as new_rows
    for each statement execute function refresh_interview_evaluation();
create trigger evaluations_interview_delete after delete on evaluations
    referencing old table as old_rows
    for each statement execute function refresh_interview_evaluation();
