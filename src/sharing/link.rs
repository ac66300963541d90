//! The share link's token (`BASE_URL/s/<token>`): the candidate link's kind of token
//! under its own purpose, over the share's id and nonce. [`OpenShare`] opens it: an
//! unknown or tampered token is not found; a revoked or expired one is gone, and says so.

use axum::{
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
    response::{Html, IntoResponse, Response},
};
use rules::link::{ClaimedToken, Purpose, token_for};
use uuid::Uuid;

use super::{
    store::{self, ShareScope},
    views::ClosedPage,
};
use crate::ids::{CompanyId, InterviewId};
use crate::{domain::SecretKey, error::AppError, extract::PathText, state::AppState, static_files};

pub fn token(key: &SecretKey, share_id: Uuid, nonce: &[u8]) -> String {
    token_for(Purpose::ShareLink, key, share_id, nonce)
}

pub fn url(base_url: &url::Url, token: &str) -> String {
    format!("{}/s/{token}", base_url.as_str().trim_end_matches('/'))
}

/// A share whose token was verified and which is still in force. Made only by
/// [`OpenShare`], so the company it names is the one that shared.
pub struct VerifiedShare {
    pub id: Uuid,
    company: Uuid,
    /// The interview it was created from.
    pub interview_id: InterviewId,
    pub scope: ShareScope,
    pub include_contact: bool,
}

impl VerifiedShare {
    pub fn company_id(&self) -> CompanyId {
        CompanyId::of_share_link(self)
    }

    /// For [`CompanyId::of_share_link`] alone.
    pub(crate) fn company_uuid(&self) -> Uuid {
        self.company
    }
}

/// The share link in the path, verified and in force; any other gets the page that says
/// why before the handler runs.
pub struct OpenShare {
    pub token: String,
    pub share: VerifiedShare,
}

impl FromRequestParts<AppState> for OpenShare {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = match PathText::from_request_parts(parts, state).await {
            Ok(PathText(token)) => token,
            Err(AppError::NotFound) => return Err(closed(StatusCode::NOT_FOUND, NOT_VALID)),
            Err(err) => return Err(err.into_response()),
        };
        let Some(claimed) = ClaimedToken::parse(&token) else { return Err(closed(StatusCode::NOT_FOUND, NOT_VALID)) };
        let stored = match store::link(&state.pool, claimed.interview_id).await {
            Ok(Some(stored)) if claimed.verify_for(Purpose::ShareLink, &state.config.secret_key, &stored.nonce) => {
                stored
            }
            Ok(_) => return Err(closed(StatusCode::NOT_FOUND, NOT_VALID)),
            Err(err) => return Err(AppError::from(err).into_response()),
        };
        if stored.revoked {
            return Err(closed(StatusCode::GONE, REVOKED));
        }
        if stored.expired {
            return Err(closed(StatusCode::GONE, EXPIRED));
        }
        let share = VerifiedShare {
            id: stored.id,
            company: stored.company_id,
            interview_id: stored.interview_id,
            scope: stored.scope,
            include_contact: stored.include_contact,
        };
        Ok(Self { token, share })
    }
}

const NOT_VALID: (&str, &str) = (
    "This link is not valid",
    "Check that you opened the whole link you were sent. If it still doesn't work, ask the person who shared it.",
);
const REVOKED: (&str, &str) =
    ("This link was withdrawn", "The person who shared this interview withdrew the link. Ask them for a new one.");
const EXPIRED: (&str, &str) = (
    "This link has expired",
    "Shared interviews can be seen only for a set time. Ask the person who shared it for a new link.",
);

fn closed(status: StatusCode, (title, message): (&'static str, &'static str)) -> Response {
    let page = ClosedPage { asset_version: static_files::version(), title, message };
    match askama::Template::render(&page) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => AppError::from(err).into_response(),
    }
}
