use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::{Page, TestApp};

/// The id at the end of a page's address, e.g. the new job after its create redirect.
pub fn id_from_url(page: &Page) -> String {
    page.url.rsplit('/').next().unwrap().to_owned()
}

/// Creates a job through the form and returns its id.
pub async fn create_job(app: &TestApp, title: &str) -> String {
    let form = app.get("/jobs/new").await;
    let key = form.value_of("idempotency_key").expect("the form carries an idempotency key");
    let page = app
        .post(
            "/jobs/new",
            &[
                ("title", title),
                ("department", "Engineering"),
                ("location", "Berlin"),
                ("description", ""),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.url.contains("/jobs/"), "{}", page.url);
    id_from_url(&page)
}

pub async fn company_id(app: &TestApp, email: &str) -> uuid::Uuid {
    sqlx::query_scalar("select company_id from users where email = $1::citext")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn empty_list_says_what_to_do(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let page = app.get("/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(".empty h2"), "No jobs yet — Add a job");
    assert_eq!(page.text("[aria-current=page]"), "Jobs");
    assert!(page.body.contains("href=\"/jobs/new\""));
}

#[sqlx::test]
async fn create_a_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let form = app.get("/jobs/new").await;
    let key = form.value_of("idempotency_key").unwrap();
    let page = app
        .post(
            "/jobs/new",
            &[
                ("title", "  Senior Backend Engineer "),
                ("department", "Engineering"),
                ("location", "Remote"),
                ("description", "Own our APIs.\nWork with product."),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert!(page.url.ends_with(&format!("/jobs/{key}")), "{}", page.url);
    assert_eq!(page.flash(), "Job “Senior Backend Engineer” created. Next, add an interview template for it.");
    assert!(page.text("h1").starts_with("Senior Backend Engineer"));
    assert!(page.text("h1").ends_with("Open"));
    assert!(page.body.contains(&format!("/interview-templates/new?job_id={key}")), "links to a new template");

    let (title, department, description, status): (String, Option<String>, Option<String>, String) =
        sqlx::query_as("select title, department, description, status::text from jobs")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(title, "Senior Backend Engineer");
    assert_eq!(department.as_deref(), Some("Engineering"));
    assert_eq!(description.as_deref(), Some("Own our APIs.\nWork with product."));
    assert_eq!(status, "open");
}

#[sqlx::test]
async fn job_form_errors_keep_the_input(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let key = app.get("/jobs/new").await.value_of("idempotency_key").unwrap();
    let long = "x".repeat(101);
    let page = app
        .post(
            "/jobs/new",
            &[
                ("title", "   "),
                ("department", "Design"),
                ("location", &long),
                ("description", "Keep me"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.field_error("title"), "Enter the job title.");
    assert_eq!(page.field_error("location"), "Use at most 100 characters.");
    assert_eq!(page.value_of("department").as_deref(), Some("Design"));
    assert_eq!(page.text("textarea#description"), "Keep me");
    assert_eq!(page.value_of("idempotency_key").as_deref(), Some(key.as_str()), "the same key for the next try");
    let control = app.post("/jobs/new", &[("title", "Line\nbreak"), ("idempotency_key", &key)]).await;
    assert!(control.field_error("title").contains("no line breaks"));

    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!(jobs, 0);
}

#[sqlx::test]
async fn a_double_submit_creates_one_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let key = app.get("/jobs/new").await.value_of("idempotency_key").unwrap();
    let form = [("title", "Product Designer"), ("idempotency_key", key.as_str())];
    let first = app.post("/jobs/new", &form).await;
    let second = app.post("/jobs/new", &form).await;
    assert_eq!(first.url, second.url);
    assert!(first.flash().starts_with("Job “Product Designer” created."));
    assert_eq!(second.flash(), "This form was already sent: here is the job it created. Edit it to change it.");
    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!(jobs, 1);
}

#[sqlx::test]
async fn edit_a_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let id = create_job(&app, "Backend Engineer").await;
    let form = app.get(&format!("/jobs/{id}/edit")).await;
    assert_eq!(form.value_of("title").as_deref(), Some("Backend Engineer"));
    assert_eq!(form.value_of("location").as_deref(), Some("Berlin"));
    assert_eq!(form.value_of("idempotency_key"), None, "editing needs no key");

    let invalid = app.post(&format!("/jobs/{id}/edit"), &[("title", ""), ("location", "Lisbon")]).await;
    assert_eq!(invalid.field_error("title"), "Enter the job title.");
    assert_eq!(invalid.value_of("location").as_deref(), Some("Lisbon"));

    let saved = app
        .post(
            &format!("/jobs/{id}/edit"),
            &[("title", "Staff Backend Engineer"), ("department", ""), ("location", "Lisbon")],
        )
        .await;
    assert_eq!(saved.flash(), "Job saved.");
    assert!(saved.url.ends_with(&format!("/jobs/{id}")));
    let (title, department, location): (String, Option<String>, Option<String>) =
        sqlx::query_as("select title, department, location from jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!((title.as_str(), department, location.as_deref()), ("Staff Backend Engineer", None, Some("Lisbon")));
}

#[sqlx::test]
async fn close_and_reopen(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let id = create_job(&app, "Backend Engineer").await;
    let closed = app.post(&format!("/jobs/{id}/close"), &[]).await;
    assert!(closed.flash().starts_with("Job closed."));
    assert_eq!(closed.text("h1 .badge"), "Closed");
    assert!(closed.text(".notice").contains("not offered when sending interviews"));
    let reopened = app.post(&format!("/jobs/{id}/reopen"), &[]).await;
    assert_eq!(reopened.flash(), "Job reopened.");
    assert_eq!(reopened.text("h1 .badge"), "Open");
    let status: String = sqlx::query_scalar("select status::text from jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "open");
}

#[sqlx::test]
async fn list_shows_open_jobs_first_then_newest(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let oldest = create_job(&app, "Oldest").await;
    let middle = create_job(&app, "Middle").await;
    let newest = create_job(&app, "Newest").await;
    for (id, days) in [(&oldest, 3), (&middle, 2), (&newest, 1)] {
        sqlx::query("update jobs set created_at = now() - make_interval(days => $2) where id = $1::uuid")
            .bind(id)
            .bind(days)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    app.post(&format!("/jobs/{newest}/close"), &[]).await;
    // Two templates for "Middle", one of them published.
    sqlx::query(
        "insert into interview_templates (id, company_id, job_id, name, difficulty, duration_minutes, status)
         select gen_random_uuid(), company_id, id, n, 'easy', 10, s from jobs, (values ('A', 'draft'::template_status), ('B', 'published')) v(n, s)
         where id = $1::uuid",
    )
    .bind(&middle)
    .execute(&app.pool)
    .await
    .unwrap();

    let page = app.get("/jobs").await;
    assert_eq!(page.texts(".job-title"), ["Middle", "Oldest", "Newest"]);
    assert_eq!(page.texts("td .badge"), ["Open", "Open", "Closed"]);
    assert_eq!(
        page.texts(".template-counts"),
        ["2 templates, 1 published", "0 templates, 0 published", "0 templates, 0 published"]
    );
    assert!(page.text(".pagination").starts_with("Showing 1–3 of 3"));
}

#[sqlx::test]
async fn job_titles_are_escaped(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let id = create_job(&app, "<script>alert(1)</script>").await;
    for path in ["/jobs".to_owned(), format!("/jobs/{id}"), format!("/jobs/{id}/edit")] {
        let page = app.get(&path).await;
        assert!(!page.body.contains("<script>alert(1)"), "{path} is escaped");
        assert!(
            page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || page.body.contains("&lt;script&gt;"),
            "{path}"
        );
    }
    assert_eq!(app.get("/jobs").await.text(".job-title"), "<script>alert(1)</script>");
}

#[sqlx::test]
async fn another_companys_job_is_not_found(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let id = create_job(&app, "Acme Secret Job").await;

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    for path in [
        format!("/jobs/{id}"),
        format!("/jobs/{id}/edit"),
        "/jobs/not-a-uuid".into(),
        format!("/jobs/{}", uuid::Uuid::new_v4()),
    ] {
        assert_eq!(globex.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [format!("/jobs/{id}/edit"), format!("/jobs/{id}/close"), format!("/jobs/{id}/reopen")] {
        let page = globex.post(&path, &[("title", "Hijacked")]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let invalid_form = globex.post(&format!("/jobs/{id}/edit"), &[("title", "")]).await;
    assert_eq!(invalid_form.status, StatusCode::NOT_FOUND, "not found even with an invalid form");
    assert!(!globex.get("/jobs").await.body.contains("Acme Secret Job"));

    let (title, status): (String, String) =
        sqlx::query_as("select title, status::text from jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!((title.as_str(), status.as_str()), ("Acme Secret Job", "open"));
    let theirs: i64 = sqlx::query_scalar("select count(*) from jobs where company_id = $1")
        .bind(company_id(&globex, "gina@globex.com").await)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(theirs, 0);
}

#[sqlx::test]
async fn jobs_need_a_signed_in_user(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.no_redirect.get(app.url("/jobs/new")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/sign-in?next=%2Fjobs%2Fnew");
}
