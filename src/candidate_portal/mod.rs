//! What a candidate sees at `/i/<token>`: the landing page with the notice they agree to
//! before anything else, then the device check, an unscored practice question when the
//! template offers one (recorded and played back in the browser, never uploaded), one
//! question at a time (recorded video streamed to storage, or typed text), resume at the
//! first unanswered question, completion, and clear pages for links that are unknown,
//! cancelled, expired or already completed.
//! Candidates never sign in: the link is their key, so it is checked on every request
//! and kept out of logs (routes are logged by template) and Referer headers.

mod erasure;
pub use erasure::due_text;

mod handlers;
mod notice;
mod store;
mod views;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::HeaderValue,
    routing::{get, post},
};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/i/{token}", get(handlers::landing))
        .route("/i/{token}/consent", post(handlers::consent))
        .route("/i/{token}/human-review", post(handlers::human_review))
        .route("/i/{token}/start", post(handlers::start))
        // Practice recordings stay in the browser: this route only shows the question.
        .route("/i/{token}/practice", get(handlers::practice))
        .route("/i/{token}/q", get(handlers::question))
        // Recordings stream to storage under MAX_ANSWER_MB, not the form body limit.
        .route("/i/{token}/answers/{question_id}", post(handlers::answer).layer(DefaultBodyLimit::disable()))
        .route("/i/{token}/complete", post(handlers::complete))
        .route("/i/{token}/erase", get(erasure::confirm).post(erasure::erase))
        // Pages holding the link must not be kept by caches or shown by search engines.
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // The device check and the recorder need the camera and microphone, for this site only.
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(self), microphone=(self), geolocation=()"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        ))
}
