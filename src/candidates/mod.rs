//! Candidates: the people a company may interview. The Candidates page (search
//! by name or email, status filter, pagination, a **Send Interview** button per row),
//! create, edit, delete or archive, and "Add to job" from the candidate page.
//!
//! A candidate's status follows their most recent interview and is stored on the row
//! (the sending feature updates it), so the status filter is an index scan; totals
//! come from `candidate_counts`, kept by triggers (migration 0005), and deep pages start
//! from `candidate_days` (0064). A search for part of one word is looked up in the lists
//! of the candidates' words (`word_search`, 0070); another common term's total is
//! estimated and shown as "about N" (see `store::list`).

mod handlers;
pub mod model;
pub mod store;
mod views;
mod word_search;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/candidates", get(handlers::list))
        .route("/candidates/new", get(handlers::new_page).post(handlers::create))
        .route("/candidates/{id}", get(handlers::show))
        .route("/candidates/{id}/edit", get(handlers::edit_page).post(handlers::update))
        .route("/candidates/{id}/delete", post(handlers::delete))
        .route("/candidates/{id}/restore", post(handlers::restore))
        .route("/candidates/{id}/applications", post(handlers::add_to_job))
}
