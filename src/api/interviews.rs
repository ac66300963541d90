//! Interviews: send one to a candidate, read its status, timeline, evaluation summary
//! and decision, resend, cancel, and ask for a new evaluation run, each through the
//! same lifecycle and store functions as the pages, acting for the key's creator.

use axum::{extract::State, http::StatusCode, response::Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    ApiId, ApiResult, Caller, Json, json,
    keys::VerifiedKey,
    problem::{Problem, ProblemDetails},
};
use crate::ids::{CandidateId, InterviewId, JobId};
use crate::{
    evaluation::{
        self,
        model::{Decision, note},
        store::RerunOutcome,
    },
    forms::FieldErrors,
    interviews::{
        lifecycle::{self, EmailCap, SendRequest},
        store,
    },
    state::AppState,
};

#[derive(Serialize, ToSchema)]
pub struct TimelineEvent {
    /// What happened, as the interview page's timeline says it.
    pub event: &'static str,
    pub detail: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The latest evaluation run.
#[derive(Serialize, ToSchema)]
pub struct EvaluationSummary {
    /// `queued`, `running`, `done` or `failed`.
    pub status: &'static str,
    /// 0 to 100, once done.
    pub overall_score: Option<i32>,
    /// `strong_yes`, `yes`, `maybe` or `no`, once done.
    pub recommendation: Option<&'static str>,
    pub summary: Option<String>,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
}

/// The team's decision.
#[derive(Serialize, ToSchema)]
pub struct DecisionSummary {
    /// `advance`, `hold` or `reject`.
    pub decision: &'static str,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct Interview {
    pub id: Uuid,
    /// `pending`, `in_progress`, `completed`, `expired` or `cancelled`.
    pub status: &'static str,
    pub candidate_id: Uuid,
    pub job_id: Uuid,
    pub template_name: String,
    pub version_number: i32,
    /// The candidate asked for a person's review instead of AI: no evaluation runs.
    pub human_review_requested: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    pub timeline: Vec<TimelineEvent>,
    pub evaluation: Option<EvaluationSummary>,
    pub decision: Option<DecisionSummary>,
}

async fn load(state: &AppState, key: &VerifiedKey, id: InterviewId) -> ApiResult<Interview> {
    let company_id = key.company_id();
    let detail = store::detail(&state.pool, company_id, id).await?.ok_or_else(Problem::not_found)?;
    let timeline = store::events(&state.pool, company_id, id)
        .await?
        .into_iter()
        .map(|e| TimelineEvent { event: e.kind.label(), detail: e.detail, at: e.created_at })
        .collect();
    let evaluation = evaluation::store::latest_run(&state.pool, company_id, id).await?.map(|run| EvaluationSummary {
        status: run.status.as_str(),
        overall_score: run.overall_score,
        recommendation: run.recommendation.map(|r| r.0.as_str()),
        summary: run.summary,
        strengths: run.strengths,
        concerns: run.concerns,
    });
    let decision = evaluation::store::decision(&state.pool, company_id, id).await?.map(|d| DecisionSummary {
        decision: d.decision.as_str(),
        note: d.note,
        decided_at: d.updated_at,
    });
    Ok(Interview {
        id: detail.id.uuid(),
        status: detail.status.as_str(),
        candidate_id: detail.candidate_id.uuid(),
        job_id: detail.job_id.uuid(),
        template_name: detail.template_name,
        version_number: detail.version_number,
        human_review_requested: detail.human_review_requested_at.is_some(),
        sent_at: detail.created_at,
        expires_at: detail.expires_at,
        completed_at: detail.completed_at,
        timeline,
        evaluation,
        decision,
    })
}

/// An interview: status, timeline, evaluation summary, decision.
#[utoipa::path(get, path = "/api/v1/interviews/{id}", tag = "interviews",
    params(("id" = Uuid, Path, description = "The interview's id")),
    responses((status = 200, body = Interview), (status = 404, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn show(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiId(id): ApiId<InterviewId>,
) -> ApiResult<Response> {
    Ok(json(StatusCode::OK, &load(&state, &key, id).await?))
}

/// Which template to send: a published template's version and its job (from `GET /api/v1/templates`).
#[derive(Deserialize, ToSchema)]
pub struct SendInterview {
    pub job_id: Uuid,
    pub version_id: Uuid,
}

/// Sends an interview: the invitation email is queued with the candidate's link.
#[utoipa::path(post, path = "/api/v1/candidates/{id}/interviews", tag = "interviews", request_body = SendInterview,
    params(("id" = Uuid, Path, description = "The candidate's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first result")),
    responses((status = 201, body = Interview), (status = 404, body = ProblemDetails), (status = 409, body = ProblemDetails),
              (status = 403, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn send(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiId(candidate_id): ApiId<CandidateId>,
    Json(body): Json<SendInterview>,
) -> ApiResult<Response> {
    let request = SendRequest {
        company_id: key.company_id(),
        user_id: key.created_by,
        candidate_id,
        job_id: JobId::from(body.job_id),
        version_id: body.version_id,
        // Repeats are answered by the API's Idempotency-Key before they get here.
        idempotency_key: Uuid::new_v4(),
        link_valid_days: state.config.link_valid_days,
        email_cap: EmailCap(state.config.new_company_emails_per_day),
    };
    let sent = lifecycle::send(&state.pool, &request).await?;
    Ok(json(StatusCode::CREATED, &load(&state, &key, sent.interview_id).await?))
}

/// Resends the invitation with the same link.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/resend", tag = "interviews",
    params(("id" = Uuid, Path, description = "The interview's id")),
    responses((status = 200, body = Interview), (status = 404, body = ProblemDetails), (status = 409, body = ProblemDetails),
              (status = 403, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn resend(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiId(id): ApiId<InterviewId>,
) -> ApiResult<Response> {
    let email_cap = EmailCap(state.config.new_company_emails_per_day);
    lifecycle::resend(&state.pool, key.company_id(), id, key.created_by, email_cap).await?;
    Ok(json(StatusCode::OK, &load(&state, &key, id).await?))
}

/// Cancels a pending or in-progress interview: its link stops working.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/cancel", tag = "interviews",
    params(("id" = Uuid, Path, description = "The interview's id")),
    responses((status = 200, body = Interview), (status = 404, body = ProblemDetails), (status = 409, body = ProblemDetails),
              (status = 403, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiId(id): ApiId<InterviewId>,
) -> ApiResult<Response> {
    lifecycle::cancel(&state.pool, key.company_id(), id, key.created_by).await?;
    Ok(json(StatusCode::OK, &load(&state, &key, id).await?))
}

/// Queues a new evaluation run of a completed interview. Refused for one the candidate
/// set for a person's review, as on the page.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/evaluation/rerun", tag = "interviews",
    params(("id" = Uuid, Path, description = "The interview's id")),
    responses((status = 202, body = Interview), (status = 404, body = ProblemDetails), (status = 409, body = ProblemDetails),
              (status = 403, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn rerun(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiId(id): ApiId<InterviewId>,
) -> ApiResult<Response> {
    let refused = match evaluation::store::queue_rerun(&state.pool, key.company_id(), id, key.created_by).await? {
        RerunOutcome::Queued => return Ok(json(StatusCode::ACCEPTED, &load(&state, &key, id).await?)),
        RerunOutcome::NotFound => return Err(Problem::not_found()),
        RerunOutcome::AlreadyPending => {
            Problem::conflict("evaluation_pending", "An evaluation of this interview is already queued or running.")
        }
        RerunOutcome::NotCompleted => {
            Problem::conflict("not_completed", "Only a completed interview can be evaluated.")
        }
        RerunOutcome::HumanReview => Problem::conflict("human_review", evaluation::HUMAN_REVIEW_ONLY),
    };
    Err(refused)
}

/// The team's decision on an interview.
#[derive(Deserialize, ToSchema)]
pub struct NewDecision {
    /// `advance`, `hold` or `reject`.
    pub decision: String,
    /// Why, for the team (at most 4,000 characters).
    pub note: Option<String>,
}

/// Records the team's decision (replacing an earlier one), as the interview page does.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/decision", tag = "interviews", request_body = NewDecision,
    params(("id" = Uuid, Path, description = "The interview's id")),
    responses((status = 200, body = Interview), (status = 404, body = ProblemDetails), (status = 422, body = ProblemDetails),
              (status = 403, body = ProblemDetails)),
    security(("api_key" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    Caller(key): Caller,
    ApiId(id): ApiId<InterviewId>,
    Json(body): Json<NewDecision>,
) -> ApiResult<Response> {
    let mut errors = FieldErrors::default();
    let decision = errors.check("decision", Decision::parse(&body.decision).ok_or("Choose advance, hold or reject."));
    let note = errors.check("note", note(body.note));
    let (Some(decision), Some(note)) = (decision, note) else { return Err(Problem::invalid(&errors)) };
    if !evaluation::store::save_decision(&state.pool, key.company_id(), id, key.created_by, decision, note.as_deref())
        .await?
    {
        return Err(Problem::not_found());
    }
    Ok(json(StatusCode::OK, &load(&state, &key, id).await?))
}
