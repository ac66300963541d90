//! SQL for applications. Every statement is scoped by `company_id`.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::model::Stage;
use crate::ids::{ApplicationId, CandidateId, CompanyId, JobId};
use crate::{
    candidates::model::CandidateStatus,
    jobs::model::JobStatus,
    pagination::{self, PageNumber},
};

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

/// One page of applications, newest first, and how many match in all.
///
/// Two statements: the page's ids, planned for each request's values so that the unused
/// filters drop out (the page walks an index newest first and stops after its rows), and
/// the rows for those ids, planned once per connection. Planned as one, the joins made
/// the statement take 0.7 ms to plan on every request, against 0.06 for the ids alone.
pub async fn list(
    pool: &PgPool,
    company_id: CompanyId,
    filter: &ListFilter,
    page: PageNumber,
) -> sqlx::Result<(Vec<ApplicationRow>, i64)> {
    let selected = select(pool, company_id, filter, page.limit(), page.offset()).await?;
    let total = match pagination::known_total(selected.first().map(|first| first.total), page) {
        Some(total) => total,
        // A page past the last one still says how many there are.
        None => select(pool, company_id, filter, 1, 0).await?.first().and_then(|first| first.total).unwrap_or_default(),
    };
    let ids: Vec<ApplicationId> = selected.into_iter().map(|s| s.id).collect();
    Ok((rows(pool, company_id, &ids).await?, total))
}

/// An application the filter selects, and how many it selects in all (the same on every row).
struct Selected {
    id: ApplicationId,
    total: Option<i64>,
}

/// `limit` applications from `offset`, newest first. Without a search the total is read
/// from `application_counts`' running totals; a search counts its matches. The branch not
/// taken folds away with its `case`, and the kept total is read here rather than by a
/// statement of its own: one round trip less for every page.
async fn select(
    pool: &PgPool,
    company_id: CompanyId,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Selected>> {
    sqlx::query_as!(
        Selected,
        r#"select a.id,
                  case when $4::text is null
                       then (select coalesce(sum(n.applications), 0)::int8 from application_counts n
                             where n.company_id = $1 and ($2::uuid is null or n.job_id = $2)
                               and ($3::application_stage is null or n.stage = $3))
                       else count(*) over ()
                  end as total
           from applications a
           where a.company_id = $1
             and ($2::uuid is null or a.job_id = $2)
             and ($3::application_stage is null or a.stage = $3)
             and ($4::text is null or exists(select 1 from candidates c
                                             where c.id = a.candidate_id and c.search_text like lower($4)))
           order by a.created_at desc, a.id desc
           limit $5 offset $6"#,
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

/// The rows shown for `ids`, in their order; other companies' applications are left out.
async fn rows(pool: &PgPool, company_id: CompanyId, ids: &[ApplicationId]) -> sqlx::Result<Vec<ApplicationRow>> {
    sqlx::query_as!(
        ApplicationRow,
        r#"select a.id, a.stage as "stage: Stage", a.created_at, c.id as candidate_id, c.name as candidate_name,
                  c.email::text as "candidate_email!", j.id as job_id, j.title as job_title
           from unnest($2::uuid[]) with ordinality as page (id, position)
           join applications a on a.id = page.id and a.company_id = $1
           join candidates c on c.id = a.candidate_id
           join jobs j on j.id = a.job_id
           order by page.position"#,
        company_id as CompanyId,
        ids as &[ApplicationId],
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
