//! Company settings: automatic reminders to candidates who have not started their
//! interview, and the invitation and reminder emails' texts. Admins change them; each
//! company sees and changes only its own.

mod emails;
mod handlers;
pub mod store;
mod views;

use axum::{Router, routing::get};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(handlers::page).post(handlers::save))
        .route("/settings/emails", get(emails::page).post(emails::submit))
}
