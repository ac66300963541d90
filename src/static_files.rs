//! CSS and JavaScript compiled into the binary, so one file deploys the whole app.
//! URLs carry a content hash (`?v=`), which lets browsers cache them for a year.

use std::sync::LazyLock;

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use crate::extract::PathText;

const FILES: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../static/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../static/app.js")),
    ("device-check.js", "text/javascript; charset=utf-8", include_bytes!("../static/device-check.js")),
    ("recorder.js", "text/javascript; charset=utf-8", include_bytes!("../static/recorder.js")),
];

static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for (name, _, body) in FILES {
        hasher.update(name.as_bytes());
        hasher.update(body);
    }
    hasher.finalize()[..6].iter().map(|b| format!("{b:02x}")).collect()
});

/// The content hash that static URLs carry.
pub fn version() -> &'static str {
    &VERSION
}

pub async fn serve(PathText(name): PathText) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => (
            [(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
