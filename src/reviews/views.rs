use askama::{Template, filters::HtmlSafe};

use crate::ids::{InterviewId, UserId};
use crate::{dates::When, layout::Shell};

/// The reviewers of an interview, or the default reviewers of a job, with the form that
/// assigns one.
#[derive(Template)]
#[template(path = "reviews/reviewers.html")]
pub struct ReviewersSection {
    /// `/interviews/{id}/reviewers` or `/jobs/{id}/reviewers`.
    pub action: String,
    pub heading: &'static str,
    pub hint: &'static str,
    pub rows: Vec<ReviewerRow>,
    /// Members not assigned yet; empty when the viewer may not assign.
    pub choices: Vec<Choice>,
    pub may_assign: bool,
    /// An interview's reviewers have a due date; a job's do not.
    pub with_due_date: bool,
    pub team: Option<TeamRating>,
}

/// Its template escapes every value, so the pages that hold it write its output as it is.
impl HtmlSafe for ReviewersSection {}

pub struct ReviewerRow {
    pub user_id: UserId,
    pub name: String,
    pub due: Option<String>,
    /// "Rated" or "Not rated yet" on an interview; empty on a job.
    pub state: &'static str,
}

pub struct Choice {
    pub id: UserId,
    pub name: String,
}

/// The team rating line: "3.5 / 5 · spread 1.0 · 2 of 3 have rated".
pub struct TeamRating {
    /// `None` until someone has rated every answer, or while the viewer must rate first.
    pub rating: Option<String>,
    pub spread: Option<String>,
    pub raters: i32,
    pub reviewers: usize,
    /// The viewer has yet to rate every answer before seeing it.
    pub hidden: bool,
}

#[derive(Template)]
#[template(path = "reviews/mine.html")]
pub struct MyReviewsPage {
    pub shell: Shell,
    /// To do, then done.
    pub lists: [MyReviewList; 2],
}

pub struct MyReviewList {
    pub id: &'static str,
    pub title: &'static str,
    pub empty: &'static str,
    pub rows: Vec<MyReviewRow>,
}

pub struct MyReviewRow {
    pub interview_id: InterviewId,
    pub candidate_name: String,
    pub job_title: String,
    pub completed: Option<When>,
    pub due: Option<String>,
    pub overdue: bool,
    /// "2 of 3 answers rated".
    pub progress: String,
    pub rated: Option<When>,
}
