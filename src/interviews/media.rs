//! Recorded answers played back to the company's recruiters, with HTTP Range support so
//! the player can seek without downloading the whole file.

use std::ops::Range;

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    app::AppState,
    auth::CurrentUser,
    error::{AppError, AppResult, path_id},
};

pub async fn answer_media(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((interview, answer)): Path<(String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (interview_id, answer_id) = (path_id(&interview)?, path_id(&answer)?);
    let media = sqlx::query!(
        r#"select media_key as "media_key!", media_type as "media_type!"
           from answers
           where id = $1 and interview_id = $2 and company_id = $3 and media_key is not null"#,
        answer_id,
        interview_id,
        user.company_id,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let size = state.media.size(&media.media_key).await?;

    let requested = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, range) = match requested.map(|r| parse_range(r, size)) {
        None | Some(RangeRequest::Unsupported) => (StatusCode::OK, None),
        Some(RangeRequest::Satisfiable(range)) => (StatusCode::PARTIAL_CONTENT, Some(range)),
        Some(RangeRequest::Unsatisfiable) => {
            return Ok((StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{size}"))])
                .into_response());
        }
    };
    let length = range.as_ref().map_or(size, |r| r.end - r.start);
    let stream = state.media.read(&media.media_key, range.clone()).await?;
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&media.media_type).unwrap_or(HeaderValue::from_static("video/webm")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    if let Some(range) = range {
        let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
        headers.insert(header::CONTENT_RANGE, HeaderValue::from_str(&content_range).expect("ascii"));
    }
    Ok(response)
}

#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    Satisfiable(Range<u64>),
    Unsatisfiable,
    /// Several ranges or another unit: ignored, and the whole file is served (RFC 9110).
    Unsupported,
}

/// One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`, as a half-open range within `size`.
fn parse_range(header: &str, size: u64) -> RangeRequest {
    let Some(spec) = header.trim().strip_prefix("bytes=") else { return RangeRequest::Unsupported };
    if spec.contains(',') {
        return RangeRequest::Unsupported;
    }
    let Some((start, end)) = spec.split_once('-') else { return RangeRequest::Unsupported };
    let bounds = match (start.trim(), end.trim()) {
        ("", suffix) => suffix.parse::<u64>().ok().filter(|n| *n > 0).map(|n| (size.saturating_sub(n), size)),
        (start, "") => start.parse::<u64>().ok().map(|start| (start, size)),
        (start, end) => match (start.parse::<u64>(), end.parse::<u64>()) {
            (Ok(start), Ok(end)) if start <= end => Some((start, end.saturating_add(1).min(size))),
            _ => None,
        },
    };
    match bounds {
        Some((start, end)) if start < end => RangeRequest::Satisfiable(start..end),
        _ => RangeRequest::Unsatisfiable,
    }
}

#[cfg(test)]
mod tests {
    use super::{RangeRequest, parse_range};

    #[test]
    fn ranges() {
        use RangeRequest::*;
        assert_eq!(parse_range("bytes=0-99", 1000), Satisfiable(0..100));
        assert_eq!(parse_range("bytes=900-", 1000), Satisfiable(900..1000));
        assert_eq!(parse_range("bytes=-100", 1000), Satisfiable(900..1000));
        assert_eq!(parse_range("bytes=990-2000", 1000), Satisfiable(990..1000));
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-0", 0), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Unsupported);
        assert_eq!(parse_range("items=0-1", 1000), Unsupported);
    }
}
