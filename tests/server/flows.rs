//! What a recruiter and a candidate do through the pages of a running server.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures,
    process::{Server, eventually},
    smtp::SmtpServer,
    support::{PASSWORD, link_in_message},
};

pub const RECRUITER: &str = "riley@acme.com";
/// The candidate of [`fixtures::sendable`].
pub const CANDIDATE: &str = "ada@example.com";

/// Signs up Acme Robotics (see [`sign_up`]) and sends Ada Lovelace an interview with
/// **Send Interview Invitation**; returns the interview.
pub async fn send_invitation(server: &Server, pool: &PgPool, smtp: Option<&SmtpServer>) -> Uuid {
    let s = sign_up(server, pool, smtp).await;
    send_interview_to(server, pool, &s, s.candidate_id).await
}

/// Signs up Acme Robotics, confirms the address with the link of the verification email
/// (at `smtp`, or without a mail server the one the development page shows), and adds a
/// job whose template is published and one candidate.
pub async fn sign_up(server: &Server, pool: &PgPool, smtp: Option<&SmtpServer>) -> fixtures::Sendable {
    let signed_up = server
        .post(
            "/sign-up",
            &[
                ("company_name", "Acme Robotics"),
                ("name", "Riley Recruiter"),
                ("email", RECRUITER),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed_up.status, StatusCode::OK, "{}", signed_up.body);
    let link = match smtp {
        Some(smtp) => {
            eventually("the verification email at the SMTP server", server, || async {
                smtp.messages_to(RECRUITER).first().map(|message| link_in_message(message))
            })
            .await
        }
        None => signed_up.link(".dev-link").expect("the development page shows the link"),
    };
    let verified = server.get(link.strip_prefix(&server.url("")).expect("a link to this server")).await;
    assert!(verified.url.ends_with("/jobs"), "signed in after confirming: {}", verified.url);
    let company_id: Uuid = sqlx::query_scalar("select company_id from users where email = $1::citext")
        .bind(RECRUITER)
        .fetch_one(pool)
        .await
        .unwrap();
    fixtures::sendable(pool, company_id).await
}

/// Sends `candidate_id` an interview for `s`'s job with **Send Interview Invitation**;
/// returns the interview.
pub async fn send_interview_to(server: &Server, pool: &PgPool, s: &fixtures::Sendable, candidate_id: Uuid) -> Uuid {
    let form = server.get(&format!("/candidates/{candidate_id}/send-interview")).await;
    let key = form.value_of("idempotency_key").expect("the form carries an idempotency key");
    let sent = server
        .post(
            &format!("/candidates/{candidate_id}/send-interview"),
            &[("job_id", &s.job_id.to_string()), ("version_id", &s.version_id.to_string()), ("idempotency_key", &key)],
        )
        .await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.body);
    sqlx::query_scalar("select id from interviews where candidate_id = $1")
        .bind(candidate_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The link of the first message the candidate received, once there is one.
pub async fn emailed_link(server: &Server, smtp: &SmtpServer) -> String {
    eventually("the invitation at the SMTP server", server, || async {
        smtp.messages_to(CANDIDATE).first().map(|message| link_in_message(message))
    })
    .await
}

/// A started file that a browser's MediaRecorder could have made (a WebM header).
fn webm(len: usize) -> Vec<u8> {
    let mut bytes = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
    bytes.resize(len, 0x42);
    bytes
}

/// The candidate, in a browser of their own, follows `link`, answers the two video
/// questions and the text one, and completes the interview.
pub async fn complete_interview(pool: &PgPool, interview_id: Uuid, link: &str) {
    let candidate = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let landing = candidate.get(link).send().await.unwrap();
    assert_eq!(landing.status(), StatusCode::OK);
    let agreed = candidate.post(format!("{link}/consent")).send().await.unwrap();
    assert_eq!(agreed.status(), StatusCode::OK);
    let started = candidate.post(format!("{link}/start")).send().await.unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    let questions: Vec<(Uuid, String)> = sqlx::query_as(
        "select q.id, q.answer_kind::text from version_questions q join interviews i on i.template_version_id = q.version_id
         where i.id = $1 order by q.position",
    )
    .bind(interview_id)
    .fetch_all(pool)
    .await
    .unwrap();
    for (question, kind) in questions {
        // The question page starts the question's time; an answer is taken only after it.
        let shown = candidate.get(format!("{link}/q?question={question}")).send().await.unwrap();
        assert_eq!(shown.status(), StatusCode::OK);
        let answer = candidate.post(format!("{link}/answers/{question}"));
        let answer = match kind.as_str() {
            "video" => answer.header("content-type", "video/webm").body(webm(20_000)),
            _ => answer.form(&[("text", "I check correctness first, and write with kindness.")]),
        };
        let saved = answer.send().await.unwrap();
        assert!(saved.status().is_success(), "answer to {question}: {}", saved.status());
    }
    let completed = candidate.post(format!("{link}/complete")).send().await.unwrap();
    let page = completed.text().await.unwrap();
    assert!(page.contains("Thank you, Ada Lovelace."), "{page}");
}
