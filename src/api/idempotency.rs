//! `Idempotency-Key` on the API's writes, per company and kept 24 hours: the first
//! request claims the key, and a repeat gets the first response again; the same key
//! with another request is refused (422), and so is a repeat while the first is still
//! being answered (409). A first request that fails on the server frees its key, so
//! the client's retry runs again.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::{keys::VerifiedKey, problem::Problem};
use crate::ids::CompanyId;
use crate::{error::AppError, state::AppState};

pub const HEADER: &str = "idempotency-key";

/// Where a kept request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "api_request_state", rename_all = "snake_case")]
enum RequestState {
    InFlight,
    Done,
}

/// What identifies a request for its key: method, path with query, and body.
pub fn request_hash(method: &Method, path_and_query: &str, body: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    for part in [method.as_str().as_bytes(), b"\n", path_and_query.as_bytes(), b"\n", body] {
        hasher.update(part);
    }
    hasher.finalize().to_vec()
}

/// The route layer of the API's writes (a verified key is in the request by then).
pub async fn replay_or_run(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let key = request.extensions().get::<VerifiedKey>().cloned();
    let (Some(caller), Some(value)) = (key, request.headers().get(HEADER).cloned()) else {
        return next.run(request).await;
    };
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(idempotency_key) = value.to_str().ok().map(str::trim).filter(|k| (1..=255).contains(&k.len())) else {
        return Problem::bad_request("An Idempotency-Key is 1 to 255 visible characters.").into_response();
    };
    let idempotency_key = idempotency_key.to_owned();
    // Either the response of this run, or the answer for a key claimed before.
    run_once(&state.pool, caller.company_id(), &idempotency_key, request, next).await.unwrap_or_else(|answer| answer)
}

async fn run_once(
    pool: &PgPool,
    company_id: CompanyId,
    key: &str,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, super::BODY_LIMIT).await.map_err(|_| {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "The body is too large.").into_response()
    })?;
    let path = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let hash = request_hash(&parts.method, path, &body);
    let problem = |err: sqlx::Error| Problem::from(err).into_response();

    // A key older than a day is free again, even before housekeeping deletes it.
    let claimed = sqlx::query_scalar!(
        r#"insert into api_idempotency_keys (company_id, idempotency_key, request_hash) values ($1, $2, $3)
           on conflict (company_id, idempotency_key) do update
             set request_hash = excluded.request_hash, state = 'in_flight', response_status = null,
                 response_body = null, created_at = now()
             where api_idempotency_keys.created_at <= now() - interval '24 hours'
           returning true as "claimed!""#,
        company_id as CompanyId,
        key,
        hash,
    )
    .fetch_optional(pool)
    .await
    .map_err(problem)?
    .is_some();
    if !claimed {
        return Err(earlier(pool, company_id, key, &hash).await.unwrap_or_else(problem));
    }

    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if response.status().is_server_error() {
        sqlx::query!(
            "delete from api_idempotency_keys where company_id = $1 and idempotency_key = $2",
            company_id as CompanyId,
            key,
        )
        .execute(pool)
        .await
        .map_err(problem)?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.map_err(|err| {
        Problem::from(AppError::Unexpected(anyhow::anyhow!("reading the response to keep: {err}"))).into_response()
    })?;
    sqlx::query!(
        "update api_idempotency_keys set state = 'done', response_status = $3, response_body = $4
         where company_id = $1 and idempotency_key = $2",
        company_id as CompanyId,
        key,
        parts.status.as_u16() as i16,
        &body[..],
    )
    .execute(pool)
    .await
    .map_err(problem)?;
    Ok(Response::from_parts(parts, Body::from(body)))
}

/// The answer to a key claimed before: its response, or why there is none to give.
async fn earlier(pool: &PgPool, company_id: CompanyId, key: &str, hash: &[u8]) -> sqlx::Result<Response> {
    let Some(kept) = sqlx::query!(
        r#"select request_hash, state as "state: RequestState", response_status, response_body
           from api_idempotency_keys where company_id = $1 and idempotency_key = $2"#,
        company_id as CompanyId,
        key,
    )
    .fetch_optional(pool)
    .await?
    else {
        // Freed by a failed first request in between: the client may simply retry.
        return Ok(in_flight());
    };
    if kept.request_hash != hash {
        return Ok(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request. Use a new key for a new request.",
        )
        .into_response());
    }
    match (kept.state, kept.response_status, kept.response_body) {
        (RequestState::Done, Some(status), Some(body)) => {
            let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
            let content_type = if status.is_success() { "application/json" } else { "application/problem+json" };
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(response)
        }
        _ => Ok(in_flight()),
    }
}

fn in_flight() -> Response {
    Problem::conflict(
        "idempotency_key_in_flight",
        "A request with this Idempotency-Key is still being answered. Retry in a moment.",
    )
    .into_response()
}

/// Housekeeping: forgets keys older than a day.
pub async fn delete_expired(pool: &PgPool) -> sqlx::Result<u64> {
    let done = sqlx::query!("delete from api_idempotency_keys where created_at <= now() - interval '24 hours'")
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
