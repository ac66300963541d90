//! The evaluation worker: runs [`EvaluateInterview`] jobs on the [`queue`] mechanism,
//! one at a time: marks the job's run running, transcribes video answers, scores every answer and writes the result.
//!
//! A run is tied to its task, so a task claimed again (after a transient failure or a
//! worker that died) continues the same run and rewrites its result in one transaction;
//! a finished run is never written twice. Transient service failures put the task back
//! in the queue with exponential backoff and jitter; other failures end the run with
//! the reason, shown on the interview page with a Re-run button.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use rules::backoff::retry_wait;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;
use uuid::Uuid;

use super::{
    EvaluateInterview, HUMAN_REVIEW_ONLY, MediaSource, ServiceError,
    llm::LlmScorer,
    model::{AnswerContent, InterviewForScoring, QuestionForScoring, TranscriptSource},
    rubric::RubricScorer,
    scorer::Scorer,
    store::{self, AnswerResult, FinishedRun},
    transcriber::{OpenAiTranscriber, Transcriber},
};
use crate::ids::{CompanyId, InterviewId};
use crate::{
    config::Config,
    interview_templates::model::AnswerKind,
    interviews::model::InterviewStatus,
    queue::{self, Claim, Outcome, worker::Handler},
    storage::MediaStore,
};

/// One evaluation at a time per worker: the services' rate limits, not this process, bound the pace.
const CONCURRENCY: usize = 1;
/// Transient failures are retried this many times in all (about an hour and a half).
pub const MAX_ATTEMPTS: i32 = 8;
pub const NO_TRANSCRIBER: &str = "no transcription service is configured";

/// The services one evaluation uses, chosen by the configuration.
pub struct Evaluator {
    pub transcriber: Option<Arc<dyn Transcriber>>,
    pub scorer: Arc<dyn Scorer>,
    pub media: Arc<dyn MediaSource>,
}

impl Evaluator {
    /// `TRANSCRIBE_URL` and `EVALUATOR_URL` choose the services; without the latter the
    /// built-in rubric scores. Recordings are read from `media`.
    pub fn from_config(config: &Config, media: MediaStore) -> anyhow::Result<Self> {
        let settings = &config.evaluation;
        let transcriber: Option<Arc<dyn Transcriber>> = match &settings.transcribe_url {
            Some(url) => Some(Arc::new(OpenAiTranscriber::new(
                url,
                settings.transcribe_api_key.clone(),
                settings.transcribe_model.clone(),
                settings.timeout_secs,
            )?)),
            None => None,
        };
        let scorer: Arc<dyn Scorer> = match &settings.evaluator_url {
            Some(url) => Arc::new(LlmScorer::new(
                url,
                settings.evaluator_api_key.clone(),
                settings.evaluator_model.clone(),
                settings.timeout_secs,
            )?),
            None => Arc::new(RubricScorer),
        };
        Ok(Self { transcriber, scorer, media: Arc::new(media) })
    }
}

pub async fn run(pool: PgPool, evaluator: Arc<Evaluator>, poll: Duration, shutdown: watch::Receiver<bool>) {
    queue::worker::run(pool, evaluator, CONCURRENCY, poll, shutdown).await
}

/// Runs due evaluations until none is due, as the worker would; returns how many it took.
pub async fn run_due(pool: &PgPool, evaluator: &Arc<Evaluator>) -> anyhow::Result<usize> {
    queue::worker::run_due(pool, evaluator, CONCURRENCY).await
}

impl Handler for Evaluator {
    type Job = EvaluateInterview;
    const NAME: &'static str = "evaluation";
    const CRASHED: &'static str = "The evaluation stopped unexpectedly too many times";
    /// Long enough for several transcriptions and a slow model.
    const LEASE: Duration = Duration::from_secs(3600);
    const MAX_ATTEMPTS: i32 = MAX_ATTEMPTS;

    async fn run(&self, pool: &PgPool, claim: &Claim, job: &EvaluateInterview) -> anyhow::Result<()> {
        process(pool, self, claim, job.interview_id).await
    }

    /// Fails the job and, when it had started a run, the run too, so the page says why.
    async fn give_up(
        &self,
        pool: &PgPool,
        claim: &Claim,
        _job: Option<&EvaluateInterview>,
        reason: &str,
    ) -> anyhow::Result<()> {
        if let Some((company_id, interview_id, evaluation_id)) = store::run_of_task(pool, claim.id).await? {
            store::mark_failed(pool, company_id, interview_id, evaluation_id, reason).await?;
        }
        settle(pool, claim, Outcome::Failed(reason.to_owned())).await
    }
}

async fn settle(pool: &PgPool, claim: &Claim, outcome: Outcome) -> anyhow::Result<()> {
    queue::settle(pool, claim, &outcome).await?;
    Ok(())
}

async fn process(pool: &PgPool, evaluator: &Evaluator, claim: &Claim, interview_id: InterviewId) -> anyhow::Result<()> {
    let Some(company_id) = claim.company_id else {
        return settle(pool, claim, Outcome::Failed("the task names no company".into())).await;
    };
    let Some(interview) = store::task_interview(pool, company_id, interview_id).await? else {
        return settle(pool, claim, Outcome::Failed("the interview no longer exists".into())).await;
    };
    // Refused before any run, transcription or scoring: the candidate was promised none.
    if interview.human_review {
        return settle(pool, claim, Outcome::Failed(HUMAN_REVIEW_ONLY.into())).await;
    }
    let Some(evaluation_id) = store::start_run(pool, company_id, interview_id, claim.id).await? else {
        // Its result was written before the task could be marked done.
        return settle(pool, claim, Outcome::Done).await;
    };
    if interview.status != InterviewStatus::Completed {
        let reason = "Only a completed interview can be evaluated.";
        store::mark_failed(pool, company_id, interview_id, evaluation_id, reason).await?;
        return settle(pool, claim, Outcome::Failed(reason.into())).await;
    }
    tracing::info!(evaluation = %evaluation_id, "evaluation: running");

    let outcome = evaluate(pool, evaluator, company_id, interview_id, &interview).await?;
    match outcome {
        Ok((card, answers)) => {
            let scorer = &evaluator.scorer;
            store::finish_run(
                pool,
                &FinishedRun {
                    company_id,
                    interview_id,
                    evaluation_id,
                    provider: scorer.provider(),
                    model: scorer.model(),
                    version: scorer.version(),
                    transcriber: evaluator.transcriber.as_ref().map(|t| t.model()),
                    card: &card,
                    answers: &answers,
                },
            )
            .await
            .context("writing the evaluation")?;
            settle(pool, claim, Outcome::Done).await?;
            tracing::info!(evaluation = %evaluation_id, score = ?card.overall_score, "evaluation: done");
        }
        Err(ServiceError::Transient { message, .. }) if claim.attempts >= MAX_ATTEMPTS => {
            let reason = format!("{message} (gave up after {} attempts)", claim.attempts);
            tracing::warn!(evaluation = %evaluation_id, %reason, "evaluation: giving up");
            store::mark_failed(pool, company_id, interview_id, evaluation_id, &reason).await?;
            settle(pool, claim, Outcome::Failed(reason)).await?;
        }
        Err(ServiceError::Transient { message, retry_after_secs }) => {
            let wait = retry_wait(claim.attempts, retry_after_secs);
            let at = OffsetDateTime::now_utc() + wait;
            tracing::info!(evaluation = %evaluation_id, %message, retry_in_secs = wait.as_secs(), "evaluation: will retry");
            store::mark_retrying(pool, evaluation_id, &message, at).await?;
            settle(pool, claim, Outcome::Retry { error: message, at }).await?;
        }
        Err(ServiceError::Permanent(reason) | ServiceError::Rejected(reason)) => {
            tracing::warn!(evaluation = %evaluation_id, %reason, "evaluation: failed");
            store::mark_failed(pool, company_id, interview_id, evaluation_id, &reason).await?;
            settle(pool, claim, Outcome::Failed(reason)).await?;
        }
    }
    Ok(())
}

type Evaluated = Result<(super::model::Scorecard, Vec<AnswerResult>), ServiceError>;

/// Transcribes and scores; the outer error is ours (database), the inner the services'.
async fn evaluate(
    pool: &PgPool,
    evaluator: &Evaluator,
    company_id: CompanyId,
    interview_id: InterviewId,
    task: &store::TaskInterview,
) -> anyhow::Result<Evaluated> {
    let rows = store::questions_with_answers(pool, company_id, interview_id).await?;
    let mut questions = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let content = match (row.answer_id, row.answer_kind) {
            (None, _) => AnswerContent::Unanswered,
            (Some(_), Some(AnswerKind::Text)) => AnswerContent::Typed(row.text_answer.clone().unwrap_or_default()),
            (Some(answer_id), _) => match transcribe(pool, evaluator, company_id, answer_id, row).await? {
                Ok(content) => content,
                Err(err) => return Ok(Err(err)),
            },
        };
        questions.push(QuestionForScoring {
            question_id: row.question_id.uuid(),
            number: index + 1,
            prompt: row.prompt.clone(),
            key_points: row.key_points.clone(),
            answer_kind: row.question_kind.as_str().to_owned(),
            answer_seconds: row.answer_seconds,
            content,
        });
    }
    let interview = InterviewForScoring { job_title: task.job_title.clone(), questions };
    // The scorer judges what was said, never who said it.
    let for_scorer = interview.without_personal_details(&task.candidate_name, &task.candidate_email);
    let card = match evaluator.scorer.score(&for_scorer).await {
        Ok(card) if card.answers.len() == interview.questions.len() => card,
        Ok(_) => return Ok(Err(ServiceError::Permanent("the scorer did not score every question".into()))),
        Err(err) => return Ok(Err(err)),
    };
    let answers = interview
        .questions
        .iter()
        .zip(&rows)
        .zip(&card.answers)
        .map(|((question, row), score)| {
            let (transcript, transcript_note, transcript_source) = match &question.content {
                AnswerContent::Typed(text) => (Some(text.clone()), None, TranscriptSource::Typed),
                AnswerContent::Transcribed(text) => (Some(text.clone()), None, TranscriptSource::Transcribed),
                AnswerContent::NoTranscript(why) => (None, Some(why.clone()), TranscriptSource::Unavailable),
                AnswerContent::Unanswered => (None, None, TranscriptSource::Unanswered),
            };
            AnswerResult {
                question_id: question.question_id.into(),
                answer_id: row.answer_id,
                transcript,
                transcript_note,
                transcript_source,
                score: score.score,
                reason: score.reason.clone(),
                covered: score.covered.clone(),
                missed: score.missed.clone(),
            }
        })
        .collect();
    Ok(Ok((card, answers)))
}

/// A video answer's words: the cached transcript, or a new one. A recording that cannot
/// be read or that the service refuses leaves this answer without transcript; any other
/// failure (a wrong key or address, a transient one) stops the run with its reason.
async fn transcribe(
    pool: &PgPool,
    evaluator: &Evaluator,
    company_id: CompanyId,
    answer_id: Uuid,
    row: &store::QuestionAnswer,
) -> anyhow::Result<Result<AnswerContent, ServiceError>> {
    let Some(transcriber) = &evaluator.transcriber else {
        return Ok(Ok(AnswerContent::NoTranscript(NO_TRANSCRIBER.into())));
    };
    if let Some(cached) = store::cached_transcript(pool, company_id, answer_id, transcriber.model()).await? {
        return Ok(Ok(AnswerContent::Transcribed(cached)));
    }
    let Some(media_key) = row.media_key.as_deref() else {
        return Ok(Ok(AnswerContent::NoTranscript("the answer has no recording".into())));
    };
    let recording = match evaluator.media.read(media_key).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::warn!(error = ?err, answer = %answer_id, "evaluation: recording unreadable");
            return Ok(Ok(AnswerContent::NoTranscript("the recording could not be read".into())));
        }
    };
    let media_type = row.media_type.as_deref().unwrap_or("video/webm");
    match transcriber.transcribe(recording, media_type).await {
        Ok(text) => {
            store::save_transcript(pool, company_id, answer_id, transcriber.model(), &text).await?;
            Ok(Ok(AnswerContent::Transcribed(text)))
        }
        Err(ServiceError::Rejected(reason)) => {
            Ok(Ok(AnswerContent::NoTranscript(format!("the transcription service refused it: {reason}"))))
        }
        Err(transient) => Ok(Err(transient)),
    }
}
