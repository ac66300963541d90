//! SQL for jobs. Every statement is scoped by the company.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::model::{JobFields, JobStatus};
use crate::ids::{CompanyId, JobId};
use crate::pagination::PageNumber;

pub struct JobListRow {
    pub id: JobId,
    pub title: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub status: JobStatus,
    pub created_at: OffsetDateTime,
    pub template_count: i64,
    pub published_count: i64,
}

/// One page of the company's jobs: open before closed, newest first; and the total.
pub async fn list(pool: &PgPool, company_id: CompanyId, page: PageNumber) -> sqlx::Result<(Vec<JobListRow>, i64)> {
    let rows = sqlx::query_as!(
        JobListRow,
        r#"select j.id, j.title, j.department, j.location, j.status as "status: _", j.created_at,
                  count(t.id) as "template_count!",
                  count(t.id) filter (where t.status = 'published') as "published_count!"
           from jobs j
           left join interview_templates t on t.job_id = j.id and t.company_id = j.company_id
           where j.company_id = $1
           group by j.id
           order by j.status = 'closed', j.created_at desc, j.id desc
           limit $2 offset $3"#,
        company_id as CompanyId,
        page.limit(),
        page.offset(),
    )
    .fetch_all(pool)
    .await?;
    let total =
        sqlx::query_scalar!(r#"select count(*) as "count!" from jobs where company_id = $1"#, company_id as CompanyId)
            .fetch_one(pool)
            .await?;
    Ok((rows, total))
}

pub struct Job {
    pub id: JobId,
    pub title: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub status: JobStatus,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Job {
    pub fn is_open(&self) -> bool {
        self.status == JobStatus::Open
    }
}

pub async fn get(pool: &PgPool, company_id: CompanyId, id: JobId) -> sqlx::Result<Option<Job>> {
    sqlx::query_as!(
        Job,
        r#"select id, title, department, location, description, status as "status: _", created_at, updated_at
           from jobs where id = $1 and company_id = $2"#,
        id as JobId,
        company_id as CompanyId,
    )
    .fetch_optional(pool)
    .await
}

/// Creates the job with `id` (the form's idempotency key). Submitting the same key again
/// changes nothing; the caller redirects to the job either way.
/// False when the form was sent before (the key is already a job's id).
pub async fn create(pool: &PgPool, company_id: CompanyId, id: JobId, job: &JobFields) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into jobs (id, company_id, title, department, location, description)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (id) do nothing",
        id as JobId,
        company_id as CompanyId,
        job.title,
        job.department,
        job.location,
        job.description,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// False when the company has no such job.
pub async fn update(pool: &PgPool, company_id: CompanyId, id: JobId, job: &JobFields) -> sqlx::Result<bool> {
    let result = sqlx::query!(
        "update jobs set title = $3, department = $4, location = $5, description = $6, updated_at = now()
         where id = $1 and company_id = $2",
        id as JobId,
        company_id as CompanyId,
        job.title,
        job.department,
        job.location,
        job.description,
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Closes or reopens the job; false when the company has no such job.
pub async fn set_status(pool: &PgPool, company_id: CompanyId, id: JobId, status: JobStatus) -> sqlx::Result<bool> {
    let result = sqlx::query!(
        "update jobs set status = $3, updated_at = now() where id = $1 and company_id = $2",
        id as JobId,
        company_id as CompanyId,
        status as JobStatus,
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}
