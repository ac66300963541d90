//! The alternative to AI: before starting, the candidate can ask for a person to review
//! their answers. The interview is then never transcribed nor sent to the evaluator,
//! whoever asks for a run, and the portal marks it.

use std::sync::Arc;

use hifinity::evaluation::{EvaluateInterview, Evaluator, HUMAN_REVIEW_ONLY};
use sqlx::PgPool;

use crate::{
    consent::invited,
    erasure::webm,
    support::{TestApp, count},
};

const CHOICE: &str = "Please have a person review my answers instead of AI";

#[sqlx::test]
async fn an_interview_the_candidate_gave_to_a_person_is_never_evaluated_by_ai(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, path) = invited(&app).await;
    let candidate = app.other_browser();
    let agreed = candidate.post(&format!("{path}/consent"), &[]).await;
    assert_eq!(agreed.text("[data-human-review]"), CHOICE);

    let chosen = candidate.post(&format!("{path}/human-review"), &[]).await;
    assert!(
        chosen.text("[data-human-review-chosen]").starts_with("You asked for a person at Acme Robotics to review"),
        "{}",
        chosen.body
    );
    assert!(chosen.texts("[data-human-review]").is_empty(), "asked once");
    candidate.post(&format!("{path}/human-review"), &[]).await;
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'human_review_requested'").await, 1);

    // The candidate answers and completes: no evaluation is queued.
    candidate.post(&format!("{path}/start"), &[]).await;
    candidate.answer_fixture_questions(&path, s.version_id, &webm(), "Correctness first.").await;
    let done = candidate.post(&format!("{path}/complete"), &[]).await;
    assert_eq!(done.text("h1"), "This interview is already completed");
    assert_eq!(count(&app, "select count(*) from tasks where kind = 'evaluate_interview'").await, 0);

    // An evaluation queued by any other way is refused before any transcription or scoring.
    let mut tx = app.pool.begin().await.unwrap();
    let scope = app.scope(s.company_id).await;
    hifinity::queue::enqueue(&mut tx, Some(scope), &EvaluateInterview { interview_id: id.into() }).await.unwrap();
    tx.commit().await.unwrap();
    let evaluator = Arc::new(Evaluator::from_config(&app.state.config, app.state.media.clone()).unwrap());
    assert_eq!(hifinity::evaluation::pipeline::run_due(&app.pool, &evaluator).await.unwrap(), 1);
    let refused: (String, String) =
        sqlx::query_as("select status::text, last_error from tasks where kind = 'evaluate_interview'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(refused, ("failed".to_owned(), HUMAN_REVIEW_ONLY.to_owned()));
    assert_eq!(count(&app, "select count(*) from evaluations").await, 0);
    assert_eq!(count(&app, "select count(*) from evaluation_answers").await, 0);
    assert_eq!(count(&app, "select count(*) from answer_transcripts").await, 0);

    // The portal marks it, offers no run, and the server refuses one.
    let page = app.get(&format!("/interviews/{id}")).await;
    assert_eq!(page.text(".page-header [data-human-review]"), "Person's review requested: no AI");
    assert!(page.body.contains("this interview is not transcribed or evaluated"), "the review section says why");
    assert!(!page.body.contains("/evaluation/rerun"), "no Re-run evaluation");
    let rerun = app.post(&format!("/interviews/{id}/evaluation/rerun"), &[]).await;
    assert_eq!(rerun.flash(), HUMAN_REVIEW_ONLY);
    assert_eq!(count(&app, "select count(*) from evaluations").await, 0);
    assert_eq!(
        count(&app, "select count(*) from tasks where kind = 'evaluate_interview' and status = 'queued'").await,
        0
    );
}

#[sqlx::test]
async fn a_person_s_review_is_chosen_before_starting(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, path) = invited(&app).await;
    let candidate = app.other_browser();
    candidate.post(&format!("{path}/consent"), &[]).await;
    candidate.post(&format!("{path}/start"), &[]).await;
    let landing = candidate.get(&path).await;
    assert!(landing.texts("[data-human-review]").is_empty(), "not offered once started");
    candidate.post(&format!("{path}/human-review"), &[]).await;
    assert_eq!(count(&app, "select count(*) from interviews where human_review_requested_at is not null").await, 0);
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'human_review_requested'").await, 0);
}
