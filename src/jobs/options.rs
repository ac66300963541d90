//! The company's jobs as choices in a select box: every feature that lets a recruiter
//! pick or filter by a job asks here.

use sqlx::PgPool;

use super::model::JobStatus;
use crate::ids::{CompanyId, JobId};

pub struct JobOption {
    pub id: JobId,
    pub title: String,
    pub status: JobStatus,
}

impl JobOption {
    pub fn is_closed(&self) -> bool {
        self.status == JobStatus::Closed
    }
}

/// Every job, open first, then by title: filters and templates still concern closed
/// jobs, which keep their applications, templates and interviews.
pub async fn all(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<JobOption>> {
    query(pool, company_id, None).await
}

/// Open jobs by title, for adding a candidate to a job: nobody is added to a closed one.
pub async fn open(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<JobOption>> {
    query(pool, company_id, Some(JobStatus::Open)).await
}

async fn query(pool: &PgPool, company_id: CompanyId, status: Option<JobStatus>) -> sqlx::Result<Vec<JobOption>> {
    sqlx::query_as!(
        JobOption,
        r#"select id, title, status as "status: _" from jobs
           where company_id = $1 and ($2::job_status is null or status = $2)
           order by status = 'closed', lower(title), id"#,
        company_id as CompanyId,
        status as Option<JobStatus>,
    )
    .fetch_all(pool)
    .await
}
