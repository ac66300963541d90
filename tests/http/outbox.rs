//! The outbox's delivery promises, driven round by round against a real SMTP server:
//! retries that actually happen, giving up after the last attempt, leases that expire
//! and are taken over (and the fence that keeps a stale worker from recording), and no
//! email for an interview closed before its delivery.

use std::time::Duration;

use hifinity::{
    mail::{
        outbox::DeliverEmail,
        worker::{Delivered, MAX_ATTEMPTS, record},
    },
    queue::Claimed,
};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer},
    support::{Page, TestApp, count},
};

const RECRUITER: &str = "riley@acme.com";

async fn ready(app: &TestApp) -> Sendable {
    app.sign_up("Acme Robotics", RECRUITER).await;
    fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await
}

/// Sends `candidate_id` an interview with the Send Interview form; returns its id.
async fn send(app: &TestApp, s: &Sendable, candidate_id: Uuid) -> Uuid {
    let page = app.send_interview(candidate_id, s.job_id, s.version_id).await;
    assert!(page.flash().starts_with("Interview invitation sent to"), "{}", page.flash());
    sqlx::query_scalar("select id from interviews where candidate_id = $1")
        .bind(candidate_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The only email's (status, attempts, last error).
async fn email(app: &TestApp) -> (String, i32, Option<String>) {
    sqlx::query_as("select status::text, attempts, last_error from emails").fetch_one(&app.pool).await.unwrap()
}

/// Brings every queued email's next attempt (or the end of its lease) to now.
async fn make_due(app: &TestApp) {
    sqlx::query("update tasks set run_at = now() where kind = 'deliver_email' and status in ('queued', 'running')")
        .execute(&app.pool)
        .await
        .unwrap();
}

/// What a delivery worker does first: claims the next due email's job, leased for two minutes.
async fn claim_delivery(app: &TestApp) -> Option<Claimed<DeliverEmail>> {
    hifinity::queue::claim(&app.pool, Duration::from_secs(120), 1).await.unwrap().pop()
}

/// Ends the lease of every claimed delivery, as if its worker had died long ago.
async fn end_leases(app: &TestApp) {
    sqlx::query("update tasks set run_at = now() - interval '1 second' where status = 'running'")
        .execute(&app.pool)
        .await
        .unwrap();
}

/// The Outbox page, checked to be the page itself rather than an error.
async fn outbox_page(app: &TestApp) -> Page {
    let page = app.get("/outbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Outbox");
    page
}

#[sqlx::test]
async fn an_email_refused_for_now_every_time_fails_after_the_last_attempt_with_the_reason(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::RefuseForNow).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, s.candidate_id).await;
    // The Interviews list's "Email sent" column says where the email stands until it is sent.
    let sent_column = "tbody tr td:nth-child(4)";
    assert_eq!(app.get("/interviews").await.text(sent_column), "Queued");

    for attempt in 1..MAX_ATTEMPTS {
        app.deliver_mail().await;
        let (status, attempts, _) = email(&app).await;
        assert_eq!((status.as_str(), attempts), ("queued", attempt), "still retried after attempt {attempt}");
        make_due(&app).await;
    }
    app.deliver_mail().await;

    let (status, attempts, error) = email(&app).await;
    assert_eq!((status.as_str(), attempts), ("failed", MAX_ATTEMPTS));
    let error = error.unwrap();
    assert!(error.ends_with(&format!("(gave up after {MAX_ATTEMPTS} attempts)")), "{error}");
    assert!(error.contains("Try again later"), "the server's reason is kept: {error}");
    assert_eq!(smtp.arrived(), MAX_ATTEMPTS as usize, "one try per attempt");
    assert!(smtp.messages().is_empty());
    let outbox = outbox_page(&app).await;
    assert_eq!(outbox.text("tbody .badge"), "Failed");
    assert_eq!(app.get("/interviews").await.text(sent_column), "Failed");
    assert!(outbox.text("tbody td:nth-child(3) .muted").contains(&format!("gave up after {MAX_ATTEMPTS} attempts")));

    // A failed email is not tried again.
    sqlx::query("update tasks set run_at = now()").execute(&app.pool).await.unwrap();
    app.deliver_mail().await;
    assert_eq!(smtp.arrived(), MAX_ATTEMPTS as usize);
}

#[sqlx::test]
async fn a_message_refused_for_now_is_sent_on_a_later_round(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::RefuseForNowTimes(1)).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, s.candidate_id).await;

    app.deliver_mail().await;
    let (status, attempts, error) = email(&app).await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.as_deref().is_some_and(|e| e.contains("(451): 4.3.0 Try again later")), "{error:?}");
    let outbox = outbox_page(&app).await;
    assert_eq!(outbox.text("tbody .badge"), "Retrying");
    assert!(outbox.text("tbody td:nth-child(3) .muted").contains("Try again later — next attempt"));
    app.deliver_mail().await;
    assert_eq!(smtp.arrived(), 1, "not tried again before its next attempt");

    make_due(&app).await;
    app.deliver_mail().await;

    assert_eq!(smtp.messages().len(), 1, "received once");
    assert_eq!(smtp.arrived(), 2);
    let (status, attempts, error) = email(&app).await;
    assert_eq!((status.as_str(), attempts, error), ("sent", 2, None));
    assert_eq!(outbox_page(&app).await.text("tbody .badge"), "Sent");
}

#[sqlx::test]
async fn an_email_whose_lease_expired_is_taken_over_and_sent_once(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, s.candidate_id).await;

    // A worker claims the email and dies before sending it.
    assert!(claim_delivery(&app).await.is_some());
    app.deliver_mail().await;
    assert_eq!(smtp.arrived(), 0, "nobody else takes it while the lease lasts");

    end_leases(&app).await;
    app.deliver_mail().await;
    app.deliver_mail().await;

    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(email(&app).await, ("sent".to_owned(), 2, None));
    assert_eq!(outbox_page(&app).await.text("tbody .badge"), "Sent");
}

#[sqlx::test]
async fn a_worker_whose_lease_was_taken_over_cannot_record_its_outcome(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::HoldUntilReleased).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    let interview = send(&app, &s, s.candidate_id).await;

    // A slow worker claims it; its lease runs out and another worker takes the email over.
    let stale = claim_delivery(&app).await.unwrap();
    end_leases(&app).await;
    let other = app.other_browser();
    let round = tokio::spawn(async move { other.deliver_mail().await });
    smtp.wait_for_arrivals(1).await;

    // The slow worker comes back with its outcome while the other one is sending.
    let email_id = stale.job.as_ref().unwrap().email_id;
    let failed = Delivered::Failed("Connection reset".into());
    record(&app.pool, &stale.claim, email_id, failed).await.unwrap();
    let retry = Delivered::Retry { error: "Connection reset".into(), at: time::OffsetDateTime::now_utc() };
    record(&app.pool, &stale.claim, email_id, retry).await.unwrap();
    assert_eq!(email(&app).await, ("queued".to_owned(), 2, None), "the stale outcome changed nothing");

    smtp.release();
    round.await.unwrap();
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(email(&app).await, ("sent".to_owned(), 2, None));
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let timeline = page.texts(".timeline-label");
    assert!(timeline.contains(&"Email sent".to_owned()), "{timeline:?}");
    assert!(
        !timeline.iter().any(|label| label == "Email failed" || label == "Email delivery failed; will retry"),
        "no failure or retry recorded: {timeline:?}"
    );
    assert_eq!(outbox_page(&app).await.text("tbody .badge"), "Sent");
}

#[sqlx::test]
async fn no_email_goes_out_for_an_interview_closed_before_its_delivery(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    // (case, candidate, how the interview closes, the reason the Outbox gives)
    let cases: [(&str, &str, &str, &str); 3] = [
        (
            "cancelled by the recruiter",
            "Ada Lovelace",
            "cancel",
            "Not sent: the interview is no longer open (cancelled)",
        ),
        ("expired by housekeeping", "Bo Chen", "expire", "Not sent: the interview is no longer open (expired)"),
        (
            "past its deadline, not yet marked expired",
            "Cy Diaz",
            "deadline",
            "Not sent: the interview is no longer open (expired)",
        ),
    ];
    for (_, name, how, _) in cases {
        let email = format!("{}@example.com", name.split(' ').next().unwrap().to_lowercase());
        let candidate = if name == "Ada Lovelace" {
            s.candidate_id
        } else {
            fixtures::candidate(&app.pool, s.company_id, name, &email).await
        };
        let interview = send(&app, &s, candidate).await;
        match how {
            "cancel" => {
                let page = app.post(&format!("/interviews/{interview}/cancel"), &[]).await;
                assert_eq!(page.flash(), "Interview cancelled. Its link no longer works.");
            }
            "expire" | "deadline" => {
                sqlx::query("update interviews set expires_at = now() - interval '1 minute' where id = $1")
                    .bind(interview)
                    .execute(&app.pool)
                    .await
                    .unwrap();
                if how == "expire" {
                    assert_eq!(hifinity::interviews::lifecycle::expire_overdue(&app.pool).await.unwrap(), 1);
                }
            }
            _ => unreachable!(),
        }
    }

    app.deliver_mail().await;

    assert_eq!(smtp.arrived(), 0, "the SMTP server received nothing");
    let outbox = outbox_page(&app).await;
    let html = scraper::Html::parse_document(&outbox.body);
    let rows = scraper::Selector::parse("tbody tr").unwrap();
    let cell = |row: scraper::ElementRef, selector: &str| {
        let selector = scraper::Selector::parse(selector).unwrap();
        row.select(&selector)
            .next()
            .unwrap()
            .text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (case, name, _, reason) in cases {
        let row = html.select(&rows).find(|row| cell(*row, "td:nth-child(2)").starts_with(name)).expect(name);
        assert_eq!(cell(row, ".badge"), "Failed", "{case}");
        assert_eq!(cell(row, "td:nth-child(3) .muted"), reason, "{case}");
    }
}

#[sqlx::test]
async fn the_smtp_server_never_has_more_sessions_open_than_smtp_max_connections(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let smtp_url = smtp.url();
    let app = TestApp::spawn_with(pool, |config| {
        config.smtp_url = Some(smtp_url);
        config.smtp_max_connections = 3;
    })
    .await;
    let s = ready(&app).await;
    let user_id = sqlx::query_scalar("select id from users").fetch_one(&app.pool).await.unwrap();
    for i in 0..50 {
        let candidate =
            fixtures::candidate(&app.pool, s.company_id, &format!("Candidate {i}"), &format!("c{i}@example.com")).await;
        let request = hifinity::interviews::lifecycle::SendRequest {
            company_id: app.scope(s.company_id).await,
            user_id,
            candidate_id: candidate.into(),
            job_id: s.job_id.into(),
            version_id: s.version_id,
            idempotency_key: Uuid::new_v4(),
            link_valid_days: 14,
            email_cap: app.email_cap(),
        };
        hifinity::interviews::lifecycle::send(&app.pool, &request).await.unwrap();
    }

    app.deliver_mail().await;

    assert_eq!(smtp.messages().len(), 50);
    assert_eq!(count(&app, "select count(*) from emails where status = 'sent'").await, 50);
    let most = smtp.most_sessions();
    assert!((1..=3).contains(&most), "at most SMTP_MAX_CONNECTIONS sessions at once, not {most}");
}
