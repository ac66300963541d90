use axum::{extract::State, response::Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    model::Stage,
    store::{self, ListFilter},
    views::*,
};
use crate::ids::{ApplicationId, JobId};
use crate::{
    auth::CurrentUser,
    candidates::model::Search,
    error::{AppError, AppResult},
    extract::{Form, PathId, Query},
    jobs::{self, model::JobStatus},
    layout::{Flash, Section, Shell, render},
    pagination::{PageNumber, Pager},
    state::AppState,
};

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    job: Option<String>,
    stage: Option<String>,
    #[serde(default)]
    page: PageNumber,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let search = Search::parse(query.q.as_deref());
    // Filters the URL can't express (a malformed id, an unknown stage) are ignored.
    let job_id = query.job.as_deref().and_then(|j| Uuid::parse_str(j.trim()).ok()).map(JobId::from);
    let stage = query.stage.as_deref().and_then(Stage::parse);
    let filter = ListFilter { job_id, stage, pattern: search.pattern() };
    // The page's rows and the job filter's options, side by side on two connections.
    let ((rows, total), jobs) = tokio::try_join!(
        store::list(&state.pool, user.company_id, &filter, query.page),
        jobs::options::all(&state.pool, user.company_id)
    )?;
    let q = search.text().to_owned();
    let job_param = job_id.map(|id| id.to_string()).unwrap_or_default();
    let pager = Pager::new(
        "/applications",
        query.page,
        total,
        &[("q", &q), ("job", &job_param), ("stage", stage.map_or("", Stage::as_str))],
    );
    let jobs = jobs
        .into_iter()
        .map(|j| SelectOption { selected: Some(j.id) == job_id, value: j.id.to_string(), label: j.title })
        .collect();
    let stages = stage_options(stage);
    let rows = rows
        .into_iter()
        .map(|r| ApplicationRowView {
            id: r.id,
            candidate_id: r.candidate_id,
            candidate_name: r.candidate_name,
            candidate_email: r.candidate_email,
            job_title: r.job_title,
            stage: r.stage,
            created: r.created_at.into(),
        })
        .collect();
    render(&ApplicationsPage {
        shell: shell.at(Section::Applications),
        rows,
        pager,
        q,
        search_too_short: matches!(search, Search::TooShort(_)),
        jobs,
        stages,
        filtered: filter.job_id.is_some() || filter.stage.is_some() || filter.pattern.is_some(),
    })
}

fn stage_options(selected: Option<Stage>) -> Vec<SelectOption> {
    Stage::ALL
        .into_iter()
        .map(|s| SelectOption {
            value: s.as_str().to_owned(),
            label: s.label().to_owned(),
            selected: Some(s) == selected,
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ShowQuery {
    tab: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<ApplicationId>,
    Query(query): Query<ShowQuery>,
) -> AppResult<Response> {
    let application = store::find(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let tab = if query.tab.as_deref() == Some("interviews") {
        Tab::Interviews(
            crate::interviews::application_section(&state, &user, id, application.candidate_id, application.job_id)
                .await?,
        )
    } else {
        Tab::Overview
    };
    let stage = application.stage;
    let job_details =
        [application.job_department, application.job_location].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let send_href = crate::interviews::send_interview_href(
        application.candidate_id,
        application.job_id,
        &crate::interviews::application_tab(id),
    );
    render(&ApplicationPage {
        shell: shell.at(Section::Applications),
        id,
        tab,
        stage,
        stages: stage_options(Some(stage)),
        created: application.created_at.into(),
        updated: application.updated_at.into(),
        candidate_id: application.candidate_id,
        candidate_name: application.candidate_name,
        candidate_email: application.candidate_email,
        candidate_phone: application.candidate_phone,
        candidate_status: application.candidate_status,
        job_title: application.job_title,
        job_details,
        job_closed: application.job_status == JobStatus::Closed,
        send_href,
    })
}

#[derive(Deserialize)]
pub struct StageForm {
    #[serde(default)]
    stage: String,
}

pub async fn set_stage(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<ApplicationId>,
    Form(form): Form<StageForm>,
) -> AppResult<Response> {
    let to = format!("/applications/{id}");
    let Some(stage) = Stage::parse(&form.stage) else {
        // Only a hand-made request sends a stage that is not in the selector.
        store::find(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
        return Ok(Flash::error("Choose one of the stages.").redirect(&to));
    };
    if !store::set_stage(&state.pool, user.company_id, id, stage).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success(format!("Stage changed to {}.", stage.label())).redirect(&to))
}
