use axum::{extract::State, response::Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    store,
    views::{AuditPage, EntryRow, MemberOption},
};
use crate::{
    auth::CurrentUser,
    error::AppResult,
    extract::Query,
    layout::{Section, Shell, render},
    state::AppState,
    team,
};

/// The most entries the page shows; filters narrow it down.
const PAGE_ENTRIES: i64 = 500;

#[derive(Deserialize)]
pub struct AuditFilter {
    candidate: Option<String>,
    user: Option<String>,
}

/// An empty or malformed filter value shows the unfiltered log.
fn id_of<T: From<Uuid>>(value: Option<&str>) -> Option<T> {
    value.and_then(|v| Uuid::parse_str(v.trim()).ok()).map(T::from)
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(filter): Query<AuditFilter>,
) -> AppResult<Response> {
    let candidate = id_of(filter.candidate.as_deref());
    let member = id_of(filter.user.as_deref());
    let entries = store::entries(&state.pool, user.company_id, candidate, member, PAGE_ENTRIES).await?;
    let members = team::members(&state.pool, user.company_id)
        .await?
        .into_iter()
        .map(|m| MemberOption { selected: Some(m.id) == member, id: m.id, name: m.name })
        .collect();
    let entries = entries
        .into_iter()
        .map(|e| EntryRow {
            when: e.created_at.into(),
            action: e.action.label(),
            actor: e.actor,
            user_id: e.user_id,
            candidate: e.candidate_id.map(|_| e.candidate_name.unwrap_or_else(|| "Erased candidate".into())),
            candidate_id: e.candidate_id,
            interview_id: e.interview_id,
            interview_exists: e.interview_exists,
            subject_user: e.subject_user,
            job_id: e.job_id,
            job_title: e.job_title,
            count: e.count,
        })
        .collect();
    render(&AuditPage { shell: shell.at(Section::Settings), entries, members, candidate, limit: PAGE_ENTRIES })
}
