use mail_parser::MessageParser;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer},
    support::{TestApp, count, link_in, link_in_message},
};

const RECRUITER: &str = "riley@acme.com";

async fn ready(app: &TestApp) -> Sendable {
    app.sign_up("Acme Robotics", RECRUITER).await;
    fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await
}

async fn send(app: &TestApp, s: &Sendable, key: Uuid) -> crate::support::Page {
    app.post(
        &format!("/candidates/{}/send-interview", s.candidate_id),
        &[
            ("job_id", &s.job_id.to_string()),
            ("version_id", &s.version_id.to_string()),
            ("idempotency_key", &key.to_string()),
            ("return_to", "/interviews"),
        ],
    )
    .await
}

#[sqlx::test]
async fn the_modal_lists_only_jobs_with_published_templates(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let draft_job = fixtures::job(&app.pool, s.company_id, "Designer (draft only)").await;
    sqlx::query("insert into interview_templates (id, company_id, job_id, name, difficulty, duration_minutes) values ($1, $2, $3, 'Draft one', 'easy', 10)")
        .bind(Uuid::new_v4())
        .bind(s.company_id)
        .bind(draft_job)
        .execute(&app.pool)
        .await
        .unwrap();

    let page = app.get(&format!("/candidates/{}/send-interview", s.candidate_id)).await;
    assert_eq!(page.text("h1"), "Send Interview");
    assert_eq!(page.texts("#send-job option"), ["Choose a job…", "Senior Backend Engineer"]);
    assert_eq!(page.text(".template-name"), "Backend screen");
    assert_eq!(page.text(".template-meta"), "Difficulty: Medium Focus: System design 20 min 3 questions");
    let preview = page.texts(".send-preview-prompt");
    assert_eq!(preview.len(), 3);
    assert!(preview[0].starts_with("Tell us about a system you designed"));
    assert_eq!(page.text(".send-form button[type=submit]"), "Send Interview Invitation");

    let modal = app.get(&format!("/candidates/{}/send-interview?modal=1", s.candidate_id)).await;
    assert!(!modal.body.contains("<html"), "the modal gets the form alone");
    assert!(modal.body.contains("Send Interview Invitation"));
}

#[sqlx::test]
async fn the_modal_says_what_is_missing(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", RECRUITER).await;
    let company = app.company_id(RECRUITER).await;
    let candidate = fixtures::candidate(&app.pool, company, "Ada", "ada@example.com").await;
    let page = app.get(&format!("/candidates/{candidate}/send-interview")).await;
    assert!(page.text(".notice").contains("No open job has a published interview template yet"));
    assert!(page.body.contains("href=\"/interview-templates\""));
    assert!(page.texts("button[type=submit]").iter().all(|b| b != "Send Interview Invitation"));
}

#[sqlx::test]
async fn sending_creates_a_pending_interview_and_queues_the_invitation(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let page = send(&app, &s, Uuid::new_v4()).await;
    assert_eq!(page.flash(), "Interview invitation sent to ada@example.com");
    assert!(page.url.ends_with("/interviews"));
    assert_eq!(page.text("tbody .badge"), "Pending");
    assert!(page.text("tbody td").starts_with("Ada Lovelace"));

    let (status, version): (String, Uuid) =
        sqlx::query_as("select status::text, template_version_id from interviews").fetch_one(&app.pool).await.unwrap();
    assert_eq!((status.as_str(), version), ("pending", s.version_id));
    assert_eq!(count(&app, "select count(*) from applications where stage = 'interviewing'").await, 1);
    assert_eq!(count(&app, "select count(*) from emails where status = 'queued' and kind = 'invitation'").await, 1);
    assert_eq!(count(&app, "select count(*) from candidates where status = 'invited'").await, 1);
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'queued'").await, 1);
}

#[sqlx::test]
async fn a_repeated_or_concurrent_send_creates_one_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let key = Uuid::new_v4();
    let (a, b) = tokio::join!(send(&app, &s, key), send(&app, &s, key));
    assert_eq!(a.flash(), "Interview invitation sent to ada@example.com");
    assert_eq!(b.flash(), a.flash());
    send(&app, &s, key).await;
    assert_eq!(count(&app, "select count(*) from interviews").await, 1);
    assert_eq!(count(&app, "select count(*) from emails").await, 1);

    send(&app, &s, Uuid::new_v4()).await;
    assert_eq!(count(&app, "select count(*) from interviews").await, 2, "a new intent is a new interview");
}

#[sqlx::test]
async fn a_template_of_another_job_or_a_draft_is_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let other_job = fixtures::job(&app.pool, s.company_id, "Support Lead").await;
    let page = app.send_interview(s.candidate_id, other_job, s.version_id).await;
    assert_eq!(page.text(".form-error"), "Select an interview template of the selected job.");
    let page = app
        .post(
            &format!("/candidates/{}/send-interview", s.candidate_id),
            &[("idempotency_key", &Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(page.text(".form-error"), "Select a job and one of its interview templates.");
    assert_eq!(count(&app, "select count(*) from interviews").await, 0);
}

#[sqlx::test]
async fn the_invitation_reaches_a_real_smtp_server_with_everything_it_must_hold(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = MessageParser::default().parse(&messages[0]).unwrap();
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Acme Robotics"));
    assert_eq!(from.address(), Some("interviews@hifinity.test"));
    assert_eq!(message.reply_to().unwrap().first().unwrap().address(), Some(RECRUITER));
    assert_eq!(message.to().unwrap().first().unwrap().address(), Some("ada@example.com"));
    assert!(message.message_id().unwrap().ends_with("@hifinity.test"));
    assert!(message.date().is_some());
    assert_eq!(message.subject(), Some("Video interview invitation: Senior Backend Engineer at Acme Robotics"));

    let text = message.body_text(0).unwrap().to_string();
    let html = message.body_html(0).unwrap().to_string();
    let link = link_in(&text);
    for part in [&text, &html] {
        for expected in [
            "Acme Robotics",
            "Senior Backend Engineer",
            "3 questions",
            "about 20 minutes",
            "webcam",
            "microphone",
            "browser",
            "Take your time and think aloud.",
        ] {
            assert!(part.contains(expected), "{expected:?} missing from:\n{part}");
        }
        assert!(part.contains(&link), "the link is in both parts");
    }
    assert!(html.contains(&format!("href=\"{link}\"")) && html.contains("Start your interview"), "a button");
    assert!(text.contains("Please complete it by"), "the deadline");

    let (sent_at, reply): (Option<time::OffsetDateTime>, String) = sqlx::query_as(
        "select i.email_sent_at, e.server_reply from interviews i join emails e on e.interview_id = i.id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(sent_at.is_some());
    assert!(reply.starts_with("250"));

    let landing = app.other_browser().get(link.trim_start_matches(&app.base)).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert_eq!(landing.text("h1"), "Video interview: Senior Backend Engineer");
    assert!(landing.body.contains("Acme Robotics") && landing.body.contains("About 20 minutes"));
    assert_eq!(landing.headers["referrer-policy"], "no-referrer");
    assert_eq!(landing.headers["cache-control"], "no-store");
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'link_opened'").await, 1);
}

#[sqlx::test]
async fn resend_sends_the_same_link_and_creates_no_interview(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    sqlx::query("update interviews set last_invited_at = now() - interval '6 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();

    let resent_at = std::time::Instant::now();
    let page = app.post(&format!("/interviews/{id}/resend"), &[("return_to", "/interviews")]).await;
    assert_eq!(page.flash(), "Invitation resent to ada@example.com with the same interview link.");
    app.deliver_mail().await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 2);
    let first = MessageParser::default().parse(&messages[0]).unwrap();
    let second = MessageParser::default().parse(&messages[1]).unwrap();
    assert_eq!(link_in(&first.body_text(0).unwrap()), link_in(&second.body_text(0).unwrap()));
    assert!(second.subject().unwrap().starts_with("Reminder:"));
    assert_eq!(count(&app, "select count(*) from interviews").await, 1);
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'resent'").await, 1);

    let again = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    // The minutes left are rounded up: 5 until a whole minute has passed since the resend.
    let elapsed = resent_at.elapsed().as_secs();
    let minutes: Vec<String> = (5u64.saturating_sub(elapsed / 60).max(1)..=5)
        .map(|m| if m == 1 { "1 minute.".to_owned() } else { format!("{m} minutes.") })
        .collect();
    let flash = again.flash();
    let prefix = "An invitation was sent less than 5 minutes ago. You can resend it in ";
    assert!(flash.strip_prefix(prefix).is_some_and(|rest| minutes.iter().any(|m| m == rest)), "{flash}");
    assert_eq!(count(&app, "select count(*) from emails").await, 2);
}

#[sqlx::test]
async fn closed_interviews_refuse_resend_and_their_links_say_why(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let link = link_in_message(&smtp.messages()[0]);
    let path = link.trim_start_matches(&app.base).to_owned();
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let candidate = app.other_browser();

    let mut tampered = path.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let page = candidate.get(&String::from_utf8(tampered).unwrap()).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.text("h1"), "This interview link is not valid");
    assert_eq!(candidate.get("/i/not-a-token").await.status, StatusCode::NOT_FOUND);

    sqlx::query("update interviews set expires_at = now() - interval '1 minute'").execute(&app.pool).await.unwrap();
    assert_eq!(candidate.get(&path).await.text("h1"), "This interview link has expired");
    assert_eq!(hifinity::interviews::lifecycle::expire_overdue(&app.pool).await.unwrap(), 1);
    let refused = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    assert!(refused.flash().contains("Expired"), "{}", refused.flash());

    let extended = app.post(&format!("/interviews/{id}/extend"), &[]).await;
    assert_eq!(extended.flash(), "The deadline is now 14 days from today.");
    assert_eq!(candidate.get(&path).await.status, StatusCode::OK, "the same link works again");

    sqlx::query("update interviews set status = 'completed', completed_at = now()").execute(&app.pool).await.unwrap();
    let done = candidate.get(&path).await;
    assert_eq!(done.text("h1"), "This interview is already completed");
    let refused = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    assert_eq!(refused.flash(), "This interview is Completed, so its invitation can't be resent.");
    assert_eq!(smtp.messages().len(), 1);

    sqlx::query("update interviews set status = 'pending'").execute(&app.pool).await.unwrap();
    let cancelled = app.post(&format!("/interviews/{id}/cancel"), &[]).await;
    assert_eq!(cancelled.flash(), "Interview cancelled. Its link no longer works.");
    let page = candidate.get(&path).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert_eq!(page.text("h1"), "This interview was cancelled");
    assert_eq!(
        count(&app, "select count(*) from candidates where status = 'new'").await,
        1,
        "status follows the interviews"
    );
}

#[sqlx::test]
async fn the_link_is_nowhere_in_the_database(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let link = link_in_message(&smtp.messages()[0]);
    let token = link.rsplit('/').next().unwrap().to_owned();
    // The token's secret half (the MAC tag), as hex: how a bytea column would hold it.
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&token).unwrap();
    let tag_hex: String = raw[16..].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(app.other_browser().get(link.trim_start_matches(&app.base)).await.status, StatusCode::OK);

    let tables: Vec<String> = sqlx::query_scalar("select tablename::text from pg_tables where schemaname = 'public'")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!("select to_jsonb(t)::text from \"{table}\" t"))
            .fetch_all(&app.pool)
            .await
            .unwrap();
        for row in rows {
            assert!(!row.contains(&token), "the token is stored in {table}");
            assert!(!row.contains(&tag_hex), "the link's tag is stored in {table}");
        }
    }
}

#[sqlx::test]
async fn smtp_outage_retries_with_the_reason_then_delivers_once(pool: PgPool) {
    // Bound but not listening: connections are refused, and the port stays ours until
    // the SMTP server binds it too (both sockets allow address reuse).
    let held = tokio::net::TcpSocket::new_v4().unwrap();
    held.set_reuseaddr(true).unwrap();
    held.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = held.local_addr().unwrap().port();
    let app = TestApp::spawn_with_smtp(pool, Some(format!("smtp://127.0.0.1:{port}"))).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;

    let (status, error, later): (String, String, bool) =
        sqlx::query_as("select status::text, last_error, next_attempt_at > now() + interval '20 seconds' from emails")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "queued");
    assert!(error.to_lowercase().contains("connection refused"), "{error}");
    assert!(later, "retried later, not now");
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let page = app.get(&format!("/interviews/{id}")).await;
    assert!(page.texts(".timeline-label").contains(&"Email delivery failed; will retry".to_owned()));
    assert!(page.text(".timeline-problem .timeline-detail").contains("next attempt at"));

    let smtp = SmtpServer::start_on(port, Behaviour::Accept).await;
    drop(held);
    sqlx::query("update tasks set run_at = now() where kind = 'deliver_email'").execute(&app.pool).await.unwrap();
    app.deliver_mail().await;
    app.deliver_mail().await;
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(count(&app, "select count(*) from emails where status = 'sent' and attempts = 2").await, 1);
}

#[sqlx::test]
async fn a_permanent_refusal_fails_at_once_and_shows_why(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::RefuseForGood).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let (status, error): (String, String) =
        sqlx::query_as("select status::text, last_error from emails").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "failed");
    assert!(error.contains("Mailbox unavailable"), "{error}");
    let outbox = app.get("/outbox").await;
    assert_eq!(outbox.text("tbody .badge"), "Failed");
    assert!(outbox.body.contains("Mailbox unavailable"));
}

#[sqlx::test]
async fn refused_credentials_are_retried_not_given_up(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::RefuseCredentials).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let (status, error): (String, String) =
        sqlx::query_as("select status::text, last_error from emails").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "queued", "fixing SMTP_URL lets it go out");
    assert!(error.contains("Authentication credentials invalid"), "{error}");
}

#[sqlx::test]
async fn a_temporary_refusal_is_retried(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::RefuseForNow).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let (status, error): (String, String) =
        sqlx::query_as("select status::text, last_error from emails").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "queued");
    assert!(error.contains("Try again later"), "{error}");
}

#[sqlx::test]
async fn two_workers_deliver_each_of_200_emails_exactly_once(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    fixtures::raise_email_cap(&app.pool, s.company_id, 1000).await;
    for i in 0..200 {
        let candidate =
            fixtures::candidate(&app.pool, s.company_id, &format!("Candidate {i}"), &format!("c{i}@example.com")).await;
        let request = hifinity::interviews::lifecycle::SendRequest {
            company_id: app.scope(s.company_id).await,
            user_id: sqlx::query_scalar("select id from users").fetch_one(&app.pool).await.unwrap(),
            candidate_id: candidate.into(),
            job_id: s.job_id.into(),
            version_id: s.version_id,
            idempotency_key: Uuid::new_v4(),
            link_valid_days: 14,
            email_cap: app.email_cap(),
        };
        hifinity::interviews::lifecycle::send(&app.pool, &request).await.unwrap();
    }
    let second = app.other_browser();
    tokio::join!(app.deliver_mail(), second.deliver_mail());

    let messages = smtp.messages();
    assert_eq!(messages.len(), 200);
    let mut ids: Vec<String> =
        messages.iter().map(|m| MessageParser::default().parse(m).unwrap().message_id().unwrap().to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "no email sent twice");
    assert_eq!(count(&app, "select count(*) from emails where status = 'sent' and attempts = 1").await, 200);
}

#[sqlx::test]
async fn without_smtp_the_outbox_shows_the_email_with_a_working_link(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let outbox = app.get("/outbox").await;
    assert_eq!(outbox.text("tbody .badge"), "Kept in Outbox");
    let email_id: Uuid = sqlx::query_scalar("select id from emails").fetch_one(&app.pool).await.unwrap();
    let page = app.get(&format!("/outbox/{email_id}")).await;
    assert_eq!(page.text("h1"), "Video interview invitation: Senior Backend Engineer at Acme Robotics");
    let link = page.text("dd a.break");
    assert!(page.text(".email-text").contains(&link));
    let landing = app.other_browser().get(link.trim_start_matches(&app.base)).await;
    assert_eq!(landing.status, StatusCode::OK);
    let html = app.get(&format!("/outbox/{email_id}/html")).await;
    assert!(html.body.contains("Start your interview"));
    assert!(
        html.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"),
        "its pixel can't fire"
    );
}

#[sqlx::test]
async fn the_tracking_pixel_records_the_first_open(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let pixel: Uuid = sqlx::query_scalar("select pixel_id from emails").fetch_one(&app.pool).await.unwrap();
    let anonymous = app.other_browser();
    for _ in 0..2 {
        let image = anonymous.client.get(app.url(&format!("/e/{pixel}.gif"))).send().await.unwrap();
        assert_eq!(image.headers()["content-type"], "image/gif");
    }
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'opened'").await, 1);
    // Moved back by known amounts, so the page reads the same however long the test takes.
    sqlx::query(
        "update interviews set email_sent_at = email_sent_at - interval '3 hours 30 minutes',
                               email_opened_at = email_opened_at - interval '2 hours 30 minutes'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let list = app.get("/interviews").await;
    let cells = list.texts("tbody td");
    assert_eq!(cells[2..5], ["Pending", "3 hours ago", "2 hours ago"], "{cells:?}");
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let page = app.get(&format!("/interviews/{id}")).await;
    assert!(page.texts(".timeline-label").contains(&"Email opened (may include automatic opens)".to_owned()));
}

#[sqlx::test]
async fn the_interviews_page_filters_by_status_job_and_candidate(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let other = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    let other_job = fixtures::job(&app.pool, s.company_id, "Support Lead").await;
    let (_, other_version) = fixtures::published_template(&app.pool, s.company_id, other_job, "Support screen").await;
    send(&app, &s, Uuid::new_v4()).await;
    let other_send = Sendable { candidate_id: other, job_id: other_job, version_id: other_version, ..s };
    send(&app, &other_send, Uuid::new_v4()).await;
    sqlx::query("update interviews set status = 'in_progress' where candidate_id = $1")
        .bind(other)
        .execute(&app.pool)
        .await
        .unwrap();

    let names = |page: &crate::support::Page| page.texts("tbody td:first-child a");
    assert_eq!(names(&app.get("/interviews").await), ["Grace Hopper", "Ada Lovelace"]);
    assert_eq!(names(&app.get("/interviews?status=in_progress").await), ["Grace Hopper"]);
    assert_eq!(names(&app.get("/interviews?candidate=LOVELACE").await), ["Ada Lovelace"]);
    // A pasted line break does not join the name to the email.
    assert!(names(&app.get("/interviews?candidate=lovelace%0Aada%40").await).is_empty());
    assert_eq!(names(&app.get(&format!("/interviews?job={other_job}")).await), ["Grace Hopper"]);
    assert_eq!(names(&app.get(&format!("/interviews?job={}", s.job_id)).await), ["Ada Lovelace"]);
    let none = app.get("/interviews?status=completed").await;
    assert_eq!(none.text(".empty h2"), "No interviews match these filters");
}

#[sqlx::test]
async fn another_company_cannot_see_or_touch_an_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    send(&app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let email: Uuid = sqlx::query_scalar("select id from emails").fetch_one(&app.pool).await.unwrap();

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    for path in [
        format!("/interviews/{id}"),
        format!("/outbox/{email}"),
        format!("/outbox/{email}/html"),
        format!("/candidates/{}/send-interview", s.candidate_id),
    ] {
        assert_eq!(globex.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in
        [format!("/interviews/{id}/resend"), format!("/interviews/{id}/cancel"), format!("/interviews/{id}/extend")]
    {
        assert_eq!(globex.post(&path, &[]).await.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let stolen = globex.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);
    let list = globex.get("/interviews").await;
    assert_eq!((list.status, list.text(".empty h2").as_str()), (StatusCode::OK, "No interviews yet"));
    assert!(list.texts("tbody tr").is_empty());
    assert_eq!(count(&app, "select count(*) from emails").await, 1);
    assert_eq!(
        count(&app, "select count(*) from interview_events where kind in ('resent', 'cancelled', 'extended')").await,
        0
    );
}

#[sqlx::test]
async fn the_demo_company_has_interviews_to_follow(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    hifinity::demo::seed(&app.pool, &app.state.media, false).await.unwrap();
    app.sign_in(hifinity::demo::EMAIL, hifinity::demo::PASSWORD).await;
    let list = app.get("/interviews").await;
    let badges = list.texts("tbody .badge");
    for status in ["Pending", "In Progress", "Completed", "Expired", "Cancelled"] {
        assert!(badges.iter().any(|badge| badge == status), "{status} in {badges:?}");
    }
    app.deliver_mail().await;
    let outbox = app.get("/outbox").await;
    assert!(outbox.texts("tbody .badge").iter().any(|badge| badge == "Kept in Outbox"));
}

/// The interview as stored, with its emails and timeline: what a refused action must leave alone.
async fn interview_state(app: &TestApp) -> String {
    sqlx::query_scalar(
        "select concat_ws(' | ',
           (select jsonb_agg(to_jsonb(i) order by i.id) from interviews i),
           (select jsonb_agg(to_jsonb(e) order by e.id) from emails e),
           (select jsonb_agg(to_jsonb(v) order by v.id) from interview_events v),
           (select jsonb_agg(to_jsonb(c) order by c.id) from candidates c))",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// A sent interview (its invitation delivered long enough ago to allow a resend), moved
/// to `status` the way the candidate or recruiter would have.
async fn interview_in(app: &TestApp, status: &str) -> Uuid {
    let s = ready(app).await;
    send(app, &s, Uuid::new_v4()).await;
    app.deliver_mail().await;
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    sqlx::query("update interviews set last_invited_at = now() - interval '1 hour'").execute(&app.pool).await.unwrap();
    match status {
        "cancelled" => {
            let page = app.post(&format!("/interviews/{id}/cancel"), &[]).await;
            assert_eq!(page.flash(), "Interview cancelled. Its link no longer works.");
        }
        "completed" => {
            sqlx::query("update interviews set status = 'completed', started_at = now(), completed_at = now()")
                .execute(&app.pool)
                .await
                .unwrap();
        }
        // Its deadline has just passed; housekeeping has not marked it Expired yet.
        "past deadline" => {
            sqlx::query("update interviews set expires_at = now() - interval '1 minute'")
                .execute(&app.pool)
                .await
                .unwrap();
        }
        _ => unreachable!("{status}"),
    }
    id
}

#[sqlx::test]
async fn resend_is_refused_for_a_cancelled_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let id = interview_in(&app, "cancelled").await;
    let before = interview_state(&app).await;
    let refused = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.flash(), "This interview is Cancelled, so its invitation can't be resent.");
    assert_eq!(interview_state(&app).await, before, "no email queued, nothing changed");
}

#[sqlx::test]
async fn cancel_is_refused_for_a_completed_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let id = interview_in(&app, "completed").await;
    let before = interview_state(&app).await;
    let refused = app.post(&format!("/interviews/{id}/cancel"), &[]).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.flash(), "Only a Pending or In Progress interview can be cancelled.");
    assert_eq!(refused.text(".page-header .badge"), "Completed");
    assert_eq!(interview_state(&app).await, before, "still completed, nothing changed");
}

#[sqlx::test]
async fn extend_is_refused_for_a_completed_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let id = interview_in(&app, "completed").await;
    let before = interview_state(&app).await;
    let refused = app.post(&format!("/interviews/{id}/extend"), &[]).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.flash(), "A completed or cancelled interview can't be extended.");
    assert_eq!(interview_state(&app).await, before, "the deadline and the timeline are unchanged");
}

#[sqlx::test]
async fn cancelling_twice_is_refused_the_second_time(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let id = interview_in(&app, "cancelled").await;
    let before = interview_state(&app).await;
    let refused = app.post(&format!("/interviews/{id}/cancel"), &[]).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.flash(), "Only a Pending or In Progress interview can be cancelled.");
    assert_eq!(refused.text(".page-header .badge"), "Cancelled");
    assert_eq!(interview_state(&app).await, before, "no second Cancelled event, nothing changed");
}

#[sqlx::test]
async fn extend_is_refused_for_a_cancelled_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let id = interview_in(&app, "cancelled").await;
    let before = interview_state(&app).await;
    let refused = app.post(&format!("/interviews/{id}/extend"), &[]).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.flash(), "A completed or cancelled interview can't be extended.");
    assert_eq!(refused.text(".page-header .badge"), "Cancelled");
    assert_eq!(interview_state(&app).await, before, "still cancelled: its link stays closed");
}

#[sqlx::test]
async fn resend_past_the_deadline_is_refused_before_housekeeping_marks_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let id = interview_in(&app, "past deadline").await;
    let before = interview_state(&app).await;
    let refused = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(
        refused.flash(),
        "This interview is Expired, so its invitation can't be resent. Extend the deadline first."
    );
    assert_eq!(interview_state(&app).await, before, "no email queued, nothing changed");
}

#[sqlx::test]
async fn an_interview_just_past_its_deadline_can_still_be_cancelled(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let id = interview_in(&app, "past deadline").await;
    let cancelled = app.post(&format!("/interviews/{id}/cancel"), &[]).await;
    assert_eq!(cancelled.flash(), "Interview cancelled. Its link no longer works.");
    assert_eq!(cancelled.text(".page-header .badge"), "Cancelled");
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'cancelled'").await, 1);
    assert_eq!(count(&app, "select count(*) from candidates where status = 'new'").await, 1, "status follows");
}

#[sqlx::test]
async fn the_outbox_lists_every_email_of_the_company_and_none_of_another(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let grace = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    send(&app, &s, Uuid::new_v4()).await;
    send(&app, &Sendable { candidate_id: grace, ..s }, Uuid::new_v4()).await;
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let theirs = fixtures::sendable(&app.pool, globex.company_id("gina@globex.com").await).await;
    let outsider = fixtures::candidate(&app.pool, theirs.company_id, "Otto Outsider", "otto@example.com").await;
    send(&globex, &Sendable { candidate_id: outsider, ..theirs }, Uuid::new_v4()).await;
    app.deliver_mail().await;

    let recipients = |page: &crate::support::Page| {
        let mut to = page.texts("tbody td:nth-child(2) .muted");
        to.sort();
        to
    };
    let ours = app.get("/outbox").await;
    assert_eq!(ours.status, StatusCode::OK);
    assert_eq!(recipients(&ours), ["ada@example.com", "grace@example.com"], "both of its interviews");
    let others = globex.get("/outbox").await;
    assert_eq!(others.status, StatusCode::OK);
    assert_eq!(recipients(&others), ["otto@example.com"]);
}

#[sqlx::test]
async fn a_send_key_used_by_another_company_sends_that_companys_own_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let key = Uuid::new_v4();
    send(&app, &s, key).await;
    let acme_interview: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let theirs = fixtures::sendable(&app.pool, globex.company_id("gina@globex.com").await).await;
    let grace = fixtures::candidate(&app.pool, theirs.company_id, "Grace Hopper", "grace@example.com").await;
    let page = send(&globex, &Sendable { candidate_id: grace, ..theirs }, key).await;
    assert_eq!(page.flash(), "Interview invitation sent to grace@example.com");
    assert_eq!(page.texts("tbody td:first-child a"), ["Grace Hopper"], "Globex sees only its own");
    assert!(!page.body.contains(&acme_interview.to_string()));
    let (company, candidate): (Uuid, Uuid) =
        sqlx::query_as("select company_id, candidate_id from interviews where id <> $1")
            .bind(acme_interview)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((company, candidate), (theirs.company_id, grace), "a new interview of Globex's");
    assert_eq!(count(&app, "select count(*) from emails where to_address = 'grace@example.com'").await, 1);
}
