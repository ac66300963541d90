//! The practice question: offered before the real ones when the template has one, shown
//! as often as the candidate likes, and never uploaded nor evaluated.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::candidate_portal::sent_interview;

const PRACTICE: &str = "Tell us what you had for breakfast.";

#[sqlx::test]
async fn a_practice_question_is_offered_first_and_nothing_of_it_reaches_the_server(pool: PgPool) {
    let s = sent_interview(pool).await;
    sqlx::query("update template_versions set practice_prompt = $1").bind(PRACTICE).execute(&s.app.pool).await.unwrap();
    // Not before the notice is agreed to.
    let early = s.candidate.get(&format!("{}/practice", s.path)).await;
    assert_eq!(early.text("[data-consent]"), "I agree");

    let landing = s.candidate.post(&format!("{}/consent", s.path), &[]).await;
    assert_eq!(landing.link("[data-practice-link]").as_deref(), Some(format!("{}/practice", s.path).as_str()));
    for _ in 0..3 {
        let practice = s.candidate.get(&format!("{}/practice", s.path)).await;
        assert_eq!(practice.status, StatusCode::OK);
        assert_eq!(practice.text(".candidate-question"), PRACTICE);
        assert_eq!(practice.attrs("[data-recorder]", "data-practice").len(), 1, "played back in the browser");
        assert!(practice.attrs("[data-recorder]", "data-upload-url").is_empty(), "nothing to upload to");
    }
    // No route takes a practice recording.
    let upload = s
        .candidate
        .client
        .post(s.candidate.url(&format!("{}/practice", s.path)))
        .header("content-type", "video/webm")
        .body(crate::candidate_portal::webm(1000))
        .send()
        .await
        .unwrap();
    assert!(upload.status().is_client_error(), "{}", upload.status());
    assert_eq!(s.count("select count(*) from answers").await, 0);

    // The real questions follow, and the interview completes without the practice one.
    s.answer_all().await;
    let done = s.candidate.post(&format!("{}/complete", s.path), &[]).await;
    assert_eq!(done.text("h1"), "This interview is already completed");
    assert_eq!(s.count("select count(*) from answers").await, 3);
    assert_eq!(s.count("select count(*) from question_windows").await, 3);
    crate::evaluation::evaluate(&s.app, &s.app.state.config).await;
    let page = s.app.get(&format!("/interviews/{}", s.interview_id)).await;
    assert_eq!(page.texts(".answer-prompt").len(), 3);
    assert!(!page.body.contains(PRACTICE), "never evaluated nor shown as an answer");
}

#[sqlx::test]
async fn without_a_practice_question_the_page_sends_the_candidate_back(pool: PgPool) {
    let s = sent_interview(pool).await;
    let landing = s.candidate.post(&format!("{}/consent", s.path), &[]).await;
    assert!(landing.link("[data-practice-link]").is_none());
    let practice = s.candidate.get(&format!("{}/practice", s.path)).await;
    assert_eq!(practice.text("[data-start]"), "Start interview");
    assert!(practice.texts("[data-practice-note]").is_empty());
}
