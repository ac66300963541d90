//! Recorded answers played back to the company's recruiters, with HTTP Range support so
//! the player can seek without downloading the whole file.

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use rules::range::{RangeRequest, parse_range};
use uuid::Uuid;

use crate::{
    audit,
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::PathId,
    ids::CompanyId,
    state::AppState,
};

pub async fn answer_media(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((interview_id, answer_id)): PathId<(Uuid, Uuid)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let media = sqlx::query!(
        r#"select a.media_key as "media_key!", a.media_type as "media_type!", i.candidate_id
           from answers a join interviews i on i.company_id = a.company_id and i.id = a.interview_id
           where a.id = $1 and a.interview_id = $2 and a.company_id = $3 and a.media_key is not null"#,
        answer_id,
        interview_id,
        user.company_id as CompanyId,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let size = state.media.size(&media.media_key).await?;

    let requested = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    // A player asks for many ranges while it plays; a play starts at the first byte.
    if requested.is_none_or(|range| range.trim_start_matches("bytes=").starts_with("0-")) {
        let mut conn = state.pool.acquire().await?;
        let subject = audit::Subject::interview(media.candidate_id, interview_id);
        audit::record(
            &mut conn,
            user.company_id,
            audit::Actor::Member(user.user_id),
            audit::Action::RecordingPlayed,
            subject,
        )
        .await?;
    }
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
