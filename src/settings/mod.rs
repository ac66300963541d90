//! Company settings: automatic reminders to candidates who have not started their
//! interview. Every recruiter of the company can change them; each company sees
//! and changes only its own.

mod handlers;
pub mod store;
mod views;

use axum::{Router, routing::get};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings", get(handlers::page).post(handlers::save))
}
