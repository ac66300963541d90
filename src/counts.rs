//! The running totals behind the Interviews page and the Applications list:
//! `interview_counts` (per company, job and status) and `application_counts` (per company,
//! job and stage). Triggers only append signed rows (a statement's inserts or deletes per
//! group, a row's move to another status, stage or job), so no writer waits on another's
//! counter; a total is the sum of its group's rows. Housekeeping folds
//! every group with more than one row into a single row (or none when it sums to zero),
//! so a page's total stays a few rows' sum.

use sqlx::PgPool;

/// Folds the groups of both tables that hold more than one row; returns how many rows
/// were folded away. A concurrent fold deletes each row at most once, so sums are kept.
pub async fn fold(pool: &PgPool) -> sqlx::Result<u64> {
    let interviews = sqlx::query_scalar!(
        r#"with crowded as (
             select company_id, job_id, status from interview_counts group by 1, 2, 3 having count(*) > 1),
           folded as (
             delete from interview_counts n using crowded
             where (n.company_id, n.job_id, n.status) = (crowded.company_id, crowded.job_id, crowded.status)
             returning n.company_id, n.job_id, n.status, n.interviews),
           kept as (
             insert into interview_counts (company_id, job_id, status, interviews)
             select company_id, job_id, status, sum(interviews) from folded group by 1, 2, 3
             having sum(interviews) <> 0
             returning 1)
           select (select count(*) from folded) - (select count(*) from kept) as "folded!""#
    )
    .fetch_one(pool)
    .await?;
    let applications = sqlx::query_scalar!(
        r#"with crowded as (
             select company_id, job_id, stage from application_counts group by 1, 2, 3 having count(*) > 1),
           folded as (
             delete from application_counts n using crowded
             where (n.company_id, n.job_id, n.stage) = (crowded.company_id, crowded.job_id, crowded.stage)
             returning n.company_id, n.job_id, n.stage, n.applications),
           kept as (
             insert into application_counts (company_id, job_id, stage, applications)
             select company_id, job_id, stage, sum(applications) from folded group by 1, 2, 3
             having sum(applications) <> 0
             returning 1)
           select (select count(*) from folded) - (select count(*) from kept) as "folded!""#
    )
    .fetch_one(pool)
    .await?;
    Ok((interviews + applications).try_into().unwrap_or_default())
}
