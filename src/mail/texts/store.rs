//! All SQL of the company's email texts, scoped by company.

use sqlx::PgPool;

use super::{EmailText, EmailTextKind};
use crate::ids::CompanyId;

/// The company's text of `kind`, or the built-in one.
pub async fn get(pool: &PgPool, company_id: CompanyId, kind: EmailTextKind) -> sqlx::Result<EmailText> {
    let saved = sqlx::query_as!(
        EmailText,
        "select subject, body from company_email_texts where company_id = $1 and kind = $2",
        company_id as CompanyId,
        kind as EmailTextKind,
    )
    .fetch_optional(pool)
    .await?;
    Ok(saved.unwrap_or_else(|| kind.default_text()))
}

pub async fn save(pool: &PgPool, company_id: CompanyId, kind: EmailTextKind, text: &EmailText) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into company_email_texts (company_id, kind, subject, body) values ($1, $2, $3, $4)
         on conflict (company_id, kind) do update set subject = $3, body = $4, updated_at = now()",
        company_id as CompanyId,
        kind as EmailTextKind,
        text.subject,
        text.body,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Back to the built-in text.
pub async fn restore(pool: &PgPool, company_id: CompanyId, kind: EmailTextKind) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from company_email_texts where company_id = $1 and kind = $2",
        company_id as CompanyId,
        kind as EmailTextKind,
    )
    .execute(pool)
    .await?;
    Ok(())
}
