use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{fixtures, support::TestApp};

const RECRUITER: &str = "riley@acme.com";

/// A small file that starts like a WebM recording (an EBML header).
fn webm(len: usize) -> Vec<u8> {
    let mut bytes = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
    bytes.resize(len, 0x42);
    bytes
}

struct Sent {
    app: TestApp,
    /// A separate browser: the candidate.
    candidate: TestApp,
    interview_id: Uuid,
    path: String,
    questions: Vec<Uuid>,
}

async fn sent_interview(pool: PgPool) -> Sent {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let s = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    let page = app
        .post(
            &format!("/candidates/{}/send-interview", s.candidate_id),
            &[
                ("job_id", &s.job_id.to_string()),
                ("version_id", &s.version_id.to_string()),
                ("idempotency_key", &Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert!(page.flash().starts_with("Interview invitation sent"));
    let (interview_id, nonce): (Uuid, Vec<u8>) =
        sqlx::query_as("select id, link_nonce from interviews").fetch_one(&app.pool).await.unwrap();
    let token = hifinity::interviews::link::token(&app.state.config.secret_key, interview_id, &nonce);
    let questions = sqlx::query_scalar("select id from version_questions where version_id = $1 order by position")
        .bind(s.version_id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let candidate = app.other_browser();
    Sent { app, candidate, interview_id, path: format!("/i/{token}"), questions }
}

impl Sent {
    async fn upload(&self, question: Uuid, content_type: &str, body: Vec<u8>) -> (StatusCode, String) {
        let response = self
            .candidate
            .client
            .post(self.candidate.url(&format!("{}/answers/{question}", self.path)))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.app.pool).await.unwrap()
    }

    fn stored_files(&self) -> usize {
        let dir = self.app.state.config.data_dir.join("media/interviews").join(self.interview_id.to_string());
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }
}

#[sqlx::test]
async fn a_candidate_answers_resumes_and_completes(pool: PgPool) {
    let s = sent_interview(pool).await;
    let landing = s.candidate.get(&s.path).await;
    assert_eq!(landing.text("[data-start]"), "Start interview");
    assert!(landing.body.contains("data-device-check"), "the device check");

    let first = s.candidate.post(&format!("{}/start", s.path), &[]).await;
    assert_eq!(first.text(".question-progress span"), "Question 1 of 3");
    assert!(first.text(".candidate-question").starts_with("Tell us about a system you designed"));
    assert_eq!(
        s.count("select count(*) from interviews where status = 'in_progress' and started_at is not null").await,
        1
    );
    assert_eq!(s.count("select count(*) from candidates where status = 'active'").await, 1);

    assert_eq!(s.upload(s.questions[0], "video/webm;codecs=vp8,opus", webm(20_000)).await.0, StatusCode::CREATED);
    // Reopening the link resumes at the first unanswered question.
    let landing = s.candidate.get(&s.path).await;
    assert_eq!(landing.text("[data-start]"), "Continue interview");
    let resumed = s.candidate.post(&format!("{}/start", s.path), &[]).await;
    assert_eq!(resumed.text(".question-progress span"), "Question 2 of 3");

    assert_eq!(s.upload(s.questions[1], "video/webm", webm(30_000)).await.0, StatusCode::CREATED);
    let text_question = s.candidate.get(&format!("{}/q", s.path)).await;
    assert_eq!(text_question.text(".question-progress span"), "Question 3 of 3");
    let empty = s.candidate.post(&format!("{}/answers/{}", s.path, s.questions[2]), &[("text", "   ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.field_error("answer"), "Write your answer before saving it.");
    let review = s
        .candidate
        .post(
            &format!("{}/answers/{}", s.path, s.questions[2]),
            &[("text", "I read for correctness first, then kindness in tone.")],
        )
        .await;
    assert_eq!(review.text("h1"), "All questions answered");

    let done = s.candidate.post(&format!("{}/complete", s.path), &[]).await;
    assert_eq!(done.text("h1"), "This interview is already completed");
    assert!(done.text("p").starts_with("Thank you, Ada Lovelace."));
    assert_eq!(
        s.count("select count(*) from interviews where status = 'completed' and completed_at is not null").await,
        1
    );
    assert_eq!(s.count("select count(*) from tasks where kind = 'evaluate_interview' and status = 'queued'").await, 1);
    assert_eq!(s.count("select count(*) from candidates where status = 'completed'").await, 1);
    assert_eq!(s.count("select count(*) from answers where answer_kind = 'video' and media_bytes > 0").await, 2);
    assert_eq!(s.stored_files(), 2);

    // After completion the link shows only the thank-you page, and nothing more is accepted.
    assert_eq!(s.candidate.get(&format!("{}/q", s.path)).await.text("h1"), "This interview is already completed");
    let late = s.candidate.post(&format!("{}/answers/{}", s.path, s.questions[2]), &[("text", "changed")]).await;
    assert_eq!(late.text("h1"), "This interview is already completed");
    assert_eq!(s.count("select count(*) from answers where text_answer = 'changed'").await, 0);

    // The recruiter sees it Completed and plays the recordings, seeking with Range.
    let interview = s.app.get(&format!("/interviews/{}", s.interview_id)).await;
    assert_eq!(interview.text(".page-header .badge"), "Completed");
    let answer: Uuid = sqlx::query_scalar("select id from answers where question_id = $1")
        .bind(s.questions[1])
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let media = format!("/interviews/{}/answers/{answer}/media", s.interview_id);
    assert!(interview.body.contains(&media), "the page plays the recording");
    let full = s.app.client.get(s.app.url(&media)).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-type"], "video/webm");
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    assert_eq!(full.bytes().await.unwrap(), webm(30_000));
    let part = s.app.client.get(s.app.url(&media)).header("range", "bytes=100-199").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], "bytes 100-199/30000");
    assert_eq!(part.bytes().await.unwrap().len(), 100);
    let beyond = s.app.client.get(s.app.url(&media)).header("range", "bytes=40000-").send().await.unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Only signed-in recruiters of this company.
    assert_eq!(s.candidate.client.get(s.app.url(&media)).send().await.unwrap().url().path(), "/sign-in");
    let globex = s.app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    assert_eq!(globex.get(&media).await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn uploads_are_bounded_in_size_and_type(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.candidate.post(&format!("{}/start", s.path), &[]).await;

    let (status, message) = s.upload(s.questions[0], "video/webm", webm(6 * 1024 * 1024)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(message, "This recording is larger than the 5 MB limit.");

    let (status, message) = s.upload(s.questions[0], "text/plain", webm(1000)).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(message, "Upload a WebM or MP4 video recording.");
    let (status, message) = s.upload(s.questions[0], "video/webm", b"#!/bin/sh\necho not a video\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(message, "This file is not a WebM or MP4 video recording.");
    let (status, _) = s.upload(s.questions[0], "video/webm", Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(s.count("select count(*) from answers").await, 0);
    assert_eq!(s.stored_files(), 0, "nothing stored");

    let mut mp4 = vec![0, 0, 0, 0x20];
    mp4.extend_from_slice(b"ftypisom");
    mp4.resize(4096, 0);
    assert_eq!(s.upload(s.questions[0], "video/mp4", mp4).await.0, StatusCode::CREATED);
}

#[sqlx::test]
async fn answers_are_checked_against_the_interview(pool: PgPool) {
    let s = sent_interview(pool).await;
    let (status, message) = s.upload(s.questions[0], "video/webm", webm(1000)).await;
    assert_eq!((status, message.as_str()), (StatusCode::CONFLICT, "Start the interview before answering."));

    s.candidate.post(&format!("{}/start", s.path), &[]).await;
    assert_eq!(s.upload(Uuid::new_v4(), "video/webm", webm(1000)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        s.upload(s.questions[2], "video/webm", webm(1000)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a text question"
    );

    assert_eq!(s.upload(s.questions[0], "video/webm", webm(1000)).await.0, StatusCode::CREATED);
    let (status, message) = s.upload(s.questions[0], "video/webm", webm(2000)).await;
    assert_eq!((status, message.as_str()), (StatusCode::CONFLICT, "This question already has a saved answer."));
    assert_eq!(s.count("select count(*) from answers where media_bytes = 1000").await, 1, "the first answer stays");

    let early = s.candidate.post(&format!("{}/complete", s.path), &[]).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.text("h1"), "Some questions are not answered yet");
}

#[sqlx::test]
async fn retakes_replace_the_answer_when_the_template_allows_them(pool: PgPool) {
    let s = sent_interview(pool).await;
    sqlx::query("update template_versions set allow_retakes = true").execute(&s.app.pool).await.unwrap();
    s.candidate.post(&format!("{}/start", s.path), &[]).await;
    assert_eq!(s.upload(s.questions[0], "video/webm", webm(1000)).await.0, StatusCode::CREATED);
    assert_eq!(s.upload(s.questions[0], "video/webm", webm(2000)).await.0, StatusCode::CREATED);
    assert_eq!(s.count("select count(*) from answers").await, 1);
    assert_eq!(s.count("select media_bytes from answers").await, 2000);
    assert_eq!(s.stored_files(), 1, "the replaced recording was deleted");
}

#[sqlx::test]
async fn two_tabs_complete_once(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.candidate.post(&format!("{}/start", s.path), &[]).await;
    s.upload(s.questions[0], "video/webm", webm(1000)).await;
    s.upload(s.questions[1], "video/webm", webm(1000)).await;
    s.candidate.post(&format!("{}/answers/{}", s.path, s.questions[2]), &[("text", "An answer.")]).await;
    let other_tab = s.candidate.other_browser();
    let complete = |browser: &TestApp| {
        let url = browser.url(&format!("{}/complete", s.path));
        let client = browser.client.clone();
        async move { client.post(url).send().await.unwrap().status() }
    };
    let (a, b) = tokio::join!(complete(&s.candidate), complete(&other_tab));
    assert_eq!((a, b), (StatusCode::OK, StatusCode::OK));
    assert_eq!(s.count("select count(*) from interview_events where kind = 'completed'").await, 1);
    assert_eq!(s.count("select count(*) from tasks where kind = 'evaluate_interview'").await, 1);
}
