//! What the outbox learns about an interview's emails, recorded in the outbox's own
//! transaction so that the email's row and the interview agree.

use sqlx::PgConnection;

use super::record_event;
use crate::ids::{CompanyId, InterviewId};
use crate::{
    interviews::model::EventKind,
    webhooks::{self, Event},
};

/// An email of the interview was handed to the transport; `detail` says to whom and how.
/// One statement: it runs for every email delivered.
pub async fn email_sent(
    conn: &mut PgConnection,
    company_id: CompanyId,
    id: InterviewId,
    detail: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "with sent as (
           update interviews set email_sent_at = now() where company_id = $1 and id = $2 returning id)
         insert into interview_events (id, interview_id, company_id, kind, detail)
         select gen_random_uuid(), sent.id, $1, $3, $4 from sent",
        company_id as CompanyId,
        id as InterviewId,
        EventKind::Sent as EventKind,
        detail,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An email of the interview was opened for the first time; the interview keeps the
/// first open of any of its emails.
pub async fn email_opened(conn: &mut PgConnection, company_id: CompanyId, id: InterviewId) -> sqlx::Result<()> {
    sqlx::query!(
        "update interviews set email_opened_at = coalesce(email_opened_at, now()) where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as InterviewId,
    )
    .execute(&mut *conn)
    .await?;
    record_event(conn, company_id, id, EventKind::Opened, None).await?;
    webhooks::emit(conn, company_id, Event::EmailOpened(id)).await
}
