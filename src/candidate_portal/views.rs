use askama::Template;

use super::notice::Notice;
use crate::ids::QuestionId;
use crate::static_files;

#[derive(Template)]
#[template(path = "candidate_portal/landing.html")]
pub struct LandingPage {
    pub asset_version: &'static str,
    pub token: String,
    /// Started before: offer to continue rather than start.
    pub started: bool,
    pub answered: usize,
    pub candidate_name: String,
    pub company_name: String,
    pub job_title: String,
    pub intro: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub video_questions: i64,
    pub deadline: String,
    pub notice: Notice,
    /// The candidate agreed to the notice: the device check and Start follow it.
    pub consented: bool,
    /// The candidate asked for a person's review instead of AI.
    pub human_review: bool,
    /// A recruiter lifted the time limits for this candidate.
    pub unlimited_time: bool,
    /// The template offers a practice question.
    pub practice: bool,
    /// The candidate asked for erasure: when it will be done.
    pub erasure_due: Option<String>,
}

/// The unscored practice question: recorded and played back in the browser only.
#[derive(Template)]
#[template(path = "candidate_portal/practice.html")]
pub struct PracticePage {
    pub asset_version: &'static str,
    pub token: String,
    pub company_name: String,
    pub job_title: String,
    pub prompt: String,
}

#[derive(Template)]
#[template(path = "candidate_portal/question.html")]
pub struct QuestionPage {
    pub asset_version: &'static str,
    pub upload_url: String,
    pub next_url: String,
    pub company_name: String,
    pub job_title: String,
    pub number: usize,
    pub total: usize,
    pub prompt: String,
    pub is_video: bool,
    /// `None`: no time limits (a recruiter granted them).
    pub timing: Option<Timing>,
    pub max_chars: usize,
    /// 1, or more when answering again.
    pub attempt: i32,
    pub retakes_left: i32,
    pub error: Option<String>,
    pub text: String,
}

/// A question's times in seconds, as granted and as left now (the server's clock, so a
/// reload resumes rather than restarts).
pub struct Timing {
    pub thinking: i32,
    pub answer: i32,
    pub thinking_left: i32,
    pub answer_left: i32,
}

impl Timing {
    /// The page was reloaded after part of the time ran.
    pub fn resumed(&self) -> bool {
        self.thinking_left < self.thinking || self.answer_left < self.answer
    }
}

impl QuestionPage {
    pub fn percent_done(&self) -> usize {
        (self.number - 1) * 100 / self.total.max(1)
    }
}

/// Every question answered: review and **Complete interview**.
#[derive(Template)]
#[template(path = "candidate_portal/review.html")]
pub struct ReviewPage {
    pub asset_version: &'static str,
    pub token: String,
    pub company_name: String,
    pub job_title: String,
    pub questions: Vec<ReviewItem>,
}

pub struct ReviewItem {
    pub id: QuestionId,
    pub prompt: String,
    /// Its time ran out without an answer.
    pub missed: bool,
    pub retakes_left: i32,
}

/// The page for a link that can't be used: unknown, cancelled, expired or done.
#[derive(Template)]
#[template(path = "candidate_portal/closed.html")]
pub struct ClosedPage {
    pub asset_version: &'static str,
    pub title: &'static str,
    pub message: String,
    /// A genuine link to a closed interview still lets its candidate ask for erasure.
    pub erase_url: Option<String>,
}

impl ClosedPage {
    pub fn new(title: &'static str, message: impl Into<String>) -> Self {
        Self { asset_version: static_files::version(), title, message: message.into(), erase_url: None }
    }

    pub fn erasable(self, token: &str) -> Self {
        Self { erase_url: Some(format!("/i/{token}/erase")), ..self }
    }
}

/// Asking for erasure: what goes, and the button that confirms it.
#[derive(Template)]
#[template(path = "candidate_portal/erase.html")]
pub struct ErasePage {
    pub asset_version: &'static str,
    pub token: String,
    pub company_name: String,
    /// Days the company takes to carry out a request; 0: at once.
    pub deadline_days: i32,
    /// Already requested: when it will be done.
    pub due: Option<String>,
}
