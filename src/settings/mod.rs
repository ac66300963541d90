//! Company settings: automatic reminders to candidates who have not started their
//! interview, the invitation and reminder emails' texts, and the company's words in the
//! notice candidates read before one, and the keys of the JSON API. Admins change them;
//! each company sees and changes only its own.

mod api_keys;
mod emails;
mod handlers;
pub mod store;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(handlers::page).post(handlers::save))
        .route("/settings/privacy", post(handlers::save_privacy))
        .route("/settings/data", post(handlers::save_data_rights))
        .route("/settings/emails", get(emails::page).post(emails::submit))
        .route("/settings/api-keys", get(api_keys::page).post(api_keys::create))
        .route("/settings/api-keys/{id}/revoke", post(api_keys::revoke))
}
