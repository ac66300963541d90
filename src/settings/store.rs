//! All SQL of company settings, scoped by the signed-in company.

use sqlx::PgPool;

use crate::audit::{self, Action, Actor, Subject};
use crate::ids::{CompanyId, UserId};

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

pub async fn save(pool: &PgPool, company_id: CompanyId, by: UserId, settings: &CompanySettings) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update companies set reminder_after_days = $2, max_reminders = $3 where id = $1",
        company_id as CompanyId,
        settings.reminder_after_days,
        settings.max_reminders,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, company_id, Actor::Member(by), Action::SettingsChanged, Subject::default()).await?;
    tx.commit().await
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

pub async fn save_privacy(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    privacy: &PrivacySettings,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update companies set privacy_text = $2, privacy_contact = $3 where id = $1",
        company_id as CompanyId,
        privacy.text,
        privacy.contact,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, company_id, Actor::Member(by), Action::SettingsChanged, Subject::default()).await?;
    tx.commit().await
}

/// The candidate's data: how fast erasure requests are carried out, and how long
/// recordings and inactive candidates are kept (`None`: no limit).
pub struct DataRights {
    pub erasure_deadline_days: i32,
    pub recording_retention_days: Option<i32>,
    pub inactive_candidate_months: Option<i32>,
}

pub async fn erasure_deadline_days(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<i32> {
    sqlx::query_scalar!("select erasure_deadline_days from companies where id = $1", company_id as CompanyId)
        .fetch_one(pool)
        .await
}

pub async fn data_rights(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<DataRights> {
    sqlx::query_as!(
        DataRights,
        "select erasure_deadline_days, recording_retention_days, inactive_candidate_months from companies where id = $1",
        company_id as CompanyId,
    )
    .fetch_one(pool)
    .await
}

pub async fn save_data_rights(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    rights: &DataRights,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update companies set erasure_deadline_days = $2, recording_retention_days = $3, inactive_candidate_months = $4
         where id = $1",
        company_id as CompanyId,
        rights.erasure_deadline_days,
        rights.recording_retention_days,
        rights.inactive_candidate_months,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, company_id, Actor::Member(by), Action::SettingsChanged, Subject::default()).await?;
    tx.commit().await
}
