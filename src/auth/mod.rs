//! Accounts and sessions: sign-up (a company and its first admin) confirmed by an
//! emailed link, sign-in with throttling, password reset and change, sign-out, roles and
//! who may use which route, the session cookie, and cross-site request refusal.

use crate::ids::{CompanyId, UserId};
pub mod csrf;
mod handlers;
pub mod password;
pub mod rate_limit;
pub mod roles;
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

use crate::state::AppState;

pub(crate) use handlers::start_session;
pub use store::{Verified, create_company_with_owner};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(handlers::home))
        .route("/sign-up", get(handlers::sign_up_page).post(handlers::sign_up))
        .route("/sign-in", get(handlers::sign_in_page).post(handlers::sign_in))
        .route("/verify-email/{token}", get(handlers::verify_email))
        .route("/verify-email", post(handlers::resend_verification))
        .route("/forgot-password", get(handlers::forgot_password_page).post(handlers::forgot_password))
        .route("/reset-password/{token}", get(handlers::reset_password_page).post(handlers::reset_password))
        .route("/account/password", get(handlers::change_password_page).post(handlers::change_password))
        .route("/sign-out", post(handlers::sign_out))
}

/// The signed-in member. As an extractor it sends anyone else to the sign-in page; what
/// their role allows is checked before any handler runs ([`roles::enforce`]).
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: roles::Role,
    pub company_id: CompanyId,
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

/// The client's address: the peer's, or behind `TRUSTED_PROXY_HOPS` proxies the address
/// the outermost of them saw: each appends the address it was reached from, so that one
/// is that many entries from the end of `X-Forwarded-For`. Entries further left are the
/// client's own words. A header shorter than that, or unreadable, means the request did
/// not come through every proxy: the peer's address counts.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(Self(forwarded_client(&parts.headers, state.config.trusted_proxy_hops).unwrap_or(peer)))
    }
}

fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return None;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str())
        .collect::<Result<Vec<_>, _>>()
        .ok()?
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(hops)?;
    entries[index].parse().ok()
}

/// Only same-site paths are followed after sign-in, never `//evil.example`; without one,
/// home, which sends each role to where its work starts.
pub fn safe_next(next: Option<&str>) -> &str {
    crate::forms::local_path(next).unwrap_or("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_client_is_as_many_entries_from_the_end_as_there_are_trusted_proxies() {
        let headers = forwarded(&["198.51.100.9, 203.0.113.7", "10.0.0.2"]);
        assert_eq!(forwarded_client(&headers, 0), None, "no proxy: the header is the client's own words");
        assert_eq!(forwarded_client(&headers, 1), Some("10.0.0.2".parse().unwrap()));
        assert_eq!(forwarded_client(&headers, 2), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(forwarded_client(&headers, 4), None, "fewer entries than proxies: not through them all");
        assert_eq!(forwarded_client(&forwarded(&["203.0.113.7, junk"]), 1), None, "not the last parseable entry");
    }
}
