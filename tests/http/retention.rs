//! Retention: with the company's limits set, housekeeping deletes recordings N days after
//! their interview was completed or decided and erases candidates inactive for M months,
//! in batches, once (a second run changes nothing), logging each run's counts. Off by
//! default.

use sqlx::PgPool;

use crate::{
    erasure::{ADAS_DATA, completed, rows_holding, stored_files_of},
    fixtures,
    support::{TestApp, count},
};

async fn set_limits(app: &TestApp, days: &str, months: &str) {
    let saved = app
        .post(
            "/settings/data",
            &[
                ("erasure_deadline_days", "0"),
                ("recording_retention_days", days),
                ("inactive_candidate_months", months),
            ],
        )
        .await;
    assert_eq!(saved.flash(), "Erasure and retention settings saved.", "{}", saved.body);
}

#[sqlx::test]
async fn recordings_are_deleted_once_past_the_retention_after_completion_and_the_run_is_logged(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, id, _) = completed(&app).await;
    sqlx::query("update interviews set completed_at = now() - interval '31 days'").execute(&app.pool).await.unwrap();
    sqlx::query("update interview_decisions set created_at = now() - interval '31 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    // Off by default: nothing goes.
    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(stored_files_of(&app, id).len(), 2);

    set_limits(&app, "40", "").await;
    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(stored_files_of(&app, id).len(), 2, "not yet 40 days");

    set_limits(&app, "30", "").await;
    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(stored_files_of(&app, id), Vec::<String>::new());
    assert_eq!(
        count(&app, "select count(*) from answers where media_key is null and media_deleted_at is not null").await,
        2
    );
    // The typed answer and the evaluation stay; the recordings' page says they are gone.
    assert_eq!(count(&app, "select count(*) from answers").await, 3);
    let logged: Vec<(String, Option<i32>)> =
        sqlx::query_as("select actor::text, count from audit_events where action = 'recordings_expired'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(logged, [("housekeeping".to_owned(), Some(2))]);

    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(count(&app, "select count(*) from audit_events where action = 'recordings_expired'").await, 1);
    assert_eq!(app.get(&format!("/interviews/{id}")).await.status, reqwest::StatusCode::OK);
}

#[sqlx::test]
async fn candidates_inactive_past_the_limit_are_erased_except_those_with_an_interview_to_take(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, _) = completed(&app).await;
    let company = s.company_id;
    let recent = fixtures::candidate(&app.pool, company, "Grace Hopper", "grace@example.com").await;
    let waiting = fixtures::candidate(&app.pool, company, "Alan Turing", "alan@example.com").await;
    app.send_interview(waiting, s.job_id, s.version_id).await;
    sqlx::query("update candidates set last_activity_at = now() - interval '7 months' where id <> $1")
        .bind(recent)
        .execute(&app.pool)
        .await
        .unwrap();
    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(count(&app, "select count(*) from candidates").await, 3, "off by default");

    set_limits(&app, "", "6").await;
    hifinity::workers::privacy_housekeeping(&app.state).await;
    let left: Vec<String> =
        sqlx::query_scalar("select name from candidates order by name").fetch_all(&app.pool).await.unwrap();
    assert_eq!(left, ["Alan Turing", "Grace Hopper"]);
    assert_eq!(rows_holding(&app, &ADAS_DATA).await, Vec::<String>::new());
    assert_eq!(stored_files_of(&app, id), Vec::<String>::new());
    let logged: Vec<Option<i32>> =
        sqlx::query_scalar("select count from audit_events where action = 'inactive_candidates_erased'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(logged, [Some(1)]);

    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(count(&app, "select count(*) from candidates").await, 2);
    assert_eq!(count(&app, "select count(*) from audit_events where action = 'inactive_candidates_erased'").await, 1);
}
