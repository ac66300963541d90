//! Erasing a person: a candidate and everything held about them goes at once, or, when
//! the company takes time to carry out requests, once the request's deadline comes
//! (housekeeping does it then).

use anyhow::Context;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::ids::{CandidateId, CompanyId, InterviewId};
use crate::{
    audit::{self, Action, Actor, Subject},
    interviews::lifecycle,
    storage::MediaStore,
    webhooks::{self, Event},
};

/// What became of an erasure request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requested {
    Erased,
    /// Recorded; carried out by this time (the company's deadline).
    Due(OffsetDateTime),
}

/// A request to erase the candidate (theirs, or one the company received): carried out
/// at once when the company's deadline is 0 days, else recorded with its due time (a
/// second request keeps the first one's). `None`: no such candidate.
pub async fn request(
    pool: &PgPool,
    media: &MediaStore,
    company_id: CompanyId,
    candidate_id: CandidateId,
    actor: Actor,
) -> anyhow::Result<Option<Requested>> {
    let days =
        sqlx::query_scalar!("select erasure_deadline_days from companies where id = $1", company_id as CompanyId)
            .fetch_one(pool)
            .await?;
    if days == 0 {
        return Ok(erase(pool, media, company_id, candidate_id, actor).await?.then_some(Requested::Erased));
    }
    let mut tx = pool.begin().await?;
    let due = sqlx::query_scalar!(
        r#"update candidates set erasure_requested_at = coalesce(erasure_requested_at, now()),
                  erasure_due_at = coalesce(erasure_due_at, now() + make_interval(days => $3))
           where company_id = $1 and id = $2
           returning erasure_due_at as "due!""#,
        company_id as CompanyId,
        candidate_id as CandidateId,
        days,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(due) = due else { return Ok(None) };
    audit::record(&mut tx, company_id, actor, Action::ErasureRequested, Subject::candidate(candidate_id)).await?;
    tx.commit().await?;
    Ok(Some(Requested::Due(due)))
}

/// Erases the candidate now: each of their interviews (recordings in storage and every
/// row holding the interview's data, see [`lifecycle::erase`]), then the candidate's own
/// row (name, address, phone, notes) with their applications. Only the audit log's
/// entries remain, which hold ids alone. False: no such candidate (already erased).
pub async fn erase(
    pool: &PgPool,
    media: &MediaStore,
    company_id: CompanyId,
    candidate_id: CandidateId,
    actor: Actor,
) -> anyhow::Result<bool> {
    let mut tx = pool.begin().await?;
    // The candidate's row before their interviews': the order transitions lock in too.
    let found = sqlx::query_scalar!(
        "select id from candidates where company_id = $1 and id = $2 for update",
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Ok(false);
    }
    let interviews = sqlx::query_scalar!(
        r#"select id as "id: InterviewId" from interviews where company_id = $1 and candidate_id = $2 order by id"#,
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .fetch_all(&mut *tx)
    .await?;
    for id in interviews {
        lifecycle::erase(&mut tx, media, company_id, id).await.context("erasing an interview")?;
    }
    sqlx::query!(
        "delete from candidates where company_id = $1 and id = $2",
        company_id as CompanyId,
        candidate_id as CandidateId
    )
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, company_id, actor, Action::CandidateErased, Subject::candidate(candidate_id)).await?;
    webhooks::emit(&mut tx, company_id, Event::CandidateErased { candidate_id }).await?;
    tx.commit().await?;
    Ok(true)
}

/// Candidates looked at per round of [`erase_due`] and of the retention sweep.
pub const ERASURE_BATCH: i64 = 50;

/// Carries out every erasure request whose deadline has come; returns how many.
pub async fn erase_due(pool: &PgPool, media: &MediaStore) -> anyhow::Result<u64> {
    let mut erased = 0;
    loop {
        let due = sqlx::query!(
            r#"select id, company_id as "company_id: CompanyId" from candidates
               where erasure_due_at <= now() order by erasure_due_at limit $1"#,
            ERASURE_BATCH,
        )
        .fetch_all(pool)
        .await?;
        for row in &due {
            erased += u64::from(erase(pool, media, row.company_id, row.id.into(), Actor::Housekeeping).await?);
        }
        if due.len() < ERASURE_BATCH as usize {
            return Ok(erased);
        }
    }
}

/// What erasing a candidate removes, for the confirmation page.
pub struct Holdings {
    pub name: String,
    pub email: String,
    pub applications: i64,
    pub interviews: i64,
    pub recordings: i64,
    pub typed_answers: i64,
    pub emails: i64,
    pub erasure_due_at: Option<OffsetDateTime>,
}

pub async fn holdings(
    pool: &PgPool,
    company_id: CompanyId,
    candidate_id: CandidateId,
) -> sqlx::Result<Option<Holdings>> {
    sqlx::query_as!(
        Holdings,
        r#"select c.name, c.email::text as "email!", c.erasure_due_at,
                  (select count(*) from applications a where a.company_id = c.company_id and a.candidate_id = c.id) as "applications!",
                  (select count(*) from interviews i where i.company_id = c.company_id and i.candidate_id = c.id) as "interviews!",
                  (select count(*) from answers a join interviews i on i.company_id = a.company_id and i.id = a.interview_id
                    where i.company_id = c.company_id and i.candidate_id = c.id and a.media_key is not null) as "recordings!",
                  (select count(*) from answers a join interviews i on i.company_id = a.company_id and i.id = a.interview_id
                    where i.company_id = c.company_id and i.candidate_id = c.id and a.text_answer is not null) as "typed_answers!",
                  (select count(*) from emails e join interviews i on i.company_id = e.company_id and i.id = e.interview_id
                    where i.company_id = c.company_id and i.candidate_id = c.id) as "emails!"
           from candidates c where c.company_id = $1 and c.id = $2"#,
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .fetch_optional(pool)
    .await
}
