use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::net::TcpListener;

use crate::{
    flows::{complete_interview, emailed_link, send_invitation},
    process::{Server, eventually},
    smtp::{Behaviour, SmtpServer},
};

#[sqlx::test]
async fn a_completed_interview_is_evaluated_and_the_result_is_on_its_page(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let server = Server::start(&pool, &[("SMTP_URL", &smtp.url()), ("WORKER_POLL_SECS", "3600")]).await;
    let interview_id = send_invitation(&server, &pool, Some(&smtp)).await;
    let link = emailed_link(&server, &smtp).await;

    complete_interview(&pool, interview_id, &link).await;

    let page = eventually("the evaluation on the interview page", &server, || async {
        let page = server.get(&format!("/interviews/{interview_id}")).await;
        page.body.contains("evaluation-result").then_some(page)
    })
    .await;
    assert!(
        page.text(".evaluation-producer").starts_with("Produced by Rubric match (built-in, not AI)"),
        "{}",
        page.body
    );
    let runs: Vec<String> = sqlx::query_scalar("select status::text from evaluations where interview_id = $1")
        .bind(interview_id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(runs, ["done"]);
}

#[sqlx::test]
async fn sigterm_during_an_evaluation_gives_the_task_back_at_once(pool: PgPool) {
    // A model service that takes the request and never answers.
    let model = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let model_url = format!("http://{}/v1", model.local_addr().unwrap());
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let mut server = Server::start(&pool, &[("SMTP_URL", &smtp.url()), ("EVALUATOR_URL", &model_url)]).await;
    let interview_id = send_invitation(&server, &pool, Some(&smtp)).await;
    let link = emailed_link(&server, &smtp).await;
    complete_interview(&pool, interview_id, &link).await;
    let (_request, _) = tokio::time::timeout(crate::process::PATIENCE, model.accept())
        .await
        .unwrap_or_else(|_| panic!("the evaluation never called the model service:\n{}", server.output()))
        .unwrap();

    let status = server.terminate().await;

    assert!(status.success(), "a clean stop: {status}\n{}", server.output());
    let (state, run_at, error): (String, OffsetDateTime, Option<String>) =
        sqlx::query_as("select status::text, run_at, last_error from tasks where kind = 'evaluate_interview'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(state, "queued", "to be evaluated again");
    assert!(run_at <= OffsetDateTime::now_utc(), "due now, not when the lease ends: {run_at}");
    assert_eq!(error.as_deref(), Some("Interrupted by a restart"));
}
