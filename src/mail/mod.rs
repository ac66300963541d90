//! Email: composing invitations and account emails, the Postgres outbox, SMTP or built-in mailbox delivery,
//! the Outbox pages of the portal, and the open-tracking pixel.

pub mod account;
pub mod compose;
pub mod dkim;
mod handlers;
pub mod outbox;
mod sessions;
pub mod texts;
pub mod transport;
mod views;
pub mod worker;

use axum::{Router, routing::get};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbox", get(handlers::list))
        .route("/outbox/{id}", get(handlers::show))
        .route("/outbox/{id}/html", get(handlers::show_html))
        .route("/e/{pixel}", get(handlers::pixel))
}
