use askama::Template;

use crate::static_files;

#[derive(Template)]
#[template(path = "candidate_portal/landing.html")]
pub struct LandingPage {
    pub asset_version: &'static str,
    pub candidate_name: String,
    pub company_name: String,
    pub job_title: String,
    pub intro: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub video_questions: i64,
    pub deadline: String,
}

/// The page for a link that can't be used: unknown, cancelled, expired or done.
#[derive(Template)]
#[template(path = "candidate_portal/closed.html")]
pub struct ClosedPage {
    pub asset_version: &'static str,
    pub title: &'static str,
    pub message: String,
}

impl ClosedPage {
    pub fn new(title: &'static str, message: impl Into<String>) -> Self {
        Self { asset_version: static_files::version(), title, message: message.into() }
    }
}
