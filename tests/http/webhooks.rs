//! Webhooks: endpoints registered by admins, each event delivered signed the Standard
//! Webhooks way (checked by the `standardwebhooks` reference library from PyPI, run by
//! the venv's Python that `scripts/test` prepares), retried, redelivered, never to a
//! private address unless allowed, an endpoint disabled after five days of failures, and
//! nothing personal kept. Receivers are small HTTP servers on loopback; the refusals use a
//! stub resolver, so no test sends traffic to a private range.

use std::{
    collections::HashMap,
    io::Write,
    net::IpAddr,
    pin::Pin,
    str::FromStr,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use hifinity::webhooks::{
    delivery::{Webhooks, deliver_due},
    guard::{GuardedResolver, Lookup, SystemLookup},
};
use reqwest::dns::{Name, Resolve};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    candidate_portal::sent_interview,
    fixtures,
    support::{TestApp, count},
};

const ADMIN: &str = "riley@acme.com";

/// One request a receiver got.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: String,
}

/// A receiver's answer: its status and, for a redirect, where to.
type Answer = (StatusCode, Option<&'static str>);

#[derive(Clone)]
struct ReceiverState {
    received: Arc<Mutex<Vec<Received>>>,
    /// The answers to give, in order; the last one is repeated.
    answers: Arc<Mutex<Vec<Answer>>>,
}

/// A webhook receiver on loopback that records every request.
struct Receiver {
    base: String,
    state: ReceiverState,
}

impl Receiver {
    /// Answers `answers` in order (status and an optional `Location`), then the last again.
    async fn start(answers: &[Answer]) -> Self {
        let state = ReceiverState { received: Default::default(), answers: Arc::new(Mutex::new(answers.to_vec())) };
        let app = axum::Router::new().fallback(receive).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base, state }
    }

    fn url(&self) -> String {
        format!("{}/hook", self.base)
    }

    fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }
}

async fn receive(State(state): State<ReceiverState>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let headers =
        headers.iter().map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned())).collect();
    let body = String::from_utf8(body.to_vec()).unwrap();
    state.received.lock().unwrap().push(Received { path: uri.path().to_owned(), headers, body });
    let mut answers = state.answers.lock().unwrap();
    let (status, location) = if answers.len() > 1 { answers.remove(0) } else { answers[0] };
    let mut response = status.into_response();
    if let Some(location) = location {
        response.headers_mut().insert("location", location.parse().unwrap());
    }
    response
}

/// Resolves every name to the addresses given, as a hostile DNS answer would.
struct StubLookup(Vec<IpAddr>);

impl Lookup for StubLookup {
    fn lookup<'a>(&'a self, _host: &'a str) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send + 'a>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

/// Verifies a received request with the `standardwebhooks` library: Ok, or its refusal.
fn verify_with_reference_library(secret: &str, received: &Received) -> Result<(), String> {
    let python = std::env::var("HIFINITY_TEST_PYTHON").expect(
        "HIFINITY_TEST_PYTHON names the Python with standardwebhooks installed: run scripts/test, \
         or source scripts/python.sh and call ensure_python_tools",
    );
    let script = "import json, sys\n\
                  from standardwebhooks import Webhook\n\
                  given = json.load(sys.stdin)\n\
                  Webhook(given['secret']).verify(given['body'], given['headers'])\n";
    let input = serde_json::json!({ "secret": secret, "body": received.body, "headers": received.headers });
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

/// An app whose webhooks may reach loopback, where the tests' receivers listen.
async fn app_allowing_loopback(pool: PgPool) -> TestApp {
    let app = TestApp::spawn_with(pool, |config| config.webhook_allow_private = true).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    app
}

/// Registers an endpoint through the page; returns its id and the secret shown.
async fn register(app: &TestApp, url: &str, events: &[&str]) -> (Uuid, String) {
    let mut form = vec![("url", url)];
    form.extend(events.iter().map(|event| ("events", *event)));
    let page = app.post("/settings/webhooks", &form).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let secret = page.text("[data-secret-value]");
    assert!(secret.starts_with("whsec_"), "{}", page.body);
    let id = sqlx::query_scalar("select id from webhook_endpoints where url = $1")
        .bind(url)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (id, secret)
}

/// Runs the delivery worker as configured until nothing is due.
async fn deliver(app: &TestApp) -> usize {
    let webhooks = Arc::new(Webhooks::from_config(&app.state.config).unwrap());
    deliver_due(&app.pool, &webhooks).await.unwrap()
}

/// Makes every queued retry due now.
async fn retries_due(app: &TestApp) {
    sqlx::query("update tasks set run_at = now() where kind = 'deliver_webhook' and status = 'queued'")
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn send_interview(app: &TestApp) -> fixtures::Sendable {
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let sent = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
    s
}

/// (status, response code, attempts, last error) of the endpoint's deliveries, oldest first.
async fn deliveries(app: &TestApp) -> Vec<(String, Option<i32>, i32, Option<String>)> {
    sqlx::query_as(
        "select status::text, response_status, attempts, last_error from webhook_deliveries order by created_at, id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn an_admin_registers_an_endpoint_and_its_secret_is_shown_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let (_, secret) = register(&app, "https://hooks.acme.example/in", &["interview.sent", "candidate.erased"]).await;

    let page = app.get("/settings/webhooks").await;
    assert_eq!(page.texts("[data-endpoint] td:first-child"), ["https://hooks.acme.example/in"]);
    assert!(page.text("[data-endpoint]").contains("interview.sent, candidate.erased"));
    assert!(!page.body.contains(&secret), "the secret is not shown again");
    assert!(page.texts("[data-secret]").is_empty());
    let audit = app.get("/audit").await;
    assert!(audit.texts("[data-action]").contains(&"Webhook endpoint added".to_owned()));
}

#[sqlx::test]
async fn a_private_address_in_the_url_and_an_endpoint_without_events_are_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    for url in
        ["http://127.0.0.1:8080/hook", "http://10.0.0.1/hook", "http://[::ffff:169.254.169.254]/", "http://0.0.0.0/"]
    {
        let page = app.post("/settings/webhooks", &[("url", url), ("events", "interview.sent")]).await;
        assert!(page.text("#url-error").contains("private, loopback or link-local"), "{url}: {}", page.body);
    }
    let page = app.post("/settings/webhooks", &[("url", "https://hooks.acme.example/in")]).await;
    assert_eq!(page.text("#events-error"), "Choose at least one event.");
    assert_eq!(count(&app, "select count(*) from webhook_endpoints").await, 0);
}

#[sqlx::test]
async fn sending_an_interview_delivers_a_signed_interview_sent_that_the_reference_library_verifies(pool: PgPool) {
    let app = app_allowing_loopback(pool).await;
    let receiver = Receiver::start(&[(StatusCode::OK, None)]).await;
    let (endpoint, secret) = register(&app, &receiver.url(), &["interview.sent"]).await;
    let s = send_interview(&app).await;
    assert_eq!(deliver(&app).await, 1);

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(verify_with_reference_library(&secret, request), Ok(()));
    assert!(request.headers["webhook-id"].starts_with("msg_"));
    assert!(request.headers["webhook-signature"].starts_with("v1,"));
    assert_eq!(request.headers["content-type"], "application/json");
    let mut tampered = request.clone();
    tampered.body = tampered.body.replace("pending", "completd");
    assert!(verify_with_reference_library(&secret, &tampered).is_err(), "a changed body fails verification");
    assert!(verify_with_reference_library("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", request).is_err());

    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["type"], "interview.sent");
    let interview: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    assert_eq!(body["data"]["interview_id"], interview.to_string());
    assert_eq!(body["data"]["candidate_id"], s.candidate_id.to_string());
    assert_eq!(body["data"]["job_id"], s.job_id.to_string());
    assert_eq!(body["data"]["status"], "pending");
    assert!(!request.body.contains("Ada") && !request.body.contains("ada@example.com"), "{}", request.body);

    assert_eq!(deliveries(&app).await, [("delivered".into(), Some(200), 1, None)]);
    let page = app.get(&format!("/settings/webhooks/{endpoint}")).await;
    assert_eq!(page.text("[data-delivery] [data-status]"), "Delivered");
    assert_eq!(page.text("[data-delivery] [data-response]"), "200");
    assert!(page.text("[data-delivery] [data-duration]").ends_with(" ms"));
}

#[sqlx::test]
async fn a_failed_delivery_is_retried_with_backoff_and_redeliver_sends_the_same_message_again(pool: PgPool) {
    let app = app_allowing_loopback(pool).await;
    let receiver = Receiver::start(&[(StatusCode::INTERNAL_SERVER_ERROR, None), (StatusCode::OK, None)]).await;
    let (endpoint, secret) = register(&app, &receiver.url(), &["interview.sent"]).await;
    send_interview(&app).await;

    deliver(&app).await;
    assert_eq!(
        deliveries(&app).await,
        [("queued".into(), Some(500), 1, Some("HTTP 500 Internal Server Error".into()))]
    );
    let wait: f64 = sqlx::query_scalar(
        "select extract(epoch from run_at - now())::float8 from tasks where kind = 'deliver_webhook' and status = 'queued'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!((20.0..=36.0).contains(&wait), "the first retry waits about 30 s, not {wait}");
    let page = app.get(&format!("/settings/webhooks/{endpoint}")).await;
    assert!(page.text("[data-delivery] [data-status]").starts_with("Retrying next in"), "{}", page.body);
    assert_eq!(page.text("[data-delivery] [data-attempts]"), "1");
    assert_eq!(deliver(&app).await, 0, "nothing is due before the backoff ends");

    retries_due(&app).await;
    deliver(&app).await;
    assert_eq!(deliveries(&app).await, [("delivered".into(), Some(200), 2, None)]);
    let failing: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select failing_since from webhook_endpoints").fetch_one(&app.pool).await.unwrap();
    assert_eq!(failing, None, "a success ends the run of failures");

    let delivery: Uuid = sqlx::query_scalar("select id from webhook_deliveries").fetch_one(&app.pool).await.unwrap();
    let page = app.post(&format!("/settings/webhooks/{endpoint}/deliveries/{delivery}/redeliver"), &[]).await;
    assert_eq!(page.flash(), "Queued for redelivery, with the same webhook-id.");
    deliver(&app).await;
    let received = receiver.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].headers["webhook-id"], received[0].headers["webhook-id"]);
    assert_eq!(received[2].body, received[0].body);
    assert_eq!(verify_with_reference_library(&secret, &received[2]), Ok(()));
    assert_eq!(app.get(&format!("/settings/webhooks/{endpoint}")).await.texts("[data-delivery]").len(), 2);
}

#[sqlx::test]
async fn a_redirect_is_not_followed(pool: PgPool) {
    let app = app_allowing_loopback(pool).await;
    let receiver = Receiver::start(&[(StatusCode::FOUND, Some("/elsewhere"))]).await;
    register(&app, &receiver.url(), &["interview.sent"]).await;
    send_interview(&app).await;
    deliver(&app).await;

    let paths: Vec<_> = receiver.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/hook"]);
    assert_eq!(deliveries(&app).await, [("queued".into(), Some(302), 1, Some("A redirect, not followed".into()))]);
}

#[tokio::test]
async fn the_resolver_refuses_names_that_resolve_to_any_forbidden_address() {
    for address in [
        "10.0.0.1",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "127.0.0.1",
        "0.0.0.0",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "fd00::1",
        "fe80::1",
    ] {
        // A public answer beside the forbidden one does not make it acceptable.
        let lookup = Arc::new(StubLookup(vec!["93.184.216.34".parse().unwrap(), address.parse().unwrap()]));
        let guarded = GuardedResolver { lookup: lookup.clone(), allow_private: false };
        let refused = guarded.resolve(Name::from_str("hooks.acme.example").unwrap()).await.err();
        assert!(refused.is_some_and(|err| err.to_string().contains("Refused to connect")), "{address}");
        let allowed = GuardedResolver { lookup, allow_private: true };
        assert!(allowed.resolve(Name::from_str("hooks.acme.example").unwrap()).await.is_ok(), "{address}");
    }
    let public =
        GuardedResolver { lookup: Arc::new(StubLookup(vec!["93.184.216.34".parse().unwrap()])), allow_private: false };
    assert!(public.resolve(Name::from_str("hooks.acme.example").unwrap()).await.is_ok());
}

#[sqlx::test]
async fn a_delivery_to_a_name_or_address_on_loopback_is_refused_when_connecting(pool: PgPool) {
    // Saved while allowed (a name passes the form anyway); the setting is off when delivering.
    let app = app_allowing_loopback(pool).await;
    let receiver = Receiver::start(&[(StatusCode::OK, None)]).await;
    let port = receiver.port();
    let by_name = format!("http://hooks.acme.example:{port}/hook");
    register(&app, &by_name, &["interview.sent"]).await;
    register(&app, &receiver.url(), &["interview.sent"]).await;
    register(&app, &format!("http://localhost:{port}/hook"), &["interview.sent"]).await;
    send_interview(&app).await;

    for stub in ["127.0.0.1", "::ffff:127.0.0.1", "::1"] {
        let lookup = Arc::new(StubLookup(vec![stub.parse().unwrap()]));
        let webhooks = Arc::new(Webhooks::new(false, lookup).unwrap());
        sqlx::query("update webhook_deliveries set status = 'queued'").execute(&app.pool).await.unwrap();
        retries_due(&app).await;
        assert_eq!(deliver_due(&app.pool, &webhooks).await.unwrap(), 3, "{stub}");
        let errors: Vec<Option<String>> =
            sqlx::query_scalar("select last_error from webhook_deliveries").fetch_all(&app.pool).await.unwrap();
        for error in errors {
            assert!(error.as_deref().is_some_and(|e| e.contains("Refused to connect")), "{stub}: {error:?}");
        }
    }
    // The system's resolver, for `localhost`, is guarded the same way.
    let webhooks = Arc::new(Webhooks::new(false, Arc::new(SystemLookup)).unwrap());
    retries_due(&app).await;
    deliver_due(&app.pool, &webhooks).await.unwrap();
    assert!(receiver.received().is_empty(), "nothing reached the receiver");

    // With the setting on, the same stub answer reaches it: the refusal was the guard's.
    let webhooks = Arc::new(Webhooks::new(true, Arc::new(StubLookup(vec!["127.0.0.1".parse().unwrap()]))).unwrap());
    retries_due(&app).await;
    deliver_due(&app.pool, &webhooks).await.unwrap();
    assert_eq!(receiver.received().len(), 3);
}

#[sqlx::test]
async fn an_endpoint_failing_for_five_days_is_disabled_and_the_admins_are_told(pool: PgPool) {
    let app = app_allowing_loopback(pool).await;
    let receiver = Receiver::start(&[(StatusCode::SERVICE_UNAVAILABLE, None)]).await;
    let (endpoint, _) = register(&app, &receiver.url(), &["interview.sent"]).await;
    send_interview(&app).await;
    deliver(&app).await;
    let state = || {
        sqlx::query_as::<_, (bool, bool)>(
            "select failing_since is not null, disabled_at is not null from webhook_endpoints",
        )
        .fetch_one(&app.pool)
    };
    assert_eq!(state().await.unwrap(), (true, false), "failing, not yet disabled");

    // Four days and 23 hours of failures: still enabled.
    sqlx::query("update webhook_endpoints set failing_since = now() - interval '4 days 23 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    retries_due(&app).await;
    deliver(&app).await;
    assert_eq!(state().await.unwrap(), (true, false));

    sqlx::query("update webhook_endpoints set failing_since = now() - interval '5 days 1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    retries_due(&app).await;
    deliver(&app).await;
    assert_eq!(state().await.unwrap(), (true, true));
    assert_eq!(deliveries(&app).await[0].0, "failed", "no more retries to a disabled endpoint");
    let notices: Vec<String> =
        sqlx::query_scalar("select to_address from account_emails where kind = 'webhook_disabled'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(notices, [ADMIN]);
    let email = String::from_utf8(app.account_email_to(ADMIN).await).unwrap();
    assert!(email.contains("A Hifinity webhook endpoint was disabled"), "{email}");

    let page = app.get("/settings/webhooks").await;
    assert!(page.text("[data-disabled-banner]").contains("was disabled"), "{}", page.body);
    assert!(app.get(&format!("/settings/webhooks/{endpoint}")).await.text("[data-disabled-banner]").contains("Enable"));
    send_interview_to_another(&app).await;
    assert_eq!(count(&app, "select count(*) from webhook_deliveries").await, 1, "no event queued for it");

    let enabled = app.post(&format!("/settings/webhooks/{endpoint}/enable"), &[]).await;
    assert_eq!(enabled.flash(), "Endpoint enabled. New events are sent to it again.");
    assert!(app.get("/settings/webhooks").await.texts("[data-disabled-banner]").is_empty());
    assert_eq!(state().await.unwrap(), (false, false));
}

async fn send_interview_to_another(app: &TestApp) {
    let company = app.company_id(ADMIN).await;
    let (job, version): (Uuid, Uuid) =
        sqlx::query_as("select t.job_id, t.published_version_id from interview_templates t limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let candidate = fixtures::candidate(&app.pool, company, "Grace Hopper", "grace@example.com").await;
    let sent = app.send_interview(candidate, job, version).await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
}

#[sqlx::test]
async fn an_interviews_life_is_told_to_the_endpoints_that_chose_each_event(pool: PgPool) {
    let s = sent_interview(pool).await;
    let app = &s.app;
    let all = [
        "interview.sent",
        "interview.email_opened",
        "interview.link_opened",
        "interview.started",
        "interview.completed",
        "interview.evaluated",
        "interview.decision_made",
        "candidate.erased",
    ];
    register(app, "https://hooks.acme.example/all", &all).await;
    register(app, "https://hooks.acme.example/decisions", &["interview.decision_made"]).await;

    let pixel: Uuid = sqlx::query_scalar("select pixel_id from emails").fetch_one(&app.pool).await.unwrap();
    app.other_browser().get(&format!("/e/{pixel}.gif")).await;
    s.candidate.get(&s.path).await;
    s.answer_all().await;
    s.candidate.post(&format!("{}/complete", s.path), &[]).await;
    crate::evaluation::evaluate(app, &app.state.config).await;
    let interview = s.interview_id;
    app.post(&format!("/interviews/{interview}/decision"), &[("decision", "advance")]).await;
    let candidate: Uuid = sqlx::query_scalar("select candidate_id from interviews").fetch_one(&app.pool).await.unwrap();
    app.post(&format!("/candidates/{candidate}/erase"), &[("confirm", "erase")]).await;

    let rows: Vec<(String, String)> = sqlx::query_as(
        "select e.url, d.body from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
         order by d.created_at, d.id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let bodies: Vec<Value> = rows.iter().map(|(_, body)| serde_json::from_str(body).unwrap()).collect();
    let told = |url: &str| -> Vec<String> {
        rows.iter()
            .zip(&bodies)
            .filter(|((to, _), _)| to.ends_with(url))
            .map(|(_, body)| body["type"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(told("/all"), all[1..]);
    assert_eq!(told("/decisions"), ["interview.decision_made"]);
    let by_type = |kind: &str| bodies.iter().find(|b| b["type"] == kind).unwrap()["data"].clone();
    assert_eq!(by_type("interview.started")["status"], "in_progress");
    assert_eq!(by_type("interview.completed")["status"], "completed");
    assert!(by_type("interview.evaluated")["evaluation_id"].is_string());
    assert_eq!(by_type("interview.decision_made")["decision"], "advance");
    assert_eq!(by_type("candidate.erased")["candidate_id"], candidate.to_string());
    for body in &bodies {
        assert!(body["timestamp"].is_string());
        if body["type"] != "candidate.erased" {
            assert_eq!(body["data"]["interview_id"], interview.to_string());
        }
    }
}

#[sqlx::test]
async fn erasing_a_candidate_leaves_nothing_personal_in_webhook_history(pool: PgPool) {
    let app = app_allowing_loopback(pool).await;
    let receiver = Receiver::start(&[(StatusCode::OK, None)]).await;
    register(&app, &receiver.url(), &["interview.sent", "candidate.erased"]).await;
    let s = send_interview(&app).await;
    let erased = app.post(&format!("/candidates/{}/erase", s.candidate_id), &[("confirm", "erase")]).await;
    assert_eq!(erased.status, 200);
    deliver(&app).await;

    let kept: Vec<String> = sqlx::query_scalar(
        "select row_to_json(d)::text from webhook_deliveries d
         union all select row_to_json(e)::text from webhook_endpoints e",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(kept.len(), 3, "two deliveries and the endpoint");
    let received: Vec<String> = receiver.received().into_iter().map(|r| r.body).collect();
    assert_eq!(received.len(), 2);
    for text in kept.iter().chain(&received) {
        for personal in ["Ada", "Lovelace", "ada@example.com"] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
    }
    assert_eq!(count(&app, "select count(*) from candidates").await, 0);
}

#[sqlx::test]
async fn deleting_an_endpoint_removes_its_deliveries_and_queued_jobs(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let (endpoint, _) = register(&app, "https://hooks.acme.example/in", &["interview.sent"]).await;
    send_interview(&app).await;
    assert_eq!(count(&app, "select count(*) from tasks where kind = 'deliver_webhook'").await, 1);

    let page = app.post(&format!("/settings/webhooks/{endpoint}/delete"), &[]).await;
    assert_eq!(page.flash(), "Endpoint deleted. No more events are sent to it.");
    assert_eq!(count(&app, "select count(*) from webhook_deliveries").await, 0);
    assert_eq!(count(&app, "select count(*) from tasks where kind = 'deliver_webhook'").await, 0);
    assert!(app.get("/audit").await.texts("[data-action]").contains(&"Webhook endpoint deleted".to_owned()));
}

#[sqlx::test]
async fn erasing_one_interview_tells_the_endpoints_that_chose_it_with_ids_only(pool: PgPool) {
    let app = app_allowing_loopback(pool).await;
    let receiver = Receiver::start(&[(StatusCode::OK, None)]).await;
    let (_, secret) = register(&app, &receiver.url(), &["interview.erased"]).await;
    register(&app, &format!("{}/sent-only", receiver.url()), &["interview.sent"]).await;
    let s = send_interview(&app).await;
    let interview: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let erased = app.post(&format!("/interviews/{interview}/erase"), &[("confirm", "erase")]).await;
    assert_eq!(erased.flash(), "The interview and everything it held were erased.");
    deliver(&app).await;

    let (sent_only, erasures): (Vec<Received>, Vec<Received>) =
        receiver.received().into_iter().partition(|r| r.path.ends_with("/sent-only"));
    let kind = |r: &Received| serde_json::from_str::<Value>(&r.body).unwrap()["type"].as_str().unwrap().to_owned();
    assert_eq!(sent_only.iter().map(kind).collect::<Vec<_>>(), ["interview.sent"], "only the event it chose");
    assert_eq!(erasures.iter().map(kind).collect::<Vec<_>>(), ["interview.erased"], "only the event it chose");
    let request = &erasures[0];
    assert_eq!(verify_with_reference_library(&secret, request), Ok(()));
    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["type"], "interview.erased");
    assert_eq!(body["data"]["interview_id"], interview.to_string());
    assert_eq!(body["data"]["candidate_id"], s.candidate_id.to_string());
    assert!(!request.body.contains("Ada") && !request.body.contains("ada@example.com"), "{}", request.body);
    // The candidate stays: only the interview went.
    assert_eq!(count(&app, "select count(*) from interviews").await, 0);
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);
}
