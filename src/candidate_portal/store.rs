use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::interviews::store::record_event;

pub struct LinkedInterview {
    pub id: Uuid,
    pub company_id: Uuid,
    pub link_nonce: Vec<u8>,
    pub status: String,
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
        r#"select i.id, i.company_id, i.link_nonce, i.status, i.expires_at, i.link_opened_at,
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
        record_event(&mut tx, interview.company_id, interview.id, "link_opened", None).await?;
    }
    tx.commit().await
}
