//! `GET /api/v1/jobs`: the company's jobs, open before closed, newest first, as the Jobs
//! page lists them.

use axum::{extract::State, http::StatusCode, response::Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiQuery, ApiResult, Caller, cursor, json, problem::ProblemDetails};
use crate::{
    jobs::store,
    pagination::{PER_PAGE, PageNumber},
    state::AppState,
};

#[derive(Serialize, ToSchema)]
pub struct Job {
    pub id: Uuid,
    pub title: String,
    pub department: Option<String>,
    pub location: Option<String>,
    /// `open` or `closed`.
    pub status: &'static str,
    /// How many of its interview templates are published.
    pub published_templates: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct JobList {
    pub data: Vec<Job>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct JobsQuery {
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The company's jobs, 25 a page.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobsQuery),
    responses((status = 200, body = JobList), (status = 401, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiQuery(query): ApiQuery<JobsQuery>,
) -> ApiResult<Response> {
    let page = PageNumber::new(cursor::decode::<i64>(query.cursor.as_deref())?.unwrap_or(1));
    let (rows, total) = store::list(&state.pool, key.company_id(), page).await?;
    let next_cursor = (page.get() * PER_PAGE < total).then(|| cursor::encode(&(page.get() + 1)));
    let data = rows
        .into_iter()
        .map(|row| Job {
            id: row.id.uuid(),
            title: row.title,
            department: row.department,
            location: row.location,
            status: row.status.as_str(),
            published_templates: row.published_count,
            created_at: row.created_at,
        })
        .collect();
    Ok(json(StatusCode::OK, &JobList { data, next_cursor }))
}
