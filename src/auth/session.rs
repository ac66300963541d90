//! Sessions in Postgres. The cookie holds 256 random bits; the table holds only their
//! SHA-256. A new session is created at every sign-in (the old one is deleted), and a
//! session ends after 12 idle hours or 7 days, whichever comes first.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::{CurrentUser, cookie_value};
use crate::{error::AppError, ids::CompanyId, state::AppState};

const IDLE_HOURS: f64 = 12.0;
const ABSOLUTE_DAYS: f64 = 7.0;

/// The session cookie's name: `__Host-` binds it to this exact origin over HTTPS.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-hifinity_session" } else { "hifinity_session" }
}

pub fn set_cookie(token: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    let max_age = (ABSOLUTE_DAYS * 86_400.0) as u64;
    format!("{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", cookie_name(https))
}

pub fn clear_cookie(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", cookie_name(https))
}

/// What the table keeps of a session token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The token presented by this request, if any.
pub fn token(headers: &HeaderMap, https: bool) -> Option<String> {
    cookie_value(headers, cookie_name(https))
}

/// Starts a session for `user_id`, ending `previous` if the browser had one.
pub async fn create(pool: &PgPool, user_id: Uuid, previous: Option<&str>) -> sqlx::Result<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = B64.encode(bytes);
    let mut tx = pool.begin().await?;
    if let Some(previous) = previous {
        sqlx::query!("delete from sessions where token_hash = $1", hash(previous)).execute(&mut *tx).await?;
    }
    sqlx::query!(
        "insert into sessions (token_hash, user_id, expires_at)
         values ($1, $2, now() + make_interval(days => $3::float8::int))",
        hash(&token),
        user_id,
        ABSOLUTE_DAYS,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn delete(pool: &PgPool, token: &str) -> sqlx::Result<()> {
    sqlx::query!("delete from sessions where token_hash = $1", hash(token)).execute(pool).await?;
    Ok(())
}

/// Housekeeping: removes sessions past either timeout.
pub async fn delete_expired(pool: &PgPool) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from sessions
         where expires_at <= now() or last_seen_at <= now() - make_interval(hours => $1::float8::int)",
        IDLE_HOURS,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

async fn lookup(pool: &PgPool, token: &str) -> sqlx::Result<Option<CurrentUser>> {
    let token_hash = hash(token);
    let row = sqlx::query!(
        r#"select u.id as user_id, u.name as user_name, u.email::text as "user_email!",
                  c.id as "company_id: CompanyId", c.name as company_name,
                  s.last_seen_at < now() - interval '1 minute' as "stale!"
           from sessions s
           join users u on u.id = s.user_id
           join companies c on c.id = u.company_id
           where s.token_hash = $1
             and s.expires_at > now()
             and s.last_seen_at > now() - make_interval(hours => $2::float8::int)"#,
        &token_hash,
        IDLE_HOURS,
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    // Touch at most once a minute: a write per request would serialise a busy user's requests.
    if row.stale {
        sqlx::query!("update sessions set last_seen_at = now() where token_hash = $1", &token_hash)
            .execute(pool)
            .await?;
    }
    Ok(Some(CurrentUser {
        user_id: row.user_id,
        name: row.user_name,
        email: row.user_email,
        company_id: row.company_id,
        company_name: row.company_name,
    }))
}

/// Puts the signed-in user (if any) into the request for `CurrentUser` and the layout.
/// What a signed-in user is shown is never kept by a browser or proxy cache, where the
/// next person at a shared computer could read it after sign-out.
pub async fn load_user(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let mut signed_in = false;
    if let Some(token) = token(request.headers(), state.config.https()) {
        match lookup(&state.pool, &token).await {
            Ok(Some(user)) => {
                request.extensions_mut().insert(user);
                signed_in = true;
            }
            Ok(None) => {}
            Err(err) => return AppError::from(err).into_response(),
        }
    }
    let mut response = next.run(request).await;
    if signed_in && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
