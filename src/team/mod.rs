//! The team (admins only): members and their roles, deactivating a member (their
//! sessions end at once), and invitations by email with a role. The invitee follows a
//! one-time link, valid 7 days, and chooses their own name and password: nobody ever
//! chooses another person's password. An address that already has an account gets a
//! note instead of an invitation, and the inviter sees the same "invitation sent".

mod handlers;
pub mod mail;
mod store;

pub use store::members;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

/// How long an invitation's link works.
pub const INVITATION_DAYS: i32 = 7;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/team", get(handlers::page))
        .route("/team/invitations", post(handlers::invite))
        .route("/team/invitations/{id}/resend", post(handlers::resend))
        .route("/team/invitations/{id}/revoke", post(handlers::revoke))
        .route("/team/members/{id}/role", post(handlers::set_role))
        .route("/team/members/{id}/deactivate", post(handlers::deactivate))
        .route("/team/members/{id}/reactivate", post(handlers::reactivate))
        .route("/team/join/{token}", get(handlers::join_page).post(handlers::join))
}

/// The invitation's link: `BASE_URL/team/join/<token>`, rebuilt from its nonce.
pub fn join_url(config: &crate::config::Config, invitation_id: uuid::Uuid, nonce: &[u8]) -> String {
    let token = rules::link::token_for(rules::link::Purpose::TeamInvitation, &config.secret_key, invitation_id, nonce);
    format!("{}/team/join/{token}", config.base_url.as_str().trim_end_matches('/'))
}
