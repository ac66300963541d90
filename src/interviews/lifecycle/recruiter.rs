//! What a recruiter does to a sent interview: resend the invitation, cancel, extend.

use sqlx::PgPool;
use uuid::Uuid;

use super::{EmailCap, Refused, Result, Transition, lock};
use crate::{
    ids::CompanyId,
    interviews::model::EventKind,
    mail::outbox::{self, EmailKind},
};

/// The least time between two invitations of one interview.
pub const RESEND_GAP_MINUTES: i64 = 5;

/// Queues a new email with the same link; creates no interview and changes no progress.
/// Returns the address it goes to.
pub async fn resend(pool: &PgPool, company_id: CompanyId, id: Uuid, email_cap: EmailCap) -> Result<String> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Resend)?;
    let row = sqlx::query!(
        r#"select c.email::text as "email!",
                  ceil(extract(epoch from i.last_invited_at + make_interval(mins => $3::int8::int) - now()) / 60)::int8 as "wait_minutes!"
           from interviews i join candidates c on c.id = i.candidate_id
           where i.company_id = $1 and i.id = $2"#,
        company_id as CompanyId,
        id,
        RESEND_GAP_MINUTES,
    )
    .fetch_one(&mut *tx)
    .await?;
    if row.wait_minutes > 0 {
        return Err(Refused::TooSoon { minutes: row.wait_minutes }.into());
    }
    email_cap.take(&mut tx, company_id).await?;
    sqlx::query!(
        "update interviews set last_invited_at = now(), updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        id
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue(&mut tx, company_id, id, EmailKind::Resend, &row.email).await?;
    interview.record(&mut tx, EventKind::Resent, Some(&format!("Invitation resent to {}", row.email))).await?;
    tx.commit().await?;
    Ok(row.email)
}

/// Cancels an open interview: its link stops working.
pub async fn cancel(pool: &PgPool, company_id: CompanyId, id: Uuid) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Cancel)?;
    sqlx::query!(
        "update interviews set status = 'cancelled', updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        id,
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::Cancelled, None).await?;
    interview.refresh_candidate(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the deadline to `days` from now (also reopening an expired interview).
pub async fn extend(pool: &PgPool, company_id: CompanyId, id: Uuid, days: i64) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Extend)?;
    sqlx::query!(
        "update interviews set expires_at = now() + make_interval(days => $3::int8::int), updated_at = now(),
           status = case when status = 'expired'
                         then case when started_at is null then 'pending'::interview_status else 'in_progress' end
                         else status end
         where company_id = $1 and id = $2",
        company_id as CompanyId,
        id,
        days,
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::Extended, Some(&format!("New deadline in {days} days"))).await?;
    interview.refresh_candidate(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}
