//! SQL for applications. Every statement is scoped by `company_id`.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::model::Stage;
use crate::ids::{ApplicationId, CandidateId, CompanyId, JobId};
use crate::{candidates::model::CandidateStatus, jobs::model::JobStatus, pagination::PageNumber};

pub enum Added {
    Added(ApplicationId),
    /// The same form was submitted before: its application is the answer.
    AlreadySubmitted(ApplicationId),
    /// The candidate already has an application for this job.
    Duplicate(ApplicationId),
    JobClosed,
    /// Archived candidates are restored before they are added to jobs.
    CandidateArchived,
    /// No such candidate or job in this company.
    NotFound,
}

/// Adds the candidate to an open job, using the form's idempotency key as the id.
pub async fn add(
    pool: &PgPool,
    company_id: CompanyId,
    candidate_id: CandidateId,
    job_id: JobId,
    key: ApplicationId,
) -> sqlx::Result<Added> {
    let mut tx = pool.begin().await?;
    let job_status = sqlx::query_scalar!(
        r#"select status as "status: JobStatus" from jobs where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        job_id as JobId
    )
    .fetch_optional(&mut *tx)
    .await?;
    let archived = sqlx::query_scalar!(
        r#"select archived_at is not null as "archived!" from candidates where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        candidate_id as CandidateId
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (Some(job_status), Some(archived)) = (job_status, archived) else { return Ok(Added::NotFound) };
    if job_status != JobStatus::Open {
        return Ok(Added::JobClosed);
    }
    if archived {
        return Ok(Added::CandidateArchived);
    }
    let inserted = sqlx::query_scalar!(
        r#"insert into applications (id, company_id, candidate_id, job_id) values ($1, $2, $3, $4)
           on conflict do nothing returning id as "id: ApplicationId""#,
        key as ApplicationId,
        company_id as CompanyId,
        candidate_id as CandidateId,
        job_id as JobId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let outcome = match inserted {
        Some(id) => {
            touch_candidate(&mut tx, company_id, candidate_id).await?;
            Added::Added(id)
        }
        None => {
            let earlier = sqlx::query_scalar!(
                r#"select id as "id: ApplicationId" from applications
                   where company_id = $1 and id = $2 and candidate_id = $3 and job_id = $4"#,
                company_id as CompanyId,
                key as ApplicationId,
                candidate_id as CandidateId,
                job_id as JobId,
            )
            .fetch_optional(&mut *tx)
            .await?;
            match earlier {
                Some(id) => Added::AlreadySubmitted(id),
                None => {
                    let existing = sqlx::query_scalar!(
                        r#"select id as "id: ApplicationId" from applications
                           where company_id = $1 and candidate_id = $2 and job_id = $3"#,
                        company_id as CompanyId,
                        candidate_id as CandidateId,
                        job_id as JobId,
                    )
                    .fetch_optional(&mut *tx)
                    .await?;
                    match existing {
                        Some(id) => Added::Duplicate(id),
                        // The key belongs to another job's application: the same page's
                        // form sent again with another job. A new key adds this one.
                        None => {
                            let id = ApplicationId::generate();
                            sqlx::query!(
                                "insert into applications (id, company_id, candidate_id, job_id) values ($1, $2, $3, $4)",
                                id as ApplicationId,
                                company_id as CompanyId,
                                candidate_id as CandidateId,
                                job_id as JobId,
                            )
                            .execute(&mut *tx)
                            .await?;
                            touch_candidate(&mut tx, company_id, candidate_id).await?;
                            Added::Added(id)
                        }
                    }
                }
            }
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Moves in the hiring process count as the candidate's activity.
async fn touch_candidate(
    tx: &mut sqlx::PgConnection,
    company_id: CompanyId,
    candidate_id: CandidateId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update candidates set last_activity_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub struct CandidateApplication {
    pub id: ApplicationId,
    pub job_id: JobId,
    pub job_title: String,
    pub job_status: JobStatus,
    pub stage: Stage,
    pub created_at: OffsetDateTime,
}

pub async fn for_candidate(
    pool: &PgPool,
    company_id: CompanyId,
    candidate_id: CandidateId,
) -> sqlx::Result<Vec<CandidateApplication>> {
    sqlx::query_as!(
        CandidateApplication,
        r#"select a.id, j.id as job_id, j.title as job_title, j.status as "job_status: _", a.stage as "stage: _", a.created_at
           from applications a join jobs j on j.id = a.job_id
           where a.company_id = $1 and a.candidate_id = $2
           order by a.created_at desc, a.id desc"#,
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .fetch_all(pool)
    .await
}

pub struct ApplicationRow {
    pub id: ApplicationId,
    pub stage: Stage,
    pub created_at: OffsetDateTime,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_id: JobId,
    pub job_title: String,
}

pub struct ListFilter {
    pub job_id: Option<JobId>,
    pub stage: Option<Stage>,
    /// An ILIKE pattern on the candidate's name or email.
    pub pattern: Option<String>,
}

/// A row of the list with how many match in all, which every row carries so that a page
/// and its total take one round trip.
struct Listed {
    id: ApplicationId,
    stage: Stage,
    created_at: OffsetDateTime,
    candidate_id: CandidateId,
    candidate_name: String,
    candidate_email: String,
    job_id: JobId,
    job_title: String,
    total: i64,
}

impl From<Listed> for ApplicationRow {
    fn from(row: Listed) -> Self {
        Self {
            id: row.id,
            stage: row.stage,
            created_at: row.created_at,
            candidate_id: row.candidate_id,
            candidate_name: row.candidate_name,
            candidate_email: row.candidate_email,
            job_id: row.job_id,
            job_title: row.job_title,
        }
    }
}

/// One page of applications, newest first, and how many match in all.
pub async fn list(
    pool: &PgPool,
    company_id: CompanyId,
    filter: &ListFilter,
    page: PageNumber,
) -> sqlx::Result<(Vec<ApplicationRow>, i64)> {
    let listed = select(pool, company_id, filter, page.limit(), page.offset()).await?;
    let total = match listed.first() {
        Some(first) => first.total,
        // A page past the last one still says how many there are.
        None if page.offset() > 0 => {
            select(pool, company_id, filter, 1, 0).await?.first().map_or(0, |first| first.total)
        }
        None => 0,
    };
    Ok((listed.into_iter().map(ApplicationRow::from).collect(), total))
}

/// `limit` applications from `offset`, newest first. Planned for each request's values, so
/// the unused filters drop out: the page walks an index newest first and stops after its
/// rows, and without a search the total is the sum of a few `application_counts` rows; a
/// search counts its matches.
async fn select(
    pool: &PgPool,
    company_id: CompanyId,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"with filtered as not materialized (
             select a.id, a.created_at
             from applications a
             where a.company_id = $1
               and ($2::uuid is null or a.job_id = $2)
               and ($3::application_stage is null or a.stage = $3)
               and ($4::text is null or exists(select 1 from candidates c
                                               where c.id = a.candidate_id and c.search_text like lower($4)))),
           total as (
             select case when $4::text is null
                         then (select coalesce(sum(n.applications), 0)::int8 from application_counts n
                               where n.company_id = $1 and ($2::uuid is null or n.job_id = $2)
                                 and ($3::application_stage is null or n.stage = $3))
                         else (select count(*) from filtered) end as n)
           select a.id, a.stage as "stage: Stage", a.created_at, c.id as candidate_id, c.name as candidate_name,
                  c.email::text as "candidate_email!", j.id as job_id, j.title as job_title,
                  (select n from total) as "total!"
           from (select id, created_at from filtered order by created_at desc, id desc limit $5 offset $6) page
           join applications a on a.id = page.id and a.company_id = $1
           join candidates c on c.id = a.candidate_id
           join jobs j on j.id = a.job_id
           order by page.created_at desc, page.id desc"#,
        company_id as CompanyId,
        filter.job_id as Option<JobId>,
        filter.stage as Option<Stage>,
        filter.pattern,
        limit,
        offset,
    )
    .fetch_all(pool)
    .await
}

pub struct Application {
    pub id: ApplicationId,
    pub stage: Stage,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub candidate_phone: Option<String>,
    pub candidate_status: CandidateStatus,
    pub job_id: JobId,
    pub job_title: String,
    pub job_department: Option<String>,
    pub job_location: Option<String>,
    pub job_status: JobStatus,
}

pub async fn find(pool: &PgPool, company_id: CompanyId, id: ApplicationId) -> sqlx::Result<Option<Application>> {
    sqlx::query_as!(
        Application,
        r#"select a.id, a.stage as "stage: _", a.created_at, a.updated_at,
                  c.id as candidate_id, c.name as candidate_name, c.email::text as "candidate_email!",
                  c.phone as candidate_phone, c.status as "candidate_status: _",
                  j.id as job_id, j.title as job_title, j.department as job_department,
                  j.location as job_location, j.status as "job_status: _"
           from applications a
           join candidates c on c.id = a.candidate_id
           join jobs j on j.id = a.job_id
           where a.company_id = $1 and a.id = $2"#,
        company_id as CompanyId,
        id as ApplicationId,
    )
    .fetch_optional(pool)
    .await
}

/// False when there is no such application in this company.
pub async fn set_stage(pool: &PgPool, company_id: CompanyId, id: ApplicationId, stage: Stage) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let candidate_id = sqlx::query_scalar!(
        r#"update applications set stage = $3, updated_at = now() where company_id = $1 and id = $2
           returning candidate_id as "candidate_id: CandidateId""#,
        company_id as CompanyId,
        id as ApplicationId,
        stage as Stage,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(candidate_id) = candidate_id else { return Ok(false) };
    touch_candidate(&mut tx, company_id, candidate_id).await?;
    tx.commit().await?;
    Ok(true)
}
