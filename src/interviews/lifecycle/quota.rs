//! The cap on candidate emails of a new company: in its first week a company queues at
//! most so many candidate emails (invitations, resends, reminders) in any 24 hours, so
//! that a fresh sign-up cannot make the product email strangers in bulk.

use sqlx::PgConnection;

use super::{Refused, Result};
use crate::ids::CompanyId;

/// How long a company counts as new.
pub const NEW_COMPANY_DAYS: i32 = 7;

/// The server's cap for new companies (`None`: no cap); a company's own raised cap,
/// set by an operator, replaces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmailCap(pub Option<i64>);

impl EmailCap {
    /// Takes room for one more candidate email, or refuses it; `queued_here` is how many
    /// the caller's transaction has queued already (a send checks last, just before it
    /// commits). A new company's row stays locked until the caller's transaction ends,
    /// so concurrent sends are counted one after another and the cap holds; an
    /// established company's row is not locked at all. The lock is `no key update`: the
    /// caller's rows that refer to the company already hold a key-share lock on it,
    /// which `for update` would wait on, deadlocking concurrent sends.
    pub(super) async fn take(self, conn: &mut PgConnection, company_id: CompanyId, queued_here: i64) -> Result<()> {
        let cap = sqlx::query_scalar!(
            "select coalesce(daily_email_cap::int8, $2) from companies
             where id = $1 and created_at > now() - make_interval(days => $3)
             for no key update",
            company_id as CompanyId,
            self.0,
            NEW_COMPANY_DAYS,
        )
        .fetch_optional(&mut *conn)
        .await?;
        let Some(Some(cap)) = cap else { return Ok(()) };
        // Counts no further than needed: a raised cap must not make every send scan a
        // day's worth of emails.
        let queued = sqlx::query_scalar!(
            r#"select count(*) as "n!" from (
                 select 1 from emails where company_id = $1 and created_at > now() - interval '24 hours' limit $2
               ) recent"#,
            company_id as CompanyId,
            cap.saturating_add(queued_here),
        )
        .fetch_one(&mut *conn)
        .await?;
        if queued - queued_here >= cap { Err(Refused::DailyEmailCap { cap }.into()) } else { Ok(()) }
    }
}
