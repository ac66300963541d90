//! Interviews: the Send Interview modal, the secure link, tracking, resend, a new link, cancel and
//! deadline extension, automatic reminders and bulk send, the Interviews page, the
//! Interviews tab of an application, playback of recorded answers, and the CSV export of
//! the Interviews page (as filtered) and of a job's interviews. Every change to
//! an interview, whoever makes it, is a transition of its [`lifecycle`].

mod bulk;
mod export;
mod handlers;
pub mod lifecycle;
pub mod link;
pub mod media;
pub mod model;
pub mod store;
mod views;

pub use handlers::{application_section, application_tab, daily_cap_reached, send_interview_href};
pub use views::ApplicationInterviews;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/candidates/send-interview", get(bulk::page).post(bulk::send))
        .route("/candidates/{id}/send-interview", get(handlers::send_page).post(handlers::send))
        .route("/interviews", get(handlers::list))
        .route("/interviews/export", get(handlers::export))
        .route("/jobs/{id}/export", get(handlers::export_job))
        .route("/interviews/{id}", get(handlers::show))
        .route("/interviews/{id}/resend", post(handlers::resend))
        .route("/interviews/{id}/new-link", post(handlers::new_link))
        .route("/interviews/{id}/cancel", post(handlers::cancel))
        .route("/interviews/{id}/extend", post(handlers::extend))
        .route("/interviews/{id}/time-allowance", post(handlers::time_allowance))
        .route("/interviews/{id}/answers/{answer_id}/media", get(media::answer_media))
}
