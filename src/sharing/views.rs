use askama::{Template, filters::HtmlSafe};
use uuid::Uuid;

use crate::ids::InterviewId;
use crate::{dates::When, evaluation::model::Recommendation};

/// The Share section of the interview page: the form, and each share with its views.
#[derive(Template)]
#[template(path = "sharing/section.html")]
pub struct SharesSection {
    pub interview_id: InterviewId,
    /// Recruiters and admins share and revoke; others see the shares and their views.
    pub may_share: bool,
    pub default_days: i32,
    pub max_days: i32,
    pub shares: Vec<ShareView>,
}

/// Its template escapes every value, so the interview page writes its output as it is.
impl HtmlSafe for SharesSection {}

pub struct ShareView {
    pub id: Uuid,
    /// The working link, rebuilt from the nonce, while it is in force and the viewer may share.
    pub link: Option<String>,
    pub scope: &'static str,
    pub include_contact: bool,
    pub by: Option<String>,
    pub created: When,
    pub expires: When,
    pub state: &'static str,
    pub badge: &'static str,
    pub active: bool,
    pub views: Vec<ViewLine>,
}

pub struct ViewLine {
    pub at: When,
    pub client_ip: String,
    pub what: String,
}

/// A revoked, expired or unknown share link.
#[derive(Template)]
#[template(path = "sharing/closed.html")]
pub struct ClosedPage {
    pub asset_version: &'static str,
    pub title: &'static str,
    pub message: &'static str,
}

/// One shared interview: the answers and the evaluation, nothing that changes data.
#[derive(Template)]
#[template(path = "sharing/interview.html")]
pub struct SharedInterviewPage {
    pub asset_version: &'static str,
    pub company_name: String,
    pub candidate_name: String,
    /// Only when the sharer chose to include it.
    pub contact: Option<Contact>,
    pub job_title: String,
    pub status: &'static str,
    pub completed: Option<When>,
    /// The job-wide list this interview was opened from.
    pub back_href: Option<String>,
    pub evaluation: Option<SharedEvaluation>,
    pub answers: Vec<SharedAnswer>,
}

pub struct Contact {
    pub email: String,
    pub phone: Option<String>,
}

pub struct SharedEvaluation {
    pub score: Option<i32>,
    pub recommendation: Option<Recommendation>,
    pub summary: String,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
}

pub struct SharedAnswer {
    pub number: usize,
    pub prompt: String,
    /// The share-scoped address of the recording, for a video answer.
    pub media_src: Option<String>,
    pub text_answer: Option<String>,
    pub answered: bool,
    pub transcript: Option<String>,
    pub score: Option<i32>,
    pub reason: String,
    pub covered: Vec<String>,
    pub missed: Vec<String>,
}

/// A job-wide share: the job's completed interviews.
#[derive(Template)]
#[template(path = "sharing/job.html")]
pub struct SharedJobPage {
    pub asset_version: &'static str,
    pub company_name: String,
    pub job_title: String,
    pub interviews: Vec<SharedJobRow>,
}

pub struct SharedJobRow {
    pub href: String,
    pub candidate_name: String,
    pub completed: Option<When>,
    pub score: Option<i32>,
    pub recommendation: Option<Recommendation>,
}
