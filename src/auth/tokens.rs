//! One-time links of an account (email verification, password reset). A link's token is the MAC of its
//! row's id under `SECRET_KEY`; the table holds only the token's SHA-256, so neither a
//! leaked table nor a leaked outbox yields a working link, yet the outbox can still
//! render the email when it delivers it.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::SecretKey;
use crate::ids::UserId;

/// What a link lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "account_token_purpose", rename_all = "snake_case")]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    /// How long a link stays usable.
    fn valid_hours(self) -> i32 {
        match self {
            Self::VerifyEmail => 48,
            Self::ResetPassword => 1,
        }
    }

    /// The address a link opens, before its token.
    pub fn path(self) -> &'static str {
        match self {
            Self::VerifyEmail => "/verify-email",
            Self::ResetPassword => "/reset-password",
        }
    }
}

/// The token of link `id`.
pub fn token(secret: &SecretKey, id: Uuid) -> String {
    B64.encode(secret.mac(&[b"account-token", id.as_bytes()]))
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The full link of token row `id`.
pub fn url(base_url: &url::Url, secret: &SecretKey, purpose: Purpose, id: Uuid) -> String {
    format!("{}{}/{}", base_url.as_str().trim_end_matches('/'), purpose.path(), token(secret, id))
}

/// Creates a link for `user_id`; returns its row id.
pub async fn issue(
    conn: &mut PgConnection,
    secret: &SecretKey,
    user_id: UserId,
    purpose: Purpose,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into account_tokens (id, user_id, purpose, token_hash, expires_at)
         values ($1, $2, $3, $4, now() + make_interval(hours => $5))",
        id,
        user_id as UserId,
        purpose as Purpose,
        hash(&token(secret, id)),
        purpose.valid_hours(),
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// The user of a valid, unused and unexpired `token`, leaving it usable.
pub async fn holder(pool: &PgPool, purpose: Purpose, token: &str) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar!(
        r#"select user_id as "user_id: UserId" from account_tokens
         where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()"#,
        hash(token),
        purpose as Purpose,
    )
    .fetch_optional(pool)
    .await
}

/// Uses `token` up, together with every other link of the same purpose of that user;
/// returns the user when it was valid, unused and unexpired.
pub async fn consume(pool: &PgPool, purpose: Purpose, token: &str) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar!(
        r#"with used as (
           update account_tokens set used_at = now()
           where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()
           returning user_id),
         others as (
           update account_tokens t set used_at = now() from used
           where t.user_id = used.user_id and t.purpose = $2 and t.used_at is null and t.token_hash <> $1)
         select user_id as "user_id: UserId" from used"#,
        hash(token),
        purpose as Purpose,
    )
    .fetch_optional(pool)
    .await
}
