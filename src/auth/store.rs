//! SQL for companies and their users.

use crate::ids::{CompanyId, UserId};
use sqlx::{PgConnection, PgPool};

pub enum CreateError {
    EmailTaken,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for CreateError {
    fn from(err: sqlx::Error) -> Self {
        match err.as_database_error() {
            Some(db) if db.is_unique_violation() => Self::EmailTaken,
            _ => Self::Database(err),
        }
    }
}

/// Whether a new owner's address is already confirmed: only the demo company's is (it
/// is seeded on the operator's own machine); everyone who signs up confirms theirs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Yes,
    No,
}

/// Sign-up: the company and its first member, its admin, together or not at all, in
/// `conn`'s transaction.
pub async fn create_company_with_owner(
    conn: &mut PgConnection,
    company_name: &str,
    name: &str,
    email: &str,
    password_hash: &str,
    verified: Verified,
) -> Result<(CompanyId, UserId), CreateError> {
    let company_id = CompanyId::for_new_company();
    let user_id = UserId::generate();
    sqlx::query!("insert into companies (id, name) values ($1, $2)", company_id as CompanyId, company_name)
        .execute(&mut *conn)
        .await?;
    insert_user(conn, company_id, user_id, name, email, password_hash).await?;
    if verified == Verified::Yes {
        sqlx::query!("update users set email_verified_at = now() where id = $1", user_id as UserId)
            .execute(&mut *conn)
            .await?;
    }
    Ok((company_id, user_id))
}

async fn insert_user(
    tx: &mut sqlx::PgConnection,
    company_id: CompanyId,
    user_id: UserId,
    name: &str,
    email: &str,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into users (id, company_id, name, email, password_hash, role) values ($1, $2, $3, $4, $5, 'admin')",
        user_id as UserId,
        company_id as CompanyId,
        name,
        email as _,
        password_hash,
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub struct Credentials {
    pub user_id: UserId,
    pub password_hash: String,
    pub verified: bool,
}

pub async fn credentials(pool: &PgPool, email: &str) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as!(
        Credentials,
        r#"select id as user_id, password_hash, email_verified_at is not null as "verified!"
           from users where email = $1::text::citext and deactivated_at is null"#,
        email,
    )
    .fetch_optional(pool)
    .await
}

/// Confirms the address of `user_id`; returns their name.
pub async fn mark_verified(pool: &PgPool, user_id: UserId) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        "update users set email_verified_at = coalesce(email_verified_at, now()) where id = $1 returning name",
        user_id as UserId,
    )
    .fetch_one(pool)
    .await
}

/// The address of `user_id`.
pub async fn email_of(pool: &PgPool, user_id: UserId) -> sqlx::Result<String> {
    sqlx::query_scalar!(r#"select email::text as "email!" from users where id = $1"#, user_id as UserId)
        .fetch_one(pool)
        .await
}

/// Replaces the password of `user_id` and ends every session but `keep` (the SHA-256 of
/// the session token that made the change, if any): whoever knew the old password is out.
pub async fn set_password(
    conn: &mut PgConnection,
    user_id: UserId,
    password_hash: &str,
    keep: Option<&[u8]>,
) -> sqlx::Result<()> {
    sqlx::query!("update users set password_hash = $2 where id = $1", user_id as UserId, password_hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("delete from sessions where user_id = $1 and token_hash is distinct from $2", user_id as UserId, keep,)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
