//! `GET /api/v1/templates`: the published templates of open jobs, with the version an
//! interview is sent with, as the Send Interview form offers them.

use axum::{extract::State, http::StatusCode, response::Response};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ApiResult, Caller, json, problem::ProblemDetails};
use crate::{interview_templates::store, state::AppState};

#[derive(Serialize, ToSchema)]
pub struct Template {
    pub template_id: Uuid,
    /// The published version: send it with `job_id`.
    pub version_id: Uuid,
    pub job_id: Uuid,
    pub job_title: String,
    pub name: String,
    /// `easy`, `medium` or `hard`.
    pub difficulty: &'static str,
    pub focus_area: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TemplateList {
    /// Every one at once: a company has few.
    pub data: Vec<Template>,
}

/// The templates an interview can be sent with now.
#[utoipa::path(get, path = "/api/v1/templates", tag = "templates",
    responses((status = 200, body = TemplateList), (status = 401, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn list(State(state): State<AppState>, Caller(key): Caller) -> ApiResult<Response> {
    let data = store::sendable_templates(&state.pool, key.company_id())
        .await?
        .into_iter()
        .map(|t| Template {
            template_id: t.template_id.uuid(),
            version_id: t.version_id,
            job_id: t.job_id.uuid(),
            job_title: t.job_title,
            name: t.name,
            difficulty: t.difficulty.as_str(),
            focus_area: t.focus_area,
            duration_minutes: t.duration_minutes,
            question_count: t.question_count,
        })
        .collect();
    Ok(json(StatusCode::OK, &TemplateList { data }))
}
