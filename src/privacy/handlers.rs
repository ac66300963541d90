use axum::{extract::State, response::Response};

use super::{
    erasure::{self, Requested},
    views::EraseCandidatePage,
};
use crate::{
    audit::Actor,
    auth::CurrentUser,
    candidate_portal::due_text,
    error::{AppError, AppResult},
    extract::PathId,
    layout::{Flash, Section, Shell, render},
    settings,
    state::AppState,
};

/// **Erase candidate**: the confirmation that names what goes.
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId,
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

pub async fn erase(State(state): State<AppState>, user: CurrentUser, PathId(id): PathId) -> AppResult<Response> {
    if !erasure::erase(&state.pool, &state.media, user.company_id, id, Actor::Member(user.user_id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("The candidate and everything held about them were erased.").redirect("/candidates"))
}

/// A request the candidate made by other means: carried out within the company's deadline.
pub async fn record_request(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let requested = erasure::request(&state.pool, &state.media, user.company_id, id, Actor::Member(user.user_id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(match requested {
        Requested::Erased => {
            Flash::success("The candidate and everything held about them were erased.").redirect("/candidates")
        }
        Requested::Due(due) => Flash::success(format!(
            "Erasure request recorded. The candidate will be erased by {}.",
            due_text(due)
        ))
        .redirect(&format!("/candidates/{id}")),
    })
}
