//! Form plumbing shared by every feature: per-field error messages shown under the
//! fields, and the hidden idempotency key of forms that create or send.

/// Messages for the fields of one submitted form, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// Records the error of a parse, returning the value when it succeeded.
    pub fn check<T, E: Into<String>>(&mut self, field: &'static str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(name, _)| *name == field).map(|(_, message)| message.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The `{id}` of a path such as `/candidates/{id}`: a malformed id is a 404, like an
/// unknown one, rather than axum's plain-text 400.
pub struct PathId(pub uuid::Uuid);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PathId {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| crate::error::AppError::NotFound)?;
        uuid::Uuid::parse_str(&raw).map(Self).map_err(|_| crate::error::AppError::NotFound)
    }
}
