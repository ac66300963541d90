//! Log tests, in a process of their own: the tracing subscriber is global, so in a shared
//! process another test's output could satisfy them. They take turns, and each reads only
//! the lines logged during its turn.

#[allow(dead_code)]
#[path = "../common/fixtures.rs"]
mod fixtures;
#[allow(dead_code)]
#[path = "../common/smtp.rs"]
mod smtp;
#[allow(dead_code)]
#[path = "../common/support.rs"]
mod support;

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    smtp::{Behaviour, SmtpServer},
    support::{TestApp, captured_logs, link_in_message},
};

static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The test's own HTTP client and HTML parser: they see the link, as the candidate's
/// browser does, and log at debug level what they fetch and parse.
const CLIENT_TARGETS: [&str; 5] = ["reqwest", "cookie_store", "html5ever", "markup5ever", "selectors"];

/// The logs from the moment it is opened.
struct LogWindow {
    start: usize,
}

impl LogWindow {
    fn open() -> Self {
        Self { start: captured_logs().len() }
    }

    fn text(&self) -> String {
        captured_logs()[self.start..].to_owned()
    }

    /// The lines the app logged (each line is `time level span-or-target: …`).
    fn app_lines(&self) -> Vec<String> {
        let text = self.text();
        text.lines()
            .filter(|line| {
                let origin = line.split_whitespace().nth(2).unwrap_or_default();
                !CLIENT_TARGETS.iter().any(|client| origin.starts_with(client))
            })
            .map(str::to_owned)
            .collect()
    }

    /// How many requests to `route` (a route template) were served.
    fn served(&self, route: &str) -> usize {
        let field = format!("route=\"{route}\" ");
        self.app_lines().iter().filter(|line| line.contains(&field) && line.ends_with("served")).count()
    }

    fn assert_no_secret(&self, token: &str) {
        // The token's secret half (the MAC tag), as hex, as a byte string would be printed.
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).unwrap();
        let tag_hex: String = raw[16..].iter().map(|b| format!("{b:02x}")).collect();
        let lines = self.app_lines();
        let leaked: Vec<&String> =
            lines.iter().filter(|line| line.contains(token) || line.contains(&tag_hex)).collect();
        assert!(leaked.is_empty(), "the link was logged: {leaked:#?}");
    }
}

/// An app whose invitation to Ada was delivered, and the path of the emailed link.
async fn invited(pool: PgPool) -> (TestApp, fixtures::Sendable, String) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    app.sign_up("Acme Robotics", "riley@acme.com").await;
    let s = fixtures::sendable(&app.pool, app.company_id("riley@acme.com").await).await;
    let sent = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert_eq!(sent.flash(), "Interview invitation sent to ada@example.com");
    app.deliver_mail().await;
    let link = link_in_message(&smtp.messages()[0]);
    let path = link.strip_prefix(&app.base).expect("a link to this app").to_owned();
    (app, s, path)
}

fn token_of(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_owned()
}

#[sqlx::test]
async fn a_candidates_requests_are_logged_by_route_never_with_the_link(pool: PgPool) {
    let _turn = TURN.lock().await;
    let (app, s, path) = invited(pool).await;
    let questions: Vec<Uuid> =
        sqlx::query_scalar("select id from version_questions where version_id = $1 order by position")
            .bind(s.version_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let candidate = app.other_browser();
    let logs = LogWindow::open();

    assert_eq!(candidate.get(&path).await.status, StatusCode::OK);
    assert_eq!(candidate.post(&format!("{path}/consent"), &[]).await.status, StatusCode::OK);
    assert_eq!(candidate.post(&format!("{path}/start"), &[]).await.status, StatusCode::OK);
    for question in &questions[..2] {
        candidate.get(&format!("{path}/q?question={question}")).await;
        let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3];
        webm.resize(2000, 0x42);
        let upload = candidate
            .client
            .post(candidate.url(&format!("{path}/answers/{question}")))
            .header("content-type", "video/webm")
            .body(webm)
            .send()
            .await
            .unwrap();
        assert_eq!(upload.status(), StatusCode::CREATED);
    }
    candidate.get(&format!("{path}/q?question={}", questions[2])).await;
    let review = candidate.post(&format!("{path}/answers/{}", questions[2]), &[("text", "An answer.")]).await;
    assert_eq!(review.text("h1"), "All questions answered");
    let done = candidate.post(&format!("{path}/complete"), &[]).await;
    assert_eq!(done.text("h1"), "This interview is already completed");

    logs.assert_no_secret(&token_of(&path));
    // Each request is logged once, by its route: the landing (opened, after agreeing to the
    // notice, and after completing), consent, start, the question (after starting, each
    // question opened before its answer, and after the typed answer), answers, completion.
    assert_eq!(logs.served("/i/{token}"), 3, "{}", logs.text());
    assert_eq!(logs.served("/i/{token}/consent"), 1);
    assert_eq!(logs.served("/i/{token}/start"), 1);
    assert_eq!(logs.served("/i/{token}/q"), 5);
    assert_eq!(logs.served("/i/{token}/answers/{question_id}"), 3);
    assert_eq!(logs.served("/i/{token}/complete"), 1);
}

#[sqlx::test]
async fn refused_links_are_logged_without_the_link(pool: PgPool) {
    let _turn = TURN.lock().await;
    let (app, _, path) = invited(pool).await;
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    assert_eq!(
        app.post(&format!("/interviews/{id}/cancel"), &[]).await.flash(),
        "Interview cancelled. Its link no longer works."
    );
    let candidate = app.other_browser();
    let token = token_of(&path);
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let logs = LogWindow::open();

    assert_eq!(candidate.get(&path).await.status, StatusCode::GONE, "cancelled");
    assert_eq!(candidate.get(&format!("/i/{tampered}")).await.status, StatusCode::NOT_FOUND, "tampered");
    assert_eq!(candidate.get(&format!("{path}/no-such-page")).await.status, StatusCode::NOT_FOUND, "no route");

    logs.assert_no_secret(&token);
    logs.assert_no_secret(&tampered);
    assert_eq!(logs.served("/i/{token}"), 2, "{}", logs.text());
    assert_eq!(logs.served("(unmatched)"), 1, "{}", logs.text());
}
