//! Settings › API keys: Admins create a key (a name and a scope), see it once, list the
//! company's keys with when each was last used, and revoke them.

use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::views::{ApiKeyRow, ApiKeysPage, NewKeyValues};
use crate::ids::ApiKeyId;
use crate::{
    api::keys::{self, Scope},
    auth::CurrentUser,
    domain::RequiredText,
    error::{AppError, AppResult},
    extract::{Form, PathId},
    forms::FieldErrors,
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

const NAME_MAX_CHARS: usize = 100;

async fn page_with(
    state: &AppState,
    user: &CurrentUser,
    shell: Shell,
    values: NewKeyValues,
    errors: FieldErrors,
    new_key: Option<String>,
) -> AppResult<Response> {
    let keys = keys::list(&state.pool, user.company_id)
        .await?
        .into_iter()
        .map(|key| ApiKeyRow {
            id: key.id,
            name: key.name,
            scope: key.scope.label(),
            created_by: key.created_by,
            created: key.created_at.into(),
            last_used: key.last_used_at.map(Into::into),
            revoked: key.revoked_at.map(Into::into),
        })
        .collect();
    render(&ApiKeysPage { shell: shell.at(Section::Settings), keys, values, errors, new_key, scopes: Scope::ALL })
}

pub async fn page(State(state): State<AppState>, user: CurrentUser, shell: Shell) -> AppResult<Response> {
    page_with(&state, &user, shell, NewKeyValues::default(), FieldErrors::default(), None).await
}

#[derive(Deserialize)]
pub struct NewKeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
}

/// Creates a key and shows it on the page this once: it is not kept, only its hash.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<NewKeyForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", RequiredText::parse(&form.name, "the key's name", NAME_MAX_CHARS));
    let scope = errors.check("scope", Scope::parse(&form.scope).ok_or("Choose what the key may do."));
    let (Some(name), Some(scope)) = (name, scope) else {
        let values = NewKeyValues { name: form.name, scope: form.scope };
        return page_with(&state, &user, shell, values, errors, None).await;
    };
    let key = keys::create(&state.pool, user.company_id, user.user_id, name.as_str(), scope).await?;
    page_with(&state, &user, shell, NewKeyValues::default(), FieldErrors::default(), Some(key)).await
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<ApiKeyId>,
) -> AppResult<Response> {
    if !keys::revoke(&state.pool, user.company_id, id, user.user_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("The API key was revoked: requests with it are refused from now on.")
        .redirect("/settings/api-keys"))
}
