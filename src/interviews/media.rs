//! Recorded answers played back to the company's recruiters (and through share links),
//! with HTTP Range support so the player can seek without downloading the whole file.

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use rules::range::{RangeRequest, parse_range};

use crate::ids::{AnswerId, CompanyId, InterviewId};
use crate::{
    audit,
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::PathId,
    state::AppState,
};

pub async fn answer_media(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((interview_id, answer_id)): PathId<(InterviewId, AnswerId)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let media = sqlx::query!(
        r#"select a.media_key as "media_key!", a.media_type as "media_type!", i.candidate_id
           from answers a join interviews i on i.company_id = a.company_id and i.id = a.interview_id
           where a.id = $1 and a.interview_id = $2 and a.company_id = $3 and a.media_key is not null"#,
        answer_id as AnswerId,
        interview_id as InterviewId,
        user.company_id as CompanyId,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    // A player asks for many ranges while it plays; a play starts at the first byte.
    if from_the_start(&headers) {
        let mut conn = state.pool.acquire().await?;
        let subject = audit::Subject::interview(media.candidate_id.into(), interview_id);
        let actor = audit::Actor::Member(user.user_id);
        audit::record(&mut conn, user.company_id, actor, audit::Action::RecordingPlayed, subject).await?;
    }
    recording(&state, &media.media_key, &media.media_type, &headers).await
}

/// Whether the request asks for a recording from its start: a new play rather than the
/// player seeking or fetching the rest.
pub fn from_the_start(headers: &HeaderMap) -> bool {
    match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(range) => range.trim().strip_prefix("bytes=").is_some_and(|r| r.starts_with("0-")),
    }
}

/// The stored recording `media_key`, whole or the range the request asks for.
pub async fn recording(
    state: &AppState,
    media_key: &str,
    media_type: &str,
    headers: &HeaderMap,
) -> AppResult<Response> {
    let size = state.media.size(media_key).await?;

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
    let stream = state.media.read(media_key, range.clone()).await?;
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type).unwrap_or(HeaderValue::from_static("video/webm")),
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
