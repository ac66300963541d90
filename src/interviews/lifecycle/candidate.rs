//! What the candidate does through the link: open it, agree to the notice, start, answer,
//! complete.

use std::{net::IpAddr, time::Duration};

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Refused, Result, Transition, lock, record_event, timing::check_window};
use crate::ids::{CompanyId, InterviewId, QuestionId};
use crate::{
    evaluation::EvaluateInterview,
    interview_templates::model::AnswerKind,
    interviews::model::EventKind,
    queue,
    webhooks::{self, Event},
};

/// The first opening of the link is recorded on the interview and its timeline.
pub async fn link_opened(pool: &PgPool, company_id: CompanyId, id: InterviewId) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let first = sqlx::query!(
        "update interviews set link_opened_at = now() where company_id = $1 and id = $2 and link_opened_at is null",
        company_id as CompanyId,
        id as InterviewId,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if first {
        record_event(&mut tx, company_id, id, EventKind::LinkOpened, None).await?;
        webhooks::emit(&mut tx, company_id, Event::LinkOpened(id)).await?;
    }
    tx.commit().await
}

/// The candidate agrees to the notice: when, to which version of its text, and from
/// which address. Agreeing again changes nothing: the first agreement stands.
pub async fn consent(
    pool: &PgPool,
    company_id: CompanyId,
    id: InterviewId,
    notice_version: &str,
    client_ip: IpAddr,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Consent)?;
    if interview.consented {
        return Ok(());
    }
    sqlx::query!(
        "update interviews set consented_at = now(), consent_notice_version = $3, consent_ip = $4, updated_at = now()
         where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId,
        notice_version,
        client_ip.to_string(),
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::Consented, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The candidate asks for a person to review their answers instead of AI, before
/// starting: the interview is then never transcribed nor sent to the evaluator. Asking
/// again changes nothing.
pub async fn request_human_review(pool: &PgPool, company_id: CompanyId, id: InterviewId) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::HumanReview)?;
    if interview.human_review {
        return Ok(());
    }
    sqlx::query!(
        "update interviews set human_review_requested_at = now(), updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId,
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::HumanReviewRequested, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Pending → In Progress, once the candidate agreed to the notice.
pub async fn start(pool: &PgPool, company_id: CompanyId, id: InterviewId) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Start)?;
    interview.check_consented()?;
    sqlx::query!(
        "update interviews set status = 'in_progress', started_at = now(), updated_at = now()
         where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId,
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::Started, None).await?;
    interview.refresh_candidate(&mut tx).await?;
    webhooks::emit(&mut tx, company_id, Event::InterviewStarted(id)).await?;
    tx.commit().await?;
    Ok(())
}

pub enum AnswerContent<'a> {
    Text(&'a str),
    Video { key: &'a str, media_type: &'a str, bytes: i64 },
}

/// Saves an answer to one question of an In Progress interview, given in the question's
/// current window (see [`super::timing`]): `received_at` is when its request arrived. An
/// answer of an earlier attempt is replaced; its media is returned, to delete now that
/// the new answer is committed.
pub async fn answer(
    pool: &PgPool,
    company_id: CompanyId,
    id: InterviewId,
    question_id: QuestionId,
    content: AnswerContent<'_>,
    received_at: OffsetDateTime,
    grace: Duration,
) -> Result<Option<String>> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Answer)?;
    interview.check_consented()?;
    let Some(kind) = sqlx::query_scalar!(
        r#"select q.answer_kind as "answer_kind: AnswerKind"
           from interviews i
           join version_questions q on q.version_id = i.template_version_id
           where i.company_id = $1 and i.id = $2 and q.id = $3"#,
        company_id as CompanyId,
        id as InterviewId,
        question_id as QuestionId,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(Refused::UnknownQuestion.into());
    };
    let (text, key, media_type, bytes) = match content {
        AnswerContent::Text(text) if kind == AnswerKind::Text => (Some(text), None, None, None),
        AnswerContent::Video { key, media_type, bytes } if kind == AnswerKind::Video => {
            (None, Some(key), Some(media_type), Some(bytes))
        }
        _ => return Err(Refused::WrongKind.into()),
    };
    let window = check_window(&mut tx, company_id, id, question_id, received_at, grace).await?;
    let replaced_media = sqlx::query_scalar!(
        "delete from answers where company_id = $1 and interview_id = $2 and question_id = $3 returning media_key",
        company_id as CompanyId,
        id as InterviewId,
        question_id as QuestionId,
    )
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    sqlx::query!(
        "insert into answers (id, interview_id, company_id, question_id, answer_kind, text_answer, media_key, media_type,
                              media_bytes, shown_at, received_at, attempt)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        Uuid::new_v4(),
        id as InterviewId,
        company_id as CompanyId,
        question_id as QuestionId,
        kind as AnswerKind,
        text,
        key,
        media_type,
        bytes,
        window.opened_at,
        received_at,
        window.attempt,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update interviews set updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::AnswerSaved, None).await?;
    tx.commit().await?;
    Ok(replaced_media)
}

/// In Progress → Completed with every question answered or out of time (a question
/// whose window ran out without an answer stays unanswered); queues the evaluation in the
/// same transaction, unless the candidate asked for a person's review instead. The row
/// lock makes two tabs complete it once.
pub async fn complete(pool: &PgPool, company_id: CompanyId, id: InterviewId) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Complete)?;
    let unanswered = sqlx::query_scalar!(
        r#"select count(*) as "count!" from interviews i
           join version_questions q on q.version_id = i.template_version_id
           where i.company_id = $1 and i.id = $2
             and not exists(select 1 from answers a where a.interview_id = i.id and a.question_id = q.id)
             and not exists(select 1 from question_windows w where w.interview_id = i.id and w.question_id = q.id
                              and w.answer_by <= now())"#,
        company_id as CompanyId,
        id as InterviewId,
    )
    .fetch_one(&mut *tx)
    .await?;
    if unanswered > 0 {
        return Err(Refused::Unanswered(unanswered).into());
    }
    sqlx::query!(
        "update interviews set status = 'completed', completed_at = now(), updated_at = now()
         where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId,
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::Completed, None).await?;
    interview.refresh_candidate(&mut tx).await?;
    webhooks::emit(&mut tx, company_id, Event::InterviewCompleted(id)).await?;
    if !interview.human_review {
        queue::enqueue(&mut tx, Some(company_id), &EvaluateInterview { interview_id: id }).await?;
    }
    tx.commit().await?;
    Ok(())
}
