//! Reviewers: teammates assigned to rate an interview, or by default every interview of
//! a job. Each is emailed (an account email) when the interview is completed and
//! evaluated, and finds it on **My reviews**. Unless an admin turns it off, a reviewer
//! sees neither the evaluation's scores nor the others' ratings until they have rated
//! every answer themselves, so nobody anchors on them. The team rating (the mean of each
//! reviewer's mean, over those who rated every answer) is kept on the interview by a
//! trigger on ratings, so the Interviews page sorts by it with an index.

mod handlers;
pub mod mail;
pub mod store;
mod views;

pub use handlers::{interview_section, job_section, must_rate_first};
pub use views::ReviewersSection;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(handlers::mine))
        .route("/interviews/{id}/reviewers", post(handlers::assign))
        .route("/interviews/{id}/reviewers/{user_id}/remove", post(handlers::unassign))
        .route("/jobs/{id}/reviewers", post(handlers::assign_to_job))
        .route("/jobs/{id}/reviewers/{user_id}/remove", post(handlers::unassign_from_job))
        .route("/settings/blind-review", post(handlers::save_blind_review))
}
