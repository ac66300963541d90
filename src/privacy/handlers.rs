use axum::{
    body::Body,
    extract::State,
    http::header,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    archive,
    erasure::{self, Requested},
    interview_erasure,
    views::{EraseCandidatePage, EraseInterviewPage},
};
use crate::ids::{CandidateId, InterviewId};
use crate::{
    audit::{self, Action, Actor, Subject},
    auth::CurrentUser,
    candidate_portal::due_text,
    error::{AppError, AppResult},
    extract::{Form, PathId},
    layout::{Flash, Section, Shell, render},
    settings,
    state::AppState,
};

/// **Erase candidate**: the confirmation that names what goes.
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<CandidateId>,
) -> AppResult<Response> {
    let held = erasure::holdings(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    render(&EraseCandidatePage {
        shell: shell.at(Section::Candidates),
        id,
        name: held.name,
        email: held.email,
        applications: held.applications,
        interviews: held.interviews,
        recordings: held.recordings,
        typed_answers: held.typed_answers,
        emails: held.emails,
        deadline_days: settings::store::erasure_deadline_days(&state.pool, user.company_id).await?,
        due: held.erasure_due_at.map(due_text),
    })
}

#[derive(Deserialize)]
pub struct EraseForm {
    /// Set by the confirmation page's buttons: without it nothing is erased or requested.
    confirm: Option<String>,
}

pub async fn erase(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<CandidateId>,
    Form(form): Form<EraseForm>,
) -> AppResult<Response> {
    if form.confirm.as_deref() != Some("erase") {
        return Ok(Redirect::to(&format!("/candidates/{id}/erase")).into_response());
    }
    if !erasure::erase(&state.pool, &state.media, user.company_id, id, Actor::Member(user.user_id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("The candidate and everything held about them were erased.").redirect("/candidates"))
}

/// **Erase interview**: the confirmation that names what goes and what stays.
pub async fn confirm_interview(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<InterviewId>,
) -> AppResult<Response> {
    let held = interview_erasure::holdings(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    render(&EraseInterviewPage { shell: shell.at(Section::Interviews), id, held })
}

pub async fn erase_interview(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(form): Form<EraseForm>,
) -> AppResult<Response> {
    if form.confirm.as_deref() != Some("erase") {
        return Ok(Redirect::to(&format!("/interviews/{id}/erase")).into_response());
    }
    let candidate_id =
        interview_erasure::erase(&state.pool, &state.media, user.company_id, id, Actor::Member(user.user_id))
            .await?
            .ok_or(AppError::NotFound)?;
    Ok(Flash::success("The interview and everything it held were erased.")
        .redirect(&format!("/candidates/{candidate_id}")))
}

/// A request the candidate made by other means: carried out within the company's deadline.
pub async fn record_request(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<CandidateId>,
    Form(form): Form<EraseForm>,
) -> AppResult<Response> {
    if form.confirm.as_deref() != Some("erase") {
        return Ok(Redirect::to(&format!("/candidates/{id}/erase")).into_response());
    }
    let requested = erasure::request(&state.pool, &state.media, user.company_id, id, Actor::Member(user.user_id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(match requested {
        Requested::Erased => {
            Flash::success("The candidate and everything held about them were erased.").redirect("/candidates")
        }
        Requested::Due(due) => {
            Flash::success(format!("Erasure request recorded. The candidate will be erased by {}.", due_text(due)))
                .redirect(&format!("/candidates/{id}"))
        }
    })
}

/// An access request: the ZIP of everything held about the candidate, logged.
pub async fn archive(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<CandidateId>,
) -> AppResult<Response> {
    let dir = state.config.data_dir.join("tmp");
    let file = archive::build(&state.pool, &state.media, &dir, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    audit::record(
        &mut conn,
        user.company_id,
        Actor::Member(user.user_id),
        Action::ArchiveDownloaded,
        Subject::candidate(id),
    )
    .await?;
    let length = file.metadata().map_err(anyhow::Error::from)?.len();
    let disposition = format!("attachment; filename=\"candidate-{id}.zip\"");
    let headers = [
        (header::CONTENT_TYPE, "application/zip".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CONTENT_LENGTH, length.to_string()),
    ];
    Ok((headers, Body::from_stream(archive::chunks(file))).into_response())
}
