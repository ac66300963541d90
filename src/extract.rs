//! The HTTP edge: the extractors handlers read their path, query and form input with,
//! whose rejections are the product's own pages (in the layout), never axum's plain text.
//! `clippy.toml` refuses axum's `Path`, `RawPathParams`, `Query` and `Form` everywhere else.

use axum::{
    extract::{FromRequest, FromRequestParts, Request, rejection::FormRejection},
    http::{StatusCode, request::Parts},
    response::Response,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::{AppError, error_response};

/// Whether a path parameter holds a record's id: `{id}` or `{…_id}`. Every such
/// parameter is read by [`PathId`], and no other extractor reads it.
fn is_id(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

/// The path's parameters, by name, in the order of the route.
// The one place the raw parameters are read; the extractors below give them meaning.
#[allow(clippy::disallowed_types)]
async fn path_params<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<Vec<(String, String)>, AppError> {
    use axum::extract::{RawPathParams, rejection::RawPathParamsRejection};
    match RawPathParams::from_request_parts(parts, state).await {
        Ok(params) => Ok(params.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()),
        // Percent-encoding that is not UTF-8 cannot name anything of ours.
        Err(RawPathParamsRejection::InvalidUtf8InPathParam(_)) => Err(AppError::NotFound),
        Err(rejection) => Err(anyhow::anyhow!("reading the path's parameters: {rejection}").into()),
    }
}

/// The ids of a path, in the route's order: `PathId(id)` for `/jobs/{id}`,
/// `PathId((id, answer_id))` for `/interviews/{id}/answers/{answer_id}`.
///
/// Anything that is not a uuid is simply not found (like an id of another company),
/// never a 400 that tells the two apart.
pub struct PathId<T>(pub T);

/// An id type a path parameter is read into ([`crate::ids`] implements it for each).
pub trait PathUuid: Sized {
    fn from_path(id: Uuid) -> Self;
}

/// What a route's ids are read into: one id, or a pair.
pub trait PathIds: Sized {
    fn from_ids(ids: &[Uuid]) -> Option<Self>;
}

impl<T: PathUuid> PathIds for T {
    fn from_ids(ids: &[Uuid]) -> Option<Self> {
        match ids {
            [id] => Some(T::from_path(*id)),
            _ => None,
        }
    }
}

impl<A: PathUuid, B: PathUuid> PathIds for (A, B) {
    fn from_ids(ids: &[Uuid]) -> Option<Self> {
        match ids {
            [first, second] => Some((A::from_path(*first), B::from_path(*second))),
            _ => None,
        }
    }
}

impl<S: Send + Sync, T: PathIds> FromRequestParts<S> for PathId<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let params = path_params(parts, state).await?;
        let mut ids = Vec::with_capacity(2);
        for (_, value) in params.iter().filter(|(name, _)| is_id(name)) {
            ids.push(Uuid::parse_str(value).map_err(|_| AppError::NotFound)?);
        }
        // A handler asking for more or fewer ids than its route has is a mistake in the code.
        T::from_ids(&ids).map(Self).ok_or_else(|| anyhow::anyhow!("the route has {} ids", ids.len()).into())
    }
}

/// The one parameter of a path that is not an id: a file's name (a stylesheet, the
/// tracking pixel) or the candidate's link token. Refuses a route without exactly one
/// such parameter, so an id cannot be read as text and parsed by hand.
pub struct PathText(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathText {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let mut texts = path_params(parts, state).await?.into_iter().filter(|(name, _)| !is_id(name));
        match (texts.next(), texts.next()) {
            (Some((_, value)), None) => Ok(Self(value)),
            _ => Err(anyhow::anyhow!("the route needs exactly one parameter that is not an id").into()),
        }
    }
}

/// A submitted form (`application/x-www-form-urlencoded`). A body that cannot be read
/// as the form (a missing field, the wrong type of content, too large) gets the
/// product's error page with axum's status (422, 415, 413 or 400). Input a person typed
/// is checked by the handler, which shows the form again with its messages.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    // The one place axum's form extractor is used: its rejection becomes our page.
    #[allow(clippy::disallowed_types)]
    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(form)) => Ok(Self(form)),
            Err(rejection) => Err(form_refused(&rejection)),
        }
    }
}

fn form_refused(rejection: &FormRejection) -> Response {
    tracing::debug!(reason = ?rejection.body_text(), "form refused");
    let status = rejection.status();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            "This form is larger than this site accepts. Shorten what you typed and try again."
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "This address takes a form sent from its page. Go back and try again.",
        _ => "Some of the form's fields were missing or not what it expects. Go back, reload the page and try again.",
    };
    error_response(status, "This form could not be read", message.to_owned())
}

/// A page's query string (`?page=2&status=invited`). One that cannot be read (a malformed
/// id, a number out of range) gets the product's error page, never axum's plain text.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    // The one place axum's query extractor is used: its rejection becomes our page.
    #[allow(clippy::disallowed_types)]
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(query)) => Ok(Self(query)),
            Err(rejection) => {
                tracing::debug!(reason = ?rejection.body_text(), "query refused");
                Err(error_response(
                    StatusCode::BAD_REQUEST,
                    "This address could not be read",
                    "Part of this page's address is not what it expects. Go back and follow the link again.".to_owned(),
                ))
            }
        }
    }
}
