use std::collections::HashMap;

use axum::{extract::State, response::Response};
use rules::evaluation::steering::addresses_the_evaluator;
use serde::Deserialize;
use sqlx::PgPool;
use time::macros::format_description;

use super::{
    HUMAN_REVIEW_ONLY,
    model::{Decision, EvaluationStatus, TranscriptSource, note},
    pipeline::NO_TRANSCRIBER,
    rubric, scorer,
    store::{self, RerunOutcome},
    views::*,
};
use crate::ids::{AnswerId, CompanyId, InterviewId, QuestionId};
use crate::{
    auth::{CurrentUser, roles},
    error::{AppError, AppResult},
    extract::{Form, PathId},
    interview_templates::model::AnswerKind,
    interviews::model::InterviewStatus,
    layout::Flash,
    reviews,
    state::AppState,
};

fn badge_of(status: EvaluationStatus) -> &'static str {
    match status {
        EvaluationStatus::Queued => "badge-amber",
        EvaluationStatus::Running => "badge-blue",
        EvaluationStatus::Done => "badge-green",
        EvaluationStatus::Failed => "badge-red",
    }
}

/// The evaluation and review section of the interview page.
pub async fn review_section(
    state: &AppState,
    user: &CurrentUser,
    interview_id: InterviewId,
) -> AppResult<ReviewSection> {
    let stored = load_review(&state.pool, user.company_id, interview_id).await?;
    let no_transcriber = state.config.evaluation.transcribe_url.is_none();
    let standing = reviews::store::standing(&state.pool, user.company_id, interview_id, user.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rate_first = reviews::must_rate_first(&standing, user);
    Ok(review_view(interview_id, stored, user, no_transcriber, rate_first))
}

/// What the review section shows, as stored.
struct StoredReview {
    completed: bool,
    /// The candidate asked for a person's review instead of AI: no run, ever.
    human_review: bool,
    latest: Option<store::EvaluationRow>,
    /// No run yet, but the evaluation task is queued.
    task_pending: bool,
    /// The last finished run, when the latest one is not done yet.
    previous_done: Option<store::EvaluationRow>,
    /// The answers' results in the run shown.
    results: Vec<store::AnswerResultRow>,
    reviews: Vec<store::ReviewRow>,
    questions: Vec<store::QuestionAnswer>,
    decision: Option<store::DecisionRow>,
}

async fn load_review(pool: &PgPool, company_id: CompanyId, interview_id: InterviewId) -> AppResult<StoredReview> {
    let status = store::interview_status(pool, company_id, interview_id).await?.ok_or(AppError::NotFound)?;
    let completed = status == InterviewStatus::Completed;
    let latest = store::latest_run(pool, company_id, interview_id).await?;
    let task_pending = latest.is_none() && completed && store::task_pending(pool, company_id, interview_id).await?;
    let previous_done = match &latest {
        Some(run) if run.status != EvaluationStatus::Done => {
            store::latest_done_run(pool, company_id, interview_id).await?
        }
        _ => None,
    };
    let shown = match &latest {
        Some(run) if run.status == EvaluationStatus::Done => Some(run),
        _ => previous_done.as_ref(),
    };
    let results = match shown {
        Some(run) => store::answer_results(pool, company_id, run.id).await?,
        None => Vec::new(),
    };
    Ok(StoredReview {
        completed,
        human_review: store::human_review_requested(pool, company_id, interview_id).await?,
        task_pending,
        previous_done,
        results,
        reviews: store::answer_reviews(pool, company_id, interview_id).await?,
        questions: store::questions_with_answers(pool, company_id, interview_id).await?,
        decision: store::decision(pool, company_id, interview_id).await?,
        latest,
    })
}

/// The section as `user` sees it: their own rating preselected, and only the actions
/// their role allows. With `rate_first`, the evaluation's result and the others'
/// ratings are left out until the user has rated every answer.
fn review_view(
    interview_id: InterviewId,
    stored: StoredReview,
    user: &CurrentUser,
    no_transcriber: bool,
    rate_first: bool,
) -> ReviewSection {
    let user_id = user.user_id;
    let StoredReview {
        completed,
        human_review,
        latest,
        task_pending,
        previous_done,
        results,
        reviews,
        questions,
        decision: current,
    } = stored;
    let waiting = latest.as_ref().is_some_and(|run| run.status.is_waiting());
    let run_state = match &latest {
        Some(run) => {
            let message = match (run.status, &run.error) {
                (EvaluationStatus::Queued, Some(error)) => {
                    Some(format!("The last attempt did not finish: {error}. It will be tried again."))
                }
                (EvaluationStatus::Failed, Some(error)) => Some(error.clone()),
                (EvaluationStatus::Queued, None) => Some("Waiting for a worker.".to_owned()),
                (EvaluationStatus::Running, _) => Some("Transcribing and scoring the answers.".to_owned()),
                (EvaluationStatus::Done | EvaluationStatus::Failed, _) => None,
            };
            Some(RunState {
                label: run.status.label(),
                badge: badge_of(run.status),
                message,
                retry: run.retry_at.filter(|_| run.status == EvaluationStatus::Queued).map(Into::into),
                since: Some(run.finished_at.unwrap_or(run.created_at).into()),
                requested_by: run.requested_by.clone(),
            })
        }
        None if task_pending => Some(RunState {
            label: "Queued",
            badge: "badge-amber",
            message: Some("Waiting for a worker.".into()),
            retry: None,
            since: None,
            requested_by: None,
        }),
        None if human_review => Some(RunState {
            label: "Person's review",
            badge: "badge-grey",
            message: Some(HUMAN_REVIEW_ONLY.into()),
            retry: None,
            since: None,
            requested_by: None,
        }),
        None if completed => Some(RunState {
            label: "Not evaluated",
            badge: "badge-grey",
            message: Some("No evaluation has run for this interview.".into()),
            retry: None,
            since: None,
            requested_by: None,
        }),
        None => None,
    };
    let latest_is_done = latest.as_ref().is_some_and(|run| run.status == EvaluationStatus::Done);
    let rerun_label = if latest.is_some() || task_pending { "Re-run evaluation" } else { "Run evaluation" };
    let shown = if latest_is_done { latest } else { previous_done }.filter(|_| !rate_first);
    let showing_previous = shown.is_some() && !latest_is_done;

    let scored = Scored { scored: results.iter().filter(|r| r.score.is_some()).count(), of: questions.len() };
    let mut results: HashMap<QuestionId, store::AnswerResultRow> =
        results.into_iter().map(|r| (r.question_id, r)).collect();
    let questions = questions
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let result = results.remove(&row.question_id).filter(|_| !rate_first);
            let answer_kind = row.answer_id.and(row.answer_kind);
            let (transcript, transcript_note) = match (&result, answer_kind) {
                (_, None | Some(AnswerKind::Text)) => (None, None),
                (Some(r), _) if r.transcript_source == TranscriptSource::Transcribed => (r.transcript.clone(), None),
                (Some(r), _) => {
                    (None, Some(format!("No transcript: {}", r.transcript_note.as_deref().unwrap_or(NO_TRANSCRIBER))))
                }
                (None, _) if no_transcriber => (None, Some(format!("No transcript: {NO_TRANSCRIBER}"))),
                (None, _) => (None, Some("The transcript appears when the evaluation has run.".into())),
            };
            let own = reviews.iter().find(|r| Some(r.answer_id) == row.answer_id && r.user_id == user_id);
            let addresses_the_evaluator =
                [row.text_answer.as_deref(), transcript.as_deref()].into_iter().flatten().any(addresses_the_evaluator);
            QuestionView {
                number: index + 1,
                timing: answer_timing(&row),
                addresses_the_evaluator,
                prompt: row.prompt,
                key_points: row.key_points,
                answer_id: row.answer_id,
                answer_kind,
                text_answer: row.text_answer.unwrap_or_default(),
                media_src: row
                    .answer_id
                    .map(|a| format!("/interviews/{interview_id}/answers/{a}/media"))
                    .unwrap_or_default(),
                transcript,
                transcript_note,
                result: result.map(|r| ScoreView {
                    score: r.score,
                    reason: r.reason,
                    covered: r.key_points_covered,
                    missed: r.key_points_missed,
                }),
                reviews: reviews
                    .iter()
                    .filter(|r| Some(r.answer_id) == row.answer_id && (!rate_first || r.user_id == user_id))
                    .map(|r| ReviewView {
                        user_name: r.user_name.clone(),
                        rating: r.rating,
                        note: r.note.clone(),
                        at: r.updated_at.into(),
                        is_mine: r.user_id == user_id,
                    })
                    .collect(),
                my_rating: own.map(|r| r.rating),
                my_note: own.and_then(|r| r.note.clone()).unwrap_or_default(),
            }
        })
        .collect();

    let decision = DecisionView {
        options: Decision::ALL
            .into_iter()
            .map(|option| DecisionOption {
                value: option.as_str(),
                label: option.label(),
                selected: current.as_ref().is_some_and(|d| d.decision == option),
            })
            .collect(),
        note: current.as_ref().and_then(|d| d.note.clone()).unwrap_or_default(),
        current: current.map(|d| CurrentDecision {
            label: d.decision.label(),
            badge: d.decision.badge(),
            note: d.note,
            by: d.decided_by,
            at: d.updated_at.into(),
        }),
    };

    let result = shown.map(|run| {
        let provider = run.provider.unwrap_or_default();
        ResultView {
            produced_by: scorer::produced_by(
                &provider,
                run.model.as_deref().unwrap_or(""),
                run.method_version.as_deref().unwrap_or(""),
            ),
            is_rubric: provider == rubric::PROVIDER,
            scored,
            score: run.overall_score,
            recommendation: run.recommendation.map(|stored| stored.0),
            summary: run.summary.unwrap_or_default(),
            strengths: run.strengths,
            concerns: run.concerns,
            finished: run.finished_at.map(Into::into),
        }
    });
    ReviewSection {
        interview_id,
        can_rerun: completed
            && !human_review
            && !waiting
            && !task_pending
            && roles::may(user, "POST", "/interviews/{id}/evaluation/rerun"),
        may_decide: roles::may(user, "POST", "/interviews/{id}/decision"),
        rerun_label,
        state: run_state,
        result,
        showing_previous,
        rate_first,
        questions,
        decision,
    }
}

/// When the question was shown to the candidate and when its answer arrived.
fn answer_timing(row: &store::QuestionAnswer) -> Option<String> {
    let format = format_description!("[month repr:short] [day padding:none], [hour]:[minute]:[second] UTC");
    let first_shown = row.first_shown_at?.format(format).ok()?;
    let Some((shown, received)) = row.shown_at.zip(row.received_at) else {
        return Some(if row.answer_id.is_some() {
            format!("First shown {first_shown}")
        } else {
            format!("Shown {first_shown}; no answer arrived in time")
        });
    };
    let took = (received - shown).whole_seconds();
    let take = match row.attempt {
        Some(attempt) if attempt > 1 => format!(" · take {attempt}"),
        _ => String::new(),
    };
    Some(format!("First shown {first_shown} · answer arrived {took} s after it was shown{take}"))
}

/// Queues a new run; the page shows it once it is done (a failed evaluation can always be retried).
pub async fn rerun(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
) -> AppResult<Response> {
    let to = format!("/interviews/{id}#evaluation");
    Ok(match store::queue_rerun(&state.pool, user.company_id, id, user.user_id).await? {
        RerunOutcome::Queued => {
            Flash::success("Evaluation queued. The result appears here when it is done.").redirect(&to)
        }
        RerunOutcome::AlreadyPending => {
            Flash::error("An evaluation of this interview is already queued or running.").redirect(&to)
        }
        RerunOutcome::NotCompleted => Flash::error("Only a completed interview can be evaluated.").redirect(&to),
        RerunOutcome::HumanReview => Flash::error(HUMAN_REVIEW_ONLY).redirect(&to),
        RerunOutcome::NotFound => return Err(AppError::NotFound),
    })
}

#[derive(Deserialize)]
pub struct AnswerReviewInput {
    rating: Option<String>,
    note: Option<String>,
}

/// The recruiter's own rating and note of one answer, kept beside the evaluation's score.
pub async fn review_answer(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((id, answer_id)): PathId<(InterviewId, AnswerId)>,
    Form(input): Form<AnswerReviewInput>,
) -> AppResult<Response> {
    let to = format!("/interviews/{id}#answer-{answer_id}");
    if store::interview_status(&state.pool, user.company_id, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let Some(rating) =
        input.rating.as_deref().and_then(|r| r.trim().parse::<i32>().ok()).filter(|r| (1..=5).contains(r))
    else {
        return Ok(Flash::error("Choose a rating from 1 to 5.").redirect(&to));
    };
    let note = match note(input.note) {
        Ok(note) => note,
        Err(message) => return Ok(Flash::error(message).redirect(&to)),
    };
    if !store::save_answer_review(&state.pool, user.company_id, id, answer_id, user.user_id, rating, note.as_deref())
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success(format!("Your rating ({rating}/5) is saved.")).redirect(&to))
}

#[derive(Deserialize)]
pub struct DecisionInput {
    decision: Option<String>,
    note: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<DecisionInput>,
) -> AppResult<Response> {
    let to = format!("/interviews/{id}#decision");
    if store::interview_status(&state.pool, user.company_id, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let Some(decision) = input.decision.as_deref().and_then(Decision::parse) else {
        return Ok(Flash::error("Choose a decision: Advance, On hold or Reject.").redirect(&to));
    };
    let note = match note(input.note) {
        Ok(note) => note,
        Err(message) => return Ok(Flash::error(message).redirect(&to)),
    };
    if !store::save_decision(&state.pool, user.company_id, id, user.user_id, decision, note.as_deref()).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success(format!("Decision saved: {}.", decision.label())).redirect(&to))
}
