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

/// What the company adds to the notice candidates read before an interview.
pub struct PrivacySettings {
    /// The company's own words on how it handles candidates' data; may be empty.
    pub text: String,
    /// Where candidates write about their data; empty: they reply to the invitation.
    pub contact: String,
}

pub async fn privacy(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<PrivacySettings> {
    sqlx::query_as!(
        PrivacySettings,
        r#"select privacy_text as text, privacy_contact as contact from companies where id = $1"#,
        company_id as CompanyId,
    )
    .fetch_one(pool)
    .await
}

pub async fn save_privacy(pool: &PgPool, company_id: CompanyId, privacy: &PrivacySettings) -> sqlx::Result<()> {
    sqlx::query!(
        "update companies set privacy_text = $2, privacy_contact = $3 where id = $1",
        company_id as CompanyId,
        privacy.text,
        privacy.contact,
    )
    .execute(pool)
    .await?;
    Ok(())
}
