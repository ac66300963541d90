use askama::Template;
use axum::{
    extract::State,
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    export,
    lifecycle::{self, EmailCap, Error, Refused, SendRequest, Sent},
    model::{InterviewStatus, TimeAllowance},
    store::{self, ListFilter},
    views::*,
};
use crate::ids::{ApplicationId, CandidateId, CompanyId, InterviewId, JobId};
use crate::{
    auth::{CurrentUser, roles},
    dates::When,
    domain::EmailAddress,
    error::{AppError, AppResult},
    evaluation::model::EvaluationStatus,
    extract::{Form, PathId, Query},
    interview_templates::{self, model::AnswerKind},
    jobs,
    layout::{Flash, Section, Shell, render},
    mail::outbox::EmailStatus,
    pagination::{PageNumber, Pager},
    state::AppState,
};

/// Where to go back to after an action: a path of this site, else the fallback.
pub(super) fn back_to(return_to: Option<&str>, fallback: &str) -> String {
    crate::forms::local_path(return_to).unwrap_or(fallback).to_owned()
}

pub(super) fn timing(thinking: i32, answer: i32) -> String {
    let minutes = |s: i32| if s >= 60 && s % 60 == 0 { format!("{} min", s / 60) } else { format!("{s} s") };
    format!("{} to think, {} to answer", minutes(thinking), minutes(answer))
}

#[derive(Deserialize)]
pub struct SendQuery {
    /// Present when the modal asks for the form alone.
    modal: Option<String>,
    return_to: Option<String>,
    /// A job to pre-select, e.g. from an application's page.
    job: Option<String>,
}

/// Select Job and Select Interview Template, shared by the single and the bulk send
/// forms: the jobs that have a published template (pre-selecting a lone job), and those
/// templates with their questions for the preview.
pub(super) async fn template_choice(
    state: &AppState,
    company_id: CompanyId,
    selected_job: Option<JobId>,
    selected_version: Option<Uuid>,
) -> AppResult<TemplateChoice> {
    let choices = interview_templates::store::sendable_templates(&state.pool, company_id).await?;
    let version_ids: Vec<Uuid> = choices.iter().map(|c| c.version_id).collect();
    let mut questions =
        interview_templates::store::questions_of_versions(&state.pool, company_id, &version_ids).await?;

    let mut jobs: Vec<JobChoice> = Vec::new();
    for choice in &choices {
        if jobs.last().is_none_or(|j| j.id != choice.job_id) {
            jobs.push(JobChoice { id: choice.job_id, title: choice.job_title.clone(), selected: false });
        }
    }
    // With one job there is nothing to choose; otherwise keep what the user chose.
    let job_id = selected_job.filter(|id| jobs.iter().any(|j| j.id == *id)).or((jobs.len() == 1).then(|| jobs[0].id));
    for job in &mut jobs {
        job.selected = Some(job.id) == job_id;
    }
    let templates = choices
        .into_iter()
        .map(|c| {
            let own: Vec<QuestionLine> = questions
                .extract_if(.., |q| q.version_id == c.version_id)
                .map(|q| QuestionLine {
                    prompt: q.prompt,
                    kind_label: match q.answer_kind {
                        AnswerKind::Video => "Video",
                        AnswerKind::Text => "Text",
                    },
                    timing: timing(q.thinking_seconds, q.answer_seconds),
                })
                .collect();
            TemplateCard {
                selected: Some(c.version_id) == selected_version,
                version_id: c.version_id,
                job_id: c.job_id,
                name: c.name,
                difficulty: c.difficulty.label(),
                focus_area: c.focus_area,
                duration_minutes: c.duration_minutes,
                question_count: c.question_count,
                questions: own,
            }
        })
        .collect();
    Ok(TemplateChoice { jobs, templates })
}

/// Nothing can be sent before a job has a published template.
pub(super) fn no_template_blocker() -> Blocker {
    Blocker {
        message: "No open job has a published interview template yet. Create a job, then create and publish a template for it.",
        fix_href: "/interview-templates".into(),
        fix_label: "Go to Interview Templates",
    }
}

/// The job and template a submitted send form chose, if that template of that job can
/// be sent now; otherwise the message to show on the form.
pub(super) async fn chosen_template(
    state: &AppState,
    company_id: CompanyId,
    job_id: Option<JobId>,
    version_id: Option<Uuid>,
) -> AppResult<Result<(JobId, Uuid), &'static str>> {
    let (Some(job_id), Some(version_id)) = (job_id, version_id) else {
        return Ok(Err("Select a job and one of its interview templates."));
    };
    let choices = interview_templates::store::sendable_templates(&state.pool, company_id).await?;
    if !choices.iter().any(|c| c.version_id == version_id && c.job_id == job_id) {
        return Ok(Err("Select an interview template of the selected job."));
    }
    Ok(Ok((job_id, version_id)))
}

pub(super) const TEMPLATE_GONE: &str = "That template is no longer published for this job. Choose another one.";

async fn send_form(
    state: &AppState,
    user: &CurrentUser,
    candidate_id: CandidateId,
    selected_job: Option<JobId>,
    selected_version: Option<Uuid>,
    error: Option<String>,
    return_to: String,
) -> AppResult<SendForm> {
    let candidate = store::candidate(&state.pool, user.company_id, candidate_id).await?.ok_or(AppError::NotFound)?;
    let choice = template_choice(state, user.company_id, selected_job, selected_version).await?;
    let blocker = if candidate.archived {
        Some(Blocker {
            message: "This candidate is archived.",
            fix_href: format!("/candidates/{candidate_id}"),
            fix_label: "View candidate",
        })
    } else if EmailAddress::parse(&candidate.email).is_err() {
        Some(Blocker {
            message: "This candidate has no valid email address, so no invitation can reach them.",
            fix_href: format!("/candidates/{candidate_id}/edit"),
            fix_label: "Edit the candidate's email",
        })
    } else if choice.templates.is_empty() {
        Some(no_template_blocker())
    } else {
        None
    };
    Ok(SendForm {
        candidate_id,
        candidate_name: candidate.name,
        candidate_email: candidate.email,
        blocker,
        choice,
        idempotency_key: Uuid::new_v4(),
        error,
        return_to,
    })
}

pub async fn send_page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(candidate_id): PathId<CandidateId>,
    Query(query): Query<SendQuery>,
) -> AppResult<Response> {
    let return_to = back_to(query.return_to.as_deref(), "/candidates");
    let job = query.job.as_deref().and_then(|s| Uuid::parse_str(s.trim()).ok()).map(JobId::from);
    let form = send_form(&state, &user, candidate_id, job, None, None, return_to).await?;
    if query.modal.is_some() {
        return Ok(Html(form.render()?).into_response());
    }
    render(&SendPage { shell: shell.at(Section::Candidates), form })
}

#[derive(Deserialize)]
pub struct SendInput {
    job_id: Option<String>,
    version_id: Option<String>,
    idempotency_key: Uuid,
    return_to: Option<String>,
}

pub async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(candidate_id): PathId<CandidateId>,
    Form(input): Form<SendInput>,
) -> AppResult<Response> {
    let return_to = back_to(input.return_to.as_deref(), "/candidates");
    let job_id = input.job_id.as_deref().and_then(|s| Uuid::parse_str(s).ok()).map(JobId::from);
    let version_id = input.version_id.as_deref().and_then(|s| Uuid::parse_str(s).ok());
    let again = |error: &str| {
        let (state, user, return_to) = (state.clone(), user.clone(), return_to.clone());
        let error = error.to_owned();
        let shell = shell.clone();
        async move {
            let form = send_form(&state, &user, candidate_id, job_id, version_id, Some(error), return_to).await?;
            render(&SendPage { shell: shell.at(Section::Candidates), form })
        }
    };
    let (job_id, version_id) = match chosen_template(&state, user.company_id, job_id, version_id).await? {
        Ok(chosen) => chosen,
        Err(message) => return again(message).await,
    };
    let request = SendRequest {
        company_id: user.company_id,
        user_id: user.user_id,
        candidate_id,
        job_id,
        version_id,
        idempotency_key: input.idempotency_key,
        link_valid_days: state.config.link_valid_days,
        email_cap: EmailCap(state.config.new_company_emails_per_day),
    };
    match lifecycle::send(&state.pool, &request).await {
        Ok(Sent { email, .. }) => {
            Ok(Flash::success(format!("Interview invitation sent to {email}")).redirect(&return_to))
        }
        Err(Error::Refused(Refused::CandidateArchived)) => again("This candidate is archived.").await,
        Err(Error::Refused(Refused::TemplateNotAvailable)) => again(TEMPLATE_GONE).await,
        Err(Error::Refused(Refused::DailyEmailCap { cap })) => {
            again(&format!("{} This invitation was not sent.", daily_cap_reached(cap))).await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    job: Option<String>,
    candidate: Option<String>,
    /// `score` or `score_asc`; newest first otherwise.
    sort: Option<String>,
    /// 0–100: only interviews evaluated at least this high.
    min_score: Option<String>,
    /// `mine`: only the completed interviews waiting for the viewer's ratings.
    review: Option<String>,
    #[serde(default)]
    page: PageNumber,
}

const SORTS: [(&str, &str); 5] = [
    ("", "Newest first"),
    ("score", "Highest score first"),
    ("score_asc", "Lowest score first"),
    ("rating", "Highest team rating first"),
    ("rating_asc", "Lowest team rating first"),
];

/// The Evaluation column: the latest finished score, else the state of the run; while
/// blind review hides the score, only that the evaluation is done.
fn evaluation_cell(row: &store::InterviewRow) -> EvaluationCell {
    if row.rate_first && row.evaluation_state == Some(EvaluationStatus::Done) {
        return EvaluationCell { label: "Done".into(), detail: "Rate it to see the score".into(), badge: "badge-grey" };
    }
    let recommendation = row.evaluation_recommendation.map(|stored| stored.0);
    let pending = row.evaluation_state.filter(|state| *state != EvaluationStatus::Done);
    match (row.evaluation_score, pending) {
        (Some(score), pending) => {
            let mut detail = recommendation.map_or(String::new(), |r| r.label().to_owned());
            if let Some(state) = pending {
                let separator = if detail.is_empty() { "" } else { " · " };
                detail.push_str(&format!("{separator}re-run {}", state.label().to_lowercase()));
            }
            EvaluationCell {
                label: format!("{score} / 100"),
                detail,
                badge: recommendation.map_or("badge-grey", |r| r.badge()),
            }
        }
        (None, Some(EvaluationStatus::Queued)) => {
            EvaluationCell { label: "Queued".into(), detail: String::new(), badge: "badge-amber" }
        }
        (None, Some(EvaluationStatus::Running)) => {
            EvaluationCell { label: "Running".into(), detail: String::new(), badge: "badge-blue" }
        }
        (None, Some(_)) => EvaluationCell { label: "Failed".into(), detail: String::new(), badge: "badge-red" },
        (None, None) if row.evaluation_state == Some(EvaluationStatus::Done) => {
            EvaluationCell { label: "Done".into(), detail: "No score".into(), badge: "badge-grey" }
        }
        (None, None) => EvaluationCell { label: String::new(), detail: String::new(), badge: "" },
    }
}

/// Why a row offers no resend: the interview is closed or past its deadline.
fn no_resend_reason(status: InterviewStatus, expired: bool) -> &'static str {
    match status {
        InterviewStatus::Completed => "Completed: nothing to resend",
        InterviewStatus::Cancelled => "Cancelled: the link no longer works",
        InterviewStatus::Expired => "Expired: extend the deadline to resend",
        _ if expired => "Past its deadline: extend it to resend",
        _ => "",
    }
}

fn list_row(row: store::InterviewRow) -> InterviewListRow {
    let status = row.status;
    let expired = row.expires_at <= time::OffsetDateTime::now_utc();
    let evaluation = evaluation_cell(&row);
    let team_rating = match row.team_rating {
        Some(rating) if !row.rate_first => format!("{rating:.1} / 5 ({})", row.team_raters),
        _ => String::new(),
    };
    InterviewListRow {
        id: row.id,
        status,
        candidate_id: row.candidate_id,
        candidate_name: row.candidate_name,
        candidate_email: row.candidate_email,
        job_title: row.job_title,
        template_name: row.template_name,
        application_id: row.application_id,
        sent: row.email_sent_at.map(When::from),
        opened: row.email_opened_at.map(When::from),
        email_state: match row.last_email_status {
            Some(EmailStatus::Queued) => "Queued",
            Some(EmailStatus::Failed) => "Failed",
            Some(EmailStatus::Sent) | None => "",
        },
        can_resend: status.is_open() && !expired,
        no_resend_reason: no_resend_reason(status, expired),
        version_number: row.version_number,
        evaluation,
        team_rating,
    }
}

/// What the Interviews page's query string selects, for `user`.
fn list_filter(query: &ListQuery, user: &CurrentUser) -> ListFilter {
    ListFilter {
        status: query.status.as_deref().and_then(InterviewStatus::parse),
        job_id: query.job.as_deref().and_then(|s| Uuid::parse_str(s).ok()).map(JobId::from),
        // Control characters (a pasted line break) are dropped, as on the Candidates page:
        // the stored search text separates a name from an email with one.
        candidate: query
            .candidate
            .as_deref()
            .map(|raw| raw.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned())
            .filter(|s| !s.is_empty()),
        min_score: query.min_score.as_deref().and_then(|s| s.trim().parse::<i32>().ok()).map(|s| s.clamp(0, 100)),
        sort: SORTS
            .iter()
            .map(|(value, _)| *value)
            .find(|v| !v.is_empty() && query.sort.as_deref() == Some(*v))
            .map(str::to_owned),
        application_id: None,
        viewer: viewer(user),
        waiting_for_my_review: query.review.as_deref() == Some("mine"),
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let filter = list_filter(&query, &user);
    let (status, job_id, min_score, waiting_for_my_review) =
        (filter.status, filter.job_id, filter.min_score, filter.waiting_for_my_review);
    let candidate = filter.candidate.clone();
    let sort = filter.sort.clone();
    let sort = sort.as_deref();
    // The page's rows and the job filter's options, side by side on two connections.
    let ((rows, total), jobs) = tokio::try_join!(
        store::list(&state.pool, user.company_id, &filter, query.page),
        jobs::options::all(&state.pool, user.company_id)
    )?;
    let jobs =
        jobs.into_iter().map(|j| JobChoice { selected: Some(j.id) == job_id, id: j.id, title: j.title }).collect();
    let job_param = job_id.map(|id| id.to_string()).unwrap_or_default();
    let candidate_text = candidate.unwrap_or_default();
    let min_score_text = min_score.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(
        "/interviews",
        query.page,
        total,
        &[
            ("status", status.map_or("", |s| s.as_str())),
            ("job", &job_param),
            ("candidate", &candidate_text),
            ("sort", sort.unwrap_or("")),
            ("min_score", &min_score_text),
            ("review", if waiting_for_my_review { "mine" } else { "" }),
        ],
    );
    let return_to = pager.href(pager.page);
    render(&ListPage {
        shell: shell.at(Section::Interviews),
        rows: rows.into_iter().map(list_row).collect(),
        statuses: InterviewStatus::ALL
            .iter()
            .map(|s| StatusOption { value: s.as_str(), label: s.label(), selected: Some(*s) == status })
            .collect(),
        jobs,
        filtered: status.is_some()
            || job_id.is_some()
            || !candidate_text.is_empty()
            || min_score.is_some()
            || sort.is_some()
            || waiting_for_my_review,
        candidate: candidate_text,
        sorts: SORTS
            .iter()
            .map(|&(value, label)| StatusOption { value, label, selected: sort.unwrap_or("") == value })
            .collect(),
        min_score: min_score_text,
        waiting_for_my_review,
        pager,
        return_to,
    })
}

/// **Export CSV** of the Interviews page: every interview its filters select, in its order.
pub async fn export(State(state): State<AppState>, user: CurrentUser, Query(query): Query<ListQuery>) -> Response {
    let filter = list_filter(&query, &user);
    export::csv_response(state.pool.clone(), user.company_id, filter, &export::file_name("interviews"))
}

/// A job's interviews and their results as CSV.
pub async fn export_job(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(job_id): PathId<JobId>,
) -> AppResult<Response> {
    jobs::store::get(&state.pool, user.company_id, job_id).await?.ok_or(AppError::NotFound)?;
    let filter = ListFilter { job_id: Some(job_id), ..ListFilter::for_viewer(viewer(&user)) };
    Ok(export::csv_response(state.pool.clone(), user.company_id, filter, &export::file_name("job-results")))
}

fn viewer(user: &CurrentUser) -> store::Viewer {
    store::Viewer { user_id: user.user_id, is_reviewer: user.role == roles::Role::Reviewer }
}

/// The Interviews tab of an application's page.
pub fn application_tab(application_id: ApplicationId) -> String {
    format!("/applications/{application_id}?tab=interviews")
}

/// Send Interview to this candidate with the job pre-selected, coming back to `return_to`.
pub fn send_interview_href(candidate_id: CandidateId, job_id: JobId, return_to: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("job", &job_id.to_string())
        .append_pair("return_to", return_to)
        .finish();
    format!("/candidates/{candidate_id}/send-interview?{query}")
}

/// The Interviews tab of an application's page: its interviews, newest
/// first, each with a send icon that resends the invitation and comes back to the tab.
pub async fn application_section(
    state: &AppState,
    user: &CurrentUser,
    application_id: ApplicationId,
    candidate_id: CandidateId,
    job_id: JobId,
) -> AppResult<ApplicationInterviews> {
    let rows = store::for_application(&state.pool, user.company_id, application_id, viewer(user)).await?;
    let return_to = application_tab(application_id);
    let send_href = send_interview_href(candidate_id, job_id, &return_to);
    let may_send = roles::may(user, "POST", "/candidates/{id}/send-interview");
    Ok(ApplicationInterviews { rows: rows.into_iter().map(list_row).collect(), return_to, send_href, may_send })
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<InterviewId>,
) -> AppResult<Response> {
    let interview = store::detail(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let events = store::events(&state.pool, user.company_id, id).await?;
    let status = interview.status;
    let expired = interview.expires_at <= time::OffsetDateTime::now_utc();
    let review = crate::evaluation::review_section(&state, &user, id).await?;
    let reviewers = crate::reviews::interview_section(&state, &user, id).await?;
    let shares = crate::sharing::interview_section(&state, &user, id).await?;
    render(&ShowPage {
        shell: shell.at(Section::Interviews),
        id,
        status,
        candidate_id: interview.candidate_id,
        candidate_name: interview.candidate_name,
        candidate_email: interview.candidate_email,
        job_title: interview.job_title,
        application_id: interview.application_id,
        template_name: interview.template_name,
        version_number: interview.version_number,
        duration_minutes: interview.duration_minutes,
        question_count: interview.question_count,
        sent_by: interview.sent_by,
        created: interview.created_at.into(),
        expires: interview.expires_at.into(),
        expired,
        timeline: events
            .into_iter()
            .map(|e| TimelineEntry {
                is_problem: e.kind.is_problem(),
                label: e.kind.label(),
                detail: e.detail,
                at: e.created_at.into(),
            })
            .collect(),
        can_resend: status.is_open() && !expired,
        return_to: format!("/interviews/{id}"),
        review,
        reviewers,
        shares,
        human_review: interview.human_review_requested_at.is_some(),
        time_allowance: interview.time_allowance,
        consent: interview.consented_at.zip(interview.consent_notice_version).map(|(at, notice_version)| Consent {
            at: at.into(),
            notice_version,
            ip: interview.consent_ip,
        }),
    })
}

#[derive(Deserialize)]
pub struct ActionInput {
    return_to: Option<String>,
}

/// Resend: a new email with the same link; no new interview, no lost progress.
pub async fn resend(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<ActionInput>,
) -> AppResult<Response> {
    let to = back_to(input.return_to.as_deref(), &format!("/interviews/{id}"));
    let email_cap = EmailCap(state.config.new_company_emails_per_day);
    Ok(match lifecycle::resend(&state.pool, user.company_id, id, user.user_id, email_cap).await {
        Ok(email) => {
            Flash::success(format!("Invitation resent to {email} with the same interview link.")).redirect(&to)
        }
        Err(Error::Refused(Refused::Illegal { status, .. })) => {
            let extend_first = if status == InterviewStatus::Expired { " Extend the deadline first." } else { "" };
            Flash::error(format!("This interview is {status}, so its invitation can't be resent.{extend_first}"))
                .redirect(&to)
        }
        Err(Error::Refused(Refused::TooSoon { minutes })) => {
            let plural = if minutes == 1 { "" } else { "s" };
            Flash::error(format!(
                "An invitation was sent less than {} minutes ago. You can resend it in {minutes} minute{plural}.",
                lifecycle::RESEND_GAP_MINUTES
            ))
            .redirect(&to)
        }
        Err(Error::Refused(Refused::DailyEmailCap { cap })) => {
            Flash::error(format!("{} The invitation was not resent.", daily_cap_reached(cap))).redirect(&to)
        }
        Err(err) => return Err(err.into()),
    })
}

/// A new link, for one forwarded or leaked: the old one stops working and says it was
/// replaced; the candidate is emailed the new one; progress stays.
pub async fn new_link(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<ActionInput>,
) -> AppResult<Response> {
    let to = back_to(input.return_to.as_deref(), &format!("/interviews/{id}"));
    let email_cap = EmailCap(state.config.new_company_emails_per_day);
    Ok(match lifecycle::new_link(&state.pool, user.company_id, id, user.user_id, email_cap).await {
        Ok(email) => Flash::success(format!(
            "A new interview link was sent to {email}. The old link no longer opens the interview; answers given are kept."
        ))
        .redirect(&to),
        Err(Error::Refused(Refused::Illegal { status, .. })) => {
            let extend_first = if status == InterviewStatus::Expired { " Extend the deadline first." } else { "" };
            Flash::error(format!("This interview is {status}, so it can't get a new link.{extend_first}")).redirect(&to)
        }
        Err(Error::Refused(Refused::DailyEmailCap { cap })) => {
            Flash::error(format!("{} No new link was issued.", daily_cap_reached(cap))).redirect(&to)
        }
        Err(err) => return Err(err.into()),
    })
}

/// Why a new company's candidate email was not queued, and when it can be.
pub fn daily_cap_reached(cap: i64) -> String {
    format!(
        "In its first {} days a company sends at most {cap} candidate emails a day, and that many were \
         queued in the last 24 hours. Try again later.",
        lifecycle::NEW_COMPANY_DAYS
    )
}

pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<ActionInput>,
) -> AppResult<Response> {
    let to = back_to(input.return_to.as_deref(), &format!("/interviews/{id}"));
    match lifecycle::cancel(&state.pool, user.company_id, id, user.user_id).await {
        Ok(()) => Ok(Flash::success("Interview cancelled. Its link no longer works.").redirect(&to)),
        Err(Error::Refused(Refused::Illegal { .. })) => {
            Ok(Flash::error("Only a Pending or In Progress interview can be cancelled.").redirect(&to))
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Deserialize)]
pub struct TimeAllowanceInput {
    allowance: Option<String>,
    return_to: Option<String>,
}

/// Extra time for a candidate who asked for it: their pages and the server's checks of
/// their answers use it; no email mentions it.
pub async fn time_allowance(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<TimeAllowanceInput>,
) -> AppResult<Response> {
    let to = back_to(input.return_to.as_deref(), &format!("/interviews/{id}"));
    let Some(allowance) = input.allowance.as_deref().and_then(TimeAllowance::parse) else {
        return Ok(
            Flash::error("Choose the candidate's time: the template's, ×1.5, ×2 or no time limits.").redirect(&to)
        );
    };
    match lifecycle::set_time_allowance(&state.pool, user.company_id, id, allowance).await {
        Ok(()) => Ok(Flash::success(format!("Time allowance saved: {}.", allowance.label())).redirect(&to)),
        Err(Error::Refused(Refused::Illegal { .. })) => {
            Ok(Flash::error("Only a Pending or In Progress interview can be given extra time.").redirect(&to))
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn extend(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<ActionInput>,
) -> AppResult<Response> {
    let to = back_to(input.return_to.as_deref(), &format!("/interviews/{id}"));
    let days = state.config.link_valid_days;
    match lifecycle::extend(&state.pool, user.company_id, id, user.user_id, days).await {
        Ok(()) => Ok(Flash::success(format!("The deadline is now {days} days from today.")).redirect(&to)),
        Err(Error::Refused(Refused::Illegal { .. })) => {
            Ok(Flash::error("A completed or cancelled interview can't be extended.").redirect(&to))
        }
        Err(err) => Err(err.into()),
    }
}
