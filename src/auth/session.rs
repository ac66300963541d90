//! Sessions in Postgres. The cookie holds 256 random bits; the table holds only their
//! SHA-256. A new session is created at every sign-in (the old one is deleted), and a
//! session ends after 12 idle hours or 7 days, whichever comes first.

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::{ClientIp, CurrentUser, cookie_value, roles::Role};
use crate::ids::{CompanyId, SessionId, UserId};
use crate::{error::AppError, state::AppState};

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
pub async fn create(pool: &PgPool, user_id: UserId, previous: Option<&str>) -> sqlx::Result<String> {
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
        user_id as UserId,
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

/// Where a request comes from, as the Account page shows a session.
struct SeenFrom {
    user_agent: Option<String>,
    ip_address: String,
}

async fn lookup(pool: &PgPool, token: &str, seen_from: &SeenFrom) -> sqlx::Result<Option<CurrentUser>> {
    let token_hash = hash(token);
    let row = sqlx::query!(
        r#"select u.id as user_id, u.name as user_name, u.email::text as "user_email!", u.role as "role: Role",
                  c.id as "company_id: CompanyId", c.name as company_name,
                  (s.last_seen_at < now() - interval '1 minute'
                   or s.user_agent is distinct from $3 or s.ip_address is distinct from $4) as "stale!"
           from sessions s
           join users u on u.id = s.user_id
           join companies c on c.id = u.company_id
           where s.token_hash = $1
             and u.deactivated_at is null
             and s.expires_at > now()
             and s.last_seen_at > now() - make_interval(hours => $2::float8::int)"#,
        &token_hash,
        IDLE_HOURS,
        seen_from.user_agent,
        seen_from.ip_address,
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    // Touch at most once a minute (a write per request would serialise a busy user's
    // requests), or when the device or address changed, which the Account page shows.
    if row.stale {
        sqlx::query!(
            "update sessions set last_seen_at = now(), user_agent = $2, ip_address = $3 where token_hash = $1",
            &token_hash,
            seen_from.user_agent,
            seen_from.ip_address,
        )
        .execute(pool)
        .await?;
    }
    Ok(Some(CurrentUser {
        user_id: row.user_id.into(),
        name: row.user_name,
        email: row.user_email,
        role: row.role,
        company_id: row.company_id,
        company_name: row.company_name,
    }))
}

/// Puts the signed-in user (if any) into the request for `CurrentUser` and the layout.
/// What a signed-in user is shown is never kept by a browser or proxy cache, where the
/// next person at a shared computer could read it after sign-out.
pub async fn load_user(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &state).await;
    let mut request = Request::from_parts(parts, body);
    let mut signed_in = false;
    if let Some(token) = token(request.headers(), state.config.https()) {
        let user_agent = request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok());
        // Bounded: the header is the client's to choose, and the page shows only a summary.
        let user_agent = user_agent.map(|ua| ua.chars().take(512).collect());
        let seen_from = SeenFrom { user_agent, ip_address: ip.to_string() };
        match lookup(&state.pool, &token, &seen_from).await {
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

/// One of a user's sessions, as the Account page lists it.
pub struct ActiveSession {
    pub id: Uuid,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
    pub last_seen_at: time::OffsetDateTime,
    pub created_at: time::OffsetDateTime,
    pub is_this_one: bool,
}

/// The user's sessions that still sign them in, the most recently used first.
pub async fn active(pool: &PgPool, user_id: UserId, this_token: &str) -> sqlx::Result<Vec<ActiveSession>> {
    sqlx::query_as!(
        ActiveSession,
        r#"select id, user_agent, ip_address, last_seen_at, created_at, token_hash = $2 as "is_this_one!"
           from sessions
           where user_id = $1 and expires_at > now()
             and last_seen_at > now() - make_interval(hours => $3::float8::int)
           order by token_hash = $2 desc, last_seen_at desc"#,
        user_id as UserId,
        hash(this_token),
        IDLE_HOURS,
    )
    .fetch_all(pool)
    .await
}

/// Signs the user out everywhere but the session `keep_token`; returns how many ended.
pub async fn delete_others(pool: &PgPool, user_id: UserId, keep_token: &str) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from sessions where user_id = $1 and token_hash <> $2",
        user_id as UserId,
        hash(keep_token)
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Ends one of the user's sessions; false when it had already ended (or is not theirs).
pub async fn delete_one(pool: &PgPool, user_id: UserId, id: SessionId) -> sqlx::Result<bool> {
    let done = sqlx::query!("delete from sessions where user_id = $1 and id = $2", user_id as UserId, id as SessionId)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of a user (in the caller's transaction).
pub async fn delete_all(conn: &mut sqlx::PgConnection, user_id: UserId) -> sqlx::Result<()> {
    sqlx::query!("delete from sessions where user_id = $1", user_id as UserId).execute(conn).await?;
    Ok(())
}
