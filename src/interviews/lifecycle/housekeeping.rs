//! Transitions the housekeeping worker makes in batches: expiry, and automatic
//! reminders (a candidate who has not started gets a reminder with the same link once
//! the company's number of days has passed since the last invitation, up to the
//! company's limit per interview).
//!
//! A batch writes the states its transition may leave ([`Transition::allowed_from`]) as
//! literals in its SQL rather than binding them: the partial indexes that make these
//! scans cheap are used only when the query spells their predicate.

use sqlx::PgPool;

#[cfg(doc)]
use super::Transition;
use super::{record_event, refresh_candidate_status};
use crate::{
    ids::CompanyId,
    interviews::model::EventKind,
    mail::outbox::{self, EmailKind},
};

/// Open interviews past their deadline become Expired.
pub async fn expire_overdue(pool: &PgPool) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let expired = sqlx::query!(
        r#"update interviews set status = 'expired', updated_at = now()
         where status in ('pending', 'in_progress') and expires_at <= now()
         returning id, company_id as "company_id: CompanyId", candidate_id"#,
    )
    .fetch_all(&mut *tx)
    .await?;
    for row in &expired {
        record_event(&mut tx, row.company_id, row.id, EventKind::Expired, None).await?;
        refresh_candidate_status(&mut tx, row.company_id, row.candidate_id).await?;
    }
    tx.commit().await?;
    Ok(expired.len() as u64)
}

/// Interviews reminded per transaction; the step loops until none are due.
const REMINDER_BATCH: i64 = 200;

/// Queues every reminder that is due; returns how many.
///
/// Every due interview is locked with `FOR UPDATE SKIP LOCKED` and, in the same
/// transaction, moved on (`last_invited_at`, `reminders_sent`), given its queued email
/// and its event: another instance running at the same moment skips the locked rows,
/// and once committed they are no longer due, so one due moment gives exactly one
/// reminder.
pub async fn remind_due(pool: &PgPool) -> sqlx::Result<u64> {
    let mut total = 0;
    loop {
        let queued = remind_batch(pool, REMINDER_BATCH).await?;
        total += queued;
        if queued < REMINDER_BATCH as u64 {
            return Ok(total);
        }
    }
}

async fn remind_batch(pool: &PgPool, limit: i64) -> sqlx::Result<u64> {
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
