//! Portal sections that hold nothing yet show what will be there and the next step.

use askama::Template;
use axum::{Router, response::Response, routing::get};

use crate::{
    app::AppState,
    auth::CurrentUser,
    error::AppResult,
    layout::{Section, Shell, render},
};

#[derive(Template)]
#[template(path = "empty_section.html")]
struct EmptySectionPage {
    shell: Shell,
    title: &'static str,
    heading: &'static str,
    text: &'static str,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(|user: CurrentUser, shell: Shell| empty(user, shell, Section::Jobs, "No jobs yet", "Each interview is for a job opening. Your jobs and their interview templates appear here.")))
        .route("/interview-templates", get(|user: CurrentUser, shell: Shell| empty(user, shell, Section::InterviewTemplates, "No interview templates yet", "Templates hold the questions candidates answer on video. Publish one to send it.")))
        .route("/interviews", get(|user: CurrentUser, shell: Shell| empty(user, shell, Section::Interviews, "No interviews yet", "Every interview you send appears here: Pending, In Progress or Completed.")))
}

async fn empty(_: CurrentUser, shell: Shell, section: Section, heading: &'static str, text: &'static str) -> AppResult<Response> {
    render(&EmptySectionPage { shell: shell.at(section), title: section.label(), heading, text })
}
