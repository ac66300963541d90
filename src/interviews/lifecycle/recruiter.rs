//! What a recruiter does to a sent interview: resend the invitation, give it a new link,
//! cancel, extend, grant extra time.

use sqlx::{PgConnection, PgPool};

use super::{EmailCap, Locked, Refused, Result, Transition, lock};
use crate::ids::{CandidateId, CompanyId, InterviewId, UserId};
use crate::{
    audit::Action,
    interviews::{
        link,
        model::{EventKind, TimeAllowance},
    },
    mail::outbox::{self, EmailKind},
};

/// The least time between two invitations of one interview.
pub const RESEND_GAP_MINUTES: i64 = 5;

/// Queues a new email with the same link; creates no interview and changes no progress.
/// Returns the address it goes to.
pub async fn resend(
    pool: &PgPool,
    company_id: CompanyId,
    id: InterviewId,
    by: UserId,
    email_cap: EmailCap,
) -> Result<String> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Resend)?;
    let row = sqlx::query!(
        r#"select c.email::text as "email!",
                  ceil(extract(epoch from i.last_invited_at + make_interval(mins => $3::int8::int) - now()) / 60)::int8 as "wait_minutes!"
           from interviews i join candidates c on c.id = i.candidate_id
           where i.company_id = $1 and i.id = $2"#,
        company_id as CompanyId,
        id as InterviewId,
        RESEND_GAP_MINUTES,
    )
    .fetch_one(&mut *tx)
    .await?;
    if row.wait_minutes > 0 {
        return Err(Refused::TooSoon { minutes: row.wait_minutes }.into());
    }
    email_cap.take(&mut tx, company_id, 0).await?;
    sqlx::query!(
        "update interviews set last_invited_at = now(), updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue(&mut tx, company_id, id, EmailKind::Resend, &row.email).await?;
    interview.record(&mut tx, EventKind::Resent, Some(&format!("Invitation resent to {}", row.email))).await?;
    interview.audit(&mut tx, by, Action::InterviewResent).await?;
    tx.commit().await?;
    Ok(row.email)
}

/// Issues a new link (the current one was forwarded or leaked) and queues an invitation
/// with it to the candidate's address. Returns that address.
pub async fn new_link(
    pool: &PgPool,
    company_id: CompanyId,
    id: InterviewId,
    by: UserId,
    email_cap: EmailCap,
) -> Result<String> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::ReplaceLink)?;
    let email = sqlx::query_scalar!(
        r#"select email::text as "email!" from candidates where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        interview.candidate_id as CandidateId,
    )
    .fetch_one(&mut *tx)
    .await?;
    replace_link(&mut tx, &interview, &email, email_cap).await?;
    interview.audit(&mut tx, by, Action::LinkReplaced).await?;
    tx.commit().await?;
    Ok(email)
}

/// A candidate's address is being corrected (in the caller's transaction, which saves it):
/// each of their interviews the candidate can still take gets a new link, sent to
/// `email`, since the old one went to an address that may not be theirs. Returns how
/// many did.
pub async fn address_corrected(
    conn: &mut PgConnection,
    company_id: CompanyId,
    candidate_id: CandidateId,
    email: &str,
    email_cap: EmailCap,
) -> Result<usize> {
    let ids = sqlx::query_scalar!(
        r#"select id as "id: InterviewId" from interviews
           where company_id = $1 and candidate_id = $2 and status in ('pending', 'in_progress') and expires_at > now()
           order by id"#,
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut replaced = 0;
    for id in ids {
        let interview = lock(conn, company_id, id).await?;
        // Closed since it was listed: its link opens nothing anyway.
        if interview.check(Transition::ReplaceLink).is_ok() {
            replace_link(conn, &interview, email, email_cap).await?;
            replaced += 1;
        }
    }
    Ok(replaced)
}

/// Retires the interview's nonce (kept only so the old link can say it was replaced)
/// and queues an invitation with the new link, withdrawing any invitation still queued
/// (it would carry the new link, perhaps to the old address). Answers stay; the resend
/// wait starts again from this invitation.
async fn replace_link(conn: &mut PgConnection, interview: &Locked, email: &str, email_cap: EmailCap) -> Result<()> {
    email_cap.take(conn, interview.company_id, 0).await?;
    let reason = "Not sent: the interview's link was replaced before delivery";
    outbox::withdraw_queued(conn, interview.company_id, interview.id, reason).await?;
    sqlx::query!(
        "insert into retired_interview_links (interview_id, company_id, link_nonce)
         select id, company_id, link_nonce from interviews where company_id = $1 and id = $2",
        interview.company_id as CompanyId,
        interview.id as InterviewId,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update interviews set link_nonce = $3, last_invited_at = now(), updated_at = now()
         where company_id = $1 and id = $2",
        interview.company_id as CompanyId,
        interview.id as InterviewId,
        link::new_nonce(),
    )
    .execute(&mut *conn)
    .await?;
    outbox::enqueue(conn, interview.company_id, interview.id, EmailKind::Resend, email).await?;
    interview.record(conn, EventKind::LinkReplaced, Some(&format!("New invitation queued to {email}"))).await?;
    Ok(())
}

/// Cancels an open interview: its link stops working.
pub async fn cancel(pool: &PgPool, company_id: CompanyId, id: InterviewId, by: UserId) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Cancel)?;
    sqlx::query!(
        "update interviews set status = 'cancelled', updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId,
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::Cancelled, None).await?;
    interview.audit(&mut tx, by, Action::InterviewCancelled).await?;
    interview.refresh_candidate(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the deadline to `days` from now (also reopening an expired interview).
pub async fn extend(pool: &PgPool, company_id: CompanyId, id: InterviewId, by: UserId, days: i64) -> Result<()> {
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
        id as InterviewId,
        days,
    )
    .execute(&mut *tx)
    .await?;
    interview.record(&mut tx, EventKind::Extended, Some(&format!("New deadline in {days} days"))).await?;
    interview.audit(&mut tx, by, Action::InterviewExtended).await?;
    interview.refresh_candidate(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Grants the candidate extra time (or takes it back) on an open interview. A question
/// window still open gets the new time from when it opened; answered ones keep theirs.
pub async fn set_time_allowance(
    pool: &PgPool,
    company_id: CompanyId,
    id: InterviewId,
    allowance: TimeAllowance,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::SetTimeAllowance)?;
    sqlx::query!(
        "update interviews set time_allowance = $3, updated_at = now() where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId,
        allowance as TimeAllowance,
    )
    .execute(&mut *tx)
    .await?;
    let open = sqlx::query!(
        "select w.question_id, w.opened_at, q.thinking_seconds, q.answer_seconds
         from question_windows w join version_questions q on q.id = w.question_id
         where w.company_id = $1 and w.interview_id = $2 and q.answer_kind = 'video'
           and (w.answer_by is null or w.answer_by > now())
           and not exists(select 1 from answers a where a.interview_id = w.interview_id and a.question_id = w.question_id
                            and a.shown_at = w.opened_at)",
        company_id as CompanyId,
        id as InterviewId,
    )
    .fetch_all(&mut *tx)
    .await?;
    for window in open {
        let seconds = allowance
            .stretch(window.thinking_seconds)
            .zip(allowance.stretch(window.answer_seconds))
            .map(|(thinking, answer)| i64::from(thinking) + i64::from(answer));
        sqlx::query!(
            "update question_windows set answer_by = $4::timestamptz + make_interval(secs => $5::int8::float8)
             where company_id = $1 and interview_id = $2 and question_id = $3",
            company_id as CompanyId,
            id as InterviewId,
            window.question_id,
            window.opened_at,
            seconds,
        )
        .execute(&mut *tx)
        .await?;
    }
    interview.record(&mut tx, EventKind::TimeAllowanceChanged, Some(allowance.label())).await?;
    tx.commit().await?;
    Ok(())
}
