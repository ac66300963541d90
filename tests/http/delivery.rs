//! Delivery you can prove, against a test SMTP server that stalls, drops the connection
//! after the data, or refuses at each step: each email's recorded reply is the one the
//! server gave for that message, at most `SMTP_MAX_CONNECTIONS` sessions are open, and
//! each message is received once except those marked outcome unknown, which are sent
//! once more with the same Message-ID.

use std::{sync::Arc, time::Duration};

use hifinity::mail::{transport::Transport, worker};
use mail_parser::MessageParser;
use reqwest::StatusCode;
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer, Step},
    support::{TestApp, count},
};

const RECRUITER: &str = "riley@acme.com";
/// The address a test's SMTP server treats differently from every other.
const SLOW: &str = "slow@example.com";

/// An app whose emails go to `smtp`, sent with `timeout` each.
async fn app_sending_to(pool: PgPool, smtp: &SmtpServer, timeout: Duration) -> (TestApp, Sendable) {
    let url = smtp.url();
    let app = TestApp::spawn_with(pool, |config| {
        config.smtp_url = Some(url);
        config.smtp_timeout = timeout;
    })
    .await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let s = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    // Delivery tests queue hundreds of invitations: more than a new company's daily cap.
    fixtures::raise_email_cap(&app.pool, s.company_id, 10_000).await;
    (app, s)
}

/// Sends an interview to each address (a new candidate each), as the Send Interview
/// form does; returns the interviews' ids in order.
async fn invite(app: &TestApp, s: &Sendable, addresses: &[String]) -> Vec<Uuid> {
    let user_id = sqlx::query_scalar("select id from users").fetch_one(&app.pool).await.unwrap();
    let company_id = app.scope(s.company_id).await;
    let mut interviews = Vec::new();
    for (i, address) in addresses.iter().enumerate() {
        let candidate = fixtures::candidate(&app.pool, s.company_id, &format!("Candidate {i}"), address).await;
        let request = hifinity::interviews::lifecycle::SendRequest {
            company_id,
            user_id,
            candidate_id: candidate.into(),
            job_id: s.job_id.into(),
            version_id: s.version_id,
            idempotency_key: Uuid::new_v4(),
            link_valid_days: 14,
            email_cap: app.email_cap(),
        };
        interviews.push(hifinity::interviews::lifecycle::send(&app.pool, &request).await.unwrap().interview_id.uuid());
    }
    interviews
}

fn addresses(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("c{i}@example.com")).collect()
}

/// Every email as (address, status, server reply, last error), by address.
async fn emails(app: &TestApp) -> Vec<(String, String, Option<String>, Option<String>)> {
    sqlx::query_as("select to_address, status::text, server_reply, last_error from emails order by to_address")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Asserts that every email but `except` was sent, received once, and recorded with the
/// reply the server gave for that very message.
async fn each_sent_once_with_its_own_reply(app: &TestApp, smtp: &SmtpServer, except: &str) {
    for (to, status, reply, _) in emails(app).await.into_iter().filter(|(to, ..)| to != except) {
        assert_eq!(status, "sent", "{to}");
        let reply = reply.unwrap_or_default();
        assert!(reply.starts_with("250 ") && reply.ends_with(&format!("for <{to}>")), "{to}'s reply: {reply}");
        assert_eq!(smtp.messages_to(&to).len(), 1, "{to} received once");
    }
}

/// Brings every queued email's next attempt to now.
async fn make_due(app: &TestApp) {
    sqlx::query("update tasks set run_at = now() where kind = 'deliver_email' and status = 'queued'")
        .execute(&app.pool)
        .await
        .unwrap();
}

/// The timeline of an interview, as (label, detail).
async fn timeline(app: &TestApp, interview: Uuid) -> Vec<(String, String)> {
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = scraper::Html::parse_document(&page.body);
    let item = scraper::Selector::parse("li:has(.timeline-label)").unwrap();
    let text = |element: scraper::ElementRef, selector: &str| {
        let selector = scraper::Selector::parse(selector).unwrap();
        element.select(&selector).next().map(|e| e.text().collect::<String>()).unwrap_or_default()
    };
    html.select(&item).map(|li| (text(li, ".timeline-label"), text(li, ".timeline-detail"))).collect()
}

fn message_id(message: &[u8]) -> String {
    MessageParser::default().parse(message).unwrap().message_id().unwrap().to_owned()
}

#[sqlx::test]
async fn two_hundred_emails_go_out_over_at_most_four_sessions_each_with_its_own_reply(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(60)).await;
    invite(&app, &s, &addresses(200)).await;

    app.deliver_mail().await;

    assert_eq!(smtp.messages().len(), 200);
    each_sent_once_with_its_own_reply(&app, &smtp, "").await;
    let most = smtp.most_sessions();
    assert!((1..=4).contains(&most), "at most SMTP_MAX_CONNECTIONS (4) sessions at once, not {most}");
}

/// Delivers every due email over `transport`, kept from round to round as a worker
/// keeps its connections.
async fn deliver(app: &TestApp, transport: &Arc<Transport>) {
    while worker::deliver_due(&app.state, transport).await.unwrap() > 0 {}
}

/// A message that gets no reply (`behaviour` stalls it past the send timeout or drops
/// the connection after its data): marked outcome unknown, sent once more with the same
/// Message-ID; every other message is sent once with its own reply.
async fn unknown_outcome_is_sent_once_more(pool: PgPool, behaviour: Behaviour, reason: &str) {
    let smtp = SmtpServer::start(behaviour).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(2)).await;
    let mut to = vec![SLOW.to_owned()];
    to.extend(addresses(20));
    let slow = invite(&app, &s, &to).await[0];
    let transport = Arc::new(Transport::from_config(&app.state.config).unwrap());

    deliver(&app, &transport).await;

    each_sent_once_with_its_own_reply(&app, &smtp, SLOW).await;
    let (status, reply, error, stored_id): (String, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("select status::text, server_reply, last_error, message_id from emails where to_address = $1")
            .bind(SLOW)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), reply), ("queued", None), "no reply is recorded for it");
    assert!(error.as_deref().is_some_and(|e| e.contains(reason)), "{error:?}");
    let events = timeline(&app, slow).await;
    let (_, detail) = events
        .iter()
        .find(|(label, _)| label == "Email outcome unknown; sent once more, may arrive twice")
        .unwrap_or_else(|| panic!("{events:?}"));
    assert!(detail.contains("it may arrive twice"), "{detail}");
    let outbox = app.get("/outbox").await;
    assert!(outbox.body.contains("Outcome unknown"), "the Outbox says so");

    make_due(&app).await;
    deliver(&app, &transport).await;

    let copies = smtp.messages_to(SLOW);
    assert_eq!(copies.len(), 2, "sent once more");
    let stored_id = stored_id.expect("the Message-ID is kept on the email");
    assert_eq!(message_id(&copies[0]), message_id(&copies[1]), "the same Message-ID both times");
    assert_eq!(format!("<{}>", message_id(&copies[1])), stored_id);
    let (status, reply): (String, String) =
        sqlx::query_as("select status::text, server_reply from emails where to_address = $1")
            .bind(SLOW)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "sent");
    assert!(reply.ends_with(&format!("for <{SLOW}>")), "its own reply: {reply}");
    each_sent_once_with_its_own_reply(&app, &smtp, SLOW).await;
}

#[sqlx::test]
async fn a_message_with_no_reply_within_the_send_timeout_is_outcome_unknown_and_sent_once_more(pool: PgPool) {
    unknown_outcome_is_sent_once_more(pool, Behaviour::StallFirstTo(SLOW), "No answer from the SMTP server within 2 s")
        .await
}

#[sqlx::test]
async fn a_message_whose_connection_dropped_after_its_data_is_outcome_unknown_and_sent_once_more(pool: PgPool) {
    unknown_outcome_is_sent_once_more(pool, Behaviour::DropAfterDataFirstTo(SLOW), "incomplete response").await
}

#[sqlx::test]
async fn a_message_whose_outcome_is_unknown_twice_is_not_sent_a_third_time(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Stall).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(1)).await;
    let interview = invite(&app, &s, &[SLOW.to_owned()]).await[0];

    app.deliver_mail().await;
    make_due(&app).await;
    app.deliver_mail().await;
    make_due(&app).await;
    app.deliver_mail().await;

    assert_eq!(smtp.messages_to(SLOW).len(), 2, "sent once more, never a third time");
    let (_, status, _, error) = emails(&app).await.pop().unwrap();
    assert_eq!(status, "failed");
    let error = error.unwrap_or_default();
    assert!(error.contains("it may have arrived, and it is not sent a third time"), "{error}");
    let labels: Vec<String> = timeline(&app, interview).await.into_iter().map(|(label, _)| label).collect();
    assert!(labels.contains(&"Email failed".to_owned()), "{labels:?}");
}

#[sqlx::test]
async fn a_refusal_at_any_step_is_recorded_for_its_own_message_only(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(60)).await;
    // (step, reply, the email's status after the round)
    let cases = [
        (Step::Rcpt, "450 4.2.1 Mailbox busy", "queued"),
        (Step::Rcpt, "550 5.1.1 No such user", "failed"),
        (Step::Data, "451 4.3.2 Not now", "queued"),
        (Step::Data, "554 5.7.1 Not from you", "failed"),
        (Step::EndOfData, "452 4.3.1 Out of storage", "queued"),
        (Step::EndOfData, "552 5.3.4 Message too big", "failed"),
    ];
    for (i, (step, reply, status)) in cases.into_iter().enumerate() {
        let refused: &'static str = Box::leak(format!("refused{i}@example.com").into_boxed_str());
        let server = SmtpServer::start(Behaviour::RefuseAt { step, to: refused, reply }).await;
        let config = hifinity::config::Config { smtp_url: Some(server.url()), ..(*app.state.config).clone() };
        let transport = Arc::new(Transport::from_config(&config).unwrap());
        let mut to: Vec<String> = (0..5).map(|n| format!("case{i}-{n}@example.com")).collect();
        to.insert(2, refused.to_owned());
        invite(&app, &s, &to).await;

        deliver(&app, &transport).await;

        let case = format!("{reply} at {step:?}");
        for (address, state, server_reply, error) in emails(&app).await.into_iter().filter(|(a, ..)| to.contains(a)) {
            if address == refused {
                assert_eq!(state, status, "{case}");
                let error = error.unwrap_or_default();
                assert!(error.contains(reply.split_at(4).1), "{case}: {error}");
                assert_eq!(server_reply, None, "{case}");
            } else {
                assert_eq!(state, "sent", "{case}: {address}");
                let server_reply = server_reply.unwrap_or_default();
                assert!(server_reply.ends_with(&format!("for <{address}>")), "{case}: {server_reply}");
                assert_eq!(server.messages_to(&address).len(), 1, "{case}: {address}");
            }
        }
        assert!(server.messages_to(refused).is_empty(), "{case}");
        let unknown = count(&app, "select count(*) from emails where outcome_unknown_at is not null").await;
        assert_eq!(unknown, 0, "{case}: a refusal is an answer, never an unknown outcome");
    }
    assert_eq!(smtp.arrived(), 0);
}

#[sqlx::test]
async fn a_refusal_of_every_message_at_mail_from_is_retried_later(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::RefuseAt { step: Step::Mail, to: "", reply: "421 4.7.0 Slow down" }).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(60)).await;
    invite(&app, &s, &addresses(3)).await;

    app.deliver_mail().await;

    for (to, status, reply, error) in emails(&app).await {
        assert_eq!((status.as_str(), reply), ("queued", None), "{to}");
        assert!(error.as_deref().is_some_and(|e| e.contains("Slow down")), "{to}: {error:?}");
    }
    assert_eq!(smtp.arrived(), 0);
}

#[sqlx::test]
async fn a_sent_message_is_not_sent_again_when_recording_it_fails_once(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(60)).await;
    // The database refuses the first write of a sent email, and only that one.
    sqlx::raw_sql(
        "create sequence sent_writes;
         create function refuse_first_sent() returns trigger language plpgsql as $$
         begin
           if nextval('sent_writes') = 1 then raise exception 'injected failure'; end if;
           return new;
         end $$;
         create trigger refuse_first_sent before update on emails
           for each row when (new.status = 'sent') execute function refuse_first_sent();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let interview = invite(&app, &s, &[SLOW.to_owned()]).await[0];

    app.deliver_mail().await;

    assert_eq!(smtp.messages_to(SLOW).len(), 1, "sent once");
    let (_, status, reply, _) = emails(&app).await.pop().unwrap();
    assert_eq!(status, "sent");
    assert!(reply.unwrap_or_default().ends_with(&format!("for <{SLOW}>")));
    assert_eq!(count(&app, "select nextval('sent_writes')").await, 3, "written on the second try");
    let labels: Vec<String> = timeline(&app, interview).await.into_iter().map(|(label, _)| label).collect();
    assert!(labels.contains(&"Email sent".to_owned()), "{labels:?}");
    assert!(!labels.iter().any(|label| label.contains("unknown") || label.contains("retry")), "{labels:?}");
}

/// Polls `check` every 20 ms until it holds, failing after `within`.
async fn within(within: Duration, what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[sqlx::test]
async fn while_one_message_stalls_emails_queued_meanwhile_are_delivered_within_seconds(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::StallFirstTo(SLOW)).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(60)).await;
    let (stop, shutdown) = watch::channel(false);
    let transport = Arc::new(Transport::from_config(&app.state.config).unwrap());
    let running = tokio::spawn(worker::run(app.state.clone(), transport, shutdown));
    invite(&app, &s, &[SLOW.to_owned()]).await;
    within(Duration::from_secs(10), "the slow message at the SMTP server", async || !smtp.messages_to(SLOW).is_empty())
        .await;

    invite(&app, &s, &addresses(10)).await;

    within(Duration::from_secs(5), "the ten emails queued meanwhile sent", async || {
        count(&app, "select count(*) from emails where status = 'sent'").await == 10
    })
    .await;
    each_sent_once_with_its_own_reply(&app, &smtp, SLOW).await;
    stop.send_replace(true);
    running.await.unwrap();
}

#[sqlx::test]
async fn shutdown_with_a_backlog_stops_claiming_and_loses_or_repeats_nothing(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let (app, s) = app_sending_to(pool, &smtp, Duration::from_secs(60)).await;
    let to = addresses(150);
    invite(&app, &s, &to).await;
    let (stop, shutdown) = watch::channel(false);
    let transport = Arc::new(Transport::from_config(&app.state.config).unwrap());
    let running = tokio::spawn(worker::run(app.state.clone(), transport, shutdown));
    smtp.wait_for_arrivals(10).await;

    stop.send_replace(true);
    tokio::time::timeout(Duration::from_secs(30), running).await.expect("stopped within its grace period").unwrap();

    let sent = count(&app, "select count(*) from emails where status = 'sent'").await;
    assert!(sent < 150, "stopped before the backlog was done ({sent} sent)");
    assert_eq!(count(&app, "select count(*) from tasks where status = 'running'").await, 0, "none left claimed");
    assert_eq!(smtp.messages().len() as i64, sent, "every message received was recorded as sent");
    app.deliver_mail().await;
    assert_eq!(smtp.messages().len(), 150);
    each_sent_once_with_its_own_reply(&app, &smtp, "").await;
}
