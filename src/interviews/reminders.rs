//! Automatic reminders: a candidate who has not started an interview gets a
//! reminder with the same link once the company's number of days has passed since the
//! last invitation, up to the company's limit per interview.
//!
//! Run by the housekeeping worker. Every due interview is locked with
//! `FOR UPDATE SKIP LOCKED` and, in the same transaction, moved on (`last_invited_at`,
//! `reminders_sent`), given its queued email and its event: another instance running at
//! the same moment skips the locked rows, and once committed they are no longer due, so
//! one due moment gives exactly one reminder.

use sqlx::PgPool;

use super::{model::EventKind, store::record_event};
use crate::{
    ids::CompanyId,
    mail::outbox::{self, EmailKind},
};

/// Interviews reminded per transaction; the step loops until none are due.
const BATCH: i64 = 200;

/// Queues every reminder that is due; returns how many.
pub async fn queue_due(pool: &PgPool) -> sqlx::Result<u64> {
    let mut total = 0;
    loop {
        let queued = queue_batch(pool, BATCH).await?;
        total += queued;
        if queued < BATCH as u64 {
            return Ok(total);
        }
    }
}

async fn queue_batch(pool: &PgPool, limit: i64) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query!(
        r#"with due as (
             select i.id
             from interviews i
             join companies co on co.id = i.company_id
             join candidates c on c.id = i.candidate_id
             where i.status = 'pending' and i.started_at is null and i.expires_at > now()
               and c.archived_at is null
               and co.reminder_after_days > 0
               and i.reminders_sent < co.max_reminders
               and i.last_invited_at <= now() - make_interval(days => co.reminder_after_days)
             order by i.last_invited_at
             limit $1
             for update of i skip locked)
           update interviews i
           set last_invited_at = now(), reminders_sent = i.reminders_sent + 1, updated_at = now()
           from due, candidates c, companies co
           where i.id = due.id and c.id = i.candidate_id and co.id = i.company_id
           returning i.id, i.company_id as "company_id: CompanyId", c.email::text as "email!", i.reminders_sent, co.max_reminders"#,
        limit,
    )
    .fetch_all(&mut *tx)
    .await?;
    for row in &due {
        outbox::enqueue(&mut tx, row.company_id, row.id, EmailKind::Reminder, &row.email).await?;
        let detail = format!("Reminder {} of {} to {}", row.reminders_sent, row.max_reminders, row.email);
        record_event(&mut tx, row.company_id, row.id, EventKind::Reminded, Some(&detail)).await?;
    }
    tx.commit().await?;
    Ok(due.len() as u64)
}
