//! Candidates: list with the Candidates page's search and status filter (or find one by
//! email), read one, create one, through the page's own validation and store.

use axum::{extract::State, http::StatusCode, response::Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    ApiId, ApiQuery, ApiResult, Caller, Json, cursor, json,
    problem::{Problem, ProblemDetails},
};
use crate::ids::CandidateId;
use crate::{
    candidates::{
        model::{CandidateForm, Search, StatusFilter},
        store::{self, CandidateRow, Created},
    },
    state::AppState,
};

/// A candidate as lists show them.
#[derive(Serialize, ToSchema)]
pub struct CandidateSummary {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// `new`, `invited`, `active` or `completed`: follows their latest interview.
    pub status: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    pub last_activity_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<CandidateRow> for CandidateSummary {
    fn from(row: CandidateRow) -> Self {
        Self {
            id: row.id.uuid(),
            name: row.name,
            email: row.email,
            status: row.status.as_str(),
            last_activity_at: row.last_activity_at,
            created_at: row.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CandidateList {
    pub data: Vec<CandidateSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A candidate with their details.
#[derive(Serialize, ToSchema)]
pub struct Candidate {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
    /// `new`, `invited`, `active` or `completed`.
    pub status: &'static str,
    pub archived: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub last_activity_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<store::Candidate> for Candidate {
    fn from(c: store::Candidate) -> Self {
        Self {
            id: c.id.uuid(),
            name: c.name,
            email: c.email,
            phone: c.phone,
            notes: c.notes,
            status: c.status.as_str(),
            archived: c.archived_at.is_some(),
            last_activity_at: c.last_activity_at,
            created_at: c.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Part of a name or email (at least 2 characters), as the page's search box.
    q: Option<String>,
    /// `new`, `invited`, `active`, `completed` or `archived`; anything else lists everyone current.
    status: Option<String>,
    /// Exactly this email (any case): the one candidate who has it, or none.
    email: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page, 1 to 100 (25 unless given).
    limit: Option<i64>,
}

/// Candidates, newest first.
#[utoipa::path(get, path = "/api/v1/candidates", tag = "candidates", params(ListQuery),
    responses((status = 200, body = CandidateList), (status = 400, body = ProblemDetails), (status = 401, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let company_id = key.company_id();
    if let Some(email) = query.email.as_deref() {
        let found = match store::find_by_email(&state.pool, company_id, email.trim()).await? {
            Some(existing) => store::find(&state.pool, company_id, existing.id).await?,
            None => None,
        };
        let data = found
            .map(|c| CandidateSummary {
                id: c.id.uuid(),
                name: c.name,
                email: c.email,
                status: c.status.as_str(),
                last_activity_at: c.last_activity_at,
                created_at: c.created_at,
            })
            .into_iter()
            .collect();
        return Ok(json(StatusCode::OK, &CandidateList { data, next_cursor: None }));
    }
    let search = Search::parse(query.q.as_deref());
    let filter = StatusFilter::parse(query.status.as_deref());
    let limit = cursor::limit(query.limit);
    let after = cursor::decode::<(i64, CandidateId)>(query.cursor.as_deref())?
        .map(|(micros, id)| {
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
                .map(|at| (at, id))
                .map_err(|_| Problem::bad_request("The cursor is not one this API gave."))
        })
        .transpose()?;
    // One more than asked says whether another page follows.
    let mut rows = store::list_after(&state.pool, company_id, filter, &search, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last().map(|last| cursor::encode(&((last.created_at.unix_timestamp_nanos() / 1000) as i64, last.id)))
        })
        .flatten();
    let data = rows.into_iter().map(CandidateSummary::from).collect();
    Ok(json(StatusCode::OK, &CandidateList { data, next_cursor }))
}

/// One candidate.
#[utoipa::path(get, path = "/api/v1/candidates/{id}", tag = "candidates",
    params(("id" = Uuid, Path, description = "The candidate's id")),
    responses((status = 200, body = Candidate), (status = 404, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn show(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiId(id): ApiId<CandidateId>,
) -> ApiResult<Response> {
    let candidate = store::find(&state.pool, key.company_id(), id).await?.ok_or_else(Problem::not_found)?;
    Ok(json(StatusCode::OK, &Candidate::from(candidate)))
}

/// A new candidate's details.
#[derive(Deserialize, ToSchema)]
pub struct NewCandidate {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// Adds a candidate; an email the company already has is a 409 problem naming them.
#[utoipa::path(post, path = "/api/v1/candidates", tag = "candidates", request_body = NewCandidate,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first result")),
    responses((status = 201, body = Candidate), (status = 409, body = ProblemDetails), (status = 422, body = ProblemDetails),
              (status = 403, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Caller(key): Caller,
    Json(body): Json<NewCandidate>,
) -> ApiResult<Response> {
    let company_id = key.company_id();
    let form = CandidateForm {
        name: body.name,
        email: body.email,
        phone: body.phone.unwrap_or_default(),
        notes: body.notes.unwrap_or_default(),
        idempotency_key: String::new(),
    };
    let candidate = form.validate().map_err(|errors| Problem::invalid(&errors))?;
    let id = match store::create(&state.pool, company_id, CandidateId::generate(), &candidate).await? {
        Created::Created(id) => id,
        Created::EmailTaken(existing) => {
            return Err(Problem::conflict(
                "email_taken",
                format!("A candidate with this email already exists: {}.", existing.id),
            ));
        }
        // A fresh id cannot have been used before; the other candidate vanished in between.
        Created::AlreadySubmitted(_) | Created::Refused => {
            return Err(Problem::conflict("conflict", "The candidate could not be saved. Try again."));
        }
    };
    let created = store::find(&state.pool, company_id, id).await?.ok_or_else(Problem::not_found)?;
    Ok(json(StatusCode::CREATED, &Candidate::from(created)))
}
