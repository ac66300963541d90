//! Transitions the housekeeping worker makes in batches: expiry, and automatic
//! reminders (a candidate who has not started gets a reminder with the same link once
//! the company's number of days has passed since the last invitation, up to the
//! company's limit per interview).
//!
//! A batch writes the states its transition may leave ([`Transition::allowed_from`]) as
//! literals in its SQL rather than binding them: the partial indexes that make these
//! scans cheap are used only when the query spells their predicate.

use crate::ids::CompanyId;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

#[cfg(doc)]
use super::Transition;
use super::{EmailCap, Error, record_event, refresh_candidate_status};
use crate::{
    interviews::model::EventKind,
    mail::outbox::{self, EmailKind},
};

/// Open interviews past their deadline become Expired.
pub async fn expire_overdue(pool: &PgPool) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    // The overdue interviews' candidates are locked first, in id order: the one lock order
    // (see `lock`). now() is the transaction's start: both statements see the same interviews.
    sqlx::query!(
        "select c.id from candidates c
         where exists (select 1 from interviews i where i.company_id = c.company_id and i.candidate_id = c.id
                       and i.status in ('pending', 'in_progress') and i.expires_at <= now())
         order by c.id for no key update"
    )
    .fetch_all(&mut *tx)
    .await?;
    let expired = sqlx::query!(
        r#"update interviews set status = 'expired', updated_at = now()
         where status in ('pending', 'in_progress') and expires_at <= now()
         returning id, company_id as "company_id: CompanyId", candidate_id"#,
    )
    .fetch_all(&mut *tx)
    .await?;
    for row in &expired {
        record_event(&mut tx, row.company_id, row.id.into(), EventKind::Expired, None).await?;
        refresh_candidate_status(&mut tx, row.company_id, row.candidate_id.into()).await?;
    }
    tx.commit().await?;
    Ok(expired.len() as u64)
}

/// Due interviews looked at per transaction; the step goes on until it has seen them all.
const REMINDER_BATCH: i64 = 200;

/// Queues every reminder that is due; returns how many.
///
/// Every due interview is locked with `FOR UPDATE SKIP LOCKED` and, in the same
/// transaction, moved on (`last_invited_at`, `reminders_sent`), given its queued email
/// and its event: another instance running at the same moment skips the locked rows,
/// and once committed they are no longer due, so one due moment gives exactly one
/// reminder. A reminder of a new company that has reached its daily cap is left due
/// for a later run; the scan moves past it in due order, so it is not looked at again
/// in this one.
pub async fn remind_due(pool: &PgPool, email_cap: EmailCap) -> sqlx::Result<u64> {
    let mut total = 0;
    let mut after = None;
    loop {
        let (seen, queued) = remind_batch(pool, email_cap, &mut after).await?;
        total += queued;
        if seen < REMINDER_BATCH as usize {
            return Ok(total);
        }
    }
}

/// Returns how many due interviews it looked at and how many it reminded; `after` is
/// the due order's position of the last one looked at.
async fn remind_batch(
    pool: &PgPool,
    email_cap: EmailCap,
    after: &mut Option<(OffsetDateTime, Uuid)>,
) -> sqlx::Result<(usize, u64)> {
    let mut tx = pool.begin().await?;
    let (after_at, after_id) = after.unzip();
    let due = sqlx::query!(
        r#"select i.id, i.company_id as "company_id: CompanyId", i.last_invited_at, c.email::text as "email!",
                  co.max_reminders
           from interviews i
           join companies co on co.id = i.company_id
           join candidates c on c.id = i.candidate_id
           where i.status = 'pending' and i.started_at is null and i.expires_at > now()
             and c.archived_at is null
             and co.reminder_after_days > 0
             and i.reminders_sent < co.max_reminders
             and i.last_invited_at <= now() - make_interval(days => co.reminder_after_days)
             and ($2::timestamptz is null or (i.last_invited_at, i.id) > ($2, $3))
           order by i.last_invited_at, i.id
           limit $1
           for update of i skip locked"#,
        REMINDER_BATCH,
        after_at,
        after_id,
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut queued = 0;
    for row in &due {
        match email_cap.take(&mut tx, row.company_id, 0).await {
            Ok(()) => {}
            Err(Error::Refused(_)) => continue,
            Err(Error::Database(err)) => return Err(err),
        }
        let sent = sqlx::query_scalar!(
            "update interviews set last_invited_at = now(), reminders_sent = reminders_sent + 1, updated_at = now()
             where company_id = $1 and id = $2
             returning reminders_sent",
            row.company_id as CompanyId,
            row.id,
        )
        .fetch_one(&mut *tx)
        .await?;
        outbox::enqueue(&mut tx, row.company_id, row.id.into(), EmailKind::Reminder, &row.email).await?;
        let detail = format!("Reminder {sent} of {} to {}", row.max_reminders, row.email);
        record_event(&mut tx, row.company_id, row.id.into(), EventKind::Reminded, Some(&detail)).await?;
        queued += 1;
    }
    tx.commit().await?;
    *after = due.last().map(|row| (row.last_invited_at, row.id));
    Ok((due.len(), queued))
}
