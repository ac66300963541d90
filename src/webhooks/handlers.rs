use axum::{extract::State, response::Response};

use super::{
    delivery::DISABLE_AFTER_DAYS,
    model::NewEndpointInput,
    signing, store,
    views::{CreatedSecret, DeliveryView, EndpointPage, EndpointView, EventChoice, WebhooksPage},
};
use crate::ids::{EndpointId, WebhookDeliveryId};
use crate::{
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::{Form, PathId},
    forms::FieldErrors,
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

async fn index(
    state: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: NewEndpointInput,
    errors: FieldErrors,
    created: Option<CreatedSecret>,
) -> AppResult<Response> {
    let endpoints = store::endpoints(&state.pool, user.company_id).await?;
    render(&WebhooksPage {
        shell: shell.at(Section::Settings),
        endpoints: endpoints.into_iter().map(EndpointView::from).collect(),
        events: EventChoice::all(&input.events),
        url: input.url,
        errors,
        created,
        disable_after_days: DISABLE_AFTER_DAYS,
    })
}

pub async fn page(State(state): State<AppState>, user: CurrentUser, shell: Shell) -> AppResult<Response> {
    index(&state, &user, shell, NewEndpointInput::default(), FieldErrors::default(), None).await
}

/// Saves the endpoint and answers with the page showing its secret, once: it is never
/// shown again (nor put in a redirect's flash cookie).
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let input = NewEndpointInput::from_pairs(pairs);
    let endpoint = match input.validate(state.config.webhook_allow_private) {
        Ok(endpoint) => endpoint,
        Err(errors) => return index(&state, &user, shell, input, errors, None).await,
    };
    let secret = signing::new_secret();
    store::create(&state.pool, user.company_id, user.user_id, &endpoint.url, &endpoint.events, &secret).await?;
    let created = CreatedSecret { url: endpoint.url, secret };
    index(&state, &user, shell, NewEndpointInput::default(), FieldErrors::default(), Some(created)).await
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<EndpointId>,
) -> AppResult<Response> {
    let endpoint = store::endpoint(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let deliveries = store::deliveries(&state.pool, user.company_id, id).await?;
    render(&EndpointPage {
        shell: shell.at(Section::Settings),
        endpoint: endpoint.into(),
        deliveries: deliveries.into_iter().map(DeliveryView::from).collect(),
        disable_after_days: DISABLE_AFTER_DAYS,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<EndpointId>,
) -> AppResult<Response> {
    if !store::delete(&state.pool, user.company_id, id, user.user_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("Endpoint deleted. No more events are sent to it.").redirect("/settings/webhooks"))
}

pub async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<EndpointId>,
) -> AppResult<Response> {
    let to = format!("/settings/webhooks/{id}");
    if !store::enable(&state.pool, user.company_id, id, user.user_id).await? {
        store::endpoint(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
        return Ok(Flash::error("This endpoint is enabled already.").redirect(&to));
    }
    Ok(Flash::success("Endpoint enabled. New events are sent to it again.").redirect(&to))
}

pub async fn redeliver(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((id, delivery_id)): PathId<(EndpointId, WebhookDeliveryId)>,
) -> AppResult<Response> {
    let to = format!("/settings/webhooks/{id}");
    if !store::redeliver(&state.pool, user.company_id, id, delivery_id).await? {
        store::endpoint(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
        return Ok(Flash::error("Enable the endpoint before redelivering to it.").redirect(&to));
    }
    Ok(Flash::success("Queued for redelivery, with the same webhook-id.").redirect(&to))
}
