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
        .route("/candidates", get(|user: CurrentUser, shell: Shell| empty(user, shell, Section::Candidates, "No candidates yet", "The people you invite to interviews appear here, with their status: Invited, Active or Completed.")))
        .route("/applications", get(|user: CurrentUser, shell: Shell| empty(user, shell, Section::Applications, "No applications yet", "When a candidate is considered for a job, the application appears here with its stage and interviews.")))
}

async fn empty(_: CurrentUser, shell: Shell, section: Section, heading: &'static str, text: &'static str) -> AppResult<Response> {
    render(&EmptySectionPage { shell: shell.at(section), title: section.label(), heading, text })
}
