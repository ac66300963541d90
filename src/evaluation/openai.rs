//! What the two OpenAI-compatible clients share: endpoint addresses, the HTTP client,
//! and sorting failures into transient (retry later) and permanent.

use std::time::Duration;

use reqwest::{Response, StatusCode, header::RETRY_AFTER};
use url::Url;

use super::ServiceError;

/// The endpoint `path` (e.g. `audio/transcriptions`) of a configured service URL, which
/// may be the server (`http://host:8000`), its API base (`https://api.openai.com/v1`) or
/// the endpoint itself.
pub fn endpoint(base: &Url, path: &str) -> Url {
    let raw = base.as_str().trim_end_matches('/');
    let full = if raw.ends_with(path) {
        raw.to_owned()
    } else if raw.ends_with("/v1") {
        format!("{raw}/{path}")
    } else {
        format!("{raw}/v1/{path}")
    };
    Url::parse(&full).unwrap_or_else(|_| base.clone())
}

pub fn client(timeout_secs: u64) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_secs))
        .connect_timeout(Duration::from_secs(timeout_secs.min(10)))
        .user_agent(concat!("hifinity/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// A request that got no answer: a timeout or a connection failure is worth retrying.
pub fn send_error(service: &str, err: reqwest::Error) -> ServiceError {
    if err.is_timeout() {
        ServiceError::transient(format!("{service} did not answer in time"))
    } else if err.is_connect() {
        ServiceError::transient(format!("{service} could not be reached"))
    } else {
        ServiceError::transient(format!("{service} request failed: {}", without_url(&err)))
    }
}

/// The response when it succeeded; otherwise the failure, with the service's message.
pub async fn check(service: &str, response: Response) -> Result<Response, ServiceError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after_secs =
        response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    let body = response.text().await.unwrap_or_default();
    let detail = error_message(&body);
    let message = match detail {
        Some(detail) => format!("{service} answered HTTP {}: {detail}", status.as_u16()),
        None => format!("{service} answered HTTP {}", status.as_u16()),
    };
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT || status.is_server_error() {
        Err(ServiceError::Transient { message, retry_after_secs })
    } else if matches!(status.as_u16(), 400 | 413 | 415 | 422) {
        Err(ServiceError::Rejected(message))
    } else {
        Err(ServiceError::Permanent(message))
    }
}

/// `{"error": {"message": …}}` as OpenAI-compatible servers send it, else a short excerpt.
fn error_message(body: &str) -> Option<String> {
    let parsed = serde_json::from_str::<serde_json::Value>(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/message").or_else(|| v.get("error")).or_else(|| v.get("detail")))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| body.trim().to_owned());
    (!message.is_empty()).then(|| message.chars().take(300).collect())
}

/// reqwest's messages hold the URL; an API key never is in it, but keep errors short.
fn without_url(err: &reqwest::Error) -> String {
    let mut err_text = err.to_string();
    if let Some(url) = err.url() {
        err_text = err_text.replace(&format!(" ({url})"), "").replace(url.as_str(), "the service");
    }
    err_text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_from_any_form_of_base_url() {
        let at = |raw: &str| endpoint(&Url::parse(raw).unwrap(), "audio/transcriptions").to_string();
        assert_eq!(at("https://api.openai.com/v1"), "https://api.openai.com/v1/audio/transcriptions");
        assert_eq!(at("https://api.openai.com/v1/"), "https://api.openai.com/v1/audio/transcriptions");
        assert_eq!(at("http://127.0.0.1:8000"), "http://127.0.0.1:8000/v1/audio/transcriptions");
        assert_eq!(at("http://h/v1/audio/transcriptions"), "http://h/v1/audio/transcriptions");
    }

    #[test]
    fn reads_the_services_error_message() {
        assert_eq!(
            error_message(r#"{"error":{"message":"Rate limit reached"}}"#).as_deref(),
            Some("Rate limit reached")
        );
        assert_eq!(error_message("Bad gateway").as_deref(), Some("Bad gateway"));
        assert_eq!(error_message(""), None);
    }
}
