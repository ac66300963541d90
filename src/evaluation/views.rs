use askama::{Template, filters::HtmlSafe};
use uuid::Uuid;

use super::model::Recommendation;
use crate::ids::InterviewId;
use crate::{dates::When, interview_templates::model::AnswerKind};

/// The evaluation and review section of the interview page.
#[derive(Template)]
#[template(path = "evaluation/review.html")]
pub struct ReviewSection {
    pub interview_id: InterviewId,
    pub state: Option<RunState>,
    pub can_rerun: bool,
    /// "Run evaluation" when none has run yet.
    pub rerun_label: &'static str,
    pub result: Option<ResultView>,
    /// The latest run is not done: the result shown is the previous one.
    pub showing_previous: bool,
    /// The viewer rates every answer before the result and the others' ratings appear.
    pub rate_first: bool,
    pub questions: Vec<QuestionView>,
    pub decision: DecisionView,
    /// The team's decision is a recruiter's; a reviewer sees it but not the form.
    pub may_decide: bool,
}

/// Its template escapes every value, so the interview page writes its output as it is.
impl HtmlSafe for ReviewSection {}

pub struct RunState {
    pub label: &'static str,
    pub badge: &'static str,
    pub message: Option<String>,
    pub retry: Option<When>,
    pub since: Option<When>,
    pub requested_by: Option<String>,
}

pub struct ResultView {
    /// How many answers have a score: an overall score only when all do.
    pub scored: Scored,
    pub score: Option<i32>,
    pub recommendation: Option<Recommendation>,
    pub summary: String,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
    pub produced_by: String,
    pub is_rubric: bool,
    pub finished: Option<When>,
}

pub struct Scored {
    pub scored: usize,
    pub of: usize,
}

impl Scored {
    pub fn is_partial(&self) -> bool {
        self.scored < self.of
    }
}

impl std::fmt::Display for Scored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = if self.of == 1 { "" } else { "s" };
        write!(f, "{} of {} answer{plural} scored", self.scored, self.of)
    }
}

pub struct QuestionView {
    pub number: usize,
    pub prompt: String,
    pub key_points: Vec<String>,
    /// When the question was shown and how long the answer took, as the server saw it.
    pub timing: Option<String>,
    /// The answer seems to give the evaluator instructions: a person should judge it.
    pub addresses_the_evaluator: bool,
    pub answer_id: Option<Uuid>,
    /// `None` when the question was not answered.
    pub answer_kind: Option<AnswerKind>,
    pub text_answer: String,
    pub media_src: String,
    pub transcript: Option<String>,
    /// Shown instead of a transcript, e.g. "No transcript: no transcription service is configured".
    pub transcript_note: Option<String>,
    pub result: Option<ScoreView>,
    pub reviews: Vec<ReviewView>,
    pub my_rating: Option<i32>,
    pub my_note: String,
}

impl QuestionView {
    pub fn is_video(&self) -> bool {
        self.answer_kind == Some(AnswerKind::Video)
    }

    pub fn is_text(&self) -> bool {
        self.answer_kind == Some(AnswerKind::Text)
    }

    pub fn rating_options(&self) -> Vec<RatingOption> {
        RATINGS
            .iter()
            .map(|&(value, label)| RatingOption { value, label, selected: self.my_rating == Some(value) })
            .collect()
    }
}

pub struct RatingOption {
    pub value: i32,
    pub label: &'static str,
    pub selected: bool,
}

pub const RATINGS: [(i32, &str); 5] =
    [(1, "1 – Poor"), (2, "2 – Weak"), (3, "3 – Adequate"), (4, "4 – Good"), (5, "5 – Excellent")];

pub struct ScoreView {
    pub score: Option<i32>,
    pub reason: String,
    pub covered: Vec<String>,
    pub missed: Vec<String>,
}

pub struct ReviewView {
    pub user_name: String,
    pub rating: i32,
    pub note: Option<String>,
    pub at: When,
    pub is_mine: bool,
}

pub struct DecisionView {
    pub current: Option<CurrentDecision>,
    pub options: Vec<DecisionOption>,
    pub note: String,
}

pub struct CurrentDecision {
    pub label: &'static str,
    pub badge: &'static str,
    pub note: Option<String>,
    pub by: Option<String>,
    pub at: When,
}

pub struct DecisionOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}
