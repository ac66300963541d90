//! A company in its first week queues a limited number of candidate emails in any 24
//! hours (invitations, resends, reminders and bulk sends all count), so that a fresh
//! sign-up cannot make the product email strangers in bulk.

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    support::{TestApp, count},
};

const RECRUITER: &str = "riley@acme.com";

/// A server whose cap for new companies is `cap` emails a day.
async fn app_with_cap(pool: PgPool, cap: i64) -> TestApp {
    TestApp::spawn_with(pool, |config| config.new_company_emails_per_day = Some(cap)).await
}

async fn ready(app: &TestApp) -> Sendable {
    app.sign_up("Acme Robotics", RECRUITER).await;
    fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await
}

async fn candidates(app: &TestApp, s: &Sendable, n: usize) -> Vec<Uuid> {
    let mut ids = vec![s.candidate_id];
    for i in 1..n {
        ids.push(
            fixtures::candidate(&app.pool, s.company_id, &format!("Candidate {i}"), &format!("c{i}@example.com")).await,
        );
    }
    ids
}

async fn send_one(app: &TestApp, s: &Sendable, candidate: Uuid) -> crate::support::Page {
    app.post(
        &format!("/candidates/{candidate}/send-interview"),
        &[
            ("job_id", &s.job_id.to_string()),
            ("version_id", &s.version_id.to_string()),
            ("idempotency_key", &Uuid::new_v4().to_string()),
            ("return_to", "/interviews"),
        ],
    )
    .await
}

async fn send_bulk(app: &TestApp, s: &Sendable, ids: &[Uuid]) -> crate::support::Page {
    let (job, version, key) = (s.job_id.to_string(), s.version_id.to_string(), Uuid::new_v4().to_string());
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut form: Vec<(&str, &str)> =
        vec![("job_id", &job), ("version_id", &version), ("idempotency_key", &key), ("return_to", "/candidates")];
    form.extend(ids.iter().map(|id| ("ids", id.as_str())));
    app.post("/candidates/send-interview", &form).await
}

const REASON: &str = "In its first 7 days a company sends at most 3 candidate emails a day, and that many were \
                      queued in the last 24 hours. Try again later.";

#[sqlx::test]
async fn a_bulk_send_past_the_cap_sends_what_fits_and_says_how_many_were_not_sent(pool: PgPool) {
    let app = app_with_cap(pool, 3).await;
    let s = ready(&app).await;
    let ids = candidates(&app, &s, 5).await;
    let page = send_bulk(&app, &s, &ids).await;
    assert_eq!(
        page.flash(),
        format!("Interview invitations sent to 3 candidates. 2 invitations were not sent: {REASON}")
    );
    assert_eq!(count(&app, "select count(*) from interviews").await, 3);
    assert_eq!(count(&app, "select count(*) from emails").await, 3);
    assert_eq!(count(&app, "select count(*) from candidates where status = 'invited'").await, 3);
}

#[sqlx::test]
async fn at_the_cap_a_send_and_a_resend_are_refused_with_the_reason_and_write_nothing(pool: PgPool) {
    let app = app_with_cap(pool, 3).await;
    let s = ready(&app).await;
    let ids = candidates(&app, &s, 4).await;
    send_bulk(&app, &s, &ids[..3]).await;

    let page = send_one(&app, &s, ids[3]).await;
    assert!(page.body.contains(&format!("{REASON} This invitation was not sent.")), "{}", page.body);
    assert_eq!(count(&app, "select count(*) from interviews").await, 3, "no interview without its email");

    // A resend past the five-minute wait is a fourth email, refused the same way.
    sqlx::query("update interviews set last_invited_at = now() - interval '1 hour'").execute(&app.pool).await.unwrap();
    let id: Uuid = sqlx::query_scalar("select id from interviews limit 1").fetch_one(&app.pool).await.unwrap();
    let page = app.post(&format!("/interviews/{id}/resend"), &[("return_to", "/interviews")]).await;
    assert_eq!(page.flash(), format!("{REASON} The invitation was not resent."));
    assert_eq!(count(&app, "select count(*) from emails").await, 3);
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'resent'").await, 0);

    // A day later the emails of yesterday no longer count.
    sqlx::query("update emails set created_at = created_at - interval '24 hours 1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = send_one(&app, &s, ids[3]).await;
    assert_eq!(page.flash(), "Interview invitation sent to c3@example.com");
    assert_eq!(count(&app, "select count(*) from interviews").await, 4);
}

#[sqlx::test]
async fn concurrent_sends_never_pass_the_cap(pool: PgPool) {
    let app = app_with_cap(pool, 3).await;
    let s = ready(&app).await;
    let ids = candidates(&app, &s, 8).await;
    let sends = ids.iter().map(|&id| send_one(&app, &s, id));
    futures_util::future::join_all(sends).await;
    assert_eq!(count(&app, "select count(*) from interviews").await, 3);
    assert_eq!(count(&app, "select count(*) from emails").await, 3);
}

#[sqlx::test]
async fn reminders_count_and_wait_for_room_under_the_cap(pool: PgPool) {
    let app = app_with_cap(pool, 3).await;
    let s = ready(&app).await;
    let ids = candidates(&app, &s, 2).await;
    send_bulk(&app, &s, &ids).await;
    sqlx::query("update interviews set last_invited_at = now() - interval '3 days'").execute(&app.pool).await.unwrap();

    let cap = app.email_cap();
    assert_eq!(hifinity::interviews::lifecycle::remind_due(&app.pool, cap).await.unwrap(), 1, "room for one more");
    assert_eq!(hifinity::interviews::lifecycle::remind_due(&app.pool, cap).await.unwrap(), 0);
    assert_eq!(count(&app, "select count(*) from interviews where reminders_sent = 1").await, 1);

    sqlx::query("update emails set created_at = created_at - interval '1 day'").execute(&app.pool).await.unwrap();
    assert_eq!(hifinity::interviews::lifecycle::remind_due(&app.pool, cap).await.unwrap(), 1, "the other, now");
    assert_eq!(count(&app, "select count(*) from emails where kind = 'reminder'").await, 2);
}

#[sqlx::test]
async fn an_established_company_or_a_raised_cap_is_not_held_to_the_first_weeks_cap(pool: PgPool) {
    let app = app_with_cap(pool, 3).await;
    let s = ready(&app).await;
    let ids = candidates(&app, &s, 8).await;
    fixtures::raise_email_cap(&app.pool, s.company_id, 5).await;
    let page = send_bulk(&app, &s, &ids[..6]).await;
    assert!(page.flash().starts_with("Interview invitations sent to 5 candidates. 1 invitation was not sent"));

    sqlx::query("update companies set created_at = now() - interval '7 days 1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = send_bulk(&app, &s, &ids[5..]).await;
    assert_eq!(page.flash(), "Interview invitations sent to 3 candidates.");
    assert_eq!(count(&app, "select count(*) from interviews").await, 8);
}

#[sqlx::test]
async fn a_server_without_the_cap_lets_a_new_company_send(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| config.new_company_emails_per_day = None).await;
    let s = ready(&app).await;
    let ids = candidates(&app, &s, 4).await;
    let page = send_bulk(&app, &s, &ids).await;
    assert_eq!(page.flash(), "Interview invitations sent to 4 candidates.");
}
