use axum::{extract::State, response::Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    model::{Difficulty, QuestionForm, TemplateForm, TemplateStatus},
    store::{self, Direction, EditError, ListFilter, Template},
    views::*,
};
use crate::ids::{JobId, QuestionId, TemplateId};
use crate::{
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::{Form, PathId, Query},
    forms::{FieldErrors, idempotency_key},
    jobs,
    layout::{Flash, Section, Shell, render},
    pagination::{PageNumber, Pager},
    state::AppState,
};

fn template_href(id: TemplateId) -> String {
    format!("/interview-templates/{id}")
}

async fn load(state: &AppState, user: &CurrentUser, id: TemplateId) -> AppResult<Template> {
    store::get(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)
}

/// Why a published template's page refuses a change, and what to do instead.
fn refused(template: &Template) -> Response {
    Flash::error(format!(
        "This template is published, so it can't be changed: interviews already sent keep the questions they \
         were sent with. Choose “Edit as new draft” to make changes; publishing again creates version {}.",
        template.next_version_number()
    ))
    .redirect(&template_href(template.id))
}

/// Turns the outcome of a change into the redirect back to the template page.
fn after_edit(template: &Template, result: Result<(), EditError>, success: &str) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Flash::success(success).redirect(&template_href(template.id))),
        Err(EditError::Published) => Ok(refused(template)),
        Err(EditError::NotFound) => Err(AppError::NotFound),
        Err(EditError::TooManyQuestions) => {
            Ok(Flash::error(format!("A template holds at most {} questions.", super::model::MAX_QUESTIONS))
                .redirect(&template_href(template.id)))
        }
        Err(EditError::NoQuestions) => {
            Ok(Flash::error("Add at least one question before publishing.").redirect(&template_href(template.id)))
        }
        Err(EditError::Database(err)) => Err(err.into()),
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    job: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: PageNumber,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    // Filters that mean nothing (a stale job id, a made-up status) are dropped.
    let filter = ListFilter {
        job_id: uuid::Uuid::parse_str(query.job.trim()).ok().map(JobId::from),
        status: TemplateStatus::parse(query.status.trim()),
    };
    let job_filter = filter.job_id.map(|id| id.to_string()).unwrap_or_default();
    let status_filter = filter.status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let (templates, total) = store::list(&state.pool, user.company_id, &filter, query.page).await?;
    let jobs = jobs::options::all(&state.pool, user.company_id).await?;
    let pager = Pager::new(
        "/interview-templates",
        query.page,
        total,
        &[("job", job_filter.as_str()), ("status", status_filter.as_str())],
    );
    render(&TemplatesPage {
        shell: shell.at(Section::InterviewTemplates),
        templates,
        jobs,
        job_filter,
        status_filter,
        pager,
    })
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    job_id: String,
}

fn create_form(
    shell: Shell,
    jobs: Vec<jobs::options::JobOption>,
    values: TemplateForm,
    errors: FieldErrors,
    key: TemplateId,
) -> TemplateFormPage {
    TemplateFormPage {
        shell: shell.at(Section::InterviewTemplates),
        heading: "New interview template".into(),
        action: "/interview-templates/new".into(),
        submit_label: "Create template",
        cancel_href: "/interview-templates".into(),
        values,
        errors,
        jobs: Some(jobs),
        job_title: String::new(),
        idempotency_key: Some(key.to_string()),
        difficulties: difficulties(),
    }
}

pub async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(query): Query<NewQuery>,
) -> AppResult<Response> {
    let jobs = jobs::options::all(&state.pool, user.company_id).await?;
    let values = TemplateForm {
        job_id: query.job_id,
        difficulty: Difficulty::Medium.as_str().into(),
        duration_minutes: "20".into(),
        ..Default::default()
    };
    render(&create_form(shell, jobs, values, FieldErrors::default(), TemplateId::generate()))
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<TemplateForm>,
) -> AppResult<Response> {
    let key: TemplateId = idempotency_key(&form.idempotency_key);
    let jobs = jobs::options::all(&state.pool, user.company_id).await?;
    let job_id =
        Uuid::parse_str(form.job_id.trim()).ok().map(JobId::from).filter(|id| jobs.iter().any(|j| j.id == *id));
    let parsed = form.parse();
    let (Some(job_id), Ok(fields)) = (job_id, &parsed) else {
        let mut errors = parsed.err().unwrap_or_default();
        if job_id.is_none() {
            errors.add("job_id", "Choose the job this template is for.");
        }
        return render(&create_form(shell, jobs, form, errors, key));
    };
    let flash = match store::create(&state.pool, user.company_id, key, job_id, fields).await? {
        None => return Err(AppError::NotFound),
        Some(true) => Flash::success(format!(
            "Template “{}” created as a draft. Add its questions, then publish it.",
            fields.name
        )),
        Some(false) => {
            Flash::error("This form was already sent: here is the template it created. Edit it to change it.")
        }
    };
    Ok(flash.redirect(&template_href(key)))
}

async fn template_page(
    state: &AppState,
    user: &CurrentUser,
    shell: Shell,
    template: Template,
    question: QuestionForm,
    errors: FieldErrors,
    question_key: QuestionId,
) -> AppResult<Response> {
    let questions = store::questions(&state.pool, user.company_id, template.id).await?;
    let versions = store::versions(&state.pool, user.company_id, template.id).await?;
    render(&TemplatePage {
        shell: shell.at(Section::InterviewTemplates),
        questions: question_rows(questions),
        versions: version_rows(versions, template.version_number),
        template,
        question,
        errors,
        question_key: question_key.to_string(),
        answer_kinds: answer_kinds(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<TemplateId>,
) -> AppResult<Response> {
    let template = load(&state, &user, id).await?;
    template_page(
        &state,
        &user,
        shell,
        template,
        QuestionForm::default(),
        FieldErrors::default(),
        QuestionId::generate(),
    )
    .await
}

fn edit_form(shell: Shell, template: &Template, values: TemplateForm, errors: FieldErrors) -> TemplateFormPage {
    TemplateFormPage {
        shell: shell.at(Section::InterviewTemplates),
        heading: format!("Edit “{}”", template.name),
        action: format!("/interview-templates/{}/edit", template.id),
        submit_label: "Save changes",
        cancel_href: template_href(template.id),
        values,
        errors,
        jobs: None,
        job_title: template.job_title.clone(),
        idempotency_key: None,
        difficulties: difficulties(),
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<TemplateId>,
) -> AppResult<Response> {
    let template = load(&state, &user, id).await?;
    if template.is_published() {
        return Ok(refused(&template));
    }
    let values = TemplateForm {
        job_id: template.job_id.to_string(),
        name: template.name.clone(),
        difficulty: template.difficulty.as_str().into(),
        focus_area: template.focus_area.clone().unwrap_or_default(),
        duration_minutes: template.duration_minutes.to_string(),
        intro: template.intro.clone().unwrap_or_default(),
        retakes: template.retakes.to_string(),
        practice_prompt: template.practice_prompt.clone().unwrap_or_default(),
        idempotency_key: String::new(),
    };
    render(&edit_form(shell, &template, values, FieldErrors::default()))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<TemplateId>,
    Form(form): Form<TemplateForm>,
) -> AppResult<Response> {
    let template = load(&state, &user, id).await?;
    if template.is_published() {
        return Ok(refused(&template));
    }
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return render(&edit_form(shell, &template, form, errors)),
    };
    let result = store::update(&state.pool, user.company_id, template.id, &fields).await;
    after_edit(&template, result, "Template saved.")
}

pub async fn add_question(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<TemplateId>,
    Form(form): Form<QuestionForm>,
) -> AppResult<Response> {
    let template = load(&state, &user, id).await?;
    if template.is_published() {
        return Ok(refused(&template));
    }
    let key: QuestionId = idempotency_key(&form.idempotency_key);
    let question = match form.parse() {
        Ok(question) => question,
        Err(errors) => return template_page(&state, &user, shell, template, form, errors, key).await,
    };
    let result = store::add_question(&state.pool, user.company_id, template.id, key, &question).await;
    after_edit(&template, result, "Question added.")
}

async fn load_question(
    state: &AppState,
    user: &CurrentUser,
    id: TemplateId,
    question_id: QuestionId,
) -> AppResult<(Template, store::Question)> {
    let template = load(state, user, id).await?;
    let question =
        store::question(&state.pool, user.company_id, template.id, question_id).await?.ok_or(AppError::NotFound)?;
    Ok((template, question))
}

fn question_form_page(
    shell: Shell,
    template: Template,
    question: &store::Question,
    values: QuestionForm,
    errors: FieldErrors,
) -> QuestionFormPage {
    QuestionFormPage {
        shell: shell.at(Section::InterviewTemplates),
        template,
        question_id: question.id.to_string(),
        position: question.position,
        question: values,
        errors,
        answer_kinds: answer_kinds(),
    }
}

pub async fn edit_question_page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId((id, question_id)): PathId<(TemplateId, QuestionId)>,
) -> AppResult<Response> {
    let (template, question) = load_question(&state, &user, id, question_id).await?;
    if template.is_published() {
        return Ok(refused(&template));
    }
    let values = QuestionForm::from_fields(&question.fields());
    render(&question_form_page(shell, template, &question, values, FieldErrors::default()))
}

pub async fn update_question(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId((id, question_id)): PathId<(TemplateId, QuestionId)>,
    Form(form): Form<QuestionForm>,
) -> AppResult<Response> {
    let (template, question) = load_question(&state, &user, id, question_id).await?;
    if template.is_published() {
        return Ok(refused(&template));
    }
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return render(&question_form_page(shell, template, &question, form, errors)),
    };
    let result = store::update_question(&state.pool, user.company_id, template.id, question.id, &fields).await;
    after_edit(&template, result, &format!("Question {} saved.", question.position))
}

pub async fn remove_question(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((id, question_id)): PathId<(TemplateId, QuestionId)>,
) -> AppResult<Response> {
    let (template, question) = load_question(&state, &user, id, question_id).await?;
    let result = store::remove_question(&state.pool, user.company_id, template.id, question.id).await;
    after_edit(&template, result, &format!("Question {} removed.", question.position))
}

pub async fn move_up(
    state: State<AppState>,
    user: CurrentUser,
    ids: PathId<(TemplateId, QuestionId)>,
) -> AppResult<Response> {
    move_question(state, user, ids, Direction::Up).await
}

pub async fn move_down(
    state: State<AppState>,
    user: CurrentUser,
    ids: PathId<(TemplateId, QuestionId)>,
) -> AppResult<Response> {
    move_question(state, user, ids, Direction::Down).await
}

async fn move_question(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((id, question_id)): PathId<(TemplateId, QuestionId)>,
    direction: Direction,
) -> AppResult<Response> {
    let (template, question) = load_question(&state, &user, id, question_id).await?;
    let result = store::move_question(&state.pool, user.company_id, template.id, question.id, direction).await;
    let message = match (&result, direction) {
        (Ok(false), Direction::Up) => "This question is already the first.",
        (Ok(false), Direction::Down) => "This question is already the last.",
        (_, Direction::Up) => "Question moved up.",
        (_, Direction::Down) => "Question moved down.",
    };
    after_edit(&template, result.map(|_| ()), message)
}

pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<TemplateId>,
) -> AppResult<Response> {
    let template = load(&state, &user, id).await?;
    match store::publish(&state.pool, user.company_id, template.id).await {
        Ok(number) => Ok(Flash::success(format!("Published version {number}. It can now be sent to candidates."))
            .redirect(&template_href(template.id))),
        // A second click on Publish: nothing to do, and nothing published twice.
        Err(EditError::Published) => Ok(Flash::error(format!(
            "This template is already published (version {}).",
            template.version_number.unwrap_or_default()
        ))
        .redirect(&template_href(template.id))),
        Err(err) => after_edit(&template, Err(err), ""),
    }
}

pub async fn new_draft(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<TemplateId>,
) -> AppResult<Response> {
    let template = load(&state, &user, id).await?;
    let result = store::edit_as_new_draft(&state.pool, user.company_id, template.id).await;
    let message = match template.version_number {
        Some(n) => format!(
            "This template is a draft again. Version {n} stays as it is for interviews already sent; \
             publishing creates version {}. Until then it can't be sent.",
            n + 1
        ),
        None => "This template is a draft.".into(),
    };
    after_edit(&template, result, &message)
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    /// A published version's number; without it, the template as it is now.
    version: Option<String>,
}

pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<TemplateId>,
    Query(query): Query<PreviewQuery>,
) -> AppResult<Response> {
    let template = load(&state, &user, id).await?;
    let shell = shell.at(Section::InterviewTemplates);
    let template_id = template.id.to_string();
    if let Some(number) = query.version.as_deref().filter(|v| !v.is_empty()) {
        let number: i32 = number.trim().parse().map_err(|_| AppError::NotFound)?;
        let version_id = store::version_id_by_number(&state.pool, user.company_id, template.id, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let found =
            store::version_with_questions(&state.pool, user.company_id, version_id).await?.ok_or(AppError::NotFound)?;
        let v = found.version;
        return render(&PreviewPage {
            shell,
            template_id,
            name: v.name,
            job_title: v.job_title,
            intro: v.intro,
            duration_minutes: v.duration_minutes,
            retakes: v.retakes,
            showing: format!("Version {}", v.number),
            questions: found.questions.into_iter().map(Into::into).collect(),
        });
    }
    let questions = store::questions(&state.pool, user.company_id, template.id).await?;
    let showing = match template.version_number {
        Some(n) => format!("Version {n}"),
        None => format!("Draft of version {}", template.next_version_number()),
    };
    render(&PreviewPage {
        shell,
        template_id,
        name: template.name,
        job_title: template.job_title,
        intro: template.intro,
        duration_minutes: template.duration_minutes,
        retakes: template.retakes,
        showing,
        questions: questions.into_iter().map(Into::into).collect(),
    })
}
