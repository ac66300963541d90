//! Job openings: the list (open jobs first), create, the job page with its
//! interview templates, edit, close and reopen. Here "job" always means a job opening.
//!
//! A closed job keeps its templates and past interviews but is no longer offered when
//! sending an interview (see `interview_templates::store::sendable_templates`).

mod handlers;
pub mod model;
pub mod options;
pub mod store;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(handlers::list))
        .route("/jobs/new", get(handlers::new_page).post(handlers::create))
        .route("/jobs/{id}", get(handlers::show))
        .route("/jobs/{id}/edit", get(handlers::edit_page).post(handlers::update))
        .route("/jobs/{id}/close", post(handlers::close))
        .route("/jobs/{id}/reopen", post(handlers::reopen))
}
