//! Applications: a candidate considered for a job, one per pair, with a stage.
//! The Applications page (filter by job and stage, search by candidate) and the
//! application page with its Overview and Interviews tabs. Applications are created
//! from the candidate page ("Add to job", in `candidates`) and, later, by sending an
//! interview.

mod handlers;
pub mod model;
pub mod store;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications", get(handlers::list))
        .route("/applications/{id}", get(handlers::show))
        .route("/applications/{id}/stage", post(handlers::set_stage))
}
