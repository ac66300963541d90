//! The candidate asks, at their link, for everything held about them to be erased. Any
//! genuine link works, even to a completed, cancelled or expired interview.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use time::{OffsetDateTime, macros::format_description};

use super::{
    handlers::{VerifiedLink, page},
    views::{ClosedPage, ErasePage},
};
use crate::{
    audit::Actor,
    error::AppResult,
    privacy::erasure::{self, Requested},
    state::AppState,
    static_files,
};

/// When a pending erasure will be done, as the candidate reads it.
pub fn due_text(due: OffsetDateTime) -> String {
    due.format(format_description!("[month repr:long] [day padding:none], [year]")).unwrap_or_default()
}

pub async fn confirm(VerifiedLink { token, interview }: VerifiedLink) -> AppResult<Response> {
    page(
        StatusCode::OK,
        &ErasePage {
            asset_version: static_files::version(),
            token,
            company_name: interview.company_name,
            deadline_days: interview.erasure_deadline_days,
            due: interview.erasure_due_at.map(due_text),
        },
    )
}

pub async fn erase(State(state): State<AppState>, VerifiedLink { interview, .. }: VerifiedLink) -> AppResult<Response> {
    let requested =
        erasure::request(&state.pool, &state.media, interview.company_id, interview.candidate_id, Actor::Candidate)
            .await?;
    let view = match requested {
        Some(Requested::Due(due)) => ClosedPage::new(
            "Your request was received",
            format!("{} will erase your data by {}.", interview.company_name, due_text(due)),
        ),
        // Erased now, or by a request a moment ago.
        Some(Requested::Erased) | None => ClosedPage::new(
            "Your data was erased",
            format!(
                "Your recordings, answers and everything {} held about you in Hifinity are erased. This link no longer opens anything.",
                interview.company_name
            ),
        ),
    };
    Ok(page(StatusCode::OK, &view)?.into_response())
}
