//! Links that can be replaced: **Issue a new link** on the interview page, or a corrected
//! address, gives an open interview a new link sent to the candidate's current address.
//! The old link then says only that it was replaced (410 Gone: it was genuine and was
//! retired on purpose, unlike an unknown link, which stays the plain 404); answers stay,
//! the resend wait starts again, and the timeline says so without the link.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer},
    support::{Page, TestApp, count, link_in_message},
};

const ADMIN: &str = "riley@acme.com";

/// A company whose interview was sent to Ada and delivered; the interview and the path
/// of the emailed link.
async fn delivered(app: &TestApp, smtp: &SmtpServer) -> (Sendable, Uuid, String) {
    app.sign_up("Acme Robotics", ADMIN).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let sent = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
    app.deliver_mail().await;
    let id = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    (s, id, path_of(app, &smtp.messages()[0]))
}

/// The app path of the interview link in a received message.
fn path_of(app: &TestApp, message: &[u8]) -> String {
    link_in_message(message).trim_start_matches(&app.base).to_owned()
}

/// Says the link was replaced, and nothing of the interview, its company or candidate.
fn assert_replaced(page: &Page) {
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert_eq!(page.text("h1"), "This interview link was replaced");
    assert!(page.text("main p").contains("Use the link in the most recent email"), "{}", page.body);
    for secret in ["Acme", "Senior Backend Engineer", "Backend screen", "Ada", "ada@example.com"] {
        assert!(!page.body.contains(secret), "the replaced link's page shows {secret}");
    }
}

async fn nonce(app: &TestApp, id: Uuid) -> Vec<u8> {
    sqlx::query_scalar("select link_nonce from interviews where id = $1").bind(id).fetch_one(&app.pool).await.unwrap()
}

#[sqlx::test]
async fn a_new_link_works_the_old_one_says_it_was_replaced_and_the_answers_stay(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let (s, id, old) = delivered(&app, &smtp).await;
    let candidate = app.other_browser();
    candidate.post(&format!("{old}/consent"), &[]).await;
    candidate.post(&format!("{old}/start"), &[]).await;
    let typed: Uuid =
        sqlx::query_scalar("select id from version_questions where version_id = $1 and answer_kind = 'text'")
            .bind(s.version_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    candidate.get(&format!("{old}/q?question={typed}")).await;
    let answered = candidate.post(&format!("{old}/answers/{typed}"), &[("text", "Correctness first.")]).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);

    let page = app.get(&format!("/interviews/{id}")).await;
    assert_eq!(page.attrs("form[action$='/new-link'] button", "type"), ["submit"], "the page offers it");
    let issued = app.post(&format!("/interviews/{id}/new-link"), &[]).await;
    assert_eq!(
        issued.flash(),
        "A new interview link was sent to ada@example.com. The old link no longer opens the interview; answers given are kept."
    );
    app.deliver_mail().await;
    let to_ada = smtp.messages_to("ada@example.com");
    assert_eq!(to_ada.len(), 2);
    let new = path_of(&app, &to_ada[1]);
    assert_ne!(new, old);

    assert_replaced(&candidate.get(&old).await);
    assert_replaced(&candidate.get(&format!("{old}/q")).await);
    assert_replaced(&candidate.post(&format!("{old}/complete"), &[]).await);
    let landing = candidate.get(&new).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("Acme Robotics"));
    assert_eq!(count(&app, "select count(*) from answers").await, 1, "the answer stays");
    assert_eq!(count(&app, "select count(*) from interviews where status = 'in_progress'").await, 1);

    let page = app.get(&format!("/interviews/{id}")).await;
    let timeline = page.texts(".timeline li").join("\n");
    assert!(timeline.contains("Link replaced New invitation queued to ada@example.com"), "{timeline}");
    assert!(!page.texts(".timeline").join("").contains("/i/"), "no link on the timeline");
    let resent = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    assert!(resent.flash().starts_with("An invitation was sent less than 5 minutes ago"), "{}", resent.flash());

    // A second replacement retires the second link too; the first still says replaced.
    app.post(&format!("/interviews/{id}/new-link"), &[]).await;
    assert_replaced(&candidate.get(&new).await);
    assert_replaced(&candidate.get(&old).await);
    assert_eq!(count(&app, "select count(*) from retired_interview_links").await, 2);
}

#[sqlx::test]
async fn a_made_up_link_stays_the_plain_not_found_page(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let (_, id, _) = delivered(&app, &smtp).await;
    app.post(&format!("/interviews/{id}/new-link"), &[]).await;
    assert_eq!(count(&app, "select count(*) from retired_interview_links").await, 1);

    let key = &app.state.config.secret_key;
    let candidate = app.other_browser();
    let guesses = [
        // The interview's own id with a nonce it never had.
        hifinity::interviews::link::token(key, id, &hifinity::interviews::link::new_nonce()),
        // Its retired nonce under another interview's id.
        hifinity::interviews::link::token(key, Uuid::new_v4(), &nonce(&app, id).await),
    ];
    for token in guesses {
        let page = candidate.get(&format!("/i/{token}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{token}");
        assert_eq!(page.text("h1"), "This interview link is not valid");
    }
}

#[sqlx::test]
async fn a_corrected_address_gets_a_new_link_and_the_old_one_says_replaced(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let (s, id, old) = delivered(&app, &smtp).await;
    let edit = format!("/candidates/{}/edit", s.candidate_id);

    // The same address in other letters is no correction.
    let saved = app.post(&edit, &[("name", "Ada King"), ("email", "ADA@example.com")]).await;
    assert_eq!(saved.flash(), "Changes saved.");
    assert_eq!(count(&app, "select count(*) from emails").await, 1);

    let saved = app.post(&edit, &[("name", "Ada King"), ("email", "ada.king@example.org")]).await;
    assert_eq!(
        saved.flash(),
        "Changes saved. An invitation was sent to ada.king@example.org with a new link; the old link now says it was replaced."
    );
    app.deliver_mail().await;
    let to_new = smtp.messages_to("ada.king@example.org");
    assert_eq!(to_new.len(), 1);
    assert_eq!(smtp.messages().len(), 2, "nothing more to the old address");
    let new = path_of(&app, &to_new[0]);
    let candidate = app.other_browser();
    assert_eq!(candidate.get(&new).await.status, StatusCode::OK);
    assert_replaced(&candidate.get(&old).await);
    let timeline = app.get(&format!("/interviews/{id}")).await.texts(".timeline li").join("\n");
    assert!(timeline.contains("Link replaced New invitation queued to ada.king@example.org"), "{timeline}");
}

#[sqlx::test]
async fn a_reviewer_is_refused_and_another_companys_interview_is_not_found(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let (_, id, _) = delivered(&app, &smtp).await;
    let before = nonce(&app, id).await;

    let reviewer = app.join_team("vic@acme.com", "Vic Reviewer", "reviewer").await;
    assert!(reviewer.get(&format!("/interviews/{id}")).await.attrs("form[action$='/new-link']", "action").is_empty());
    let refused = reviewer.post(&format!("/interviews/{id}/new-link"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let stranger = app.other_browser();
    stranger.sign_up("Globex", "gina@globex.com").await;
    let missing = stranger.post(&format!("/interviews/{id}/new-link"), &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    assert_eq!(nonce(&app, id).await, before, "the link is unchanged");
    assert_eq!(count(&app, "select count(*) from retired_interview_links").await, 0);
    assert_eq!(count(&app, "select count(*) from emails").await, 1);
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'link_replaced'").await, 0);
}

#[sqlx::test]
async fn an_invitation_still_queued_to_the_old_address_is_withdrawn_not_sent_with_the_new_link(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let (s, id, _) = delivered(&app, &smtp).await;
    sqlx::query("update interviews set last_invited_at = now() - interval '1 hour'").execute(&app.pool).await.unwrap();
    let resent = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    assert!(resent.flash().starts_with("Invitation resent to ada@example.com"), "{}", resent.flash());

    // Corrected before that resend was delivered.
    let edit = format!("/candidates/{}/edit", s.candidate_id);
    app.post(&edit, &[("name", "Ada King"), ("email", "ada.king@example.org")]).await;
    app.deliver_mail().await;
    assert_eq!(smtp.messages_to("ada@example.com").len(), 1, "only the first invitation, with the old link");
    assert_eq!(smtp.messages_to("ada.king@example.org").len(), 1);
    assert_eq!(
        count(&app, "select count(*) from emails where status = 'failed' and to_address = 'ada@example.com' and last_error like 'Not sent: the interview''s link was replaced%'").await,
        1
    );
}
