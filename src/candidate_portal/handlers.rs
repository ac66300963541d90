use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use askama::Template;
use time::{OffsetDateTime, macros::format_description};

use super::{store, views::*};
use crate::{
    app::AppState,
    error::AppResult,
    interviews::{link::ClaimedToken, model::InterviewStatus},
    static_files,
};

fn page(status: StatusCode, view: &impl Template) -> AppResult<Response> {
    Ok((status, Html(view.render()?)).into_response())
}

/// Finds the interview a token opens, or the page to show instead.
async fn open(state: &AppState, token: &str) -> AppResult<Result<store::LinkedInterview, Response>> {
    let not_found = || {
        page(
            StatusCode::NOT_FOUND,
            &ClosedPage::new(
                "This interview link is not valid",
                "Check that you opened the whole link from your invitation email. If it still doesn't work, reply to that email to ask for a new one.",
            ),
        )
    };
    let Some(claimed) = ClaimedToken::parse(token) else { return not_found().map(Err) };
    let Some(interview) = store::interview(&state.pool, claimed.interview_id).await? else { return not_found().map(Err) };
    if !claimed.verify(&state.config.secret_key, &interview.link_nonce) {
        return not_found().map(Err);
    }
    let status = InterviewStatus::parse(&interview.status).unwrap_or(InterviewStatus::Cancelled);
    let closed = match status {
        InterviewStatus::Completed => Some((
            StatusCode::OK,
            ClosedPage::new(
                "This interview is already completed",
                format!("Thank you, {}. Your answers were received and {} will be in touch.", interview.candidate_name, interview.company_name),
            ),
        )),
        InterviewStatus::Cancelled => Some((
            StatusCode::GONE,
            ClosedPage::new("This interview was cancelled", format!("{} cancelled this interview. Reply to your invitation email if you have questions.", interview.company_name)),
        )),
        _ if status == InterviewStatus::Expired || interview.expires_at <= OffsetDateTime::now_utc() => Some((
            StatusCode::GONE,
            ClosedPage::new("This interview link has expired", format!("The deadline has passed. Reply to your invitation email to ask {} for more time.", interview.company_name)),
        )),
        _ => None,
    };
    match closed {
        Some((code, view)) => page(code, &view).map(Err),
        None => Ok(Ok(interview)),
    }
}

pub async fn landing(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let interview = match open(&state, &token).await? {
        Ok(interview) => interview,
        Err(closed) => return Ok(closed),
    };
    store::record_link_opened(&state.pool, &interview).await?;
    let deadline = interview
        .expires_at
        .format(format_description!("[month repr:long] [day padding:none], [year] at [hour]:[minute] UTC"))
        .unwrap_or_default();
    page(
        StatusCode::OK,
        &LandingPage {
            asset_version: static_files::version(),
            candidate_name: interview.candidate_name,
            company_name: interview.company_name,
            job_title: interview.job_title,
            intro: interview.intro,
            duration_minutes: interview.duration_minutes,
            question_count: interview.question_count,
            video_questions: interview.video_questions,
            deadline,
        },
    )
}
