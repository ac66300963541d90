use sqlx::PgPool;
use time::OffsetDateTime;

use crate::{
    fixtures,
    flows::{CANDIDATE, emailed_link, send_interview_to, send_invitation, sign_up},
    process::{Server, eventually},
    smtp::{Behaviour, SmtpServer},
};

/// The worker's debug line when it has nothing to do and waits.
const IDLE: &str = "outbox: idle until notified or polled";

#[sqlx::test]
async fn an_invitation_is_delivered_on_notification_without_waiting_for_the_poll(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let server = Server::start(&pool, &[("SMTP_URL", &smtp.url()), ("WORKER_POLL_SECS", "3600")]).await;
    // Once idle, only a notification (or the hour-long poll) can wake the worker.
    server.wait_for_output(IDLE, 1).await;

    let interview_id = send_invitation(&server, &pool, Some(&smtp)).await;

    let link = emailed_link(&server, &smtp).await;
    assert!(link.starts_with(&format!("{}/i/", server.base)), "the emailed link points at the server: {link}");
    wait_until_sent(&server, &pool, 1).await;
    let attempts: i32 = sqlx::query_scalar("select attempts from emails where interview_id = $1")
        .bind(interview_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(attempts, 1);
}

/// The SMTP server holds a message a moment before the worker records its reply, so the
/// database is read until it says `count` emails were sent.
async fn wait_until_sent(server: &Server, pool: &PgPool, count: i64) {
    eventually(&format!("{count} email(s) recorded as sent"), server, || async {
        let sent: i64 =
            sqlx::query_scalar("select count(*) from emails where status = 'sent'").fetch_one(pool).await.unwrap();
        (sent == count).then_some(())
    })
    .await
}

#[sqlx::test]
async fn an_email_queued_without_a_notification_is_delivered_by_the_poll(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let server = Server::start(&pool, &[("SMTP_URL", &smtp.url()), ("WORKER_POLL_SECS", "1")]).await;
    let interview_id = send_invitation(&server, &pool, Some(&smtp)).await;
    emailed_link(&server, &smtp).await;
    server.wait_for_output(IDLE, 2).await;

    // Written as another tool would, the email and its delivery job, with no NOTIFY: only
    // the poll finds it.
    sqlx::query(
        "with email as (
           insert into emails (id, company_id, interview_id, kind, to_address, pixel_id)
           select gen_random_uuid(), company_id, id, 'resend', 'ada@example.com', gen_random_uuid()
           from interviews where id = $1
           returning id, company_id)
         insert into tasks (id, company_id, kind, payload)
         select gen_random_uuid(), company_id, 'deliver_email', jsonb_build_object('email_id', id) from email",
    )
    .bind(interview_id)
    .execute(&pool)
    .await
    .unwrap();

    eventually("the second message at the SMTP server", &server, || async {
        (smtp.messages_to(CANDIDATE).len() == 2).then_some(())
    })
    .await;
    wait_until_sent(&server, &pool, 2).await;
}

#[sqlx::test]
async fn sigterm_during_a_delivery_gives_the_email_back_at_once(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Stall).await;
    let mut server = Server::start(&pool, &[("SMTP_URL", &smtp.url())]).await;
    let interview_id = send_invitation(&server, &pool, Some(&smtp)).await;
    // The SMTP server has the whole message and never confirms it: the send is in flight.
    eventually("the message at the SMTP server", &server, || async {
        (!smtp.messages_to(CANDIDATE).is_empty()).then_some(())
    })
    .await;

    let status = server.terminate().await;

    assert!(status.success(), "a clean stop: {status}\n{}", server.output());
    let (state, attempts, next_attempt_at): (String, i32, OffsetDateTime) =
        sqlx::query_as("select status::text, attempts, next_attempt_at from emails where interview_id = $1")
            .bind(interview_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(state, "queued", "still to be sent");
    assert_eq!(attempts, 0, "the interrupted attempt does not count");
    assert!(next_attempt_at <= OffsetDateTime::now_utc(), "due now, not when the lease ends: {next_attempt_at}");
}

#[sqlx::test]
async fn emails_queued_behind_a_stalled_delivery_go_out_without_waiting_for_it(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::StallFirstTo(CANDIDATE)).await;
    let server = Server::start(&pool, &[("SMTP_URL", &smtp.url())]).await;
    let s = sign_up(&server, &pool, Some(&smtp)).await;
    let stalled = send_interview_to(&server, &pool, &s, s.candidate_id).await;
    // The SMTP server has the candidate's message and never confirms it.
    eventually("the candidate's message at the SMTP server", &server, || async {
        (!smtp.messages_to(CANDIDATE).is_empty()).then_some(())
    })
    .await;

    for (name, email) in [("Grace Hopper", "grace@example.com"), ("Alan Turing", "alan@example.com")] {
        let candidate = fixtures::candidate(&pool, s.company_id, name, email).await;
        send_interview_to(&server, &pool, &s, candidate).await;
    }

    wait_until_sent(&server, &pool, 2).await;
    let (state, sent_at): (String, Option<OffsetDateTime>) =
        sqlx::query_as("select status::text, sent_at from emails where interview_id = $1")
            .bind(stalled)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), sent_at), ("queued", None), "the stalled email is still being sent");
    assert_eq!(smtp.messages().len(), 4, "the verification email and three invitations");
}
