//! Share links: a read-only page of an interview (or of every completed interview of its
//! job) for people without an account, such as a hiring manager outside the portal.
//!
//! Recruiters and admins create one from the interview page, with an expiry, a scope and
//! whether the candidate's contact details are shown; they can revoke it. Like the
//! candidate's link, the token is a MAC under SECRET_KEY over the share's id and a random
//! nonce ([`link`]), so the database never holds a working link; a revoked or expired link
//! gets a page that says so. The shared pages change nothing; every view and every answer
//! played is logged with the client's address and listed under the share.

mod handlers;
pub mod link;
mod store;
mod views;

pub use handlers::interview_section;
pub use link::VerifiedShare;
pub use views::SharesSection;

use axum::{
    Router,
    http::{HeaderName, HeaderValue, header},
    routing::{get, post},
};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let public = Router::new()
        .route("/s/{token}", get(handlers::shared))
        .route("/s/{token}/interviews/{id}", get(handlers::shared_interview))
        .route("/s/{token}/interviews/{id}/answers/{answer_id}/media", get(handlers::shared_media))
        // Pages holding the link must not be kept by shared caches or shown by search engines.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        ));
    Router::new()
        .route("/interviews/{id}/shares", post(handlers::create))
        .route("/interviews/{id}/shares/{share_id}/revoke", post(handlers::revoke))
        .merge(public)
}
