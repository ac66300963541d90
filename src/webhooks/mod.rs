//! Webhooks (Settings → Webhooks, for admins): endpoints that receive the company's events
//! signed the Standard Webhooks way, delivered as jobs on the one queue with retries, and
//! listed per endpoint with a Redeliver button.
//!
//! - [`events`]: the events and [`emit`], called in the transaction of each change.
//! - [`signing`]: the `whsec_` secret and the `v1,` HMAC-SHA256 signature.
//! - [`guard`]: the refusal of private, loopback and link-local addresses, at save time
//!   and at every connection (unless `WEBHOOK_ALLOW_PRIVATE=true`).
//! - [`delivery`]: the job, the client (no redirects, a timeout, the guard as its
//!   resolver), retries, and disabling an endpoint after five days of failures.
//! - [`store`]: endpoints and deliveries.

pub mod delivery;
pub mod events;
pub mod guard;
mod handlers;
mod model;
pub mod signing;
pub mod store;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

pub use events::{Event, EventKind, emit};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/webhooks", get(handlers::page).post(handlers::create))
        .route("/settings/webhooks/{id}", get(handlers::show))
        .route("/settings/webhooks/{id}/delete", post(handlers::delete))
        .route("/settings/webhooks/{id}/enable", post(handlers::enable))
        .route("/settings/webhooks/{id}/deliveries/{delivery_id}/redeliver", post(handlers::redeliver))
}
