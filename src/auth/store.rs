//! SQL for companies and their users.

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::CompanyId;

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

/// Sign-up: the company and its first recruiter, together or not at all.
pub async fn create_company_with_owner(
    pool: &PgPool,
    company_name: &str,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<(CompanyId, Uuid), CreateError> {
    let company_id = CompanyId::for_new_company();
    let user_id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    sqlx::query!("insert into companies (id, name) values ($1, $2)", company_id as CompanyId, company_name)
        .execute(&mut *tx)
        .await?;
    insert_user(&mut tx, company_id, user_id, name, email, password_hash).await?;
    tx.commit().await?;
    Ok((company_id, user_id))
}

pub async fn add_teammate(
    pool: &PgPool,
    company_id: CompanyId,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<Uuid, CreateError> {
    let user_id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    insert_user(&mut tx, company_id, user_id, name, email, password_hash).await?;
    tx.commit().await?;
    Ok(user_id)
}

async fn insert_user(
    tx: &mut sqlx::PgConnection,
    company_id: CompanyId,
    user_id: Uuid,
    name: &str,
    email: &str,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into users (id, company_id, name, email, password_hash) values ($1, $2, $3, $4, $5)",
        user_id,
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
    pub user_id: Uuid,
    pub password_hash: String,
}

pub async fn credentials(pool: &PgPool, email: &str) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as!(
        Credentials,
        "select id as user_id, password_hash from users where email = $1::text::citext",
        email,
    )
    .fetch_optional(pool)
    .await
}

pub struct Teammate {
    pub name: String,
    pub email: String,
    pub created_at: OffsetDateTime,
}

pub async fn team(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<Teammate>> {
    sqlx::query_as!(
        Teammate,
        r#"select name, email::text as "email!", created_at from users
           where company_id = $1 order by created_at"#,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}
