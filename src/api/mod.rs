//! The JSON API under `/api/v1`, for a company's own systems: jobs, published templates,
//! candidates (create, find by email, list with the page's search and filters), sending
//! an interview, and interviews (status, timeline, evaluation summary, decision), resend,
//! cancel, a new evaluation run and the team's decision.
//!
//! Authenticated by a per-company API key (`Authorization: Bearer <key>`) that Admins
//! create on Settings; session cookies are ignored, so a browser's ambient credentials
//! never reach it. Which scope each route needs is in the access table
//! ([`crate::auth::roles::ROUTES`]) with every other route, checked before any handler
//! runs, and the handlers call the same store and lifecycle functions as the pages.
//! Errors are problem details ([`problem`]); lists are paged by an opaque cursor
//! ([`cursor`]); writes may carry an `Idempotency-Key` ([`idempotency`]); each key is
//! rate limited ([`rate_limit`]). The OpenAPI document is generated from this code
//! ([`openapi`]) and rendered for people at `/api/v1/docs`.

mod candidates;
mod cursor;
pub mod idempotency;
mod interviews;
mod jobs;
pub mod keys;
pub mod openapi;
pub mod problem;
pub mod rate_limit;
mod templates;
mod views;

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequest, FromRequestParts, MatchedPath, Request, State},
    http::{HeaderValue, header, request::Parts},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::de::DeserializeOwned;
use tower_http::catch_panic::CatchPanicLayer;

use self::{keys::VerifiedKey, problem::Problem, rate_limit::Quota};
use crate::{
    auth::roles::{self, Access},
    extract::{PathId, PathIds, Query},
    state::AppState,
};

/// Request bodies are small JSON documents.
const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/docs", get(openapi::docs_page))
        .route("/api/v1/jobs", get(jobs::list))
        .route("/api/v1/templates", get(templates::list))
        .route("/api/v1/candidates", get(candidates::list).post(candidates::create))
        .route("/api/v1/candidates/{id}", get(candidates::show))
        .route("/api/v1/candidates/{id}/interviews", post(interviews::send))
        .route("/api/v1/interviews/{id}", get(interviews::show))
        .route("/api/v1/interviews/{id}/resend", post(interviews::resend))
        .route("/api/v1/interviews/{id}/cancel", post(interviews::cancel))
        .route("/api/v1/interviews/{id}/evaluation/rerun", post(interviews::rerun))
        .route("/api/v1/interviews/{id}/decision", post(interviews::decide))
        // Inner first: the key is verified and counted, then a repeated write replayed.
        .route_layer(middleware::from_fn_with_state(state.clone(), idempotency::replay_or_run))
        .route_layer(middleware::from_fn_with_state(state, authenticate))
        .layer(CatchPanicLayer::custom(|_| {
            Problem::from(crate::error::AppError::Unexpected(anyhow::anyhow!("handler panicked"))).into_response()
        }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Verifies the request's key, counts it against the key's rate limit and checks its
/// scope against the route's entry in the access table, before any handler runs.
async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let needed = match roles::access(request.method(), &route) {
        Some(Access::Public) => return next.run(request).await,
        Some(Access::ApiKey(needed)) => needed,
        _ => {
            tracing::error!(method = %request.method(), route, "an API route missing from the access table was refused");
            return Problem::new(axum::http::StatusCode::FORBIDDEN, "forbidden", "This route is not available.")
                .into_response();
        }
    };
    let Some(presented) = bearer(&request) else { return Problem::unauthorized().into_response() };
    let (key, window) = match keys::authenticate(&state.pool, &presented).await {
        Ok(Some(found)) => found,
        Ok(None) => return Problem::unauthorized().into_response(),
        Err(err) => return Problem::from(err).into_response(),
    };
    let quota = Quota { limit: state.config.api_requests_per_minute, window };
    let mut response = if quota.exceeded() {
        quota.refusal().into_response()
    } else if key.scope < needed {
        Problem::read_only().into_response()
    } else {
        request.extensions_mut().insert(key);
        next.run(request).await
    };
    quota.set_headers(&mut response);
    // Candidates' details: no cache keeps them.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The key of `Authorization: Bearer <key>`.
fn bearer(request: &Request) -> Option<String> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_owned())
}

/// The verified key of the request: its company is the one every statement is scoped to.
pub struct Caller(pub VerifiedKey);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        parts.extensions.get::<VerifiedKey>().cloned().map(Self).ok_or_else(Problem::unauthorized)
    }
}

/// The id in an API path; a malformed one is not found, like another company's.
pub struct ApiId<T>(pub T);

impl<S: Send + Sync, T: PathIds> FromRequestParts<S> for ApiId<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match PathId::<T>::from_request_parts(parts, state).await {
            Ok(PathId(id)) => Ok(Self(id)),
            Err(err) => Err(err.into()),
        }
    }
}

/// A query string; one that cannot be read is a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(query)) => Ok(Self(query)),
            Err(_) => Err(Problem::bad_request("The query string could not be read.")),
        }
    }
}

/// A JSON body; one that cannot be read is a 400 (or 415, 413) problem.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(body)) => Ok(Self(body)),
            Err(rejection) => Err(Problem::new(rejection.status(), "unreadable_body", rejection.body_text())),
        }
    }
}

/// A handler's answer: JSON with a status, or a problem.
pub type ApiResult<T> = Result<T, Problem>;

/// JSON with a status (200, or 201 for what was created).
pub fn json<T: serde::Serialize>(status: axum::http::StatusCode, body: &T) -> Response {
    (status, axum::Json(body)).into_response()
}
