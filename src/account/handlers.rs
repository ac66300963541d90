use axum::{extract::State, http::HeaderMap, response::Response};

use super::{
    device,
    views::{AccountPage, SessionRow},
};
use crate::ids::SessionId;
use crate::{
    auth::{CurrentUser, session},
    error::{AppError, AppResult},
    extract::PathId,
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

/// The token of the session making this request (a signed-in request always has one).
fn this_session(state: &AppState, headers: &HeaderMap) -> AppResult<String> {
    session::token(headers, state.config.https()).ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no session")))
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    headers: HeaderMap,
) -> AppResult<Response> {
    let token = this_session(&state, &headers)?;
    let sessions = session::active(&state.pool, user.user_id, &token)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            device: device::describe(s.user_agent.as_deref()),
            address: s.ip_address.unwrap_or_else(|| "Unknown".to_owned()),
            last_seen: s.last_seen_at.into(),
            signed_in: s.created_at.into(),
            is_this_one: s.is_this_one,
        })
        .collect();
    render(&AccountPage { shell: shell.at(Section::Account), sessions })
}

pub async fn sign_out_others(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    let token = this_session(&state, &headers)?;
    let ended = session::delete_others(&state.pool, user.user_id, &token).await?;
    let plural = if ended == 1 { "" } else { "s" };
    Ok(Flash::success(format!("Signed out of {ended} other session{plural}.")).redirect("/account"))
}

/// Ends one session of the user's own (a lost phone, a shared computer); ending this
/// browser's own is signing out.
pub async fn sign_out_one(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<SessionId>,
) -> AppResult<Response> {
    Ok(if session::delete_one(&state.pool, user.user_id, id).await? {
        Flash::success("Signed out of that session.").redirect("/account")
    } else {
        Flash::error("That session had already ended.").redirect("/account")
    })
}
