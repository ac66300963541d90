//! Automatic reminders: queued by the housekeeping step for Pending interviews
//! nobody has started, N days after the last invitation, at most the company's limit.

use hifinity::interviews::lifecycle;
use mail_parser::MessageParser;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer},
    support::{TestApp, count, link_in},
};

const RECRUITER: &str = "riley@acme.com";

async fn ready(app: &TestApp) -> Sendable {
    app.sign_up("Acme Robotics", RECRUITER).await;
    fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await
}

/// Sends `s`'s candidate (or `candidate`) an interview; returns its id.
async fn send_to(app: &TestApp, s: &Sendable, candidate_id: Uuid) -> Uuid {
    let request = lifecycle::SendRequest {
        company_id: app.scope(s.company_id).await,
        user_id: sqlx::query_scalar("select id from users where email = $1")
            .bind(RECRUITER)
            .fetch_one(&app.pool)
            .await
            .unwrap(),
        candidate_id: candidate_id.into(),
        job_id: s.job_id.into(),
        version_id: s.version_id,
        idempotency_key: Uuid::new_v4(),
        link_valid_days: 14,
        email_cap: app.email_cap(),
    };
    lifecycle::send(&app.pool, &request).await.expect("the interview was not sent").interview_id.uuid()
}

/// Moves every interview's last invitation `interval` into the past.
async fn age(app: &TestApp, interval: &str) {
    sqlx::query(&format!("update interviews set last_invited_at = now() - interval '{interval}'"))
        .execute(&app.pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_reminder_goes_out_after_the_set_days_with_the_same_link(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = ready(&app).await;
    let id = send_to(&app, &s, s.candidate_id).await;
    app.deliver_mail().await;

    age(&app, "1 day 23 hours").await;
    assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), 0, "not before 2 days (the default)");

    age(&app, "2 days 1 minute").await;
    assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), 1);
    assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), 0, "one due moment, one reminder");
    app.deliver_mail().await;

    let messages = smtp.messages();
    assert_eq!(messages.len(), 2);
    let invitation = MessageParser::default().parse(&messages[0]).unwrap();
    let reminder = MessageParser::default().parse(&messages[1]).unwrap();
    assert_eq!(reminder.subject(), Some("Reminder: your video interview for Senior Backend Engineer at Acme Robotics"));
    assert_eq!(reminder.to().unwrap().first().unwrap().address(), Some("ada@example.com"));
    assert_eq!(link_in(&invitation.body_text(0).unwrap()), link_in(&reminder.body_text(0).unwrap()));

    assert_eq!(count(&app, "select count(*) from emails where kind = 'reminder' and status = 'sent'").await, 1);
    assert_eq!(count(&app, "select count(*) from interviews").await, 1, "a reminder creates no interview");
    assert_eq!(count(&app, "select count(*) from interviews where status = 'pending' and reminders_sent = 1").await, 1);
    let page = app.get(&format!("/interviews/{id}")).await;
    let timeline = page.texts(".timeline-label");
    assert!(timeline.iter().any(|l| l == "Reminder sent automatically"), "{timeline:?}");
    assert!(page.texts(".timeline-detail").iter().any(|d| d == "Reminder 1 of 2 to ada@example.com"));
    let outbox = app.get("/outbox").await;
    assert!(outbox.texts("tbody td").iter().any(|t| t == "Reminder"));
}

#[sqlx::test]
async fn an_interview_gets_at_most_the_set_number_of_reminders(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    send_to(&app, &s, s.candidate_id).await;
    for expected in [1, 1, 0, 0] {
        age(&app, "3 days").await;
        assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), expected);
    }
    assert_eq!(count(&app, "select count(*) from emails where kind = 'reminder'").await, 2);

    // Lowered to one: an interview already reminded once gets no more.
    let other = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    send_to(&app, &s, other).await;
    app.post("/settings", &[("reminder_after_days", "2"), ("max_reminders", "1")]).await;
    for expected in [1, 0] {
        age(&app, "3 days").await;
        assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), expected);
    }
    assert_eq!(count(&app, "select count(*) from emails where kind = 'reminder'").await, 3);
}

#[sqlx::test]
async fn a_resend_starts_the_wait_again(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let id = send_to(&app, &s, s.candidate_id).await;
    age(&app, "1 day 12 hours").await;
    let page = app.post(&format!("/interviews/{id}/resend"), &[]).await;
    assert!(page.flash().starts_with("Invitation resent"), "{}", page.flash());
    sqlx::query("update interviews set last_invited_at = last_invited_at - interval '1 day'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(),
        0,
        "one day since the resend is not two"
    );
    sqlx::query("update interviews set last_invited_at = last_invited_at - interval '1 day 1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), 1, "two days since the resend");
}

#[sqlx::test]
async fn no_reminders_for_started_completed_cancelled_or_expired_interviews(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let candidate =
            fixtures::candidate(&app.pool, s.company_id, &format!("Candidate {i}"), &format!("c{i}@example.com")).await;
        ids.push(send_to(&app, &s, candidate).await);
    }
    let updates = [
        "status = 'in_progress', started_at = now()",
        "status = 'completed', started_at = now(), completed_at = now()",
        "status = 'cancelled'",
        "status = 'expired', expires_at = now() - interval '1 hour'",
        // Past its deadline, not yet marked Expired by housekeeping.
        "expires_at = now() - interval '1 minute'",
    ];
    for (id, set) in ids.iter().zip(updates) {
        sqlx::query(&format!("update interviews set {set} where id = $1")).bind(id).execute(&app.pool).await.unwrap();
    }
    age(&app, "10 days").await;

    assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), 1, "only the pending one");
    let reminded: Uuid = sqlx::query_scalar("select interview_id from emails where kind = 'reminder'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(reminded, ids[5]);
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'reminded'").await, 1);
}

#[sqlx::test]
async fn no_reminder_for_an_archived_candidate(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let archived = send_to(&app, &s, s.candidate_id).await;
    let grace = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    let kept = send_to(&app, &s, grace).await;
    let page = app.post(&format!("/candidates/{}/delete", s.candidate_id), &[]).await;
    assert!(page.flash().starts_with("Ada Lovelace was archived"), "{}", page.flash());
    age(&app, "10 days").await;

    assert_eq!(
        lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(),
        1,
        "only the candidate still in the list"
    );
    let reminded: Uuid = sqlx::query_scalar("select interview_id from emails where kind = 'reminder'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(reminded, kept);
    let page = app.get(&format!("/interviews/{archived}")).await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    let timeline = page.texts(".timeline-label");
    assert!(timeline.contains(&"Invitation email queued".to_owned()), "{timeline:?}");
    assert!(!timeline.contains(&"Reminder sent automatically".to_owned()), "{timeline:?}");
}

#[sqlx::test]
async fn zero_days_turns_reminders_off(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    send_to(&app, &s, s.candidate_id).await;
    let page = app.post("/settings", &[("reminder_after_days", "0"), ("max_reminders", "2")]).await;
    assert_eq!(page.flash(), "Settings saved. Automatic reminders are off.");
    age(&app, "30 days").await;
    assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), 0);
    assert_eq!(count(&app, "select count(*) from emails where kind = 'reminder'").await, 0);
}

#[sqlx::test]
async fn each_company_uses_its_own_reminder_setting(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    send_to(&app, &s, s.candidate_id).await;
    app.post("/settings", &[("reminder_after_days", "5"), ("max_reminders", "2")]).await;

    let other = app.other_browser();
    other.sign_up("Globex", "hank@globex.com").await;
    let globex = fixtures::sendable(&other.pool, other.company_id("hank@globex.com").await).await;
    let globex_user: Uuid =
        sqlx::query_scalar("select id from users where email = 'hank@globex.com'").fetch_one(&app.pool).await.unwrap();
    let request = lifecycle::SendRequest {
        company_id: app.scope(globex.company_id).await,
        user_id: globex_user.into(),
        candidate_id: globex.candidate_id.into(),
        job_id: globex.job_id.into(),
        version_id: globex.version_id,
        idempotency_key: Uuid::new_v4(),
        link_valid_days: 14,
        email_cap: app.email_cap(),
    };
    lifecycle::send(&app.pool, &request).await.unwrap();

    age(&app, "3 days").await;
    assert_eq!(
        lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(),
        1,
        "Globex's default of 2 days; Acme waits 5"
    );
    let reminded: Uuid =
        sqlx::query_scalar("select company_id from emails where kind = 'reminder'").fetch_one(&app.pool).await.unwrap();
    assert_eq!(reminded, globex.company_id);
    age(&app, "5 days 1 minute").await;
    assert_eq!(lifecycle::remind_due(&app.pool, app.email_cap()).await.unwrap(), 2);
}

#[sqlx::test]
async fn instances_running_at_once_queue_each_reminder_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    fixtures::raise_email_cap(&app.pool, s.company_id, 1000).await;
    for i in 0..250 {
        let candidate =
            fixtures::candidate(&app.pool, s.company_id, &format!("Candidate {i}"), &format!("c{i}@example.com")).await;
        send_to(&app, &s, candidate).await;
    }
    age(&app, "3 days").await;
    let (a, b, c) = tokio::join!(
        lifecycle::remind_due(&app.pool, app.email_cap()),
        lifecycle::remind_due(&app.pool, app.email_cap()),
        lifecycle::remind_due(&app.pool, app.email_cap())
    );
    assert_eq!(a.unwrap() + b.unwrap() + c.unwrap(), 250);
    assert_eq!(count(&app, "select count(*) from emails where kind = 'reminder'").await, 250);
    assert_eq!(count(&app, "select count(distinct interview_id) from emails where kind = 'reminder'").await, 250);
    assert_eq!(count(&app, "select count(*) from interviews where reminders_sent = 1").await, 250);
}
