//! Scoring: the `Scorer` interface. Two implementations: the OpenAI-compatible
//! chat model in [`super::llm`] and the built-in rubric in [`super::rubric`].

use super::{
    BoxFuture, ServiceError,
    model::{InterviewForScoring, Scorecard},
};

pub trait Scorer: Send + Sync {
    /// Recorded with each evaluation: `rubric` or `openai-compatible`.
    fn provider(&self) -> &'static str;
    fn model(&self) -> &str;
    /// The prompt or rubric version, so results of different versions can be told apart.
    fn version(&self) -> &'static str;
    /// One score per question (in order) and the overall verdict.
    fn score<'a>(&'a self, interview: &'a InterviewForScoring) -> BoxFuture<'a, Result<Scorecard, ServiceError>>;
}

/// How the interface names who produced an evaluation.
pub fn produced_by(provider: &str, model: &str, version: &str) -> String {
    match provider {
        super::rubric::PROVIDER => format!("Rubric match (built-in, not AI), rubric {version}"),
        _ => format!("AI model {model} (OpenAI-compatible API), prompt {version}"),
    }
}
