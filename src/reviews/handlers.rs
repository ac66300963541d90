use axum::{extract::State, response::Response};
use serde::Deserialize;
use time::{Date, OffsetDateTime, macros::format_description};
use uuid::Uuid;

use super::{store, views::*};
use crate::ids::{InterviewId, JobId, UserId};
use crate::{
    auth::{CurrentUser, roles},
    dates::long_date,
    error::{AppError, AppResult},
    extract::{Form, PathId},
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

/// Whether `user` must rate every answer before seeing the evaluation's scores and the
/// others' ratings: the company asks for blind review, they review this interview
/// (assigned, or a Reviewer by role), and they have not rated every answer yet.
pub fn must_rate_first(standing: &store::Standing, user: &CurrentUser) -> bool {
    standing.blind_review && (standing.assigned || user.role == roles::Role::Reviewer) && !standing.rated_every_answer
}

fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// The Reviewers section of an interview's page, with the team rating.
pub async fn interview_section(
    state: &AppState,
    user: &CurrentUser,
    interview_id: InterviewId,
) -> AppResult<ReviewersSection> {
    let standing =
        store::standing(&state.pool, user.company_id, interview_id, user.user_id).await?.ok_or(AppError::NotFound)?;
    let assignees = store::of_interview(&state.pool, user.company_id, interview_id).await?;
    let hidden = must_rate_first(&standing, user);
    let team = TeamRating {
        rating: standing.team_rating.filter(|_| !hidden).map(one_decimal),
        spread: standing.team_rating_spread.filter(|_| !hidden && standing.team_raters > 1).map(one_decimal),
        raters: standing.team_raters,
        reviewers: usize::try_from(standing.reviewers).unwrap_or_default(),
        hidden,
    };
    let may_assign = roles::may(user, "POST", "/interviews/{id}/reviewers");
    let choices = if may_assign { choices(state, user, &assignees).await? } else { Vec::new() };
    Ok(ReviewersSection {
        action: format!("/interviews/{interview_id}/reviewers"),
        heading: "Reviewers",
        hint: "Each reviewer is emailed when the interview is completed and evaluated, and finds it on My reviews.",
        rows: assignees
            .into_iter()
            .map(|a| ReviewerRow {
                user_id: a.user_id,
                name: a.name,
                due: a.due_on.map(long_date),
                state: if a.rated { "Rated" } else { "Not rated yet" },
            })
            .collect(),
        choices,
        may_assign,
        with_due_date: true,
        team: Some(team),
    })
}

/// The default reviewers of a job, on its page.
pub async fn job_section(state: &AppState, user: &CurrentUser, job_id: JobId) -> AppResult<ReviewersSection> {
    let assignees = store::of_job(&state.pool, user.company_id, job_id).await?;
    let may_assign = roles::may(user, "POST", "/jobs/{id}/reviewers");
    let assigned: Vec<store::Assignee> = assignees
        .iter()
        .map(|m| store::Assignee { user_id: m.id, name: m.name.clone(), due_on: None, rated: false })
        .collect();
    let choices = if may_assign { choices(state, user, &assigned).await? } else { Vec::new() };
    Ok(ReviewersSection {
        action: format!("/jobs/{job_id}/reviewers"),
        heading: "Default reviewers",
        hint: "Assigned to every interview of this job that is not cancelled or expired, and to each one sent from now on.",
        rows: assignees
            .into_iter()
            .map(|m| ReviewerRow { user_id: m.id, name: m.name, due: None, state: "" })
            .collect(),
        choices,
        may_assign,
        with_due_date: false,
        team: None,
    })
}

async fn choices(state: &AppState, user: &CurrentUser, assigned: &[store::Assignee]) -> AppResult<Vec<Choice>> {
    Ok(store::members(&state.pool, user.company_id)
        .await?
        .into_iter()
        .filter(|m| !assigned.iter().any(|a| a.user_id == m.id))
        .map(|m| Choice { id: m.id, name: m.name })
        .collect())
}

/// My reviews: the completed interviews the user reviews, to do then done, newest first.
pub async fn mine(State(state): State<AppState>, user: CurrentUser, shell: Shell) -> AppResult<Response> {
    let today = OffsetDateTime::now_utc().date();
    let (done, to_do): (Vec<_>, Vec<_>) =
        store::mine(&state.pool, user.company_id, user.user_id).await?.into_iter().partition(store::MyReview::is_done);
    let row = |r: store::MyReview| MyReviewRow {
        overdue: !r.is_done() && r.due_on.is_some_and(|due| due < today),
        interview_id: r.interview_id,
        candidate_name: r.candidate_name,
        job_title: r.job_title,
        completed: r.completed_at.map(Into::into),
        due: r.due_on.map(long_date),
        progress: format!("{} of {} answers rated", r.rated.min(r.answers), r.answers),
        rated: r.rated_at.map(Into::into),
    };
    render(&MyReviewsPage {
        shell: shell.at(Section::Reviews),
        lists: [
            MyReviewList {
                id: "to-do",
                title: "To do",
                empty: "Nothing is waiting for your review.",
                rows: to_do.into_iter().map(row).collect(),
            },
            MyReviewList {
                id: "done",
                title: "Done",
                empty: "You have not rated every answer of any interview yet.",
                rows: done.into_iter().map(row).collect(),
            },
        ],
    })
}

#[derive(Deserialize)]
pub struct AssignInput {
    user_id: Option<String>,
    due_on: Option<String>,
}

fn chosen_member(input: &AssignInput) -> Option<UserId> {
    input.user_id.as_deref().and_then(|id| Uuid::parse_str(id.trim()).ok()).map(UserId::from)
}

/// An empty due date is none; anything else must be a day (`<input type=date>` sends
/// `2026-12-07`).
fn due_date(raw: Option<&str>) -> Result<Option<Date>, ()> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(day) => Date::parse(day, format_description!("[year]-[month]-[day]")).map(Some).map_err(|_| ()),
    }
}

pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<AssignInput>,
) -> AppResult<Response> {
    let to = format!("/interviews/{id}#reviewers");
    let Some(member) = chosen_member(&input) else {
        return Ok(Flash::error("Choose a teammate to assign.").redirect(&to));
    };
    let Ok(due_on) = due_date(input.due_on.as_deref()) else {
        return Ok(Flash::error("Enter the due date as a day, such as 2026-12-07.").redirect(&to));
    };
    if !store::assign(&state.pool, user.company_id, user.user_id, id, member, due_on).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("Reviewer assigned.").redirect(&to))
}

pub async fn unassign(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((id, member)): PathId<(InterviewId, UserId)>,
) -> AppResult<Response> {
    store::unassign(&state.pool, user.company_id, user.user_id, id, member).await?;
    Ok(Flash::success("Reviewer removed.").redirect(&format!("/interviews/{id}#reviewers")))
}

pub async fn assign_to_job(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<JobId>,
    Form(input): Form<AssignInput>,
) -> AppResult<Response> {
    let to = format!("/jobs/{id}#reviewers");
    let Some(member) = chosen_member(&input) else {
        return Ok(Flash::error("Choose a teammate to assign.").redirect(&to));
    };
    if !store::assign_to_job(&state.pool, user.company_id, user.user_id, id, member).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("Default reviewer added: assigned to this job's interviews.").redirect(&to))
}

pub async fn unassign_from_job(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((id, member)): PathId<(JobId, UserId)>,
) -> AppResult<Response> {
    store::unassign_from_job(&state.pool, user.company_id, user.user_id, id, member).await?;
    Ok(Flash::success("Default reviewer removed. The interviews already assigned keep them.")
        .redirect(&format!("/jobs/{id}#reviewers")))
}

#[derive(Deserialize)]
pub struct BlindReviewInput {
    /// A checkbox: present when ticked.
    blind_review: Option<String>,
}

pub async fn save_blind_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(input): Form<BlindReviewInput>,
) -> AppResult<Response> {
    let on = input.blind_review.is_some();
    store::set_blind_review(&state.pool, user.company_id, user.user_id, on).await?;
    let message = if on {
        "Saved. Reviewers rate every answer before they see the evaluation and each other's ratings."
    } else {
        "Saved. Reviewers see the evaluation and each other's ratings at once."
    };
    Ok(Flash::success(message).redirect("/settings#reviews"))
}
