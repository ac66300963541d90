use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    evaluation::EvaluateInterview,
    ids::CompanyId,
    interview_templates::model::AnswerKind,
    interviews::{
        model::{EventKind, InterviewStatus},
        store::{record_event, refresh_candidate_status},
    },
    queue,
};

pub struct LinkedInterview {
    pub id: Uuid,
    pub company_id: CompanyId,
    pub candidate_id: Uuid,
    pub template_version_id: Uuid,
    pub allow_retakes: bool,
    pub link_nonce: Vec<u8>,
    pub status: InterviewStatus,
    pub expires_at: OffsetDateTime,
    pub link_opened_at: Option<OffsetDateTime>,
    pub candidate_name: String,
    pub company_name: String,
    pub job_title: String,
    pub intro: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub video_questions: i64,
}

pub async fn interview(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<LinkedInterview>> {
    sqlx::query_as!(
        LinkedInterview,
        r#"select i.id, i.company_id as "company_id: CompanyId", i.candidate_id, i.template_version_id, v.allow_retakes, i.link_nonce,
                  i.status as "status: _", i.expires_at, i.link_opened_at,
                  c.name as candidate_name, co.name as company_name, j.title as job_title,
                  v.intro, v.duration_minutes,
                  (select count(*) from version_questions q where q.version_id = v.id) as "question_count!",
                  (select count(*) from version_questions q where q.version_id = v.id and q.answer_kind = 'video') as "video_questions!"
           from interviews i
           join candidates c on c.id = i.candidate_id
           join companies co on co.id = i.company_id
           join jobs j on j.id = i.job_id
           join template_versions v on v.id = i.template_version_id
           where i.id = $1"#,
        id,
    )
    .fetch_optional(pool)
    .await
}

/// The first opening of the link is recorded on the interview and its timeline.
pub async fn record_link_opened(pool: &PgPool, interview: &LinkedInterview) -> sqlx::Result<()> {
    if interview.link_opened_at.is_some() {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    let first = sqlx::query!(
        "update interviews set link_opened_at = now() where id = $1 and link_opened_at is null",
        interview.id,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if first {
        record_event(&mut tx, interview.company_id, interview.id, EventKind::LinkOpened, None).await?;
    }
    tx.commit().await
}

/// Pending → In Progress (event Started); already started is fine.
pub async fn start(pool: &PgPool, interview: &LinkedInterview) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let started = sqlx::query!(
        "update interviews set status = 'in_progress', started_at = now(), updated_at = now()
         where company_id = $1 and id = $2 and status = 'pending' and expires_at > now()",
        interview.company_id as CompanyId,
        interview.id,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if started {
        record_event(&mut tx, interview.company_id, interview.id, EventKind::Started, None).await?;
        refresh_candidate_status(&mut tx, interview.company_id, interview.candidate_id).await?;
    }
    tx.commit().await
}

pub struct QuestionState {
    pub id: Uuid,
    pub prompt: String,
    pub answer_kind: AnswerKind,
    pub thinking_seconds: i32,
    pub answer_seconds: i32,
    pub answered: bool,
}

/// The interview's questions in order, each marked answered or not.
pub async fn questions(pool: &PgPool, interview: &LinkedInterview) -> sqlx::Result<Vec<QuestionState>> {
    sqlx::query_as!(
        QuestionState,
        r#"select q.id, q.prompt, q.answer_kind as "answer_kind: _", q.thinking_seconds, q.answer_seconds,
                  exists(select 1 from answers a where a.interview_id = $1 and a.question_id = q.id) as "answered!"
           from version_questions q where q.version_id = $2 order by q.position"#,
        interview.id,
        interview.template_version_id,
    )
    .fetch_all(pool)
    .await
}

/// Locks the interview and reads its status, counting a passed deadline as expired
/// (the housekeeping worker only marks it so every minute).
async fn locked_status(tx: &mut sqlx::PgConnection, interview: &LinkedInterview) -> sqlx::Result<InterviewStatus> {
    sqlx::query_scalar!(
        r#"select case when status in ('pending', 'in_progress') and expires_at <= now() then 'expired' else status end
                  as "status!: InterviewStatus"
           from interviews where company_id = $1 and id = $2 for update"#,
        interview.company_id as CompanyId,
        interview.id,
    )
    .fetch_one(tx)
    .await
}

pub enum SaveOutcome {
    Saved {
        /// A retake's earlier media, to delete now that the new answer is committed.
        replaced_media: Option<String>,
    },
    NotStarted,
    Closed,
    AlreadyAnswered,
    UnknownQuestion,
    WrongKind,
}

pub enum AnswerContent<'a> {
    Text(&'a str),
    Video { key: &'a str, media_type: &'a str, bytes: i64 },
}

/// Saves an answer, checked against the interview's state inside the transaction so that
/// an answer after completion, or a second answer without retakes, is refused.
pub async fn save_answer(
    pool: &PgPool,
    interview: &LinkedInterview,
    question_id: Uuid,
    content: AnswerContent<'_>,
) -> sqlx::Result<SaveOutcome> {
    let mut tx = pool.begin().await?;
    let status = locked_status(&mut tx, interview).await?;
    match status {
        InterviewStatus::InProgress => {}
        InterviewStatus::Pending => return Ok(SaveOutcome::NotStarted),
        InterviewStatus::Completed | InterviewStatus::Expired | InterviewStatus::Cancelled => {
            return Ok(SaveOutcome::Closed);
        }
    }
    let Some(kind) = sqlx::query_scalar!(
        r#"select answer_kind as "answer_kind: AnswerKind" from version_questions where id = $1 and version_id = $2"#,
        question_id,
        interview.template_version_id,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(SaveOutcome::UnknownQuestion);
    };
    let (text, key, media_type, bytes) = match content {
        AnswerContent::Text(text) if kind == AnswerKind::Text => (Some(text), None, None, None),
        AnswerContent::Video { key, media_type, bytes } if kind == AnswerKind::Video => {
            (None, Some(key), Some(media_type), Some(bytes))
        }
        _ => return Ok(SaveOutcome::WrongKind),
    };
    let existing = sqlx::query!(
        "select id, media_key from answers where interview_id = $1 and question_id = $2",
        interview.id,
        question_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let replaced_media = match existing {
        Some(_) if !interview.allow_retakes => return Ok(SaveOutcome::AlreadyAnswered),
        Some(previous) => {
            sqlx::query!(
                "delete from answers where company_id = $1 and id = $2",
                interview.company_id as CompanyId,
                previous.id
            )
            .execute(&mut *tx)
            .await?;
            previous.media_key
        }
        None => None,
    };
    sqlx::query!(
        "insert into answers (id, interview_id, company_id, question_id, answer_kind, text_answer, media_key, media_type, media_bytes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        Uuid::new_v4(),
        interview.id,
        interview.company_id as CompanyId,
        question_id,
        kind as AnswerKind,
        text,
        key,
        media_type,
        bytes,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update interviews set updated_at = now() where company_id = $1 and id = $2",
        interview.company_id as CompanyId,
        interview.id
    )
    .execute(&mut *tx)
    .await?;
    record_event(&mut tx, interview.company_id, interview.id, EventKind::AnswerSaved, None).await?;
    tx.commit().await?;
    Ok(SaveOutcome::Saved { replaced_media })
}

pub enum CompleteOutcome {
    Completed,
    AlreadyCompleted,
    NotStarted,
    Unanswered(i64),
    Closed,
}

/// In Progress → Completed with every question answered; queues the evaluation in the
/// same transaction. The row lock makes two tabs complete it once.
pub async fn complete(pool: &PgPool, interview: &LinkedInterview) -> sqlx::Result<CompleteOutcome> {
    let mut tx = pool.begin().await?;
    let status = locked_status(&mut tx, interview).await?;
    match status {
        InterviewStatus::InProgress => {}
        InterviewStatus::Completed => return Ok(CompleteOutcome::AlreadyCompleted),
        InterviewStatus::Pending => return Ok(CompleteOutcome::NotStarted),
        InterviewStatus::Expired | InterviewStatus::Cancelled => return Ok(CompleteOutcome::Closed),
    }
    let unanswered = sqlx::query_scalar!(
        r#"select count(*) as "count!" from version_questions q
           where q.version_id = $1
             and not exists(select 1 from answers a where a.interview_id = $2 and a.question_id = q.id)"#,
        interview.template_version_id,
        interview.id,
    )
    .fetch_one(&mut *tx)
    .await?;
    if unanswered > 0 {
        return Ok(CompleteOutcome::Unanswered(unanswered));
    }
    sqlx::query!(
        "update interviews set status = 'completed', completed_at = now(), updated_at = now()
         where company_id = $1 and id = $2",
        interview.company_id as CompanyId,
        interview.id,
    )
    .execute(&mut *tx)
    .await?;
    record_event(&mut tx, interview.company_id, interview.id, EventKind::Completed, None).await?;
    refresh_candidate_status(&mut tx, interview.company_id, interview.candidate_id).await?;
    queue::enqueue(&mut tx, Some(interview.company_id), &EvaluateInterview { interview_id: interview.id }).await?;
    tx.commit().await?;
    Ok(CompleteOutcome::Completed)
}
