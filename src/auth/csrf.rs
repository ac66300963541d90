//! Cross-site request refusal. Browsers say where an unsafe request comes from with
//! `Sec-Fetch-Site` (all current browsers) or `Origin`; anything not from this site is
//! refused. Requests with neither header come from non-browser clients, which carry no
//! ambient cookies of a victim, so they pass (the approach of Go's CrossOriginProtection).

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{error::error_response, state::AppState};

pub async fn refuse_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_same_site(request.headers(), &state.config.base_url) {
        return next.run(request).await;
    }
    tracing::warn!(method = %request.method(), "refused a cross-site request");
    error_response(
        StatusCode::FORBIDDEN,
        "Request refused",
        "This form was sent from another website, so it was refused. Go back to the page and submit it again.".into(),
    )
    .into_response()
}

fn is_same_site(headers: &HeaderMap, base_url: &url::Url) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is the user typing the address or using a bookmark.
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) => origin == base_url.origin().ascii_serialization(),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        map
    }

    #[test]
    fn judges_the_source() {
        let base = url::Url::parse("https://hire.example.com").unwrap();
        assert!(is_same_site(&headers(&[("sec-fetch-site", "same-origin")]), &base));
        assert!(!is_same_site(&headers(&[("sec-fetch-site", "cross-site")]), &base));
        assert!(!is_same_site(&headers(&[("sec-fetch-site", "same-site")]), &base));
        assert!(is_same_site(&headers(&[("origin", "https://hire.example.com")]), &base));
        assert!(!is_same_site(&headers(&[("origin", "https://evil.example")]), &base));
        assert!(!is_same_site(&headers(&[("origin", "null")]), &base));
        assert!(is_same_site(&headers(&[]), &base));
    }
}
