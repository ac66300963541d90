//! The notice a candidate reads before the device check, and their agreement to it: what
//! it says follows the configuration and the company's settings, nothing starts or is
//! answered without **I agree**, and the agreement (time, notice version, address) is
//! recorded and shown to the recruiters.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    support::{Page, TestApp, count},
};

const ADMIN: &str = "riley@acme.com";

/// A company with an interview sent to Ada, and the path of its link.
pub async fn invited(app: &TestApp) -> (Sendable, Uuid, String) {
    app.sign_up("Acme Robotics", ADMIN).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let sent = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
    let (id, nonce): (Uuid, Vec<u8>) =
        sqlx::query_as("select id, link_nonce from interviews").fetch_one(&app.pool).await.unwrap();
    let token = hifinity::interviews::link::token(&app.state.config.secret_key, id, &nonce);
    (s, id, format!("/i/{token}"))
}

/// The notice's text as the candidate reads it.
fn notice(page: &Page) -> String {
    page.texts(".notice-card p").join("\n")
}

async fn question_ids(app: &TestApp, s: &Sendable) -> Vec<Uuid> {
    sqlx::query_scalar("select id from version_questions where version_id = $1 order by position")
        .bind(s.version_id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn nothing_starts_or_is_answered_before_the_candidate_agrees_to_the_notice(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, path) = invited(&app).await;
    let candidate = app.other_browser();

    let landing = candidate.get(&path).await;
    let text = notice(&landing);
    assert!(text.contains("Acme Robotics invites you to this interview"), "{text}");
    assert!(text.contains("the video and sound of your spoken answers"), "{text}");
    assert!(text.contains("Hifinity's built-in rubric"), "{text}");
    assert!(text.contains("Spoken answers are not transcribed or scored automatically"), "{text}");
    assert!(text.contains("accent, appearance, voice, background"), "{text}");
    assert!(text.contains("reply to your invitation email"), "{text}");
    assert_eq!(landing.text("[data-consent]"), "I agree");
    assert!(!landing.body.contains("data-start") && !landing.body.contains("data-device-check"));
    let recruiter_view = app.get(&format!("/interviews/{id}")).await;
    assert!(recruiter_view.body.contains("Not given yet"));

    // Starting without agreeing leads back to the notice, with nothing started.
    let refused = candidate.post(&format!("{path}/start"), &[]).await;
    assert_eq!(refused.text("[data-consent]"), "I agree");
    assert_eq!(count(&app, "select count(*) from interviews where status = 'pending' and started_at is null").await, 1);
    // An interview already in progress without an agreement (started before the notice
    // existed) takes no answer until the candidate agrees.
    sqlx::query("update interviews set status = 'in_progress', started_at = now()").execute(&app.pool).await.unwrap();
    let questions = question_ids(&app, &s).await;
    let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
    webm.resize(1000, 0x42);
    let upload = candidate
        .client
        .post(candidate.url(&format!("{path}/answers/{}", questions[0])))
        .header("content-type", "video/webm")
        .body(webm)
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), StatusCode::FORBIDDEN);
    let typed = candidate.post(&format!("{path}/answers/{}", questions[2]), &[("text", "An answer.")]).await;
    assert_eq!(typed.status, StatusCode::FORBIDDEN);
    assert!(typed.body.contains("choose I agree before answering"), "{}", typed.body);
    assert_eq!(count(&app, "select count(*) from answers").await, 0);
    sqlx::query("update interviews set status = 'pending', started_at = null").execute(&app.pool).await.unwrap();

    // I agree: recorded once, with the version of the notice shown and the address.
    let shown_version = landing.text("[data-notice-version]");
    let agreed = candidate.post(&format!("{path}/consent"), &[]).await;
    assert_eq!(agreed.text("[data-start]"), "Start interview");
    assert!(agreed.body.contains("data-device-check"), "the device check follows the agreement");
    candidate.post(&format!("{path}/consent"), &[]).await;
    let (version, ip): (String, String) =
        sqlx::query_as("select consent_notice_version, consent_ip from interviews where consented_at is not null")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((version.as_str(), ip.as_str()), (shown_version.as_str(), "127.0.0.1"));
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'consented'").await, 1);

    let first = candidate.post(&format!("{path}/start"), &[]).await;
    assert_eq!(first.text(".question-progress span"), "Question 1 of 3");
    let recruiter_view = app.get(&format!("/interviews/{id}")).await;
    let consent = recruiter_view.texts(".facts div").into_iter().find(|f| f.starts_with("Consent")).unwrap();
    assert!(consent.starts_with("ConsentAgreed to the notice"), "{consent}");
    assert!(consent.ends_with(&format!("Notice version {shown_version} · from 127.0.0.1")), "{consent}");
    assert!(recruiter_view.texts(".timeline-label").contains(&"Candidate agreed to the notice".to_owned()));
}

#[sqlx::test]
async fn the_notice_says_how_answers_are_evaluated_as_configured(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |c| {
        c.evaluation.evaluator_url = Some("http://127.0.0.1:9/v1".parse().unwrap());
        c.evaluation.evaluator_model = "gpt-4o-mini".into();
        c.evaluation.transcribe_url = Some("http://127.0.0.1:9/v1".parse().unwrap());
    })
    .await;
    let (_, _, path) = invited(&app).await;
    let text = notice(&app.other_browser().get(&path).await);
    assert!(text.contains("an AI model (gpt-4o-mini) scores the content of each answer"), "{text}");
    assert!(text.contains("a speech-to-text service turns your recordings into text"), "{text}");
    assert!(!text.contains("built-in rubric") && !text.contains("Spoken answers are not transcribed"), "{text}");
}

#[sqlx::test]
async fn an_admin_adds_the_company_privacy_text_and_contact_to_the_notice(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, path) = invited(&app).await;
    let candidate = app.other_browser();
    let before = candidate.get(&path).await.text("[data-notice-version]");

    let too_long = "x".repeat(4001);
    let refused = app.post("/settings/privacy", &[("privacy_text", &too_long), ("privacy_contact", "")]).await;
    assert_eq!(refused.field_error("privacy_text"), "Keep the privacy text under 4000 characters.");
    assert_eq!(count(&app, "select count(*) from companies where privacy_text <> ''").await, 0);

    let saved = app
        .post(
            "/settings/privacy",
            &[
                ("privacy_text", "We keep applications for one year.\n\nWe never sell your data."),
                ("privacy_contact", "privacy@acme.com"),
            ],
        )
        .await;
    assert_eq!(saved.flash(), "Privacy notice saved. Candidates read it before their next interview.");
    let settings = app.get("/settings").await;
    assert_eq!(settings.value_of("privacy_contact").as_deref(), Some("privacy@acme.com"));
    assert_eq!(settings.text("#privacy_text"), "We keep applications for one year. We never sell your data.");

    let landing = candidate.get(&path).await;
    let text = notice(&landing);
    assert!(text.contains("write to privacy@acme.com"), "{text}");
    assert!(text.contains("We keep applications for one year.\nWe never sell your data."), "{text}");
    assert!(landing.texts(".notice-card h3").contains(&"Privacy notice of Acme Robotics".to_owned()));
    assert_ne!(landing.text("[data-notice-version]"), before, "a new text is a new version");
}
