//! A Reviewer's whole path in Chromium: invited by an admin on Team, joining by the
//! emailed link, My reviews, the assigned interview played and rated, and blind review
//! keeping the evaluation's scores and the others' ratings back until every answer is rated.

use std::sync::Arc;

use base64::Engine as _;
use fantoccini::Locator;
use hifinity::evaluation::{Evaluator, pipeline};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    support::{PASSWORD, TestApp, answers, link_in_message},
    webdriver::Browser,
};

const ADMIN: &str = "riley@acme.com";
const REVIEWER: &str = "vic@acme.com";
const TYPED_ANSWER: &str = "I read the change for correctness first, then suggest kindly.";
/// What the transcription service hears in both recordings.
const SPOKEN: &str = "I weighed the trade-offs for scalability, then read the explain plan and added indexes.";

/// A second and a half of the fake camera and microphone, recorded in the page (one of
/// the candidate's, where the camera is allowed) as the candidate's recorder does: a real
/// WebM file that Chromium can play back.
async fn fake_camera_recording(browser: &Browser) -> Vec<u8> {
    let encoded = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then((stream) => {
               const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
               const parts = [];
               recorder.ondataavailable = (event) => parts.push(event.data);
               recorder.onstop = () => {
                 stream.getTracks().forEach((track) => track.stop());
                 const reader = new FileReader();
                 reader.onload = () => done(reader.result.split(',')[1]);
                 reader.readAsDataURL(new Blob(parts, { type: 'video/webm' }));
               };
               recorder.start();
               setTimeout(() => recorder.stop(), 1500);
             }, (error) => done('failed: ' + error));",
            vec![],
        )
        .await
        .unwrap();
    let encoded = encoded.as_str().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.decode(encoded).unwrap_or_else(|_| panic!("no recording: {encoded}"))
}

/// An OpenAI-compatible transcription service that hears [`SPOKEN`] in every recording.
async fn transcription_service() -> String {
    let service = axum::Router::new().fallback(|| async { axum::Json(serde_json::json!({ "text": SPOKEN })) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    url
}

/// Ada's interview sent: its id and the path of her link.
async fn sent(app: &TestApp, s: &Sendable) -> (Uuid, String) {
    app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    let (interview, nonce): (Uuid, Vec<u8>) =
        sqlx::query_as("select id, link_nonce from interviews").fetch_one(&app.pool).await.unwrap();
    (interview, format!("/i/{}", hifinity::interviews::link::token(&app.state.config.secret_key, interview, &nonce)))
}

/// Ada's interview answered at her link's `path` (`recording` for both videos, then a
/// typed answer), completed and evaluated; the admin has rated every answer 2.
async fn answered_evaluated_and_rated(app: &TestApp, s: &Sendable, interview: Uuid, path: &str, recording: &[u8]) {
    let candidate = app.other_browser();
    candidate.post(&format!("{path}/consent"), &[]).await;
    candidate.post(&format!("{path}/start"), &[]).await;
    candidate.answer_fixture_questions(path, s.version_id, recording, TYPED_ANSWER).await;
    assert_eq!(
        candidate.post(&format!("{path}/complete"), &[]).await.text("h1"),
        "This interview is already completed"
    );

    let mut config = (*app.state.config).clone();
    config.evaluation.transcribe_url = Some(transcription_service().await.parse().unwrap());
    let evaluator = Arc::new(Evaluator::from_config(&config, app.state.media.clone()).unwrap());
    assert_eq!(pipeline::run_due(&app.pool, &evaluator).await.unwrap(), 1);
    for answer in answers(app, interview).await {
        let rated = app.post(&format!("/interviews/{interview}/answers/{answer}/review"), &[("rating", "2")]).await;
        assert_eq!(rated.flash(), "Your rating (2/5) is saved.");
    }
}

/// How many elements match `css` on the page now.
async fn count_of(browser: &Browser, css: &str) -> usize {
    browser.client.find_all(Locator::Css(css)).await.unwrap().len()
}

#[sqlx::test]
async fn an_invited_reviewer_joins_plays_and_rates_and_only_then_sees_the_score_and_the_others_ratings(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let (interview, path) = sent(&app, &s).await;
    // Ada records her answers at her link, where the camera is allowed.
    let browser = Browser::start().await;
    browser.goto(&app.url(&path)).await;
    let recording = fake_camera_recording(&browser).await;
    answered_evaluated_and_rated(&app, &s, interview, &path, &recording).await;

    // The admin finds blind review on in Settings and invites Vic on Team.
    browser.sign_in(&app, ADMIN, "Acme Robotics").await;
    browser.click("a[href='/settings']").await;
    browser.wait_for_text("#reviews h2", "Reviews").await;
    assert_eq!(browser.js("document.querySelector('#reviews input[name=blind_review]').checked").await, true);
    browser.click("a[href='/team']").await;
    browser.find("#email").await.send_keys(REVIEWER).await.unwrap();
    browser
        .find("#role")
        .await
        .select_by_label("Reviewer: reads candidates and interviews, plays, rates and notes answers")
        .await
        .unwrap();
    browser.click("form[action='/team/invitations'] button[type=submit]").await;
    browser.wait_for_text(".flash", "Invitation sent to vic@acme.com.").await;
    browser.click("form[action='/sign-out'] button[type=submit]").await;
    browser.find("#password").await;

    // Vic follows the emailed link, chooses a password and lands on My reviews.
    let link = link_in_message(&app.account_email_to(REVIEWER).await);
    browser.goto(&link).await;
    assert_eq!(browser.text("h1").await, "Join Acme Robotics");
    browser.find("#name").await.send_keys("Vic Reviewer").await.unwrap();
    browser.find("#password").await.send_keys(PASSWORD).await.unwrap();
    browser.click("form[action^='/team/join/'] button[type=submit]").await;
    browser.wait_for_text("h1", "My reviews").await;
    assert_eq!(browser.text(".flash").await, "Welcome to Acme Robotics, Vic Reviewer.");
    assert_eq!(browser.text("#to-do h2").await, "To do (0)");

    // Assigned to Ada's interview, Vic finds it on My reviews and opens it.
    let vic: Uuid = sqlx::query_scalar("select id from users where email = $1::citext")
        .bind(REVIEWER)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let assigned = app.post(&format!("/interviews/{interview}/reviewers"), &[("user_id", &vic.to_string())]).await;
    assert_eq!(assigned.flash(), "Reviewer assigned.");
    browser.client.refresh().await.unwrap();
    browser.wait_for_text("#to-do h2", "To do (1)").await;
    assert_eq!(browser.text("#to-do td:nth-child(5)").await, "0 of 3 answers rated");
    browser.click("#to-do a").await;
    browser.wait_for_text(".page-header .badge", "Completed").await;

    // Before rating: no score, no teammate's rating, only a note saying why.
    assert_eq!(
        browser.text(".evaluation-rate-first").await,
        "Rate every answer first: the evaluation's scores and your teammates' ratings appear once yours are in."
    );
    assert_eq!(count_of(&browser, ".evaluation-score-value").await, 0);
    assert_eq!(count_of(&browser, ".answer-score").await, 0);
    assert_eq!(count_of(&browser, ".review").await, 0);
    assert!(browser.text(".team-rating").await.starts_with("Team rating: shown once you have rated every answer."));

    // Vic plays the first recording and reads the typed answer.
    browser.play_first_recording(2).await;
    assert_eq!(browser.text(".answer-text").await, TYPED_ANSWER);

    // Each rating is saved on its own; the scores stay hidden until the last one.
    let answers = answers(&app, interview).await;
    for (n, (answer, label)) in answers.iter().zip(["3 – Adequate", "4 – Good", "5 – Excellent"]).enumerate() {
        browser.find(&format!("#rating-{answer}")).await.select_by_label(label).await.unwrap();
        browser.click(&format!("#answer-{answer} .review-form button[type=submit]")).await;
        browser.wait_for_text(".flash", &format!("Your rating ({}/5) is saved.", n + 3)).await;
        if n + 1 < answers.len() {
            assert_eq!(count_of(&browser, ".evaluation-score-value").await, 0, "after {} ratings", n + 1);
            assert_eq!(count_of(&browser, ".review").await, n + 1, "only Vic's own ratings");
        }
    }

    // Every answer rated: the evaluation's score, each answer's score and Riley's ratings appear.
    assert_eq!(count_of(&browser, ".evaluation-rate-first").await, 0);
    assert!(browser.text(".evaluation-score-value").await.parse::<u32>().is_ok(), "an overall score");
    assert_eq!(count_of(&browser, ".answer-score").await, 3);
    let raters = format!("#answer-{} .review strong", answers[2]);
    let names = browser.client.find_all(Locator::Css(&raters)).await.unwrap();
    let mut seen = Vec::new();
    for name in names {
        seen.push(name.text().await.unwrap());
    }
    assert_eq!(seen, ["Riley Recruiter", "Vic Reviewer (you)"]);
    assert_eq!(browser.text(".team-rating-value").await, "3.0 / 5");

    browser.click("nav.mainnav a[href='/reviews']").await;
    browser.wait_for_text("#done h2", "Done (1)").await;
    assert_eq!(browser.text("#to-do h2").await, "To do (0)");
    browser.close().await;
}
