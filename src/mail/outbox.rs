//! The outbox table: emails are queued in the transaction that decides to send them,
//! each with its [`DeliverEmail`] job, which the delivery worker runs.

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::compose::SentCopy;
use crate::ids::{CompanyId, EmailId, InterviewId};
use crate::{
    interviews::lifecycle,
    pagination::PageNumber,
    queue::{self, Job},
};

/// The job that delivers one email of the outbox.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverEmail {
    pub email_id: EmailId,
}

impl Job for DeliverEmail {
    const KIND: &'static str = "deliver_email";
}

/// Why an email is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "email_kind", rename_all = "snake_case")]
pub enum EmailKind {
    Invitation,
    Resend,
    Reminder,
}

/// Where an email is in delivery; a queued one that failed before waits for a retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "email_status", rename_all = "snake_case")]
pub enum EmailStatus {
    Queued,
    Sent,
    Failed,
}

pub async fn enqueue(
    conn: &mut PgConnection,
    company_id: CompanyId,
    interview_id: InterviewId,
    kind: EmailKind,
    to: &str,
) -> sqlx::Result<EmailId> {
    let id = EmailId::generate();
    sqlx::query!(
        "insert into emails (id, company_id, interview_id, kind, to_address, pixel_id) values ($1, $2, $3, $4, $5, $6)",
        id as EmailId,
        company_id as CompanyId,
        interview_id as InterviewId,
        kind as EmailKind,
        to,
        Uuid::new_v4(),
    )
    .execute(&mut *conn)
    .await?;
    queue::enqueue(conn, Some(company_id), &DeliverEmail { email_id: id }).await?;
    Ok(id)
}

/// What an attempt found on its email.
pub struct Attempt {
    /// The previous attempt ended without its outcome recorded (a crash, a restart): its
    /// message may have gone out.
    pub interrupted: bool,
    /// An earlier attempt's outcome is unknown already: this attempt is its one more send.
    pub once_more: bool,
}

/// Withdraws the interview's emails that are still queued: they are rendered at
/// delivery, so once the interview's link is replaced they would carry the new link to
/// whatever address they were queued for. Their delivery jobs then find nothing to
/// deliver; the Outbox shows them failed with `reason`.
pub async fn withdraw_queued(
    conn: &mut PgConnection,
    company_id: CompanyId,
    interview_id: InterviewId,
    reason: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "update emails set status = 'failed', last_error = $3
         where company_id = $1 and interview_id = $2 and status = 'queued'",
        company_id as CompanyId,
        interview_id as InterviewId,
        reason,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Records that the claim numbered `attempts` is delivering the email (the Outbox
/// shows the count); `None` when the email is no longer queued, with nothing to deliver.
pub async fn record_attempt(pool: &PgPool, id: EmailId, attempts: i32) -> sqlx::Result<Option<Attempt>> {
    sqlx::query_as!(
        Attempt,
        r#"update emails e set attempts = $2, sending_since = now()
           from (select id, sending_since, outcome_unknown_at from emails where id = $1) before
           where e.id = before.id and e.status = 'queued'
           returning before.sending_since is not null as "interrupted!",
                     before.outcome_unknown_at is not null as "once_more!""#,
        id as EmailId,
        attempts,
    )
    .fetch_optional(pool)
    .await
}

/// The previous attempt ended without its outcome recorded: marks the outcome unknown on
/// the timeline before this attempt sends the message once more.
pub async fn mark_interrupted(pool: &PgPool, id: EmailId, attempts: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "with unknown as (
           update emails set outcome_unknown_at = now() where id = $1 and status = 'queued' and attempts = $2
           returning interview_id, company_id)
         insert into interview_events (id, interview_id, company_id, kind, detail)
         select gen_random_uuid(), interview_id, company_id, 'outcome_unknown',
                'The previous attempt stopped (a restart or a crash) before its outcome was recorded, '
                || 'so the message may have gone out. It is sent once more now with the same Message-ID: '
                || 'it may arrive twice.'
         from unknown",
        id as EmailId,
        attempts,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The `mark_*` functions and `give_back` run in the transaction that settles the email's
/// delivery job, which a worker whose lease ran out can no longer settle; they also match
/// the claim's `attempts`, the count [`record_attempt`] wrote.
pub async fn mark_sent(
    conn: &mut PgConnection,
    id: EmailId,
    attempts: i32,
    transport: &str,
    reply: &str,
    message_id: &str,
    copy: &SentCopy,
) -> sqlx::Result<()> {
    let sent = sqlx::query!(
        r#"update emails set status = 'sent', transport = $2, server_reply = $3, message_id = $4,
                           sent_at = now(), last_error = null, sending_since = null,
                           sent_subject = $6, sent_text = $7, sent_html = $8
         where id = $1 and status = 'queued' and attempts = $5
         returning interview_id, company_id as "company_id: CompanyId", to_address"#,
        id as EmailId,
        transport,
        reply,
        message_id,
        attempts,
        copy.subject,
        copy.text,
        copy.html,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(sent) = sent {
        let kept = if transport == "mailbox" { " (kept in the Outbox: no SMTP server is configured)" } else { "" };
        let detail = format!("To {}{kept}", sent.to_address);
        lifecycle::email_sent(conn, sent.company_id, sent.interview_id.into(), &detail).await?;
    }
    Ok(())
}

/// A transient failure: try again at `retry_at`.
pub async fn mark_retry(
    db: impl PgExecutor<'_>,
    id: EmailId,
    attempts: i32,
    error: &str,
    retry_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "with retried as (
           update emails set next_attempt_at = $3, last_error = $2, sending_since = null where id = $1 and status = 'queued' and attempts = $4
           returning interview_id, company_id)
         insert into interview_events (id, interview_id, company_id, kind, detail)
         select gen_random_uuid(), interview_id, company_id, 'retrying',
                $2 || ' — next attempt at ' || to_char($3 at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'
         from retried",
        id as EmailId,
        error,
        retry_at,
        attempts,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A permanent failure, or the last attempt.
pub async fn mark_failed(db: impl PgExecutor<'_>, id: EmailId, attempts: i32, error: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "with failed as (
           update emails set status = 'failed', last_error = $2, sending_since = null where id = $1 and status = 'queued' and attempts = $3
           returning interview_id, company_id)
         insert into interview_events (id, interview_id, company_id, kind, detail)
         select gen_random_uuid(), interview_id, company_id, 'failed', $2 from failed",
        id as EmailId,
        error,
        attempts,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The message's data went out and no reply came: it may have been delivered. It is sent
/// once more at `retry_at`, with the same `message_id` (so a receiving system can drop
/// the copy), and the timeline says it may arrive twice.
pub async fn mark_unknown(
    db: impl PgExecutor<'_>,
    id: EmailId,
    attempts: i32,
    error: &str,
    message_id: &str,
    retry_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "with unknown as (
           update emails set next_attempt_at = $3, last_error = $2, message_id = $5, outcome_unknown_at = now(),
                             sending_since = null
           where id = $1 and status = 'queued' and attempts = $4
           returning interview_id, company_id)
         insert into interview_events (id, interview_id, company_id, kind, detail)
         select gen_random_uuid(), interview_id, company_id, 'outcome_unknown',
                $2 || ' — the message went out but no reply came, so it may have arrived. It is sent once more at '
                || to_char($3 at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                || ' UTC with the same Message-ID: it may arrive twice.'
         from unknown",
        id as EmailId,
        error,
        retry_at,
        attempts,
        message_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A send abandoned at shutdown: due again at once, and the interrupted attempt does not
/// count towards the limit. Its `sending_since` stays: the next attempt cannot know
/// whether the message went out, and marks its outcome unknown.
pub async fn give_back(db: impl PgExecutor<'_>, id: EmailId, attempts: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "update emails set attempts = attempts - 1, next_attempt_at = now()
         where id = $1 and status = 'queued' and attempts = $2",
        id as EmailId,
        attempts,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The tracking pixel was loaded: the first load of each email is recorded.
pub async fn mark_opened(pool: &PgPool, pixel_id: Uuid) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let opened = sqlx::query!(
        r#"update emails set opened_at = now() where pixel_id = $1 and opened_at is null
         returning interview_id, company_id as "company_id: CompanyId""#,
        pixel_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(opened) = opened {
        lifecycle::email_opened(&mut tx, opened.company_id, opened.interview_id.into()).await?;
    }
    tx.commit().await
}

pub struct EmailRow {
    pub id: EmailId,
    pub interview_id: InterviewId,
    pub kind: EmailKind,
    pub to_address: String,
    pub candidate_name: String,
    pub status: EmailStatus,
    pub transport: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub server_reply: Option<String>,
    pub sent_at: Option<OffsetDateTime>,
    /// An attempt ended with the message out and no reply.
    pub outcome_unknown_at: Option<OffsetDateTime>,
    pub opened_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

pub async fn list(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: Option<InterviewId>,
    page: PageNumber,
) -> sqlx::Result<(Vec<EmailRow>, i64)> {
    let rows = sqlx::query_as!(
        EmailRow,
        r#"select e.id, e.interview_id, e.kind as "kind: _", e.to_address, c.name as candidate_name,
                  e.status as "status: _", e.transport, e.attempts, e.next_attempt_at, e.last_error, e.server_reply,
                  e.sent_at, e.outcome_unknown_at, e.opened_at, e.created_at
           from emails e join interviews i on i.id = e.interview_id join candidates c on c.id = i.candidate_id
           where e.company_id = $1 and ($2::uuid is null or e.interview_id = $2)
           order by e.created_at desc, e.id desc limit $3 offset $4"#,
        company_id as CompanyId,
        interview_id as Option<InterviewId>,
        page.limit(),
        page.offset(),
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from emails where company_id = $1 and ($2::uuid is null or interview_id = $2)"#,
        company_id as CompanyId,
        interview_id as Option<InterviewId>,
    )
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

pub async fn one(pool: &PgPool, company_id: CompanyId, id: EmailId) -> sqlx::Result<Option<EmailRow>> {
    sqlx::query_as!(
        EmailRow,
        r#"select e.id, e.interview_id, e.kind as "kind: _", e.to_address, c.name as candidate_name,
                  e.status as "status: _", e.transport, e.attempts, e.next_attempt_at, e.last_error, e.server_reply,
                  e.sent_at, e.outcome_unknown_at, e.opened_at, e.created_at
           from emails e join interviews i on i.id = e.interview_id join candidates c on c.id = i.candidate_id
           where e.company_id = $1 and e.id = $2"#,
        company_id as CompanyId,
        id as EmailId,
    )
    .fetch_optional(pool)
    .await
}

/// The email as it was sent (its link masked); `None` until it is sent.
pub async fn sent_copy(pool: &PgPool, company_id: CompanyId, id: EmailId) -> sqlx::Result<Option<SentCopy>> {
    let row = sqlx::query!(
        "select sent_subject, sent_text, sent_html from emails where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as EmailId,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|row| Some(SentCopy { subject: row.sent_subject?, text: row.sent_text?, html: row.sent_html? })))
}
