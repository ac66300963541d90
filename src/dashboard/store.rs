//! The Dashboard's SQL: three statements over one period's interviews of a company (or
//! one of its jobs), each read from an index-only scan (migration 0030).

use sqlx::PgPool;
use time::{Date, OffsetDateTime};

use super::model::{Cohort, Figures, Scope, StopPoint};
use crate::ids::{CompanyId, JobId};

/// Everything the page shows for `scope`.
pub async fn figures(pool: &PgPool, company_id: CompanyId, scope: &Scope) -> sqlx::Result<Figures> {
    let period = scope.period;
    let (start, end) = (midnight(period.from), midnight(period.to.next_day().unwrap_or(period.to)));
    let (cohort, stops, per_day) = tokio::try_join!(
        cohort(pool, company_id, scope.job_id, start, end),
        stop_points(pool, company_id, scope.job_id, start, end),
        completions_per_day(pool, company_id, scope.job_id, start, end),
    )?;
    Ok(Figures { cohort, stops, per_day, computed_at: OffsetDateTime::now_utc() })
}

fn midnight(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

/// The funnel of the interviews sent in the period. Each step counts the interviews
/// that reached it or any later step: an opened link proves the email arrived even when
/// its tracking image was blocked, so no step exceeds the one before.
async fn cohort(
    pool: &PgPool,
    company_id: CompanyId,
    job_id: Option<JobId>,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> sqlx::Result<Cohort> {
    sqlx::query_as!(
        Cohort,
        r#"select count(*) as "sent!",
                  count(*) filter (where email_opened_at is not null or link_opened_at is not null
                                      or started_at is not null) as "email_opened!",
                  count(*) filter (where link_opened_at is not null or started_at is not null) as "link_opened!",
                  count(*) filter (where started_at is not null) as "started!",
                  count(*) filter (where completed_at is not null) as "completed!",
                  -- One hashed pass over the finished runs rather than a probe per interview.
                  count(*) filter (where completed_at is not null and (human_review_requested_at is not null
                      or id in (select e.interview_id from evaluations e where e.company_id = $1 and e.status = 'done'))
                  ) as "reviewed!",
                  count(*) filter (where reminders_sent > 0) as "reminded!",
                  (percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at))
                     filter (where completed_at is not null))::float8 as median_seconds
           from interviews i
           where company_id = $1 and ($2::uuid is null or job_id = $2) and created_at >= $3 and created_at < $4"#,
        company_id as CompanyId,
        job_id as Option<JobId>,
        start,
        end,
    )
    .fetch_one(pool)
    .await
}

/// Where candidates stop: for each started interview of the period that expired or was
/// cancelled, its first question (in the template's order) without an answer.
async fn stop_points(
    pool: &PgPool,
    company_id: CompanyId,
    job_id: Option<JobId>,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> sqlx::Result<Vec<StopPoint>> {
    sqlx::query_as!(
        StopPoint,
        r#"select first_unanswered.number::int4 as "number!", first_unanswered.prompt, count(*) as "interviews!"
           from interviews i
           cross join lateral (
               select q.position, q.prompt,
                      (select count(*) from version_questions p
                       where p.version_id = q.version_id and p.position <= q.position) as number
               from version_questions q
               where q.version_id = i.template_version_id
                 and not exists (select 1 from answers a where a.interview_id = i.id and a.question_id = q.id)
               order by q.position limit 1
           ) first_unanswered
           where i.company_id = $1 and ($2::uuid is null or i.job_id = $2) and i.created_at >= $3 and i.created_at < $4
             and i.started_at is not null and i.status in ('expired', 'cancelled')
           group by first_unanswered.number, first_unanswered.prompt
           order by count(*) desc, first_unanswered.number, first_unanswered.prompt
           limit 10"#,
        company_id as CompanyId,
        job_id as Option<JobId>,
        start,
        end,
    )
    .fetch_all(pool)
    .await
}

/// Interviews completed on each UTC day of the period (whenever they were sent); days
/// without one are absent.
async fn completions_per_day(
    pool: &PgPool,
    company_id: CompanyId,
    job_id: Option<JobId>,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> sqlx::Result<Vec<(Date, i64)>> {
    let rows = sqlx::query!(
        r#"select (completed_at at time zone 'UTC')::date as "day!", count(*) as "completed!"
           from interviews
           where company_id = $1 and ($2::uuid is null or job_id = $2)
             and completed_at >= $3 and completed_at < $4
           group by 1 order by 1"#,
        company_id as CompanyId,
        job_id as Option<JobId>,
        start,
        end,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|row| (row.day, row.completed)).collect())
}
