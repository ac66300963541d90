use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    candidates::{company_of, insert_candidate},
    support::{Page, TestApp},
};

async fn insert_job(app: &TestApp, company: Uuid, title: &str, status: &str) -> Uuid {
    sqlx::query_scalar("insert into jobs (id, company_id, title, status) values ($1, $2, $3, $4) returning id")
        .bind(Uuid::new_v4())
        .bind(company)
        .bind(title)
        .bind(status)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn insert_application(app: &TestApp, company: Uuid, candidate: Uuid, job: Uuid, stage: &str, minutes_ago: i32) -> Uuid {
    sqlx::query_scalar(
        "insert into applications (id, company_id, candidate_id, job_id, stage, created_at)
         values ($1, $2, $3, $4, $5, now() - make_interval(mins => $6)) returning id",
    )
    .bind(Uuid::new_v4())
    .bind(company)
    .bind(candidate)
    .bind(job)
    .bind(stage)
    .bind(minutes_ago)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// "Add to job" from the candidate page, with the key the page was shown with.
async fn add_to_job(app: &TestApp, candidate: Uuid, job: &str) -> Page {
    let page = app.get(&format!("/candidates/{candidate}")).await;
    let key = page.value_of("idempotency_key").expect("the Add to job form carries a key");
    app.post(&format!("/candidates/{candidate}/applications"), &[("job_id", job), ("idempotency_key", &key)]).await
}

async fn applications(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from applications").fetch_one(&app.pool).await.unwrap()
}

#[sqlx::test]
async fn adding_a_candidate_to_a_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let engineer = insert_job(&app, company, "Backend Engineer", "open").await;
    insert_job(&app, company, "Old Role", "closed").await;

    let candidate = app.get(&format!("/candidates/{ann}")).await;
    assert_eq!(candidate.texts("#job_id option"), vec!["Choose a job…", "Backend Engineer"], "only open jobs are offered");
    assert!(candidate.text("#applications-heading + p").contains("Not considered for any job yet"));

    let added = add_to_job(&app, ann, &engineer.to_string()).await;
    assert_eq!(added.flash(), "Added to the job.");
    let id: Uuid = sqlx::query_scalar("select id from applications").fetch_one(&app.pool).await.unwrap();
    assert!(added.url.ends_with(&format!("/applications/{id}")));
    assert_eq!(added.text("h1"), "Ann Lee for Backend Engineer");
    let stage: String = sqlx::query_scalar("select stage from applications").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stage, "applied");

    let candidate = app.get(&format!("/candidates/{ann}")).await;
    assert_eq!(candidate.texts(".application-list a"), vec!["Backend Engineer"]);
    assert!(candidate.body.contains(&format!("href=\"/applications/{id}\"")));
}

#[sqlx::test]
async fn one_application_per_candidate_and_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let job = insert_job(&app, company, "Designer", "open").await;

    // A double click: the same key twice makes one application, and both succeed.
    let page = app.get(&format!("/candidates/{ann}")).await;
    let key = page.value_of("idempotency_key").unwrap();
    let form = [("job_id", job.to_string()), ("idempotency_key", key)];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = app.post(&format!("/candidates/{ann}/applications"), &form).await;
    let again = app.post(&format!("/candidates/{ann}/applications"), &form).await;
    assert_eq!(first.url, again.url);
    assert_eq!(applications(&app).await, 1);

    // A second, deliberate attempt explains and links to the existing application.
    let duplicate = add_to_job(&app, ann, &job.to_string()).await;
    assert_eq!(duplicate.status, StatusCode::OK);
    let existing: Uuid = sqlx::query_scalar("select id from applications").fetch_one(&app.pool).await.unwrap();
    assert!(duplicate.field_error("job_id").starts_with("This candidate is already on this job."));
    assert_eq!(duplicate.texts(&format!("#job_id-error a[href=\"/applications/{existing}\"]")), vec!["View the application"]);
    assert_eq!(duplicate.texts("#job_id option[selected]"), vec!["Designer"], "the choice is kept");
    assert_eq!(applications(&app).await, 1);
}

#[sqlx::test]
async fn add_to_job_refusals(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    insert_job(&app, company, "Open Role", "open").await;
    let closed = insert_job(&app, company, "Closed Role", "closed").await;

    let none = add_to_job(&app, ann, "").await;
    assert_eq!(none.field_error("job_id"), "Choose a job.");
    let closed = add_to_job(&app, ann, &closed.to_string()).await;
    assert_eq!(closed.field_error("job_id"), "This job is closed. Reopen it to add candidates.");

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let other_company = company_of(&app, "gina@globex.com").await;
    let foreign_job = insert_job(&app, other_company, "Their Role", "open").await;
    let foreign = add_to_job(&app, ann, &foreign_job.to_string()).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "another company's job is unknown here");
    let unknown = add_to_job(&app, ann, &Uuid::new_v4().to_string()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let malformed = add_to_job(&app, ann, "not-an-id").await;
    assert_eq!(malformed.status, StatusCode::NOT_FOUND);
    assert_eq!(applications(&app).await, 0);
}

#[sqlx::test]
async fn changing_the_stage(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let job = insert_job(&app, company, "Designer", "open").await;
    let id = insert_application(&app, company, ann, job, "applied", 5).await;

    let page = app.get(&format!("/applications/{id}")).await;
    assert_eq!(page.texts("#stage option"), vec!["Applied", "Screening", "Interviewing", "Offer", "Hired", "Rejected"]);
    assert_eq!(page.texts("#stage option[selected]"), vec!["Applied"]);

    let changed = app.post(&format!("/applications/{id}/stage"), &[("stage", "screening")]).await;
    assert_eq!(changed.flash(), "Stage changed to Screening.");
    assert_eq!(changed.texts("#stage option[selected]"), vec!["Screening"]);
    let stage: String = sqlx::query_scalar("select stage from applications").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stage, "screening");

    let bogus = app.post(&format!("/applications/{id}/stage"), &[("stage", "promoted")]).await;
    assert_eq!(bogus.flash(), "Choose one of the stages.");
    let stage: String = sqlx::query_scalar("select stage from applications").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stage, "screening");
}

#[sqlx::test]
async fn the_application_page_has_overview_and_interviews_tabs(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let job = insert_job(&app, company, "Designer", "open").await;
    let id = insert_application(&app, company, ann, job, "interviewing", 5).await;

    let overview = app.get(&format!("/applications/{id}")).await;
    assert_eq!(overview.texts("nav.tabs a"), vec!["Overview", "Interviews"]);
    assert_eq!(overview.texts("nav.tabs a[aria-current=\"page\"]"), vec!["Overview"]);
    assert!(overview.body.contains(&format!("href=\"/candidates/{ann}\"")));
    assert!(overview.texts(".badge").contains(&"Interviewing".to_owned()));
    assert_eq!(overview.texts("nav.mainnav a[aria-current=\"page\"]"), vec!["Applications"]);

    let interviews = app.get(&format!("/applications/{id}?tab=interviews")).await;
    assert_eq!(interviews.texts("nav.tabs a[aria-current=\"page\"]"), vec!["Interviews"]);
    assert_eq!(interviews.text("#interviews-heading"), "No interviews sent for this application yet");
}

#[sqlx::test]
async fn the_list_filters_by_job_stage_and_candidate(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let empty = app.get("/applications").await;
    assert_eq!(empty.text(".empty h2"), "No applications yet");

    let company = company_of(&app, "riley@acme.com").await;
    let design = insert_job(&app, company, "Designer", "open").await;
    let backend = insert_job(&app, company, "Backend Engineer", "closed").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let bo = insert_candidate(&app, company, "Bo Chen", "bo@annex.test", "new", 1).await;
    let cy = insert_candidate(&app, company, "Cy Diaz", "cy@example.com", "new", 1).await;
    insert_application(&app, company, ann, design, "applied", 3).await;
    insert_application(&app, company, bo, design, "screening", 2).await;
    insert_application(&app, company, cy, backend, "screening", 1).await;
    insert_application(&app, company, ann, backend, "rejected", 4).await;

    let all = app.get("/applications").await;
    assert_eq!(all.texts("tbody td:first-child a"), vec!["Cy Diaz", "Bo Chen", "Ann Lee", "Ann Lee"], "newest first");
    assert_eq!(all.texts("tbody td:nth-child(2)"), vec!["Backend Engineer", "Designer", "Designer", "Backend Engineer"]);
    assert_eq!(all.text(".pagination p"), "Showing 1–4 of 4");

    let by_job = app.get(&format!("/applications?job={design}")).await;
    assert_eq!(by_job.texts("tbody td:first-child a"), vec!["Bo Chen", "Ann Lee"]);
    assert_eq!(by_job.texts("#job option[selected]"), vec!["Designer"]);
    let by_stage = app.get("/applications?stage=screening").await;
    assert_eq!(by_stage.texts("tbody td:first-child a"), vec!["Cy Diaz", "Bo Chen"]);
    let both = app.get(&format!("/applications?job={backend}&stage=screening")).await;
    assert_eq!(both.texts("tbody td:first-child a"), vec!["Cy Diaz"]);
    let search = app.get("/applications?q=ANN").await;
    assert_eq!(search.texts("tbody td:first-child a"), vec!["Bo Chen", "Ann Lee", "Ann Lee"], "name or email");
    let short = app.get("/applications?q=a").await;
    assert_eq!(short.texts("tbody tr").len(), 4);
    assert_eq!(short.text("#q-hint"), "Type at least 2 characters to search.");
    let none = app.get("/applications?stage=hired").await;
    assert_eq!(none.text(".empty h2"), "No applications match these filters");

    let count: i64 = sqlx::query_scalar("select count(*) from applications where stage = 'screening'").fetch_one(&app.pool).await.unwrap();
    assert_eq!(by_stage.text(".pagination p"), format!("Showing 1–{count} of {count}"));
}

#[sqlx::test]
async fn another_companys_applications_are_not_found(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let job = insert_job(&app, company, "Designer", "open").await;
    let id = insert_application(&app, company, ann, job, "applied", 1).await;

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    for path in [format!("/applications/{id}"), format!("/applications/{id}?tab=interviews"), format!("/applications/{}", Uuid::new_v4()), "/applications/nope".into()] {
        assert_eq!(globex.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    let post = globex.post(&format!("/applications/{id}/stage"), &[("stage", "hired")]).await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    let bogus = globex.post(&format!("/applications/{id}/stage"), &[("stage", "bogus")]).await;
    assert_eq!(bogus.status, StatusCode::NOT_FOUND);
    let stage: String = sqlx::query_scalar("select stage from applications").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stage, "applied");
    let list = globex.get(&format!("/applications?job={job}")).await;
    assert!(!list.body.contains("Ann Lee") && !list.body.contains("Designer"));
}
