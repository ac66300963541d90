//! The candidate's data: erasure of a person (at their request from the interview link,
//! a request the company received by other means, or a recruiter's **Erase candidate**),
//! within the company's deadline; a recruiter's **Erase interview** of one interview; the retention limits housekeeping applies; the archive
//! of everything held about a candidate that answers an access request.

mod archive;
pub mod erasure;
mod handlers;
pub mod interview_erasure;
pub mod retention;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/candidates/{id}/erase", get(handlers::confirm).post(handlers::erase))
        .route("/candidates/{id}/erasure-request", post(handlers::record_request))
        .route("/candidates/{id}/archive", get(handlers::archive))
        .route("/interviews/{id}/erase", get(handlers::confirm_interview).post(handlers::erase_interview))
}
