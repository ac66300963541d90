//! Accounts and sessions: sign-up (a company and its first recruiter) confirmed by an
//! emailed link, sign-in with throttling, sign-out, teammates, the session cookie, and cross-site request refusal.

pub mod csrf;
mod handlers;
pub mod password;
pub mod rate_limit;
pub mod session;
mod store;
pub mod throttle;
pub mod tokens;
mod views;

use std::net::{IpAddr, SocketAddr};

use axum::{
    Router,
    extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use uuid::Uuid;

use crate::state::AppState;

pub use store::{Verified, create_company_with_owner};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(handlers::home))
        .route("/sign-up", get(handlers::sign_up_page).post(handlers::sign_up))
        .route("/sign-in", get(handlers::sign_in_page).post(handlers::sign_in))
        .route("/verify-email/{token}", get(handlers::verify_email))
        .route("/verify-email", post(handlers::resend_verification))
        .route("/sign-out", post(handlers::sign_out))
        .route("/team", get(handlers::team_page).post(handlers::add_teammate))
}

/// The signed-in recruiter. As an extractor it sends anyone else to the sign-in page.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub company_id: Uuid,
    pub company_name: String,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        // A form posted after the session ended can't be replayed (and its address only
        // answers POST): sign in, then start from the portal.
        if parts.method != axum::http::Method::GET {
            return Err(crate::layout::Flash::error(
                "Your session has ended, so that form was not sent. Sign in and try again.",
            )
            .redirect("/sign-in"));
        }
        let here = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        Err(Redirect::to(&format!("/sign-in?next={next}")).into_response())
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}

/// Reads one cookie from the request headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The client's address: the peer, or with `TRUST_FORWARDED_FOR` the address the
/// proxy in front of us saw (the last `X-Forwarded-For` entry, which it appended).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|ip| ip.trim().parse().ok())
                .next_back();
            if let Some(ip) = forwarded {
                return Ok(Self(ip));
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        Ok(Self(peer.unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}

/// Only same-site paths are followed after sign-in, never `//evil.example`.
pub fn safe_next(next: Option<&str>) -> &str {
    crate::forms::local_path(next).unwrap_or("/candidates")
}
