//! Erasing an interview: everything it holds about the person goes.

use anyhow::Context;
use sqlx::PgConnection;

use super::{Transition, lock, refresh_candidate_status};
use crate::ids::{CandidateId, CompanyId, InterviewId};
use crate::storage::MediaStore;

/// Erases an interview in the caller's transaction, which either erases its candidate
/// too (see `privacy::erasure`) or keeps them, their status following the interviews
/// they have left. The row is locked first, so an answer being saved waits
/// and then finds no interview; the recordings are deleted from storage while the lock
/// is held, then the row is deleted, and with it, by cascade, every row that holds the
/// interview's data: answers, transcripts, evaluations (summary, strengths, concerns,
/// per-answer results), ratings and their notes, the decision and its note, the outbox's
/// emails (addresses and bodies), the timeline (its details name the address), the
/// consent (with its address), retired links, reviewers and their emails, and anything
/// added later that belongs to the interview (share links and their views). Work queued
/// for it goes too. Returns the candidate's id.
pub async fn erase(
    conn: &mut PgConnection,
    media: &MediaStore,
    company_id: CompanyId,
    id: InterviewId,
) -> anyhow::Result<CandidateId> {
    let interview = lock(conn, company_id, id).await.context("locking the interview")?;
    interview.check(Transition::Erase)?;
    sqlx::query!(
        "delete from tasks
         where company_id = $1 and status = 'queued'
           and (payload ->> 'interview_id' = $2::uuid::text
                or payload ->> 'email_id' in (select id::text from emails where company_id = $1 and interview_id = $2))",
        company_id as CompanyId,
        id as InterviewId,
    )
    .execute(&mut *conn)
    .await?;
    media.delete_under(&crate::storage::interview_folder(id.uuid())).await?;
    sqlx::query!(
        "delete from interviews where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId
    )
    .execute(&mut *conn)
    .await?;
    refresh_candidate_status(conn, company_id, interview.candidate_id).await?;
    Ok(interview.candidate_id)
}
