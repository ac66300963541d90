use askama::Template;

use crate::ids::{CandidateId, InterviewId};
use crate::layout::Shell;

/// **Erase candidate**: what goes, and the button that confirms it.
#[derive(Template)]
#[template(path = "privacy/erase.html")]
pub struct EraseCandidatePage {
    pub shell: Shell,
    pub id: CandidateId,
    pub name: String,
    pub email: String,
    pub applications: i64,
    pub interviews: i64,
    pub recordings: i64,
    pub typed_answers: i64,
    pub emails: i64,
    /// Days the company takes to carry out a request received by other means.
    pub deadline_days: i32,
    /// A request is waiting: when it is due.
    pub due: Option<String>,
}

/// **Erase interview**: what goes, what stays, and the button that confirms it.
#[derive(Template)]
#[template(path = "privacy/erase_interview.html")]
pub struct EraseInterviewPage {
    pub shell: Shell,
    pub id: InterviewId,
    pub held: super::interview_erasure::Holdings,
}
