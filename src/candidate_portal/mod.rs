//! What a candidate sees at `/i/<token>`: the landing page with the interview's details,
//! and clear pages for links that are unknown, cancelled, expired or already completed.
//! Candidates never sign in: the link is their key, so it is checked on every request
//! and kept out of logs (routes are logged by template) and Referer headers.

mod handlers;
mod store;
mod views;

use axum::{Router, http::HeaderValue, routing::get};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/i/{token}", get(handlers::landing))
        // Pages holding the link must not be kept by caches or shown by search engines.
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        ))
}
