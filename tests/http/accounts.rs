//! Confirming a new account's address by email, without revealing which addresses have
//! accounts, and the built-in mailbox's account emails.

use hifinity::config::AppEnv;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::{
    smtp::{Behaviour, SmtpServer},
    support::{PASSWORD, Page, TestApp, captured_logs, count, link_in_message, path_in_message},
};

async fn sign_up_form(app: &TestApp, company: &str, email: &str) -> Page {
    app.post(
        "/sign-up",
        &[("company_name", company), ("name", "Riley Recruiter"), ("email", email), ("password", PASSWORD)],
    )
    .await
}

/// The subject of a received message.
fn subject(message: &[u8]) -> String {
    mail_parser::MessageParser::default().parse(message).unwrap().subject().unwrap().to_owned()
}

#[sqlx::test]
async fn a_new_account_is_used_only_after_its_address_is_confirmed_by_the_emailed_link(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let page = sign_up_form(&app, "Acme", "riley@acme.com").await;
    assert_eq!((page.status, page.text("h1").as_str()), (StatusCode::OK, "Check your email"));
    assert_eq!(page.text(".sent-to"), "riley@acme.com");
    assert!(page.link(".dev-link").is_none(), "with a mail server the link is only in the email");
    assert!(app.get("/jobs").await.url.contains("/sign-in"), "signing up starts no session");
    let unconfirmed = app.sign_in("riley@acme.com", PASSWORD).await;
    assert_eq!(unconfirmed.text("h1"), "Check your email", "an unconfirmed account cannot sign in");
    assert!(app.get("/jobs").await.url.contains("/sign-in"));

    // Delivered by the app's own worker through its SMTP server.
    let config = hifinity::config::Config { smtp_url: Some(smtp.url()), ..(*app.state.config).clone() };
    let transport = std::sync::Arc::new(hifinity::mail::transport::Transport::from_config(&config).unwrap());
    hifinity::mail::account::deliver_due(&app.state, &transport).await.unwrap();
    let email = smtp.messages_to("riley@acme.com").pop().expect("the verification email");
    assert_eq!(subject(&email), "Confirm your email address for Hifinity");
    let link = link_in_message(&email);
    let token = link.rsplit('/').next().unwrap().to_owned();
    let stored = Sha256::digest(token.as_bytes()).to_vec();
    assert_eq!(count(&app, "select count(*) from account_tokens").await, 1);
    let hashes: Vec<Vec<u8>> =
        sqlx::query_scalar("select token_hash from account_tokens").fetch_all(&app.pool).await.unwrap();
    assert_eq!(hashes, [stored], "only the token's hash is stored");
    let tables: String = sqlx::query_scalar(
        "select (select jsonb_agg(to_jsonb(t)) from account_tokens t)::text || (select jsonb_agg(to_jsonb(e)) from account_emails e)::text",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!tables.contains(&token), "no table holds the token");
    assert_eq!(app.get("/outbox").await.texts("tbody tr").len(), 0, "account emails are not in the candidate Outbox");

    let welcome = app.get(link.strip_prefix(&app.base).unwrap()).await;
    assert!(welcome.url.ends_with("/jobs"), "{}", welcome.url);
    assert!(welcome.flash().starts_with("Welcome to Hifinity, Riley Recruiter."), "{}", welcome.flash());
    assert_eq!(welcome.text(".account-company"), "Acme");
    assert_eq!(count(&app, "select count(*) from users where email_verified_at is not null").await, 1);

    let again = app.other_browser().get(link.strip_prefix(&app.base).unwrap()).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "the link works once");
    assert!(again.body.contains("expired or was already used"));
    let signed_in = app.other_browser().sign_in("riley@acme.com", PASSWORD).await;
    assert_eq!(signed_in.text(".account-company"), "Acme", "a confirmed account signs in");
}

#[sqlx::test]
async fn an_unconfirmed_account_can_ask_for_a_new_link(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    sign_up_form(&app, "Acme", "riley@acme.com").await;
    let first = path_in_message(&app.account_email_to("riley@acme.com").await, "/verify-email/");
    let resent = app.post("/verify-email", &[("email", "riley@acme.com")]).await;
    assert_eq!(resent.text("h1"), "Check your email");
    let second = path_in_message(&app.account_email_to("riley@acme.com").await, "/verify-email/");
    assert_ne!(first, second, "a new link");
    let nobody = app.post("/verify-email", &[("email", "nobody@acme.com")]).await;
    assert_eq!(nobody.text("h1"), "Check your email", "the same page for an unknown address");
    assert_eq!(count(&app, "select count(*) from account_emails where to_address = 'nobody@acme.com'").await, 0);

    assert!(app.get(&second).await.url.ends_with("/jobs"));
    assert_eq!(app.other_browser().get(&first).await.status, StatusCode::BAD_REQUEST, "one use ends every link");
}

#[sqlx::test]
async fn in_production_signing_up_with_a_registered_address_looks_the_same_and_emails_its_owner(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| {
        config.app_env = AppEnv::Production;
        config.mailbox_only = true;
    })
    .await;
    app.sign_up("Acme", "riley@acme.com").await;

    let stranger = app.other_browser();
    let taken = sign_up_form(&stranger, "Other", "Riley@Acme.com").await;
    let fresh = sign_up_form(&stranger, "Other", "newcomer@acme.com").await;
    assert_eq!(taken.status, fresh.status);
    // The page shows the address with its domain in lower case, as it is kept.
    assert_eq!(taken.body.replace("Riley@acme.com", "ADDRESS"), fresh.body.replace("newcomer@acme.com", "ADDRESS"));
    assert!(taken.link(".dev-link").is_none() && !taken.body.contains("/verify-email/"), "no link on any page");
    assert!(!fresh.body.contains("/verify-email/"), "no link on any page");

    let note = app.account_email_to("riley@acme.com").await;
    assert_eq!(subject(&note), "You already have a Hifinity account");
    assert_eq!(count(&app, "select count(*) from companies where name = 'Other'").await, 1, "only the newcomer's");
}

#[sqlx::test]
async fn in_development_without_a_mail_server_the_link_is_shown_and_logged(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let page = sign_up_form(&app, "Acme", "dev@acme.com").await;
    let link = page.link(".dev-link").expect("the link on the page");
    assert!(captured_logs().contains(&link), "and in the log");
    assert!(app.get(link.strip_prefix(&app.base).unwrap()).await.url.ends_with("/jobs"));
}

#[sqlx::test]
async fn sign_ups_are_limited_per_client_address(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for n in 0..5 {
        let page = sign_up_form(&app, "Acme", &format!("r{n}@acme.com")).await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let refused = sign_up_form(&app, "Acme", "r5@acme.com").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Too many companies were created from your network"));
    assert_eq!(count(&app, "select count(*) from companies").await, 5);
}

#[sqlx::test]
async fn a_forgotten_password_is_replaced_with_an_emailed_one_time_link_that_ends_every_session(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| {
        config.app_env = AppEnv::Production;
        config.mailbox_only = true;
    })
    .await;
    app.sign_up("Acme", "riley@acme.com").await;
    let laptop = app.other_browser();
    laptop.sign_in("riley@acme.com", PASSWORD).await;
    let sign_in = app.other_browser().get("/sign-in").await;
    assert_eq!(sign_in.link("a[href='/forgot-password']").as_deref(), Some("/forgot-password"));

    let stranger = app.other_browser();
    let known = stranger.post("/forgot-password", &[("email", "riley@acme.com")]).await;
    let unknown = stranger.post("/forgot-password", &[("email", "nobody@acme.com")]).await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.text("h1"), "Check your email");
    assert_eq!(known.body.replace("riley@acme.com", "ADDRESS"), unknown.body.replace("nobody@acme.com", "ADDRESS"));
    assert!(!known.body.contains("/reset-password/"), "no link on any page in production");

    // Queued just after the answer, so that the answer's timing says nothing either.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while count(&app, "select count(*) from account_emails where kind = 'reset_password'").await == 0 {
        assert!(std::time::Instant::now() < deadline, "the reset email was never queued");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let email = app.account_email_to("riley@acme.com").await;
    assert_eq!(count(&app, "select count(*) from account_emails where to_address = 'nobody@acme.com'").await, 0);
    assert_eq!(
        count(&app, "select count(*) from account_tokens where purpose = 'reset_password' and expires_at <= now() + interval '1 hour'").await,
        1,
        "valid for an hour"
    );
    assert_eq!(subject(&email), "Choose a new Hifinity password");
    let link = path_in_message(&email, "/reset-password/");
    let form = stranger.get(&link).await;
    assert_eq!(form.text("h1"), "Choose a new password");
    let weak = stranger.post(&link, &[("password", "password1234")]).await;
    assert!(weak.field_error("password").contains("too common"), "the same rules as at sign-up");
    let done = stranger.post(&link, &[("password", "a brand new passphrase")]).await;
    assert!(done.url.ends_with("/sign-in"), "{}", done.url);
    assert!(done.flash().starts_with("Your password is changed"));

    assert!(app.get("/jobs").await.url.contains("/sign-in"), "every session ended");
    assert!(laptop.get("/jobs").await.url.contains("/sign-in"), "every session ended");
    assert_eq!(count(&app, "select count(*) from sessions").await, 0);
    assert_eq!(
        app.sign_in("riley@acme.com", PASSWORD).await.text(".form-error"),
        "The email or password is incorrect."
    );
    assert_eq!(app.sign_in("riley@acme.com", "a brand new passphrase").await.text(".account-company"), "Acme");
    let again = stranger.post(&link, &[("password", "yet another passphrase")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "the link works once");
}

#[sqlx::test]
async fn reset_links_are_limited_per_address(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    for _ in 0..5 {
        let page = app.other_browser().post("/forgot-password", &[("email", "riley@acme.com")]).await;
        assert_eq!(page.text("h1"), "Check your email");
    }
    assert_eq!(count(&app, "select count(*) from account_emails where kind = 'reset_password'").await, 3);
}

#[sqlx::test]
async fn a_signed_in_user_changes_the_password_with_the_current_one_and_other_sessions_end(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let laptop = app.other_browser();
    laptop.sign_in("riley@acme.com", PASSWORD).await;

    let page = app.get("/account/password").await;
    assert_eq!(page.text("h1"), "Change your password");
    let wrong = app
        .post("/account/password", &[("current_password", "not my password"), ("password", "a brand new passphrase")])
        .await;
    assert_eq!(wrong.field_error("current_password"), "This is not your current password.");
    let changed =
        app.post("/account/password", &[("current_password", PASSWORD), ("password", "a brand new passphrase")]).await;
    assert_eq!(changed.flash(), "Your password is changed. Your other sessions have ended.");
    assert_eq!(app.get("/jobs").await.text("h1"), "Jobs", "this session goes on");
    assert!(laptop.get("/jobs").await.url.contains("/sign-in"), "the other session ended");
    assert_eq!(
        app.other_browser().sign_in("riley@acme.com", "a brand new passphrase").await.text(".account-company"),
        "Acme"
    );
}

#[sqlx::test]
async fn an_address_without_an_account_is_throttled_alike_and_kept_only_as_a_keyed_hash(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let attacker = app.other_browser();
    let mut last = Vec::new();
    for email in ["riley@acme.com", "Nobody@Acme.com "] {
        for _ in 0..5 {
            assert_eq!(attacker.sign_in(email, "guess guess guess").await.status, StatusCode::OK);
        }
        let refused = attacker.sign_in(email, "guess guess guess").await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        last.push(refused.text(".form-error"));
    }
    assert_eq!(last[0], last[1], "a refusal says nothing about which addresses have accounts");
    let keys: Vec<String> = sqlx::query_scalar("select throttle_key from sign_in_failures order by throttle_key")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.iter().all(|k| !k.to_lowercase().contains("nobody") && !k.contains("riley")), "{keys:?}");
}
