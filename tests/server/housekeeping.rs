use mail_parser::MessageParser;
use sqlx::PgPool;

use crate::{
    flows::{CANDIDATE, RECRUITER, emailed_link, send_invitation},
    process::{Server, eventually},
    smtp::{Behaviour, SmtpServer},
};

#[sqlx::test]
async fn housekeeping_expires_an_interview_past_its_deadline(pool: PgPool) {
    let server = Server::start(&pool, &[("HOUSEKEEPING_SECS", "1")]).await;
    let interview_id = send_invitation(&server, &pool, None).await;
    sqlx::query("update interviews set expires_at = now() - interval '1 minute' where id = $1")
        .bind(interview_id)
        .execute(&pool)
        .await
        .unwrap();

    let page = eventually("the interview to show as expired", &server, || async {
        let page = server.get(&format!("/interviews/{interview_id}")).await;
        page.texts(".badge").iter().any(|status| status == "Expired").then_some(page)
    })
    .await;
    assert!(page.body.contains("Ada Lovelace"), "{}", page.body);
    let status: String = sqlx::query_scalar("select status::text from interviews where id = $1")
        .bind(interview_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "expired");
}

#[sqlx::test]
async fn housekeeping_sends_a_reminder_when_it_is_due(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let server = Server::start(&pool, &[("SMTP_URL", &smtp.url()), ("HOUSEKEEPING_SECS", "1")]).await;
    let interview_id = send_invitation(&server, &pool, Some(&smtp)).await;
    let invitation_link = emailed_link(&server, &smtp).await;
    // The company's default: a reminder two days after the last invitation.
    sqlx::query("update interviews set last_invited_at = now() - interval '2 days 1 hour' where id = $1")
        .bind(interview_id)
        .execute(&pool)
        .await
        .unwrap();

    let reminder = eventually("the reminder at the SMTP server", &server, || async {
        smtp.messages_to(CANDIDATE).get(1).cloned()
    })
    .await;
    let reminder = MessageParser::default().parse(&reminder).unwrap();
    assert!(reminder.subject().unwrap().starts_with("Reminder: "), "{:?}", reminder.subject());
    assert!(reminder.body_text(0).unwrap().contains(&invitation_link), "the reminder carries the same link");
    let reminders: i32 = sqlx::query_scalar("select reminders_sent from interviews where id = $1")
        .bind(interview_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reminders, 1);
}

#[sqlx::test]
async fn housekeeping_deletes_expired_sessions_and_keeps_live_ones(pool: PgPool) {
    let server = Server::start(&pool, &[("HOUSEKEEPING_SECS", "1")]).await;
    send_invitation(&server, &pool, None).await;
    sqlx::query(
        "insert into sessions (token_hash, user_id, expires_at)
         select '\\x00ff'::bytea, id, now() - interval '1 minute' from users where email = $1::citext",
    )
    .bind(RECRUITER)
    .execute(&pool)
    .await
    .unwrap();

    eventually("the expired session to be deleted", &server, || async {
        let left: i64 = sqlx::query_scalar("select count(*) from sessions where token_hash = '\\x00ff'::bytea")
            .fetch_one(&pool)
            .await
            .unwrap();
        (left == 0).then_some(())
    })
    .await;
    let page = server.get("/candidates").await;
    assert_eq!(page.text("h1"), "Candidates", "the recruiter's own session is still valid");
}
