//! The candidate's whole interview in Chromium, from the emailed link to completion, and
//! what the recruiter then sees and plays back.

use std::time::Duration;

use fantoccini::Locator;
use reqwest::{StatusCode, header};
use scraper::{Html, Selector};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures,
    smtp::{Behaviour, SmtpServer},
    support::{TestApp, count, link_in_message},
    webdriver::Browser,
};

const RECRUITER: &str = "riley@acme.com";
const TEXT_ANSWER: &str = "I read the change first for correctness, then ask questions kindly and suggest, not demand.";

/// How long each video answer is recorded.
const RECORD_FOR: Duration = Duration::from_secs(2);

/// Records a video answer once recording has started (by itself or by a click): lets it
/// run, stops it, and waits for the next page.
pub(crate) async fn record_and_stop(browser: &Browser, next: &str) {
    browser.find("[data-stop]:not([hidden])").await;
    browser.wait_for_text("[data-phase]", "Recording").await;
    tokio::time::sleep(RECORD_FOR).await;
    browser.wait_for_text("[data-timer]", "left to answer").await;
    browser.click("[data-stop]").await;
    browser.wait_for_text(".question-progress, h1", next).await;
}

/// Ada Lovelace invited through the Send Interview form to two video questions and a
/// typed one (ten minutes to think and to answer each): the app, the template version,
/// the link from the email the SMTP server received, and the interview.
pub(crate) async fn invited(pool: PgPool) -> (TestApp, Uuid, String, Uuid) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let company = app.company_id(RECRUITER).await;
    let job = fixtures::job(&app.pool, company, "Senior Backend Engineer").await;
    let (_, version) = fixtures::published_template_timed(&app.pool, company, job, "Backend screen", 600, 600).await;
    let candidate = fixtures::candidate(&app.pool, company, "Ada Lovelace", "ada@example.com").await;
    let sent = app.send_interview(candidate, job, version).await;
    assert_eq!(sent.flash(), "Interview invitation sent to ada@example.com");
    app.deliver_mail().await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let link = link_in_message(&messages[0]);
    let interview = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    (app, version, link, interview)
}

#[sqlx::test]
async fn a_candidate_records_resumes_and_completes_and_the_recruiter_plays_the_answers(pool: PgPool) {
    let (app, version, link, interview) = invited(pool).await;
    // The first question thinks for ten minutes, so that the click on "Record now" starts
    // its recording however slow the machine; the second thinks for a second, so that its
    // countdown starts recording by itself. Answer times are long enough that recordings
    // stop by the click, not the timer.
    sqlx::query("update version_questions set thinking_seconds = 1 where version_id = $1 and position = 1")
        .bind(version)
        .execute(&app.pool)
        .await
        .unwrap();

    let browser = Browser::start().await;

    // The notice comes first; after I agree, the device check passes with the fake
    // camera and microphone.
    browser.goto(&link).await;
    assert_eq!(browser.text("h1").await, "Video interview: Senior Backend Engineer");
    assert_eq!(browser.text("#notice-title").await, "Before you start: about this interview and your data");
    browser.click("[data-consent]").await;
    for check in ["camera", "microphone", "recording"] {
        browser.find(&format!("[data-check={check}].check-ok")).await;
    }
    browser.wait_for_text("[data-device-status]", "Your camera and microphone work").await;
    assert_eq!(browser.text("[data-check=recording] span").await, "supported");
    // The fake microphone beeps: the level meter moves (sampled often, as beeps are short).
    let level = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const meter = document.querySelector('[data-mic-level]');
             const started = Date.now();
             const sample = setInterval(() => {
               if (meter.value > 0 || Date.now() - started > 10000) { clearInterval(sample); done(meter.value); }
             }, 10);",
            vec![],
        )
        .await
        .unwrap();
    assert!(level.as_f64().unwrap_or(0.0) > 0.0, "the microphone level meter stayed at {level}");
    browser.click("[data-start]").await;

    // Question 1: recording starts early with the button during the thinking countdown.
    browser.wait_for_text(".question-progress", "Question 1 of 3").await;
    assert!(browser.text(".candidate-question").await.starts_with("Tell us about a system you designed"));
    browser.find("[data-record-now]:not([hidden])").await;
    assert!(browser.text("[data-timer]").await.starts_with("Recording starts in"));
    browser.click("[data-record-now]").await;
    record_and_stop(&browser, "Question 2 of 3").await;

    // Reloading in the middle resumes at the first unanswered question.
    browser.client.refresh().await.unwrap();
    browser.wait_for_text(".question-progress", "Question 2 of 3").await;
    assert!(
        browser.text(".candidate-question").await.starts_with("How would you find the cause of a slow database query?")
    );
    // Question 2: the thinking countdown runs out and recording starts by itself.
    record_and_stop(&browser, "Question 3 of 3").await;

    // Question 3 is typed.
    browser.find("#answer-text").await.send_keys(TEXT_ANSWER).await.unwrap();
    browser.click(".text-answer button[type=submit]").await;
    browser.wait_for_text("h1", "All questions answered").await;
    assert_eq!(browser.client.find_all(Locator::Css(".answered-list li")).await.unwrap().len(), 3);
    browser.click("[data-complete]").await;
    browser.wait_for_text("h1", "This interview is already completed").await;
    assert!(browser.text(".candidate-closed p").await.starts_with("Thank you, Ada Lovelace."));

    // The database holds both recordings, the typed answer, the timeline and the queued evaluation.
    let status: String = sqlx::query_scalar("select status::text from interviews").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "completed");
    let videos: Vec<(Uuid, Option<i64>, Option<String>)> = sqlx::query_as(
        "select a.id, a.media_bytes, a.media_type from answers a join version_questions q on q.id = a.question_id
         where a.answer_kind = 'video' order by q.position",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(videos.len(), 2);
    for (_, bytes, media_type) in &videos {
        assert!(bytes.unwrap_or(0) > 0, "a recording was stored");
        assert_eq!(media_type.as_deref(), Some("video/webm"));
    }
    let text: String = sqlx::query_scalar("select text_answer from answers where answer_kind = 'text'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(text, TEXT_ANSWER);
    assert_eq!(
        count(&app, "select count(*) from tasks where kind = 'evaluate_interview' and status = 'queued'").await,
        1
    );
    let events: Vec<String> = sqlx::query_scalar("select kind::text from interview_events order by created_at")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for (kind, times) in [("started", 1), ("answer_saved", 3), ("completed", 1)] {
        assert_eq!(events.iter().filter(|e| *e == kind).count(), times, "{kind} events in {events:?}");
    }

    // The recruiter's interview page: Completed, the typed answer, and two players whose
    // recordings are served whole and by range.
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(".page-header .badge"), "Completed");
    assert_eq!(page.text(".answer-text"), TEXT_ANSWER);
    let sources: Vec<String> = Html::parse_document(&page.body)
        .select(&Selector::parse("video.answer-video").unwrap())
        .map(|video| video.value().attr("src").unwrap().to_owned())
        .collect();
    assert_eq!(
        sources,
        videos.iter().map(|(id, _, _)| format!("/interviews/{interview}/answers/{id}/media")).collect::<Vec<_>>()
    );
    for (source, (_, bytes, _)) in sources.iter().zip(&videos) {
        let whole = app.client.get(app.url(source)).send().await.unwrap();
        assert_eq!(whole.status(), StatusCode::OK);
        assert_eq!(whole.headers()[header::CONTENT_TYPE], "video/webm");
        assert_eq!(whole.headers()[header::ACCEPT_RANGES], "bytes");
        let body = whole.bytes().await.unwrap();
        assert_eq!(body.len() as i64, bytes.unwrap(), "the stored size");
        assert!(body.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]), "a WebM file");

        let part = app.client.get(app.url(source)).header(header::RANGE, "bytes=0-99").send().await.unwrap();
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.headers()[header::CONTENT_RANGE], format!("bytes 0-99/{}", body.len()));
        assert_eq!(part.bytes().await.unwrap(), body.slice(0..100));
    }

    // Signed in through the form, the recruiter's browser loads both recordings and plays one.
    browser.sign_in(&app, RECRUITER, "Acme Robotics").await;
    browser.goto(&app.url(&format!("/interviews/{interview}"))).await;
    browser.wait_for_text(".page-header .badge", "Completed").await;
    browser.play_first_recording(2).await;

    // From now on the link shows only the thank-you page.
    browser.goto(&link).await;
    browser.wait_for_text("h1", "This interview is already completed").await;
    browser.close().await;
}

#[sqlx::test]
async fn a_recording_stopped_after_the_interview_was_cancelled_shows_the_candidate_why(pool: PgPool) {
    let (app, _, link, interview) = invited(pool).await;

    let browser = Browser::start().await;
    browser.goto(&link).await;
    browser.click("[data-consent]").await;
    browser.wait_for_text("[data-device-status]", "Your camera and microphone work").await;
    browser.click("[data-start]").await;
    browser.wait_for_text(".question-progress", "Question 1 of 3").await;
    browser.click("[data-record-now]").await;
    browser.find("[data-stop]:not([hidden])").await;
    browser.wait_for_text("[data-phase]", "Recording").await;

    let cancelled = app.post(&format!("/interviews/{interview}/cancel"), &[]).await;
    assert_eq!(cancelled.flash(), "Interview cancelled. Its link no longer works.");
    browser.click("[data-stop]").await;

    browser.wait_for_text("h1", "This interview was cancelled").await;
    assert_eq!(count(&app, "select count(*) from answers").await, 0, "nothing was saved");
    browser.close().await;
}
