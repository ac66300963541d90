//! The API's errors: RFC 9457 problem details (`application/problem+json`) with a
//! stable `code` a client can branch on and a `message` a person can read.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    error::AppError,
    forms::FieldErrors,
    interviews::lifecycle::{self, Refused},
};

/// A field of the request body and what is wrong with it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// An error, as RFC 9457 problem details with a stable code. Boxed, so that results
/// that may carry one stay small.
#[derive(Clone, Debug)]
pub struct Problem(Box<ProblemDetails>);

/// An error, as RFC 9457 problem details with a stable code.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDetails {
    /// Always `about:blank`: `code` says which problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The HTTP status's phrase.
    pub title: &'static str,
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// What went wrong, for a program: stable across releases.
    pub code: &'static str,
    /// The same as `detail`.
    pub message: String,
    /// The fields of the body that are invalid, when that is the problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip)]
    retry_after: Option<i64>,
}

impl std::ops::Deref for Problem {
    type Target = ProblemDetails;

    fn deref(&self) -> &ProblemDetails {
        &self.0
    }
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self(Box::new(ProblemDetails {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: message.clone(),
            code,
            message,
            errors: Vec::new(),
            retry_after: None,
        }))
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "No such resource in this company.")
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a valid API key in the Authorization header: `Authorization: Bearer <key>`.",
        )
    }

    pub fn read_only() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "read_only_key",
            "This API key is read-only; use a read-write key to change data.",
        )
    }

    pub fn invalid(errors: &FieldErrors) -> Self {
        let mut problem = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields", "Some fields are invalid.");
        problem.0.errors = errors
            .iter()
            .map(|(field, message)| FieldProblem { field: field.to_owned(), message: message.to_owned() })
            .collect();
        problem
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn too_many_requests(retry_after: i64) -> Self {
        let mut problem = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("This API key sent too many requests. Try again in {retry_after} seconds."),
        );
        problem.0.retry_after = Some(retry_after);
        problem
    }

    fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "The request could not be completed. Please try again in a moment.",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&*self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The pages' errors as problems: the same refusal, in JSON.
impl From<AppError> for Problem {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound => Self::not_found(),
            AppError::Forbidden(message) => Self::new(StatusCode::FORBIDDEN, "forbidden", message),
            AppError::BadRequest(message) => Self::bad_request(message),
            AppError::Conflict(message) => Self::conflict("conflict", message),
            AppError::TooManyRequests(message) => Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message),
            AppError::Busy => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Hifinity is busy right now. Try again in a few seconds.",
            ),
            AppError::Unexpected(err) => {
                tracing::error!(error = ?err, "API request failed");
                Self::internal()
            }
        }
    }
}

impl From<sqlx::Error> for Problem {
    fn from(err: sqlx::Error) -> Self {
        AppError::from(err).into()
    }
}

/// The lifecycle's refusals, each with its own code.
impl From<lifecycle::Error> for Problem {
    fn from(err: lifecycle::Error) -> Self {
        let refused = match err {
            lifecycle::Error::Refused(refused) => refused,
            lifecycle::Error::Database(err) => return err.into(),
        };
        let code = match refused {
            Refused::NotFound => return Self::not_found(),
            Refused::Illegal { .. } => "not_allowed_in_this_state",
            Refused::CandidateArchived => "candidate_archived",
            Refused::TemplateNotAvailable => "template_not_available",
            Refused::TooSoon { .. } => "resent_too_soon",
            Refused::DailyEmailCap { .. } => "daily_email_cap",
            // The candidate's own steps, which no API route takes.
            _ => "conflict",
        };
        Self::conflict(code, refused.to_string())
    }
}
