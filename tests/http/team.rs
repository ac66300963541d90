//! The team: invitations followed from the email received over SMTP, resend and revoke,
//! the note to an address that already has an account, roles that always leave an
//! active admin, deactivation, and each user's own sessions.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    fixtures,
    smtp::{Behaviour, SmtpServer},
    support::{PASSWORD, Page, TestApp, count, link_in_message},
};

const ADMIN: &str = "riley@acme.com";

/// The text of every message received for `to`, in order.
fn messages_to(smtp: &SmtpServer, to: &str) -> Vec<String> {
    smtp.messages()
        .into_iter()
        .map(|raw| String::from_utf8_lossy(&raw).into_owned())
        .filter(|text| text.lines().any(|line| line.starts_with("To:") && line.contains(to)))
        .collect()
}

async fn spawn_with_smtp(pool: PgPool) -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    app.sign_up("Acme", ADMIN).await;
    (app, smtp)
}

async fn invite(app: &TestApp, email: &str, role: &str) -> Page {
    let page = app.post("/team/invitations", &[("email", email), ("role", role)]).await;
    assert_eq!(page.flash(), format!("Invitation sent to {email}."));
    app.deliver_account_mail().await;
    page
}

/// The link in the last message received for `to`.
fn last_link(smtp: &SmtpServer, to: &str) -> String {
    let raw = smtp
        .messages()
        .into_iter()
        .rfind(|raw| String::from_utf8_lossy(raw).lines().any(|l| l.starts_with("To:") && l.contains(to)))
        .unwrap_or_else(|| panic!("no message to {to}"));
    link_in_message(&raw)
}

#[sqlx::test]
async fn an_invitee_follows_the_emailed_link_chooses_their_password_and_is_signed_in(pool: PgPool) {
    let (app, smtp) = spawn_with_smtp(pool).await;
    let pending = invite(&app, "sam@acme.com", "reviewer").await;
    assert_eq!(pending.texts("table.invitations td").first().map(String::as_str), Some("sam@acme.com"));

    let link = last_link(&smtp, "sam@acme.com");
    assert!(link.contains("/team/join/"), "{link}");
    let sam = app.other_browser();
    let form = sam.get(&link.replace(&app.base, "")).await;
    assert_eq!(form.text("h1"), "Join Acme");
    assert!(form.body.contains("sam@acme.com"));
    let weak =
        Page::from(sam.client.post(&link).form(&[("name", "Sam"), ("password", "short")]).send().await.unwrap()).await;
    assert!(weak.field_error("password").contains("12"), "the sign-up rules: {}", weak.field_error("password"));
    assert_eq!(count(&app, "select count(*) from users").await, 1, "nobody joined with a weak password");

    let joined = Page::from(
        sam.client.post(&link).form(&[("name", "Sam Reviewer"), ("password", PASSWORD)]).send().await.unwrap(),
    )
    .await;
    assert_eq!(joined.flash(), "Welcome to Acme, Sam Reviewer.");
    assert_eq!(joined.text(".account-role"), "Reviewer");
    assert_eq!(count(&app, "select count(*) from users where email = 'sam@acme.com' and role = 'reviewer'").await, 1);
    assert!(app.get("/team").await.texts("table.invitations td").is_empty(), "no longer pending");

    let again = app.other_browser().get(&link.replace(&app.base, "")).await;
    assert_eq!((again.status, again.text("h1").as_str()), (StatusCode::NOT_FOUND, "This invitation can't be used"));

    // An account email: kept out of the company's candidate Outbox.
    let outbox = app.get("/outbox").await;
    assert!(!outbox.body.contains("sam@acme.com"), "{}", outbox.body);
    assert_eq!(
        count(&app, "select count(*) from account_emails where kind = 'team_invitation' and status = 'sent'").await,
        1
    );
}

#[sqlx::test]
async fn a_resent_invitation_has_a_new_link_and_a_revoked_one_none(pool: PgPool) {
    let (app, smtp) = spawn_with_smtp(pool).await;
    invite(&app, "sam@acme.com", "recruiter").await;
    let first = last_link(&smtp, "sam@acme.com");
    let id: uuid::Uuid = sqlx::query_scalar("select id from team_invitations").fetch_one(&app.pool).await.unwrap();
    let resent = app.post(&format!("/team/invitations/{id}/resend"), &[]).await;
    assert_eq!(resent.flash(), "Invitation sent again to sam@acme.com. The previous link no longer works.");
    app.deliver_account_mail().await;
    let second = last_link(&smtp, "sam@acme.com");
    assert_ne!(first, second);
    let old = app.other_browser().get(&first.replace(&app.base, "")).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert_eq!(app.other_browser().get(&second.replace(&app.base, "")).await.text("h1"), "Join Acme");

    let revoked = app.post(&format!("/team/invitations/{id}/revoke"), &[]).await;
    assert_eq!(revoked.flash(), "The invitation to sam@acme.com is revoked: its link no longer works.");
    let gone = app.other_browser();
    let page =
        Page::from(gone.client.post(&second).form(&[("name", "Sam"), ("password", PASSWORD)]).send().await.unwrap())
            .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "select count(*) from users").await, 1);
}

#[sqlx::test]
async fn inviting_an_address_with_an_account_looks_the_same_and_sends_it_a_note(pool: PgPool) {
    let (app, smtp) = spawn_with_smtp(pool).await;
    app.other_browser().sign_up("Globex", "gina@globex.com").await;
    let existing = invite(&app, "gina@globex.com", "recruiter").await;
    let fresh = invite(&app, "nina@acme.com", "recruiter").await;
    assert_eq!(existing.status, fresh.status);
    let rows = existing.texts("table.invitations td");
    assert!(rows.contains(&"gina@globex.com".to_owned()), "listed like any invitation: {rows:?}");

    let note = messages_to(&smtp, "gina@globex.com");
    assert_eq!(note.len(), 1);
    assert!(note[0].contains("already has a Hifinity account"), "{}", note[0]);
    assert!(!note[0].contains("/team/join/"), "no link to join: {}", note[0]);
    assert!(messages_to(&smtp, "nina@acme.com")[0].contains("/team/join/"));
}

#[sqlx::test]
async fn the_company_always_keeps_an_active_admin(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", ADMIN).await;
    let riley: uuid::Uuid =
        sqlx::query_scalar("select id from users where email = $1").bind(ADMIN).fetch_one(&app.pool).await.unwrap();
    let demoted = app.post(&format!("/team/members/{riley}/role"), &[("role", "recruiter")]).await;
    assert_eq!(demoted.flash(), "Acme needs at least one active admin: make someone else an admin first.");
    assert_eq!(count(&app, "select count(*) from users where role = 'admin'").await, 1);

    let sam = app.join_team("sam@acme.com", "Sam Second", "recruiter").await;
    let sams: uuid::Uuid =
        sqlx::query_scalar("select id from users where email = 'sam@acme.com'").fetch_one(&app.pool).await.unwrap();
    let promoted = app.post(&format!("/team/members/{sams}/role"), &[("role", "admin")]).await;
    assert_eq!(promoted.flash(), "Sam Second is now an Admin.");
    let by_sam = sam.post(&format!("/team/members/{riley}/role"), &[("role", "reviewer")]).await;
    assert_eq!(by_sam.flash(), "Riley Recruiter is now a Reviewer.");
    // Riley, now a reviewer, can no longer change roles; Sam is the last admin.
    let refused = app.post(&format!("/team/members/{sams}/role"), &[("role", "recruiter")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let last = sam.post(&format!("/team/members/{sams}/deactivate"), &[]).await;
    assert_eq!(last.flash(), "You can't deactivate yourself: ask another admin.");
    assert_eq!(count(&app, "select count(*) from users where role = 'admin' and deactivated_at is null").await, 1);
}

#[sqlx::test]
async fn a_deactivated_teammate_is_signed_out_at_once_and_keeps_their_name_on_past_work(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", ADMIN).await;
    let sam = app.join_team("sam@acme.com", "Sam Sender", "recruiter").await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    assert!(
        sam.send_interview(s.candidate_id, s.job_id, s.version_id)
            .await
            .flash()
            .starts_with("Interview invitation sent")
    );
    let interview: uuid::Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let sams: uuid::Uuid =
        sqlx::query_scalar("select id from users where email = 'sam@acme.com'").fetch_one(&app.pool).await.unwrap();

    let done = app.post(&format!("/team/members/{sams}/deactivate"), &[]).await;
    assert_eq!(done.flash(), "Sam Sender is deactivated: their sessions have ended and they can no longer sign in.");
    assert_eq!(count(&app, &format!("select count(*) from sessions where user_id = '{sams}'")).await, 0);
    assert!(sam.get("/candidates").await.url.contains("/sign-in"), "the open session ended");

    let refused = app.other_browser().sign_in("sam@acme.com", PASSWORD).await;
    let wrong = app.other_browser().sign_in("sam@acme.com", "not the password at all").await;
    assert_eq!(refused.text(".form-error"), "The email or password is incorrect.");
    assert_eq!(refused.status, wrong.status);
    assert_eq!(refused.text(".form-error"), wrong.text(".form-error"));

    let page = app.get(&format!("/interviews/{interview}")).await;
    assert!(page.body.contains("by Sam Sender"), "past actions keep their name");
    assert!(app.get("/team").await.texts("table.members td").iter().any(|t| t.starts_with("Deactivated")));
}

#[sqlx::test]
async fn each_user_sees_their_sessions_and_can_sign_out_the_others(pool: PgPool) {
    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", ADMIN).await;
    let laptop = app.other_browser();
    laptop.sign_in(ADMIN, PASSWORD).await;
    let seen = laptop.client.get(laptop.url("/candidates")).header("user-agent", FIREFOX).send().await.unwrap();
    assert_eq!(seen.status(), StatusCode::OK);

    let account = app.get("/account").await;
    let rows = account.texts("table.sessions tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("(this browser)"), "{rows:?}");
    assert!(rows[1].starts_with("Firefox on Linux 127.0.0.1"), "{rows:?}");

    let out = app.post("/account/sessions/sign-out-others", &[]).await;
    assert_eq!(out.flash(), "Signed out of 1 other session.");
    assert_eq!(out.texts("table.sessions tbody tr").len(), 1);
    assert!(laptop.get("/candidates").await.url.contains("/sign-in"), "the other session ended");
    assert!(app.get("/candidates").await.url.ends_with("/candidates"), "this one goes on");
}

#[sqlx::test]
async fn a_reactivated_teammate_signs_in_again_with_their_role(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", ADMIN).await;
    app.join_team("sam@acme.com", "Sam Sender", "reviewer").await;
    let sams: uuid::Uuid =
        sqlx::query_scalar("select id from users where email = 'sam@acme.com'").fetch_one(&app.pool).await.unwrap();
    app.post(&format!("/team/members/{sams}/deactivate"), &[]).await;

    let team = app.get("/team").await;
    assert_eq!(team.texts("table.members button").iter().filter(|b| *b == "Reactivate").count(), 1);
    let done = app.post(&format!("/team/members/{sams}/reactivate"), &[]).await;
    assert_eq!(done.flash(), "Sam Sender is active again and can sign in with their password.");
    assert_eq!(count(&app, "select count(*) from users where deactivated_at is not null").await, 0);

    let sam = app.other_browser();
    let signed_in = sam.sign_in("sam@acme.com", PASSWORD).await;
    assert!(!signed_in.url.contains("/sign-in"), "signed in again");
    assert_eq!(count(&app, "select count(*) from users where email = 'sam@acme.com' and role = 'reviewer'").await, 1);

    let elsewhere = app.other_browser();
    elsewhere.sign_up("Globex", "hank@globex.com").await;
    let refused = elsewhere.post(&format!("/team/members/{sams}/reactivate"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "another company's member");
}

#[sqlx::test]
async fn one_other_session_can_be_signed_out_alone(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", ADMIN).await;
    let (laptop, phone) = (app.other_browser(), app.other_browser());
    laptop.sign_in(ADMIN, PASSWORD).await;
    phone.sign_in(ADMIN, PASSWORD).await;

    let account = app.get("/account").await;
    let forms = account.attrs("table.sessions form", "action");
    assert_eq!(forms.len(), 2, "one per other session, none for this browser: {forms:?}");
    let out = app.post(&forms[0], &[]).await;
    assert_eq!(out.flash(), "Signed out of that session.");
    assert_eq!(out.texts("table.sessions tbody tr").len(), 2);
    let ended = [laptop.get("/candidates").await, phone.get("/candidates").await]
        .iter()
        .filter(|page| page.url.contains("/sign-in"))
        .count();
    assert_eq!(ended, 1, "exactly one of the two other sessions ended");
    assert!(app.get("/candidates").await.url.ends_with("/candidates"), "this one goes on");

    let again = app.post(&forms[0], &[]).await;
    assert_eq!(again.flash(), "That session had already ended.");
    let theirs = app.other_browser();
    theirs.sign_up("Globex", "hank@globex.com").await;
    let other_id = forms[1].split('/').nth(3).unwrap();
    let refused = theirs.post(&format!("/account/sessions/{other_id}/sign-out"), &[]).await;
    assert_eq!(refused.flash(), "That session had already ended.", "only one's own sessions");
    assert_eq!(
        count(
            &app,
            "select count(*) from sessions s join users u on u.id = s.user_id where u.email = 'riley@acme.com'"
        )
        .await,
        2
    );
}
