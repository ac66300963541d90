//! All SQL of company settings, scoped by the signed-in company.

use sqlx::PgPool;

use crate::ids::CompanyId;

pub struct CompanySettings {
    /// Days after the last invitation before a reminder; 0 means no reminders.
    pub reminder_after_days: i32,
    pub max_reminders: i32,
}

pub async fn get(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<CompanySettings> {
    sqlx::query_as!(
        CompanySettings,
        "select reminder_after_days, max_reminders from companies where id = $1",
        company_id as CompanyId,
    )
    .fetch_one(pool)
    .await
}

pub async fn save(pool: &PgPool, company_id: CompanyId, settings: &CompanySettings) -> sqlx::Result<()> {
    sqlx::query!(
        "update companies set reminder_after_days = $2, max_reminders = $3 where id = $1",
        company_id as CompanyId,
        settings.reminder_after_days,
        settings.max_reminders,
    )
    .execute(pool)
    .await?;
    Ok(())
}
