//! One error type for handlers. Users see a friendly page in the layout (rendered by
//! [`crate::layout::layout_middleware`], which knows who is signed in); logs get the whole
//! cause chain.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also what another company's ids get: their existence is not revealed.
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// Too much work at once (password hashing): try again in a moment.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Put into a response's extensions; the layout middleware turns it into a page.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        Self::Unexpected(err.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        Self::Unexpected(err.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "This page does not exist, or it belongs to another company.".to_owned(),
            ),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, "Not allowed", message),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, "Something is wrong with this request", message),
            Self::Conflict(message) => (StatusCode::CONFLICT, "This can't be done now", message),
            Self::TooManyRequests(message) => (StatusCode::TOO_MANY_REQUESTS, "Please wait", message),
            Self::Busy => {
                let message = "Hifinity is busy right now. Try again in a few seconds.".to_owned();
                let mut response = error_response(StatusCode::SERVICE_UNAVAILABLE, "Busy, try again", message);
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("2"));
                return response;
            }
            Self::Unexpected(err) => {
                tracing::error!(error = ?err, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "We could not complete this request. Please try again in a moment.".to_owned(),
                )
            }
        };
        error_response(status, title, message)
    }
}

pub fn error_response(status: StatusCode, title: &'static str, message: String) -> Response {
    let mut response = (status, message.clone()).into_response();
    response.extensions_mut().insert(ErrorPage { title, message });
    response
}

pub type AppResult<T> = Result<T, AppError>;
