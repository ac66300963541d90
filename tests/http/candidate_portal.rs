use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer},
    support::{Page, TestApp, link_in_message},
};

const RECRUITER: &str = "riley@acme.com";

/// A small file that starts like a WebM recording (an EBML header).
pub(crate) fn webm(len: usize) -> Vec<u8> {
    let mut bytes = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
    bytes.resize(len, 0x42);
    bytes
}

pub(crate) struct Sent {
    pub(crate) app: TestApp,
    /// A separate browser: the candidate.
    pub(crate) candidate: TestApp,
    pub(crate) smtp: SmtpServer,
    sendable: Sendable,
    pub(crate) interview_id: Uuid,
    /// The path of the link in the invitation email.
    pub(crate) path: String,
    pub(crate) questions: Vec<Uuid>,
}

/// Sends `candidate_id` the interview through the Send Interview form.
async fn send(app: &TestApp, s: &Sendable, candidate_id: Uuid) {
    let page = app.send_interview(candidate_id, s.job_id, s.version_id).await;
    assert!(page.flash().starts_with("Interview invitation sent"), "{}", page.flash());
}

/// The path of the link in the `index`th email the SMTP server received.
fn emailed_path(app: &TestApp, smtp: &SmtpServer, index: usize) -> String {
    let link = link_in_message(&smtp.messages()[index]);
    link.strip_prefix(&app.base).expect("a link to this app").to_owned()
}

pub(crate) async fn sent_interview(pool: PgPool) -> Sent {
    sent_interview_with(pool, |_| {}, None).await
}

/// Like [`sent_interview`], with the settings adjusted and media stored in `media`.
pub(crate) async fn sent_interview_with(
    pool: PgPool,
    adjust: impl FnOnce(&mut hifinity::config::Config),
    media: Option<hifinity::storage::MediaStore>,
) -> Sent {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let smtp_url = smtp.url();
    let app = TestApp::spawn_with_media(
        pool,
        |config| {
            config.smtp_url = Some(smtp_url);
            adjust(config);
        },
        media,
    )
    .await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let sendable = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    send(&app, &sendable, sendable.candidate_id).await;
    app.deliver_mail().await;
    assert_eq!(smtp.messages().len(), 1, "the invitation was delivered");
    let path = emailed_path(&app, &smtp, 0);
    let interview_id = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let questions = sqlx::query_scalar("select id from version_questions where version_id = $1 order by position")
        .bind(sendable.version_id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let candidate = app.other_browser();
    Sent { app, candidate, smtp, sendable, interview_id, path, questions }
}

impl Sent {
    /// Opens the question page as the candidate's browser does before recording: the
    /// next question, or a retake of `question` when it was answered.
    pub(crate) async fn show(&self, question: Uuid) -> Page {
        self.candidate.get(&format!("{}/q?question={question}", self.path)).await
    }

    /// Shows the candidate the question, then uploads a recording to it.
    pub(crate) async fn upload(&self, question: Uuid, content_type: &str, body: Vec<u8>) -> (StatusCode, String) {
        self.show(question).await;
        self.upload_unshown(question, content_type, body).await
    }

    /// Uploads a recording as it is, without opening any page first.
    pub(crate) async fn upload_unshown(
        &self,
        question: Uuid,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, String) {
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

    pub(crate) async fn count(&self, sql: &str) -> i64 {
        crate::support::count(&self.app, sql).await
    }

    fn stored_files(&self) -> usize {
        let dir = self.app.state.config.data_dir.join("media/interviews").join(self.interview_id.to_string());
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    /// Agrees to the notice, then starts (or resumes) the interview.
    pub(crate) async fn start(&self) -> Page {
        self.candidate.post(&format!("{}/consent", self.path), &[]).await;
        self.candidate.post(&format!("{}/start", self.path), &[]).await
    }

    /// Starts the interview and answers every question (two recordings, one typed).
    pub(crate) async fn answer_all(&self) {
        self.start().await;
        assert_eq!(self.upload(self.questions[0], "video/webm", webm(1000)).await.0, StatusCode::CREATED);
        assert_eq!(self.upload(self.questions[1], "video/webm", webm(1000)).await.0, StatusCode::CREATED);
        self.show(self.questions[2]).await;
        let review = self
            .candidate
            .post(&format!("{}/answers/{}", self.path, self.questions[2]), &[("text", "An answer.")])
            .await;
        assert_eq!(review.text("h1"), "All questions answered");
    }

    /// A video upload of `question` whose body the test feeds chunk by chunk, sent
    /// without `Content-Length`; the response arrives on the returned task.
    pub(crate) fn streamed_upload(
        &self,
        question: Uuid,
    ) -> (tokio::sync::mpsc::Sender<Vec<u8>>, tokio::task::JoinHandle<reqwest::Result<reqwest::Response>>) {
        let (chunks, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
        let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (Ok::<_, std::io::Error>(chunk), receiver))
        });
        let request = self
            .candidate
            .client
            .post(self.candidate.url(&format!("{}/answers/{question}", self.path)))
            .header("content-type", "video/webm")
            .body(reqwest::Body::wrap_stream(body))
            .send();
        (chunks, tokio::spawn(request))
    }
}

/// Polls `done` until it holds, failing after a generous deadline.
pub(crate) async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[sqlx::test]
async fn a_candidate_answers_resumes_and_completes(pool: PgPool) {
    let s = sent_interview(pool).await;
    let landing = s.candidate.get(&s.path).await;
    assert_eq!(landing.text("[data-consent]"), "I agree");
    assert!(!landing.body.contains("data-device-check") && !landing.body.contains("data-start"), "the notice first");
    let agreed = s.candidate.post(&format!("{}/consent", s.path), &[]).await;
    assert_eq!(agreed.text("[data-start]"), "Start interview");
    assert!(agreed.body.contains("data-device-check"), "the device check");

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
    let text_question = s.show(s.questions[2]).await;
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
    s.start().await;

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

    s.start().await;
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
    sqlx::query("update template_versions set retakes = 1").execute(&s.app.pool).await.unwrap();
    s.start().await;
    assert_eq!(s.upload(s.questions[0], "video/webm", webm(1000)).await.0, StatusCode::CREATED);
    assert_eq!(s.upload(s.questions[0], "video/webm", webm(2000)).await.0, StatusCode::CREATED);
    assert_eq!(s.count("select count(*) from answers").await, 1);
    assert_eq!(s.count("select media_bytes from answers").await, 2000);
    assert_eq!(s.stored_files(), 1, "the replaced recording was deleted");
}

#[sqlx::test]
async fn two_tabs_complete_once(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.start().await;
    s.upload(s.questions[0], "video/webm", webm(1000)).await;
    s.upload(s.questions[1], "video/webm", webm(1000)).await;
    s.show(s.questions[2]).await;
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

#[sqlx::test]
async fn an_upload_over_the_limit_is_refused_while_streaming_and_nothing_stays_stored(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.start().await;
    let limit = s.app.state.config.max_answer_bytes as usize;
    let chunk = 64 * 1024;
    let (chunks, response) = s.streamed_upload(s.questions[0]);
    chunks.send(webm(chunk)).await.unwrap();
    // A valid start opens storage, so the refusal below has a partial recording to remove.
    wait_until("the recording reaches storage", || s.stored_files() == 1).await;
    let mut sent = chunk;
    while sent <= limit {
        let next = chunk.min(limit + 1 - sent);
        chunks.send(vec![0x42; next]).await.expect("the server reads up to the limit");
        sent += next;
    }
    // The body never ends: only a refusal made while streaming can answer.
    let response = tokio::time::timeout(Duration::from_secs(30), response)
        .await
        .expect("refused before the upload ends")
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.text().await.unwrap(), "This recording is larger than the 5 MB limit.");
    assert_eq!(s.stored_files(), 0, "the partial recording was removed");
    assert_eq!(s.count("select count(*) from answers").await, 0);
    drop(chunks);
}

/// Everything a candidate's request could change: the interview, its answers, timeline
/// and queued work, and the candidate.
async fn database_state(s: &Sent) -> String {
    sqlx::query_scalar(
        "select concat_ws(' | ',
           (select jsonb_agg(to_jsonb(i) order by i.id) from interviews i),
           (select jsonb_agg(to_jsonb(a) order by a.id) from answers a),
           (select jsonb_agg(to_jsonb(e) order by e.id) from interview_events e),
           (select jsonb_agg(to_jsonb(t) order by t.id) from tasks t),
           (select jsonb_agg(to_jsonb(c) order by c.id) from candidates c))",
    )
    .fetch_one(&s.app.pool)
    .await
    .unwrap()
}

/// How an interview's link stopped working.
#[derive(Clone, Copy)]
enum Closed {
    /// Its deadline passed (before housekeeping marks it Expired).
    Expired,
    /// The recruiter cancelled it.
    Cancelled,
}

impl Closed {
    async fn close(self, s: &Sent) {
        match self {
            Closed::Expired => {
                sqlx::query("update interviews set expires_at = now() - interval '1 minute'")
                    .execute(&s.app.pool)
                    .await
                    .unwrap();
            }
            Closed::Cancelled => {
                let page = s.app.post(&format!("/interviews/{}/cancel", s.interview_id), &[]).await;
                assert_eq!(page.flash(), "Interview cancelled. Its link no longer works.");
            }
        }
    }

    /// The candidate sees why the link no longer works.
    fn assert_shown(self, page: &crate::support::Page) {
        let heading = match self {
            Closed::Expired => "This interview link has expired",
            Closed::Cancelled => "This interview was cancelled",
        };
        assert_eq!((page.status, page.text("h1").as_str()), (StatusCode::GONE, heading), "{}", page.url);
    }
}

async fn starting_is_refused(pool: PgPool, closed: Closed) {
    let s = sent_interview(pool).await;
    s.candidate.post(&format!("{}/consent", s.path), &[]).await;
    closed.close(&s).await;
    let before = database_state(&s).await;
    closed.assert_shown(&s.candidate.post(&format!("{}/consent", s.path), &[]).await);
    closed.assert_shown(&s.candidate.post(&format!("{}/start", s.path), &[]).await);
    assert_eq!(database_state(&s).await, before, "nothing changed");
}

async fn answering_is_refused(pool: PgPool, closed: Closed) {
    let s = sent_interview(pool).await;
    s.start().await;
    closed.close(&s).await;
    let before = database_state(&s).await;
    let typed = s.candidate.post(&format!("{}/answers/{}", s.path, s.questions[2]), &[("text", "Too late.")]).await;
    closed.assert_shown(&typed);
    let (status, page) = s.upload(s.questions[0], "video/webm", webm(1000)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains(if matches!(closed, Closed::Expired) { "has expired" } else { "was cancelled" }), "{page}");
    assert_eq!(database_state(&s).await, before, "nothing changed");
    assert_eq!(s.stored_files(), 0, "nothing stored");
}

async fn completing_is_refused(pool: PgPool, closed: Closed) {
    let s = sent_interview(pool).await;
    s.answer_all().await;
    closed.close(&s).await;
    let before = database_state(&s).await;
    closed.assert_shown(&s.candidate.post(&format!("{}/complete", s.path), &[]).await);
    assert_eq!(database_state(&s).await, before, "nothing changed");
}

#[sqlx::test]
async fn starting_an_expired_interview_is_refused(pool: PgPool) {
    starting_is_refused(pool, Closed::Expired).await;
}

#[sqlx::test]
async fn answering_an_expired_interview_is_refused(pool: PgPool) {
    answering_is_refused(pool, Closed::Expired).await;
}

#[sqlx::test]
async fn completing_an_expired_interview_is_refused(pool: PgPool) {
    completing_is_refused(pool, Closed::Expired).await;
}

#[sqlx::test]
async fn starting_a_cancelled_interview_is_refused(pool: PgPool) {
    starting_is_refused(pool, Closed::Cancelled).await;
}

#[sqlx::test]
async fn answering_a_cancelled_interview_is_refused(pool: PgPool) {
    answering_is_refused(pool, Closed::Cancelled).await;
}

#[sqlx::test]
async fn completing_a_cancelled_interview_is_refused(pool: PgPool) {
    completing_is_refused(pool, Closed::Cancelled).await;
}

#[sqlx::test]
async fn a_video_answer_after_completion_is_refused_and_stores_nothing(pool: PgPool) {
    let s = sent_interview(pool).await;
    // With retakes allowed, only the completion stands in the way of a new recording.
    sqlx::query("update template_versions set retakes = 1").execute(&s.app.pool).await.unwrap();
    s.answer_all().await;
    let done = s.candidate.post(&format!("{}/complete", s.path), &[]).await;
    assert_eq!(done.text("h1"), "This interview is already completed");
    let before = database_state(&s).await;

    let (status, page) = s.upload(s.questions[0], "video/webm", webm(2000)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This interview is already completed"), "{page}");
    assert_eq!(database_state(&s).await, before, "nothing changed");
    assert_eq!(s.stored_files(), 2, "only the two recordings of the completed interview");
}

#[sqlx::test]
async fn a_recording_still_streaming_at_completion_is_refused_and_removed(pool: PgPool) {
    let s = sent_interview(pool).await;
    sqlx::query("update template_versions set retakes = 1").execute(&s.app.pool).await.unwrap();
    s.answer_all().await;
    // A retake starts streaming; another tab completes the interview meanwhile.
    s.show(s.questions[0]).await;
    let (chunks, response) = s.streamed_upload(s.questions[0]);
    chunks.send(webm(64 * 1024)).await.unwrap();
    wait_until("the retake reaches storage", || s.stored_files() == 3).await;
    let done = s.candidate.other_browser().post(&format!("{}/complete", s.path), &[]).await;
    assert_eq!(done.text("h1"), "This interview is already completed");
    let before = database_state(&s).await;
    chunks.send(vec![0x42; 1000]).await.unwrap();
    drop(chunks);

    let response = response.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(response.text().await.unwrap(), "This interview is no longer open for answers.");
    assert_eq!(database_state(&s).await, before, "the completed answers stay");
    assert_eq!(s.stored_files(), 2, "the late recording was removed");
}

#[sqlx::test]
async fn a_recording_plays_only_under_its_own_interview(pool: PgPool) {
    let s = sent_interview(pool).await;
    let grace = fixtures::candidate(&s.app.pool, s.sendable.company_id, "Grace Hopper", "grace@example.com").await;
    send(&s.app, &s.sendable, grace).await;
    s.app.deliver_mail().await;
    assert_eq!(s.smtp.messages().len(), 2);
    let grace_path = emailed_path(&s.app, &s.smtp, 1);
    let grace_browser = s.app.other_browser();
    grace_browser.post(&format!("{grace_path}/consent"), &[]).await;
    grace_browser.post(&format!("{grace_path}/start"), &[]).await;
    let grace_upload = grace_browser
        .client
        .post(grace_browser.url(&format!("{grace_path}/answers/{}", s.questions[0])))
        .header("content-type", "video/webm")
        .body(webm(2000))
        .send()
        .await
        .unwrap();
    assert_eq!(grace_upload.status(), StatusCode::CREATED);
    s.start().await;
    assert_eq!(s.upload(s.questions[0], "video/webm", webm(1000)).await.0, StatusCode::CREATED);

    let answer_of = |interview: Uuid| {
        let pool = s.app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>("select id from answers where interview_id = $1")
                .bind(interview)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let grace_interview: Uuid = sqlx::query_scalar("select id from interviews where candidate_id = $1")
        .bind(grace)
        .fetch_one(&s.app.pool)
        .await
        .unwrap();
    let (ada_answer, grace_answer) = (answer_of(s.interview_id).await, answer_of(grace_interview).await);
    let media = |interview: Uuid, answer: Uuid| format!("/interviews/{interview}/answers/{answer}/media");

    let own = s.app.client.get(s.app.url(&media(s.interview_id, ada_answer))).send().await.unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(own.bytes().await.unwrap(), webm(1000));
    let other = s.app.client.get(s.app.url(&media(grace_interview, grace_answer))).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.bytes().await.unwrap(), webm(2000));
    // The same company's answer under another interview's address is not found.
    let crossed = s.app.get(&media(s.interview_id, grace_answer)).await;
    assert_eq!(crossed.status, StatusCode::NOT_FOUND);
    assert_eq!(crossed.text("h1"), "Page not found");
}
