//! The built-in scorer: deterministic, explainable, no network. The matching itself
//! lives in the `rules` crate ([`rules::evaluation::rubric`]); this is its `Scorer`.

pub use rules::evaluation::rubric::*;

use super::{
    BoxFuture, ServiceError,
    model::{InterviewForScoring, Scorecard},
    scorer::Scorer,
};

pub struct RubricScorer;

impl Scorer for RubricScorer {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn model(&self) -> &str {
        "built-in rubric"
    }

    fn version(&self) -> &'static str {
        VERSION
    }

    fn score<'a>(&'a self, interview: &'a InterviewForScoring) -> BoxFuture<'a, Result<Scorecard, ServiceError>> {
        Box::pin(async move { Ok(score_interview(interview)) })
    }
}
