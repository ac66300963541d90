//! Import previews and the import itself. Every statement is scoped by `company_id`.

use std::collections::{HashMap, HashSet};

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    model::ImportOutcome,
    rows::{self, CheckedRow, FileRow},
};
use crate::candidates;
use crate::ids::{CandidateId, CompanyId, ImportId, JobId, UserId};

/// The company's candidates among `emails`, as lowercase addresses.
async fn existing_emails(
    conn: &mut PgConnection,
    company_id: CompanyId,
    emails: &[String],
) -> sqlx::Result<HashSet<String>> {
    let found = sqlx::query_scalar!(
        r#"select lower(email::text) as "email!" from candidates
           where company_id = $1 and email = any($2::text[]::citext[])"#,
        company_id as CompanyId,
        emails,
    )
    .fetch_all(conn)
    .await?;
    Ok(found.into_iter().collect())
}

/// The company's open jobs by lowercase title (the most recent of two with one title).
async fn open_jobs(conn: &mut PgConnection, company_id: CompanyId) -> sqlx::Result<HashMap<String, JobId>> {
    let jobs = sqlx::query!(
        "select id as \"id: JobId\", lower(title) as \"title!\" from jobs where company_id = $1 and status = 'open' order by created_at",
        company_id as CompanyId,
    )
    .fetch_all(conn)
    .await?;
    Ok(jobs.into_iter().map(|job| (job.title, job.id)).collect())
}

/// The rows' outcomes against the company's candidates and open jobs as they are now.
async fn check(conn: &mut PgConnection, company_id: CompanyId, rows: Vec<FileRow>) -> sqlx::Result<Vec<CheckedRow>> {
    let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
    let existing = existing_emails(conn, company_id, &emails).await?;
    let jobs = open_jobs(conn, company_id).await?;
    Ok(rows::check(rows, &existing, &jobs))
}

/// How long a preview that is never imported is kept.
pub const PREVIEW_KEPT_HOURS: i32 = 24;

/// Keeps the preview of a file's rows; nothing else is written.
pub async fn create_preview(
    pool: &PgPool,
    company_id: CompanyId,
    created_by: UserId,
    file_name: &str,
    rows: Vec<FileRow>,
) -> sqlx::Result<Uuid> {
    let mut tx = pool.begin().await?;
    let checked = check(&mut tx, company_id, rows).await?;
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into candidate_imports (id, company_id, file_name, created_by) values ($1, $2, $3, $4)",
        id,
        company_id as CompanyId,
        file_name,
        created_by as UserId,
    )
    .execute(&mut *tx)
    .await?;
    let column = |f: fn(&CheckedRow) -> String| checked.iter().map(f).collect::<Vec<_>>();
    let optional = |f: fn(&FileRow) -> &str| {
        checked.iter().map(|c| Some(f(&c.row).to_owned()).filter(|v| !v.is_empty())).collect::<Vec<_>>()
    };
    sqlx::query!(
        "insert into candidate_import_rows (company_id, import_id, line, name, email, phone, job_title, outcome, problem)
         select $1, $2, * from unnest($3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::import_outcome[], $9::text[])",
        company_id as CompanyId,
        id,
        &checked.iter().map(|c| c.row.line).collect::<Vec<_>>(),
        &column(|c| c.row.name.clone()),
        &column(|c| c.row.email.clone()),
        &optional(|r| &r.phone) as &[Option<String>],
        &optional(|r| &r.job) as &[Option<String>],
        &checked.iter().map(|c| c.outcome).collect::<Vec<_>>() as &[ImportOutcome],
        &checked.iter().map(|c| c.problem.clone()).collect::<Vec<_>>() as &[Option<String>],
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub struct Preview {
    pub file_name: String,
    pub created_at: OffsetDateTime,
    pub imported_at: Option<OffsetDateTime>,
}

pub async fn preview(pool: &PgPool, company_id: CompanyId, import_id: ImportId) -> sqlx::Result<Option<Preview>> {
    sqlx::query_as!(
        Preview,
        "select file_name, created_at, imported_at from candidate_imports where company_id = $1 and id = $2",
        company_id as CompanyId,
        import_id as ImportId,
    )
    .fetch_optional(pool)
    .await
}

pub struct PreviewRow {
    pub line: i32,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub outcome: ImportOutcome,
    pub problem: Option<String>,
}

pub async fn preview_rows(pool: &PgPool, company_id: CompanyId, import_id: ImportId) -> sqlx::Result<Vec<PreviewRow>> {
    sqlx::query_as!(
        PreviewRow,
        r#"select line, name, email, phone, job_title, outcome as "outcome: _", problem
           from candidate_import_rows where company_id = $1 and import_id = $2 order by line"#,
        company_id as CompanyId,
        import_id as ImportId,
    )
    .fetch_all(pool)
    .await
}

/// What **Import** did.
pub enum Imported {
    /// Candidates added and existing ones linked, by outcome.
    Done(HashMap<ImportOutcome, usize>),
    Before,
    /// The chosen job is not one of the company's open jobs.
    JobNotOpen,
    NotFound,
}

/// Checks the preview's rows again, then in one transaction adds the new candidates and,
/// for every imported row, an application to the row's job or else `job_id`.
pub async fn import(
    pool: &PgPool,
    company_id: CompanyId,
    import_id: ImportId,
    job_id: Option<JobId>,
) -> sqlx::Result<Imported> {
    let mut tx = pool.begin().await?;
    let imported_at = sqlx::query_scalar!(
        "select imported_at from candidate_imports where company_id = $1 and id = $2 for update",
        company_id as CompanyId,
        import_id as ImportId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    match imported_at {
        None => return Ok(Imported::NotFound),
        Some(Some(_)) => return Ok(Imported::Before),
        Some(None) => {}
    }
    if let Some(job_id) = job_id
        && !open_jobs(&mut tx, company_id).await?.values().any(|id| *id == job_id)
    {
        return Ok(Imported::JobNotOpen);
    }
    let rows: Vec<FileRow> = preview_rows_in(&mut tx, company_id, import_id).await?;
    let checked = check(&mut tx, company_id, rows).await?;

    let new: Vec<&CheckedRow> = checked.iter().filter(|c| c.outcome == ImportOutcome::Add).collect();
    sqlx::query!(
        "insert into candidates (id, company_id, name, email, phone)
         select gen_random_uuid(), $1, name, email::citext, nullif(phone, '')
           from unnest($2::text[], $3::text[], $4::text[]) as new (name, email, phone)
         on conflict do nothing",
        company_id as CompanyId,
        &new.iter().map(|c| c.row.name.clone()).collect::<Vec<_>>(),
        &new.iter().map(|c| c.row.email.clone()).collect::<Vec<_>>(),
        &new.iter().map(|c| c.row.phone.clone()).collect::<Vec<_>>(),
    )
    .execute(&mut *tx)
    .await?;

    let links: Vec<(&CheckedRow, JobId)> =
        checked.iter().filter(|c| c.outcome.is_imported()).filter_map(|c| Some((c, c.job_id.or(job_id)?))).collect();
    let link_emails: Vec<String> = links.iter().map(|(c, _)| c.row.email.clone()).collect();
    // Archived candidates are hidden from the list and can't be added to a job, so the
    // ones the file adds to a job come back first, as Restore would bring them.
    let archived = sqlx::query_scalar!(
        r#"select id as "id: CandidateId" from candidates
           where company_id = $1 and archived_at is not null and email = any($2::text[]::citext[])"#,
        company_id as CompanyId,
        &link_emails,
    )
    .fetch_all(&mut *tx)
    .await?;
    candidates::store::restore(&mut *tx, company_id, &archived).await?;
    sqlx::query!(
        "insert into applications (id, company_id, candidate_id, job_id)
         select gen_random_uuid(), c.company_id, c.id, link.job_id
           from unnest($2::text[], $3::uuid[]) as link (email, job_id)
           join candidates c on c.company_id = $1 and c.email = link.email::citext
         on conflict do nothing",
        company_id as CompanyId,
        &link_emails,
        &links.iter().map(|(_, job)| job.uuid()).collect::<Vec<_>>(),
    )
    .execute(&mut *tx)
    .await?;

    // The preview keeps what the import did, which may differ from what it showed.
    sqlx::query!(
        "update candidate_import_rows r set outcome = checked.outcome, problem = checked.problem
           from unnest($3::int4[], $4::import_outcome[], $5::text[]) as checked (line, outcome, problem)
          where r.company_id = $1 and r.import_id = $2 and r.line = checked.line",
        company_id as CompanyId,
        import_id as ImportId,
        &checked.iter().map(|c| c.row.line).collect::<Vec<_>>(),
        &checked.iter().map(|c| c.outcome).collect::<Vec<_>>() as &[ImportOutcome],
        &checked.iter().map(|c| c.problem.clone()).collect::<Vec<_>>() as &[Option<String>],
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update candidate_imports set imported_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        import_id as ImportId,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut counts = HashMap::new();
    for row in &checked {
        *counts.entry(row.outcome).or_default() += 1;
    }
    Ok(Imported::Done(counts))
}

async fn preview_rows_in(
    conn: &mut PgConnection,
    company_id: CompanyId,
    import_id: ImportId,
) -> sqlx::Result<Vec<FileRow>> {
    let rows = sqlx::query!(
        "select line, name, email, phone, job_title from candidate_import_rows
         where company_id = $1 and import_id = $2 order by line",
        company_id as CompanyId,
        import_id as ImportId,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FileRow {
            line: r.line,
            name: r.name,
            email: r.email,
            phone: r.phone.unwrap_or_default(),
            job: r.job_title.unwrap_or_default(),
        })
        .collect())
}

/// Every company's previews older than [`PREVIEW_KEPT_HOURS`] that were never imported,
/// with their rows (by cascade), deleted by housekeeping; an imported one stays as the
/// record of what its import did.
pub async fn delete_stale_previews(pool: &PgPool) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from candidate_imports where imported_at is null and created_at <= now() - make_interval(hours => $1)",
        PREVIEW_KEPT_HOURS,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
