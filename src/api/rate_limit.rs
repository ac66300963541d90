//! Requests per key and minute, counted on the key's row in Postgres (see
//! [`super::keys::authenticate`]) so several instances agree, and told to clients with
//! the IETF draft's `RateLimit-Policy` and `RateLimit` headers; past the limit, a 429
//! problem with `Retry-After`.

use axum::{
    http::{HeaderMap, HeaderName, HeaderValue},
    response::Response,
};

use super::{keys::Window, problem::Problem};

/// The window every key's requests are counted in.
pub const WINDOW_SECONDS: i64 = 60;

/// What a key may still do in its window.
pub struct Quota {
    pub limit: i32,
    pub window: Window,
}

impl Quota {
    pub fn exceeded(&self) -> bool {
        self.window.hits > self.limit
    }

    /// The 429 problem for a request past the limit.
    pub fn refusal(&self) -> Problem {
        Problem::too_many_requests(self.window.reset_seconds.max(1))
    }

    /// Adds `RateLimit-Policy: 600;w=60` and `RateLimit: limit=600, remaining=N, reset=S`.
    pub fn set_headers(&self, response: &mut Response) {
        set(response.headers_mut(), self.limit, self.window);
    }
}

fn set(headers: &mut HeaderMap, limit: i32, window: Window) {
    let remaining = (limit - window.hits).max(0);
    let pairs = [
        ("ratelimit-policy", format!("{limit};w={WINDOW_SECONDS}")),
        ("ratelimit", format!("limit={limit}, remaining={remaining}, reset={}", window.reset_seconds)),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_follow_the_draft() {
        let mut headers = HeaderMap::new();
        set(&mut headers, 600, Window { hits: 10, reset_seconds: 42 });
        assert_eq!(headers["ratelimit-policy"], "600;w=60");
        assert_eq!(headers["ratelimit"], "limit=600, remaining=590, reset=42");
        set(&mut headers, 2, Window { hits: 3, reset_seconds: 5 });
        assert_eq!(headers["ratelimit"], "limit=2, remaining=0, reset=5");
    }
}
