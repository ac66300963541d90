//! Your own account: who you are, your role, and the sessions that sign you in (device,
//! address, last seen), with a way to sign out any one of the others, or all of them.

mod device;
mod handlers;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(handlers::page))
        .route("/account/sessions/sign-out-others", post(handlers::sign_out_others))
        .route("/account/sessions/{id}/sign-out", post(handlers::sign_out_one))
}
