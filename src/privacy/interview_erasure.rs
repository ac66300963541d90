//! Erasing one interview of a candidate: everything the interview holds goes, while the
//! candidate and their other interviews stay.

use sqlx::PgPool;

use crate::ids::{CandidateId, CompanyId, InterviewId};
use crate::{
    audit::{self, Action, Actor, Subject},
    interviews::lifecycle::{self, Refused},
    storage::MediaStore,
    webhooks::{self, Event},
};

/// Erases the interview now (its recordings in storage and every row holding its data,
/// see [`lifecycle::erase`]), logged and told to webhooks in the same transaction.
/// Returns its candidate's id; `None`: no such interview (already erased).
pub async fn erase(
    pool: &PgPool,
    media: &MediaStore,
    company_id: CompanyId,
    interview_id: InterviewId,
    actor: Actor,
) -> anyhow::Result<Option<CandidateId>> {
    let mut tx = pool.begin().await?;
    let candidate_id = match lifecycle::erase(&mut tx, media, company_id, interview_id).await {
        Ok(candidate_id) => candidate_id,
        Err(err) if matches!(err.downcast_ref(), Some(lifecycle::Error::Refused(Refused::NotFound))) => {
            return Ok(None);
        }
        Err(err) => return Err(err),
    };
    audit::record(&mut tx, company_id, actor, Action::InterviewErased, Subject::interview(candidate_id, interview_id))
        .await?;
    webhooks::emit(&mut tx, company_id, Event::InterviewErased { interview_id, candidate_id }).await?;
    tx.commit().await?;
    Ok(Some(candidate_id))
}

/// What erasing an interview removes and what stays, for the confirmation page.
pub struct Holdings {
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub job_title: String,
    pub recordings: i64,
    pub typed_answers: i64,
    pub emails: i64,
    pub share_links: i64,
    /// The candidate's interviews that stay.
    pub other_interviews: i64,
}

pub async fn holdings(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Option<Holdings>> {
    sqlx::query_as!(
        Holdings,
        r#"select i.candidate_id as "candidate_id: CandidateId", c.name as candidate_name, j.title as job_title,
                  (select count(*) from answers a where a.company_id = i.company_id and a.interview_id = i.id
                    and a.media_key is not null) as "recordings!",
                  (select count(*) from answers a where a.company_id = i.company_id and a.interview_id = i.id
                    and a.text_answer is not null) as "typed_answers!",
                  (select count(*) from emails e where e.company_id = i.company_id and e.interview_id = i.id) as "emails!",
                  (select count(*) from share_links s where s.company_id = i.company_id and s.interview_id = i.id) as "share_links!",
                  (select count(*) from interviews o where o.company_id = i.company_id and o.candidate_id = i.candidate_id
                    and o.id <> i.id) as "other_interviews!"
           from interviews i
           join candidates c on c.company_id = i.company_id and c.id = i.candidate_id
           join jobs j on j.company_id = i.company_id and j.id = i.job_id
           where i.company_id = $1 and i.id = $2"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_optional(pool)
    .await
}
