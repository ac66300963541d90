//! The evaluation worker: claims an `evaluate_interview` task, marks its run
//! running, transcribes video answers, scores every answer and writes the result.
//!
//! A run is tied to its task, so a task claimed again (after a transient failure or a
//! worker that died) continues the same run and rewrites its result in one transaction;
//! a finished run is never written twice. Transient service failures put the task back
//! in the queue with exponential backoff and jitter; other failures end the run with
//! the reason, shown on the interview page with a Re-run button.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use rules::backoff::{backoff, retry_wait};
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;
use uuid::Uuid;

use super::{
    MediaSource, ServiceError, TASK_KIND,
    llm::LlmScorer,
    model::{AnswerContent, InterviewForScoring, QuestionForScoring, TranscriptSource},
    rubric::RubricScorer,
    scorer::Scorer,
    store::{self, AnswerResult, FinishedRun},
    transcriber::{OpenAiTranscriber, Transcriber},
};
use crate::{
    config::Config, ids::CompanyId, interview_templates::model::AnswerKind, interviews::model::InterviewStatus, queue,
    storage::MediaStore,
};

/// Long enough for several transcriptions and a slow model; a crashed worker's task is
/// taken again after it.
const LEASE_SECONDS: i32 = 3600;
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

pub async fn run(pool: PgPool, evaluator: Arc<Evaluator>, poll: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut wakeup = queue::Wakeup::listen(&pool, queue::CHANNEL, poll).await;
    loop {
        loop {
            let task = match queue::claim(&pool, &[TASK_KIND], LEASE_SECONDS).await {
                Ok(Some(task)) => task,
                Ok(None) => break,
                Err(err) => {
                    tracing::error!(error = ?err, "evaluation: claiming failed");
                    break;
                }
            };
            tokio::select! {
                result = run_task(&pool, &evaluator, &task) => {
                    if let Err(err) = result {
                        tracing::error!(error = ?err, task = %task.id, "evaluation: recording the outcome failed");
                    }
                }
                _ = shutdown.changed() => {
                    // Give the task back at once rather than when its lease ends.
                    let _ = queue::retry(&pool, &task, "Interrupted by a restart", OffsetDateTime::now_utc()).await;
                    return;
                }
            }
        }
        tokio::select! {
            () = wakeup.wait() => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Runs due evaluation tasks one after another until none is due; returns how many ran.
pub async fn run_due(pool: &PgPool, evaluator: &Evaluator) -> anyhow::Result<usize> {
    let mut count = 0;
    while let Some(task) = queue::claim(pool, &[TASK_KIND], LEASE_SECONDS).await? {
        count += 1;
        run_task(pool, evaluator, &task).await?;
    }
    Ok(count)
}

/// Runs one claimed task. Our own failures (the database, a bug) retry with backoff like
/// the services' do, up to the same limit, so that no task is retried forever.
async fn run_task(pool: &PgPool, evaluator: &Evaluator, task: &queue::Task) -> anyhow::Result<()> {
    if task.attempts > MAX_ATTEMPTS {
        // Taken again after a worker died mid-task, too many times.
        return give_up(pool, task, "The evaluation stopped unexpectedly too many times").await;
    }
    if let Err(err) = process(pool, evaluator, task).await {
        tracing::error!(error = ?err, task = %task.id, "evaluation: task failed unexpectedly");
        if task.attempts >= MAX_ATTEMPTS {
            give_up(pool, task, &format!("{err:#}")).await?;
        } else {
            let at = OffsetDateTime::now_utc() + backoff(task.attempts);
            queue::retry(pool, task, &format!("{err:#}"), at).await?;
        }
    }
    Ok(())
}

/// Fails the task and, when it had started a run, the run too, so the page says why.
async fn give_up(pool: &PgPool, task: &queue::Task, reason: &str) -> anyhow::Result<()> {
    if let Some((company_id, interview_id, evaluation_id)) = store::run_of_task(pool, task.id).await? {
        store::mark_failed(pool, company_id, interview_id, evaluation_id, reason).await?;
    }
    queue::fail(pool, task, reason).await?;
    Ok(())
}

async fn process(pool: &PgPool, evaluator: &Evaluator, task: &queue::Task) -> anyhow::Result<()> {
    let interview_id = task.payload.get("interview_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
    let (Some(company_id), Some(interview_id)) = (task.company_id, interview_id) else {
        queue::fail(pool, task, "the task names no company or interview").await?;
        return Ok(());
    };
    let Some(interview) = store::task_interview(pool, company_id, interview_id).await? else {
        queue::fail(pool, task, "the interview no longer exists").await?;
        return Ok(());
    };
    let Some(evaluation_id) = store::start_run(pool, company_id, interview_id, task.id).await? else {
        // Its result was written before the task could be marked done.
        queue::complete(pool, task).await?;
        return Ok(());
    };
    if interview.status != InterviewStatus::Completed {
        let reason = "Only a completed interview can be evaluated.";
        store::mark_failed(pool, company_id, interview_id, evaluation_id, reason).await?;
        queue::fail(pool, task, reason).await?;
        return Ok(());
    }
    tracing::info!(task = %task.id, evaluation = %evaluation_id, attempt = task.attempts, "evaluation: running");

    let outcome = evaluate(pool, evaluator, company_id, interview_id, &interview.job_title).await?;
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
            queue::complete(pool, task).await?;
            tracing::info!(evaluation = %evaluation_id, score = ?card.overall_score, "evaluation: done");
        }
        Err(ServiceError::Transient { message, .. }) if task.attempts >= MAX_ATTEMPTS => {
            let reason = format!("{message} (gave up after {} attempts)", task.attempts);
            tracing::warn!(evaluation = %evaluation_id, %reason, "evaluation: giving up");
            store::mark_failed(pool, company_id, interview_id, evaluation_id, &reason).await?;
            queue::fail(pool, task, &reason).await?;
        }
        Err(ServiceError::Transient { message, retry_after_secs }) => {
            let wait = retry_wait(task.attempts, retry_after_secs);
            let at = OffsetDateTime::now_utc() + wait;
            tracing::info!(evaluation = %evaluation_id, %message, retry_in_secs = wait.as_secs(), "evaluation: will retry");
            store::mark_retrying(pool, evaluation_id, &message, at).await?;
            queue::retry(pool, task, &message, at).await?;
        }
        Err(ServiceError::Permanent(reason) | ServiceError::Rejected(reason)) => {
            tracing::warn!(evaluation = %evaluation_id, %reason, "evaluation: failed");
            store::mark_failed(pool, company_id, interview_id, evaluation_id, &reason).await?;
            queue::fail(pool, task, &reason).await?;
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
    interview_id: Uuid,
    job_title: &str,
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
            question_id: row.question_id,
            number: index + 1,
            prompt: row.prompt.clone(),
            key_points: row.key_points.clone(),
            answer_kind: row.question_kind.as_str().to_owned(),
            answer_seconds: row.answer_seconds,
            content,
        });
    }
    let interview = InterviewForScoring { job_title: job_title.to_owned(), questions };
    let card = match evaluator.scorer.score(&interview).await {
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
                question_id: question.question_id,
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
