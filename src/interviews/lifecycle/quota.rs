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
    /// Takes room for one more candidate email, or refuses it. A new company's row
    /// stays locked until the caller's transaction ends, so concurrent sends are
    /// counted one after another and the cap holds; an established company's row is
    /// not locked at all.
    pub(super) async fn take(self, conn: &mut PgConnection, company_id: CompanyId) -> Result<()> {
        let cap = sqlx::query_scalar!(
            "select coalesce(daily_email_cap::int8, $2) from companies
             where id = $1 and created_at > now() - make_interval(days => $3)
             for update",
            company_id as CompanyId,
            self.0,
            NEW_COMPANY_DAYS,
        )
        .fetch_optional(&mut *conn)
        .await?;
        let Some(Some(cap)) = cap else { return Ok(()) };
        let queued = sqlx::query_scalar!(
            r#"select count(*) as "n!" from emails where company_id = $1 and created_at > now() - interval '24 hours'"#,
            company_id as CompanyId,
        )
        .fetch_one(&mut *conn)
        .await?;
        if queued >= cap { Err(Refused::DailyEmailCap { cap }.into()) } else { Ok(()) }
    }
}
