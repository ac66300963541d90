use axum::{extract::State, response::Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    model::{CandidateForm, Search, StatusFilter},
    store::{self, Created, Removed, Updated},
    views::*,
};
use crate::ids::{ApplicationId, CandidateId, JobId};
use crate::{
    applications::{self, store::Added},
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::{Form, PathId, Query},
    forms::FieldErrors,
    interviews::{
        daily_cap_reached,
        lifecycle::{EmailCap, Error, Refused},
    },
    jobs::{self, model::JobStatus},
    layout::{Flash, Section, Shell, render},
    pagination::{PageNumber, Pager},
    state::AppState,
};

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
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
    let filter = StatusFilter::parse(query.status.as_deref());
    let (rows, total) = store::list(&state.pool, user.company_id, filter, &search, query.page).await?;
    let q = search.text().to_owned();
    let pager = Pager::new("/candidates", query.page, total.count, &[("q", &q), ("status", filter.as_param())])
        .approximate(total.approximate);
    let search_too_short = matches!(search, Search::TooShort(_));
    let rows = rows
        .into_iter()
        .map(|row| CandidateRowView {
            id: row.id,
            name: row.name,
            email: row.email,
            status: row.status,
            last_activity: row.last_activity_at.into(),
        })
        .collect();
    let filters = StatusFilter::options()
        .into_iter()
        .map(|option| FilterOption { value: option.as_param(), label: option.label(), selected: option == filter })
        .collect();
    let no_candidates_at_all = total.count == 0 && filter == StatusFilter::All && search.pattern().is_none();
    render(&CandidatesPage {
        shell: shell.at(Section::Candidates),
        rows,
        pager,
        q,
        search_too_short,
        filter,
        filters,
        no_candidates_at_all,
    })
}

pub async fn new_page(_: CurrentUser, shell: Shell) -> AppResult<Response> {
    let values = CandidateForm { idempotency_key: Uuid::new_v4().to_string(), ..CandidateForm::default() };
    render(&form_page(shell, None, values, FieldErrors::default()))
}

fn form_page(
    shell: Shell,
    candidate_id: Option<CandidateId>,
    values: CandidateForm,
    errors: FieldErrors,
) -> CandidateFormPage {
    CandidateFormPage {
        shell: shell.at(Section::Candidates),
        candidate_id,
        values,
        errors,
        duplicate: None,
        form_error: None,
    }
}

const DUPLICATE_EMAIL: &str = "A candidate with this email already exists.";

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(mut form): Form<CandidateForm>,
) -> AppResult<Response> {
    // A form without a usable key still works; it just loses double-submit protection.
    let key: CandidateId = crate::forms::idempotency_key(&form.idempotency_key);
    form.idempotency_key = key.to_string();
    let candidate = match form.validate() {
        Ok(candidate) => candidate,
        Err(errors) => return render(&form_page(shell, None, form, errors)),
    };
    match store::create(&state.pool, user.company_id, key, &candidate).await? {
        Created::Created(id) => {
            Ok(Flash::success(format!("{} was added.", candidate.name.as_str())).redirect(&format!("/candidates/{id}")))
        }
        Created::AlreadySubmitted(id) => Ok(Flash::error(
            "This form was already sent: here is the candidate it added. Edit them to change anything.",
        )
        .redirect(&format!("/candidates/{id}"))),
        Created::EmailTaken(existing) => {
            let mut errors = FieldErrors::default();
            errors.add("email", DUPLICATE_EMAIL);
            let mut page = form_page(shell, None, form, errors);
            page.duplicate = Some(existing);
            render(&page)
        }
        Created::Refused => {
            form.idempotency_key = Uuid::new_v4().to_string();
            let mut page = form_page(shell, None, form, FieldErrors::default());
            page.form_error = Some("This form could not be saved. Please check it and submit it again.".into());
            render(&page)
        }
    }
}

async fn find(state: &AppState, user: &CurrentUser, id: CandidateId) -> AppResult<store::Candidate> {
    store::find(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<CandidateId>,
) -> AppResult<Response> {
    render(&candidate_page(&state, &user, shell, id, None, None).await?)
}

/// The candidate page; after a refused "Add to job" it shows why, with the job kept.
async fn candidate_page(
    state: &AppState,
    user: &CurrentUser,
    shell: Shell,
    id: CandidateId,
    add_to_job_error: Option<AddToJobError>,
    selected_job: Option<JobId>,
) -> AppResult<CandidatePage> {
    let candidate = find(state, user, id).await?;
    let applications = applications::store::for_candidate(&state.pool, user.company_id, id)
        .await?
        .into_iter()
        .map(|a| ApplicationView {
            id: a.id,
            job_title: a.job_title,
            job_closed: a.job_status == JobStatus::Closed,
            stage: a.stage,
            created: a.created_at.into(),
        })
        .collect();
    let open_jobs = jobs::options::open(&state.pool, user.company_id)
        .await?
        .into_iter()
        .map(|j| JobChoice { selected: Some(j.id) == selected_job, id: j.id, title: j.title })
        .collect();
    Ok(CandidatePage {
        shell: shell.at(Section::Candidates),
        id: candidate.id,
        name: candidate.name,
        email: candidate.email,
        phone: candidate.phone,
        notes: candidate.notes,
        status: candidate.status,
        archived: candidate.archived_at.map(Into::into),
        added: candidate.created_at.into(),
        last_activity: candidate.last_activity_at.into(),
        applications,
        open_jobs,
        add_to_job_error,
        add_to_job_key: Uuid::new_v4(),
        interviewed: candidate.interviewed,
    })
}

pub async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<CandidateId>,
) -> AppResult<Response> {
    let candidate = find(&state, &user, id).await?;
    let values = CandidateForm {
        name: candidate.name,
        email: candidate.email,
        phone: candidate.phone.unwrap_or_default(),
        notes: candidate.notes.unwrap_or_default(),
        idempotency_key: String::new(),
    };
    render(&form_page(shell, Some(id), values, FieldErrors::default()))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<CandidateId>,
    Form(form): Form<CandidateForm>,
) -> AppResult<Response> {
    // Unknown ids are a 404 even when the form is invalid.
    find(&state, &user, id).await?;
    let candidate = match form.validate() {
        Ok(candidate) => candidate,
        Err(errors) => return render(&form_page(shell, Some(id), form, errors)),
    };
    let email_cap = EmailCap(state.config.new_company_emails_per_day);
    match store::update(&state.pool, user.company_id, id, &candidate, email_cap).await {
        Ok(Updated::Updated { new_links: 0 }) => {
            Ok(Flash::success("Changes saved.").redirect(&format!("/candidates/{id}")))
        }
        Ok(Updated::Updated { new_links }) => Ok(Flash::success(format!(
            "Changes saved. {} sent to {} with a new link; the old link now says it was replaced.",
            if new_links == 1 { "An invitation was" } else { "Invitations were" },
            candidate.email.as_str()
        ))
        .redirect(&format!("/candidates/{id}"))),
        Ok(Updated::NotFound) => Err(AppError::NotFound),
        Ok(Updated::EmailTaken(existing)) => {
            let mut errors = FieldErrors::default();
            errors.add("email", DUPLICATE_EMAIL);
            let mut page = form_page(shell, Some(id), form, errors);
            page.duplicate = Some(existing);
            render(&page)
        }
        // The corrected address needs new links, and the cap allows no more emails today.
        Err(Error::Refused(Refused::DailyEmailCap { cap })) => {
            let mut errors = FieldErrors::default();
            errors.add("email", format!("{} The address was not changed.", daily_cap_reached(cap)));
            render(&form_page(shell, Some(id), form, errors))
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<CandidateId>,
) -> AppResult<Response> {
    let candidate = find(&state, &user, id).await?;
    match store::delete_or_archive(&state.pool, user.company_id, id).await? {
        None => Err(AppError::NotFound),
        Some(Removed::Deleted) => Ok(Flash::success(format!("{} was deleted.", candidate.name)).redirect("/candidates")),
        Some(Removed::Archived) => Ok(Flash::success(format!(
            "{} was archived, not deleted, because they have been sent an interview. Archived candidates are hidden from the list; find them with the Archived filter.",
            candidate.name
        ))
        .redirect("/candidates")),
        Some(Removed::AlreadyArchived) => {
            Ok(Flash::success(format!("{} is already archived.", candidate.name)).redirect(&format!("/candidates/{id}")))
        }
    }
}

pub async fn restore(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<CandidateId>,
) -> AppResult<Response> {
    let candidate = find(&state, &user, id).await?;
    if store::restore(&state.pool, user.company_id, &[id]).await?.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success(format!("{} is back in the Candidates list.", candidate.name))
        .redirect(&format!("/candidates/{id}")))
}

#[derive(Deserialize)]
pub struct AddToJobForm {
    #[serde(default)]
    job_id: String,
    #[serde(default)]
    idempotency_key: String,
}

pub async fn add_to_job(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<CandidateId>,
    Form(form): Form<AddToJobForm>,
) -> AppResult<Response> {
    find(&state, &user, id).await?;
    let refuse = |message: &str, existing_application: Option<ApplicationId>, job: Option<JobId>| {
        let error = AddToJobError { message: message.to_owned(), existing_application };
        let (state, user, shell) = (state.clone(), user.clone(), shell.clone());
        async move { render(&candidate_page(&state, &user, shell, id, Some(error), job).await?) }
    };
    let job_id = match form.job_id.trim() {
        "" => return refuse("Choose a job.", None, None).await,
        // A job id that is not an id names no job of this company.
        raw => JobId::from(Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?),
    };
    let key = crate::forms::idempotency_key(&form.idempotency_key);
    match applications::store::add(&state.pool, user.company_id, id, job_id, key).await? {
        Added::Added(application) | Added::AlreadySubmitted(application) => {
            Ok(Flash::success("Added to the job.").redirect(&format!("/applications/{application}")))
        }
        Added::Duplicate(existing) => {
            refuse("This candidate is already on this job.", Some(existing), Some(job_id)).await
        }
        Added::JobClosed => refuse("This job is closed. Reopen it to add candidates.", None, None).await,
        Added::CandidateArchived => Ok(Flash::error("This candidate is archived. Restore them to add them to a job.")
            .redirect(&format!("/candidates/{id}"))),
        Added::NotFound => Err(AppError::NotFound),
    }
}
