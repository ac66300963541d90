//! All SQL of evaluations and reviews. Every statement is scoped by company.

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    EvaluateInterview,
    model::{Decision, EvaluationStatus, Scorecard, StoredRecommendation, TranscriptSource},
};
use crate::ids::{AnswerId, CandidateId, CompanyId, InterviewId, QuestionId, UserId};
use crate::{
    audit,
    interview_templates::model::AnswerKind,
    interviews::{
        lifecycle::record_event,
        model::{EventKind, InterviewStatus},
    },
    queue::{self, Job},
    webhooks::{self, Event},
};

// ---- The pipeline ----

pub struct TaskInterview {
    pub status: InterviewStatus,
    pub job_title: String,
    /// The candidate asked for a person's review instead of AI.
    pub human_review: bool,
    /// Taken out of the answers before scoring.
    pub candidate_name: String,
    pub candidate_email: String,
}

pub async fn task_interview(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Option<TaskInterview>> {
    sqlx::query_as!(
        TaskInterview,
        r#"select i.status as "status: _", j.title as job_title, i.human_review_requested_at is not null as "human_review!",
                  c.name as candidate_name, c.email::text as "candidate_email!"
           from interviews i join jobs j on j.id = i.job_id join candidates c on c.id = i.candidate_id
           where i.company_id = $1 and i.id = $2"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_optional(pool)
    .await
}

/// Marks the run of `task_id` running (creating its row the first time). `None` when
/// that run is already done: a task claimed again after its result was written.
pub async fn start_run(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    task_id: Uuid,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "insert into evaluations (id, company_id, interview_id, task_id, status, started_at)
         values ($1, $2, $3, $4, 'running', now())
         on conflict (task_id) do update
           set status = 'running', started_at = coalesce(evaluations.started_at, now())
           where evaluations.status <> 'done'
         returning id",
        Uuid::new_v4(),
        company_id as CompanyId,
        interview_id as InterviewId,
        task_id,
    )
    .fetch_optional(pool)
    .await
}

/// A question of an interview's template version, with the candidate's answer if any.
pub struct QuestionAnswer {
    pub question_id: QuestionId,
    pub position: i32,
    pub prompt: String,
    pub question_kind: AnswerKind,
    pub answer_seconds: i32,
    pub key_points: Vec<String>,
    pub answer_id: Option<Uuid>,
    pub answer_kind: Option<AnswerKind>,
    pub text_answer: Option<String>,
    pub media_key: Option<String>,
    pub media_type: Option<String>,
    /// When the candidate was first shown the question; `None`: never.
    pub first_shown_at: Option<OffsetDateTime>,
    /// The answer's window, the arrival of its request, and its attempt (1 is the first).
    pub shown_at: Option<OffsetDateTime>,
    pub received_at: Option<OffsetDateTime>,
    pub attempt: Option<i32>,
}

pub async fn questions_with_answers(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Vec<QuestionAnswer>> {
    sqlx::query_as!(
        QuestionAnswer,
        r#"select q.id as question_id, q.position, q.prompt, q.answer_kind as "question_kind: _", q.answer_seconds, q.key_points,
                  a.id as "answer_id?", a.answer_kind as "answer_kind?: _", a.text_answer as "text_answer?",
                  a.media_key as "media_key?", a.media_type as "media_type?",
                  w.first_shown_at as "first_shown_at?", a.shown_at as "shown_at?", a.received_at as "received_at?",
                  a.attempt as "attempt?"
           from interviews i
           join version_questions q on q.version_id = i.template_version_id
           left join answers a on a.interview_id = i.id and a.question_id = q.id and a.company_id = i.company_id
           left join question_windows w on w.interview_id = i.id and w.question_id = q.id and w.company_id = i.company_id
           where i.company_id = $1 and i.id = $2
           order by q.position"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_all(pool)
    .await
}

pub async fn cached_transcript(
    pool: &PgPool,
    company_id: CompanyId,
    answer_id: Uuid,
    model: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select transcript from answer_transcripts where company_id = $1 and answer_id = $2 and model = $3",
        company_id as CompanyId,
        answer_id,
        model,
    )
    .fetch_optional(pool)
    .await
}

pub async fn save_transcript(
    pool: &PgPool,
    company_id: CompanyId,
    answer_id: Uuid,
    model: &str,
    transcript: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into answer_transcripts (answer_id, company_id, model, transcript) values ($1, $2, $3, $4)
         on conflict (answer_id, model) do nothing",
        answer_id,
        company_id as CompanyId,
        model,
        transcript,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// One question's result as written: the words judged and the score.
pub struct AnswerResult {
    pub question_id: QuestionId,
    pub answer_id: Option<Uuid>,
    pub transcript: Option<String>,
    pub transcript_note: Option<String>,
    pub transcript_source: TranscriptSource,
    pub score: Option<i32>,
    pub reason: String,
    pub covered: Vec<String>,
    pub missed: Vec<String>,
}

pub struct FinishedRun<'a> {
    pub company_id: CompanyId,
    pub interview_id: InterviewId,
    pub evaluation_id: Uuid,
    pub provider: &'a str,
    pub model: &'a str,
    pub version: &'a str,
    pub transcriber: Option<&'a str>,
    pub card: &'a Scorecard,
    pub answers: &'a [AnswerResult],
}

/// Writes a run's result in one transaction, replacing what an interrupted attempt of
/// the same run may have written, and records the `evaluated` event once.
pub async fn finish_run(pool: &PgPool, run: &FinishedRun<'_>) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update evaluations set status = 'done', error = null, retry_at = null, finished_at = now(),
                provider = $3, model = $4, method_version = $5, transcriber = $6, overall_score = $7,
                recommendation = $8, summary = $9, strengths = $10, concerns = $11
         where id = $1 and company_id = $2 and status <> 'done'",
        run.evaluation_id,
        run.company_id as CompanyId,
        run.provider,
        run.model,
        run.version,
        run.transcriber,
        run.card.overall_score,
        run.card.recommendation.map(StoredRecommendation) as Option<StoredRecommendation>,
        run.card.summary,
        &run.card.strengths,
        &run.card.concerns,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(());
    }
    sqlx::query!(
        "delete from evaluation_answers where evaluation_id = $1 and company_id = $2",
        run.evaluation_id,
        run.company_id as CompanyId
    )
    .execute(&mut *tx)
    .await?;
    for answer in run.answers {
        sqlx::query!(
            "insert into evaluation_answers (id, evaluation_id, company_id, question_id, answer_id, transcript, transcript_note,
                                             transcript_source, score, reason, key_points_covered, key_points_missed)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            Uuid::new_v4(),
            run.evaluation_id,
            run.company_id as CompanyId,
            answer.question_id as QuestionId,
            answer.answer_id,
            answer.transcript,
            answer.transcript_note,
            answer.transcript_source as TranscriptSource,
            answer.score,
            answer.reason,
            &answer.covered,
            &answer.missed,
        )
        .execute(&mut *tx)
        .await?;
    }
    let detail = match (run.card.overall_score, run.card.recommendation) {
        (Some(score), Some(recommendation)) => format!("Score {score}/100, {}", recommendation.label()),
        _ => {
            let scored = run.answers.iter().filter(|a| a.score.is_some()).count();
            format!("{scored} of {} answers scored: no overall score", run.answers.len())
        }
    };
    let by = super::scorer::produced_by(run.provider, run.model, run.version);
    record_event(&mut tx, run.company_id, run.interview_id, EventKind::Evaluated, Some(&format!("{detail} · {by}")))
        .await?;
    crate::reviews::store::notify_ready(&mut tx, run.company_id, &[run.interview_id]).await?;
    let evaluated = Event::InterviewEvaluated { interview_id: run.interview_id, evaluation_id: run.evaluation_id };
    webhooks::emit(&mut tx, run.company_id, evaluated).await?;
    tx.commit().await
}

/// A transient failure: the run waits in the queue until `retry_at`.
pub async fn mark_retrying(
    pool: &PgPool,
    evaluation_id: Uuid,
    error: &str,
    retry_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update evaluations set status = 'queued', error = $2, retry_at = $3 where id = $1 and status <> 'done'",
        evaluation_id,
        error,
        retry_at,
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn mark_failed(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    evaluation_id: Uuid,
    error: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update evaluations set status = 'failed', error = $3, retry_at = null, finished_at = now()
         where id = $1 and company_id = $2 and status <> 'done'",
        evaluation_id,
        company_id as CompanyId,
        error,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated > 0 {
        record_event(&mut tx, company_id, interview_id, EventKind::EvaluationFailed, Some(error)).await?;
    }
    tx.commit().await
}

/// The run a task started, if it got that far: (company, interview, evaluation).
pub async fn run_of_task(pool: &PgPool, task_id: Uuid) -> sqlx::Result<Option<(CompanyId, InterviewId, Uuid)>> {
    let row = sqlx::query!(
        r#"select company_id as "company_id: CompanyId", interview_id as "interview_id: InterviewId", id from evaluations where task_id = $1"#,
        task_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.company_id, r.interview_id, r.id)))
}

// ---- Review ----

pub struct EvaluationRow {
    pub id: Uuid,
    pub status: EvaluationStatus,
    pub error: Option<String>,
    pub retry_at: Option<OffsetDateTime>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub method_version: Option<String>,
    pub transcriber: Option<String>,
    pub overall_score: Option<i32>,
    pub recommendation: Option<StoredRecommendation>,
    pub summary: Option<String>,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
    pub requested_by: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

/// The latest run of an interview, whatever its state.
pub async fn latest_run(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Option<EvaluationRow>> {
    sqlx::query_as!(
        EvaluationRow,
        r#"select e.id, e.status as "status: _", e.error, e.retry_at, e.provider, e.model, e.method_version,
                  e.transcriber, e.overall_score, e.recommendation as "recommendation: _", e.summary, e.strengths, e.concerns, u.name as "requested_by?",
                  e.created_at, e.finished_at
           from evaluations e left join users u on u.id = e.requested_by
           where e.company_id = $1 and e.interview_id = $2
           order by e.created_at desc, e.id desc limit 1"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_optional(pool)
    .await
}

/// The latest run that finished with a result.
pub async fn latest_done_run(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Option<EvaluationRow>> {
    sqlx::query_as!(
        EvaluationRow,
        r#"select e.id, e.status as "status: _", e.error, e.retry_at, e.provider, e.model, e.method_version,
                  e.transcriber, e.overall_score, e.recommendation as "recommendation: _", e.summary, e.strengths, e.concerns, u.name as "requested_by?",
                  e.created_at, e.finished_at
           from evaluations e left join users u on u.id = e.requested_by
           where e.company_id = $1 and e.interview_id = $2 and e.status = 'done'
           order by e.created_at desc, e.id desc limit 1"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_optional(pool)
    .await
}

/// Whether an evaluation task of the interview waits for a worker.
pub async fn task_pending(pool: &PgPool, company_id: CompanyId, interview_id: InterviewId) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from tasks
             where company_id = $1 and kind = $2 and payload ->> 'interview_id' = $3::uuid::text
               and status in ('queued', 'running')) as "pending!""#,
        company_id as CompanyId,
        EvaluateInterview::KIND,
        interview_id as InterviewId,
    )
    .fetch_one(pool)
    .await
}

pub struct AnswerResultRow {
    pub question_id: QuestionId,
    pub transcript: Option<String>,
    pub transcript_note: Option<String>,
    pub transcript_source: TranscriptSource,
    pub score: Option<i32>,
    pub reason: String,
    pub key_points_covered: Vec<String>,
    pub key_points_missed: Vec<String>,
}

pub async fn answer_results(
    pool: &PgPool,
    company_id: CompanyId,
    evaluation_id: Uuid,
) -> sqlx::Result<Vec<AnswerResultRow>> {
    sqlx::query_as!(
        AnswerResultRow,
        r#"select question_id, transcript, transcript_note, transcript_source as "transcript_source: _", score, reason,
                  key_points_covered, key_points_missed
           from evaluation_answers where company_id = $1 and evaluation_id = $2"#,
        company_id as CompanyId,
        evaluation_id,
    )
    .fetch_all(pool)
    .await
}

pub struct ReviewRow {
    pub answer_id: Uuid,
    pub user_id: UserId,
    pub user_name: String,
    pub rating: i32,
    pub note: Option<String>,
    pub updated_at: OffsetDateTime,
}

pub async fn answer_reviews(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Vec<ReviewRow>> {
    sqlx::query_as!(
        ReviewRow,
        "select r.answer_id, r.user_id, u.name as user_name, r.rating, r.note, r.updated_at
         from answer_reviews r
         join answers a on a.id = r.answer_id
         join users u on u.id = r.user_id
         where r.company_id = $1 and a.interview_id = $2
         order by r.updated_at",
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_all(pool)
    .await
}

pub struct DecisionRow {
    pub decision: Decision,
    pub note: Option<String>,
    pub decided_by: Option<String>,
    pub updated_at: OffsetDateTime,
}

pub async fn decision(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Option<DecisionRow>> {
    sqlx::query_as!(
        DecisionRow,
        r#"select d.decision as "decision: _", d.note, u.name as "decided_by?", d.updated_at
           from interview_decisions d left join users u on u.id = d.decided_by
           where d.company_id = $1 and d.interview_id = $2"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_optional(pool)
    .await
}

pub async fn interview_status(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Option<InterviewStatus>> {
    sqlx::query_scalar!(
        r#"select status as "status: InterviewStatus" from interviews where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        interview_id as InterviewId
    )
    .fetch_optional(pool)
    .await
}

/// Whether the candidate asked for a person's review instead of AI.
pub async fn human_review_requested(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select human_review_requested_at is not null as "requested!" from interviews where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_one(pool)
    .await
}

pub enum RerunOutcome {
    Queued,
    NotFound,
    NotCompleted,
    AlreadyPending,
    /// The candidate asked for a person's review instead of AI.
    HumanReview,
}

/// Queues a new run (a new evaluation row and its task) unless one is already waiting.
/// The interview's row lock makes two clicks queue one run.
pub async fn queue_rerun(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    user_id: UserId,
) -> sqlx::Result<RerunOutcome> {
    let mut tx = pool.begin().await?;
    let Some(interview) = sqlx::query!(
        r#"select status as "status: InterviewStatus", human_review_requested_at is not null as "human_review!", candidate_id
           from interviews where company_id = $1 and id = $2 for update"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(RerunOutcome::NotFound);
    };
    if interview.human_review {
        return Ok(RerunOutcome::HumanReview);
    }
    if interview.status != InterviewStatus::Completed {
        return Ok(RerunOutcome::NotCompleted);
    }
    let pending = sqlx::query_scalar!(
        r#"select exists(select 1 from tasks
             where company_id = $1 and kind = $2 and payload ->> 'interview_id' = $3::uuid::text
               and status in ('queued', 'running')) as "pending!""#,
        company_id as CompanyId,
        EvaluateInterview::KIND,
        interview_id as InterviewId,
    )
    .fetch_one(&mut *tx)
    .await?;
    if pending {
        return Ok(RerunOutcome::AlreadyPending);
    }
    let task_id = queue::enqueue(&mut tx, Some(company_id), &EvaluateInterview { interview_id }).await?;
    sqlx::query!(
        "insert into evaluations (id, company_id, interview_id, task_id, status, requested_by) values ($1, $2, $3, $4, 'queued', $5)",
        Uuid::new_v4(),
        company_id as CompanyId,
        interview_id as InterviewId,
        task_id,
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?;
    let subject = audit::Subject::interview(interview.candidate_id.into(), interview_id);
    audit::record(&mut tx, company_id, audit::Actor::Member(user_id), audit::Action::EvaluationRerun, subject).await?;
    tx.commit().await?;
    Ok(RerunOutcome::Queued)
}

/// Saves the user's rating of an answer of this interview; false when there is no such
/// answer in the company.
pub async fn save_answer_review(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    answer_id: AnswerId,
    user_id: UserId,
    rating: i32,
    note: Option<&str>,
) -> sqlx::Result<bool> {
    let saved = sqlx::query!(
        "insert into answer_reviews (id, company_id, answer_id, user_id, rating, note)
         select $1, a.company_id, a.id, $4, $5, $6 from answers a
         where a.company_id = $2 and a.interview_id = $3 and a.id = $7
         on conflict (answer_id, user_id) do update set rating = excluded.rating, note = excluded.note, updated_at = now()",
        Uuid::new_v4(),
        company_id as CompanyId,
        interview_id as InterviewId,
        user_id as UserId,
        rating,
        note,
        answer_id as AnswerId,
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(saved == 1)
}

pub async fn save_decision(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    user_id: UserId,
    decision: Decision,
    note: Option<&str>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let candidate_id = sqlx::query_scalar!(
        "insert into interview_decisions (interview_id, company_id, decision, note, decided_by)
         select i.id, i.company_id, $3, $4, $5 from interviews i where i.company_id = $1 and i.id = $2
         on conflict (interview_id) do update
           set decision = excluded.decision, note = excluded.note, decided_by = excluded.decided_by, updated_at = now()
         returning (select candidate_id from interviews where company_id = $1 and id = $2) as \"candidate_id!: CandidateId\"",
        company_id as CompanyId,
        interview_id as InterviewId,
        decision as Decision,
        note,
        user_id as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(candidate_id) = candidate_id else { return Ok(false) };
    let subject = audit::Subject::interview(candidate_id, interview_id);
    audit::record(&mut tx, company_id, audit::Actor::Member(user_id), audit::Action::DecisionMade, subject).await?;
    webhooks::emit(&mut tx, company_id, Event::DecisionMade { interview_id, decision }).await?;
    tx.commit().await?;
    Ok(true)
}
