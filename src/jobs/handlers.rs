use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::{
    model::{JobFields, JobForm, JobStatus},
    store,
    views::*,
};
use crate::ids::JobId;
use crate::{
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::{Form, PathId, Query},
    forms::{FieldErrors, idempotency_key},
    interview_templates,
    layout::{Flash, Section, Shell, render},
    pagination::{PageNumber, Pager},
    state::AppState,
};

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    page: PageNumber,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let (rows, total) = store::list(&state.pool, user.company_id, query.page).await?;
    let jobs = rows
        .into_iter()
        .map(|j| JobRow {
            id: j.id.to_string(),
            open: j.status == JobStatus::Open,
            title: j.title,
            department: j.department.unwrap_or_default(),
            location: j.location.unwrap_or_default(),
            template_count: j.template_count,
            published_count: j.published_count,
            created: j.created_at.into(),
        })
        .collect();
    let pager = Pager::new("/jobs", query.page, total, &[]);
    render(&JobsPage { shell: shell.at(Section::Jobs), jobs, pager })
}

fn create_form(shell: Shell, values: JobForm, errors: FieldErrors, key: JobId) -> JobFormPage {
    JobFormPage {
        shell: shell.at(Section::Jobs),
        heading: "New job".into(),
        action: "/jobs/new".into(),
        submit_label: "Create job",
        cancel_href: "/jobs".into(),
        values,
        errors,
        idempotency_key: Some(key.to_string()),
    }
}

pub async fn new_page(_: CurrentUser, shell: Shell) -> AppResult<Response> {
    render(&create_form(shell, JobForm::default(), FieldErrors::default(), JobId::generate()))
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<JobForm>,
) -> AppResult<Response> {
    let key: JobId = idempotency_key(&form.idempotency_key);
    let job = match JobFields::try_from(&form) {
        Ok(job) => job,
        Err(errors) => return render(&create_form(shell, form, errors, key)),
    };
    let flash = if store::create(&state.pool, user.company_id, key, &job).await? {
        Flash::success(format!("Job “{}” created. Next, add an interview template for it.", job.title))
    } else {
        Flash::error("This form was already sent: here is the job it created. Edit it to change it.")
    };
    Ok(flash.redirect(&format!("/jobs/{key}")))
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<JobId>,
) -> AppResult<Response> {
    let job = store::get(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let templates = interview_templates::store::for_job(&state.pool, user.company_id, id).await?;
    let reviewers = crate::reviews::job_section(&state, &user, id).await?;
    render(&JobPage { shell: shell.at(Section::Jobs), created: job.created_at.into(), job, templates, reviewers })
}

fn edit_form(shell: Shell, id: JobId, values: JobForm, errors: FieldErrors) -> JobFormPage {
    JobFormPage {
        shell: shell.at(Section::Jobs),
        heading: "Edit job".into(),
        action: format!("/jobs/{id}/edit"),
        submit_label: "Save changes",
        cancel_href: format!("/jobs/{id}"),
        values,
        errors,
        idempotency_key: None,
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<JobId>,
) -> AppResult<Response> {
    let job = store::get(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let values = JobForm {
        title: job.title,
        department: job.department.unwrap_or_default(),
        location: job.location.unwrap_or_default(),
        description: job.description.unwrap_or_default(),
        idempotency_key: String::new(),
    };
    render(&edit_form(shell, id, values, FieldErrors::default()))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<JobId>,
    Form(form): Form<JobForm>,
) -> AppResult<Response> {
    // Another company's job is not found even when the form is invalid.
    store::get(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let job = match JobFields::try_from(&form) {
        Ok(job) => job,
        Err(errors) => return render(&edit_form(shell, id, form, errors)),
    };
    if !store::update(&state.pool, user.company_id, id, &job).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("Job saved.").redirect(&format!("/jobs/{id}")))
}

pub async fn close(state: State<AppState>, user: CurrentUser, id: PathId<JobId>) -> AppResult<Response> {
    set_status(state, user, id, JobStatus::Closed).await
}

pub async fn reopen(state: State<AppState>, user: CurrentUser, id: PathId<JobId>) -> AppResult<Response> {
    set_status(state, user, id, JobStatus::Open).await
}

async fn set_status(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<JobId>,
    status: JobStatus,
) -> AppResult<Response> {
    if !store::set_status(&state.pool, user.company_id, id, status).await? {
        return Err(AppError::NotFound);
    }
    let message = match status {
        JobStatus::Closed => "Job closed. Its templates stay, but it is no longer offered when sending interviews.",
        JobStatus::Open => "Job reopened.",
    };
    Ok(Flash::success(message).redirect(&format!("/jobs/{id}")))
}
