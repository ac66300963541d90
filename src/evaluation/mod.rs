//! Evaluation of completed interviews and the recruiters' review.
//!
//! Completing an interview queues an [`EvaluateInterview`] job in the same transaction;
//! the [`pipeline`] worker runs it, transcribes video answers through a
//! [`Transcriber`] (any OpenAI-compatible `/v1/audio/transcriptions`, or none), scores
//! every answer with a [`Scorer`] (an OpenAI-compatible chat model, see [`llm`], or the
//! deterministic built-in [`rubric`]) and records the result as one evaluation row per
//! run. The interview page shows the latest run beside the recruiters' own ratings.

use crate::ids::InterviewId;
mod handlers;
pub mod llm;
pub mod media;
pub mod model;
mod openai;
pub mod pipeline;
pub mod rubric;
pub mod scorer;
pub mod store;
pub mod transcriber;
mod views;

use std::{future::Future, pin::Pin};

use axum::{Router, routing::post};

use serde::{Deserialize, Serialize};

use crate::{queue::Job, state::AppState};

pub use handlers::review_section;
pub use media::MediaSource;
pub use pipeline::Evaluator;
pub use scorer::Scorer;
pub use transcriber::Transcriber;
pub use views::ReviewSection;

/// The job the candidate's completion (or a re-run) queues: one evaluation run.
#[derive(Debug, Serialize, Deserialize)]
pub struct EvaluateInterview {
    pub interview_id: InterviewId,
}

impl Job for EvaluateInterview {
    const KIND: &'static str = "evaluate_interview";
}

/// Why an interview whose candidate asked for a person's review is never evaluated.
pub const HUMAN_REVIEW_ONLY: &str =
    "The candidate asked for a person's review instead of AI: this interview is not transcribed or evaluated.";

/// What the service interfaces return: a boxed future, so that the pipeline can hold
/// whichever implementation the configuration chose (`Arc<dyn Scorer>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failed call to a transcription or scoring service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// Worth trying again later: rate limits, server errors, timeouts, no connection.
    /// `retry_after_secs` is the service's own `Retry-After`, when it gave one.
    #[error("{message}")]
    Transient { message: String, retry_after_secs: Option<u64> },
    /// Trying again will not help: a refused key or address, or replies that stay unusable.
    #[error("{0}")]
    Permanent(String),
    /// The service refused this input (400, 413, 415, 422): another input may still work.
    #[error("{0}")]
    Rejected(String),
}

impl ServiceError {
    pub fn transient(message: impl Into<String>) -> Self {
        Self::Transient { message: message.into(), retry_after_secs: None }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/interviews/{id}/evaluation/rerun", post(handlers::rerun))
        .route("/interviews/{id}/answers/{answer_id}/review", post(handlers::review_answer))
        .route("/interviews/{id}/decision", post(handlers::decide))
}
