use hifinity::interview_templates::store;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    jobs::{company_id, create_job, id_from_url},
    support::{Page, TestApp},
};

/// Creates a draft template for the job through the form and returns its id.
async fn create_template(app: &TestApp, job_id: &str, name: &str) -> String {
    let form = app.get(&format!("/interview-templates/new?job_id={job_id}")).await;
    let key = form.value_of("idempotency_key").unwrap();
    let page = app
        .post(
            "/interview-templates/new",
            &[
                ("job_id", job_id),
                ("name", name),
                ("difficulty", "medium"),
                ("focus_area", "APIs"),
                ("duration_minutes", "20"),
                ("intro", "Welcome!"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    id_from_url(&page)
}

async fn add_question(app: &TestApp, template_id: &str, prompt: &str, kind: &str) -> Page {
    let key = Uuid::new_v4().to_string();
    app.post(
        &format!("/interview-templates/{template_id}/questions"),
        &[
            ("prompt", prompt),
            ("answer_kind", kind),
            ("thinking_seconds", "30"),
            ("answer_seconds", "120"),
            ("key_points", "First point\nSecond point"),
            ("idempotency_key", &key),
        ],
    )
    .await
}

async fn question_ids(app: &TestApp, template_id: &str) -> Vec<(Uuid, i32, String)> {
    sqlx::query_as("select id, position, prompt from template_questions where template_id = $1::uuid order by position")
        .bind(template_id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn status_of(app: &TestApp, template_id: &str) -> String {
    sqlx::query_scalar("select status::text from interview_templates where id = $1::uuid")
        .bind(template_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn create_a_template_for_a_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "Backend Engineer").await;

    let form = app.get(&format!("/interview-templates/new?job_id={job}")).await;
    assert_eq!(form.text("#job_id option[selected]"), "Backend Engineer", "the job comes preselected");
    let key = form.value_of("idempotency_key").unwrap();
    let page = app
        .post(
            "/interview-templates/new",
            &[
                ("job_id", job.as_str()),
                ("name", "First interview"),
                ("difficulty", "hard"),
                ("focus_area", "System design"),
                ("duration_minutes", "25"),
                ("intro", "Hello!\nTake your time."),
                ("retakes", "2"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert!(page.url.ends_with(&format!("/interview-templates/{key}")), "{}", page.url);
    assert_eq!(page.flash(), "Template “First interview” created as a draft. Add its questions, then publish it.");
    assert_eq!(page.text("h1 .badge"), "Draft");
    assert!(page.text(".version-line").starts_with("Draft of version 1"));
    assert!(page.texts(".details dd").contains(&"Hard".to_owned()));

    let row: (String, String, Option<String>, i32, Option<String>, i32, String) = sqlx::query_as(
        "select job_id::text, difficulty::text, focus_area, duration_minutes, intro, retakes, status::text from interview_templates",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            job.clone(),
            "hard".into(),
            Some("System design".into()),
            25,
            Some("Hello!\nTake your time.".into()),
            2,
            "draft".into()
        )
    );

    // A double submit lands on the same template.
    let again = app
        .post(
            "/interview-templates/new",
            &[
                ("job_id", job.as_str()),
                ("name", "First interview"),
                ("difficulty", "hard"),
                ("duration_minutes", "25"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(again.url, page.url);
    let count: i64 = sqlx::query_scalar("select count(*) from interview_templates").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 1);

    // The job page lists it.
    let job_page = app.get(&format!("/jobs/{job}")).await;
    assert!(job_page.texts("td").contains(&"First interview".to_owned()));
    assert!(job_page.text(".section-header h2").contains("(1, 0 published)"));
}

#[sqlx::test]
async fn template_form_errors_keep_the_input(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    create_job(&app, "Backend Engineer").await;
    let key = app.get("/interview-templates/new").await.value_of("idempotency_key").unwrap();
    let page = app
        .post(
            "/interview-templates/new",
            &[
                ("job_id", ""),
                ("name", ""),
                ("difficulty", "extreme"),
                ("focus_area", "Databases"),
                ("duration_minutes", "0"),
                ("intro", "Keep this intro"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.field_error("job_id"), "Choose the job this template is for.");
    assert_eq!(page.field_error("name"), "Enter a name for the template.");
    assert_eq!(page.field_error("difficulty"), "Choose a difficulty.");
    assert_eq!(page.field_error("duration_minutes"), "Enter the estimated duration in whole minutes, from 1 to 600.");
    assert_eq!(page.value_of("focus_area").as_deref(), Some("Databases"));
    assert_eq!(page.value_of("duration_minutes").as_deref(), Some("0"));
    assert_eq!(page.text("textarea#intro"), "Keep this intro");

    let other_job = Uuid::new_v4().to_string();
    let unknown = app
        .post(
            "/interview-templates/new",
            &[("job_id", &other_job), ("name", "X"), ("difficulty", "easy"), ("duration_minutes", "abc")],
        )
        .await;
    assert_eq!(unknown.field_error("job_id"), "Choose the job this template is for.");
    assert!(unknown.field_error("duration_minutes").contains("whole minutes"));

    let count: i64 = sqlx::query_scalar("select count(*) from interview_templates").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test]
async fn edit_template_details(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "Backend Engineer").await;
    let id = create_template(&app, &job, "Screen").await;
    let form = app.get(&format!("/interview-templates/{id}/edit")).await;
    assert_eq!(form.value_of("name").as_deref(), Some("Screen"));
    assert_eq!(form.text("#difficulty option[selected]"), "Medium");

    let invalid = app
        .post(
            &format!("/interview-templates/{id}/edit"),
            &[("name", "Renamed"), ("difficulty", "easy"), ("duration_minutes", "601")],
        )
        .await;
    assert!(invalid.field_error("duration_minutes").contains("from 1 to 600"));
    assert_eq!(invalid.value_of("name").as_deref(), Some("Renamed"));

    let saved = app
        .post(
            &format!("/interview-templates/{id}/edit"),
            &[("name", "Renamed"), ("difficulty", "easy"), ("duration_minutes", "15")],
        )
        .await;
    assert_eq!(saved.flash(), "Template saved.");
    let (name, difficulty, retakes): (String, String, i32) =
        sqlx::query_as("select name, difficulty::text, retakes from interview_templates")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), difficulty.as_str(), retakes), ("Renamed", "easy", 0));
}

#[sqlx::test]
async fn question_form_errors_keep_the_input(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "Backend Engineer").await;
    let id = create_template(&app, &job, "Screen").await;
    let page = app
        .post(
            &format!("/interview-templates/{id}/questions"),
            &[
                ("prompt", "  "),
                ("answer_kind", "telepathy"),
                ("thinking_seconds", "-5"),
                ("answer_seconds", "5"),
                ("key_points", " \n "),
                ("idempotency_key", &Uuid::new_v4().to_string()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.field_error("prompt"), "Enter the question.");
    assert_eq!(page.field_error("answer_kind"), "Choose how the candidate answers.");
    assert_eq!(page.field_error("thinking_seconds"), "Enter the thinking time in whole seconds, from 0 to 600.");
    assert_eq!(page.field_error("answer_seconds"), "Enter the answer time in whole seconds, from 10 to 1800.");
    assert!(page.field_error("key_points").starts_with("Add at least one key point"));
    assert_eq!(page.value_of("answer_seconds").as_deref(), Some("5"));

    let kept = app
        .post(
            &format!("/interview-templates/{id}/questions"),
            &[
                ("prompt", "Why us?"),
                ("answer_kind", "text"),
                ("thinking_seconds", "10"),
                ("answer_seconds", "9999"),
                ("key_points", "Motivation"),
            ],
        )
        .await;
    assert_eq!(kept.text("textarea#prompt"), "Why us?");
    assert_eq!(kept.text("textarea#key_points"), "Motivation");
    assert_eq!(kept.text("#answer_kind option[selected]"), "Written answer");
    assert!(question_ids(&app, &id).await.is_empty());
}

#[sqlx::test]
async fn add_edit_reorder_and_remove_questions(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "Backend Engineer").await;
    let id = create_template(&app, &job, "Screen").await;

    let added = add_question(&app, &id, "Question A", "video").await;
    assert_eq!(added.flash(), "Question added.");
    add_question(&app, &id, "Question B", "text").await;
    let page = add_question(&app, &id, "Question C", "video").await;
    assert_eq!(page.texts(".question-prompt"), ["Question A", "Question B", "Question C"]);
    assert_eq!(page.texts(".question-meta")[1], "Written answer · 30 seconds to think · up to 2 minutes to answer");

    // A double submit of the add form adds the question once.
    let key = Uuid::new_v4().to_string();
    let form = [
        ("prompt", "Question D"),
        ("answer_kind", "video"),
        ("thinking_seconds", "0"),
        ("answer_seconds", "60"),
        ("key_points", "x"),
        ("idempotency_key", key.as_str()),
    ];
    app.post(&format!("/interview-templates/{id}/questions"), &form).await;
    app.post(&format!("/interview-templates/{id}/questions"), &form).await;
    assert_eq!(question_ids(&app, &id).await.len(), 4);

    let questions = question_ids(&app, &id).await;
    let (a, c, d) = (questions[0].0, questions[2].0, questions[3].0);
    let moved = app.post(&format!("/interview-templates/{id}/questions/{c}/move-up"), &[]).await;
    assert_eq!(moved.flash(), "Question moved up.");
    assert_eq!(moved.texts(".question-prompt"), ["Question A", "Question C", "Question B", "Question D"]);
    let first = app.post(&format!("/interview-templates/{id}/questions/{a}/move-up"), &[]).await;
    assert_eq!(first.flash(), "This question is already the first.");
    let down = app.post(&format!("/interview-templates/{id}/questions/{a}/move-down"), &[]).await;
    assert_eq!(down.texts(".question-prompt"), ["Question C", "Question A", "Question B", "Question D"]);

    let removed = app.post(&format!("/interview-templates/{id}/questions/{a}/remove"), &[]).await;
    assert_eq!(removed.flash(), "Question 2 removed.");
    let rows = question_ids(&app, &id).await;
    let order: Vec<(i32, &str)> = rows.iter().map(|(_, p, prompt)| (*p, prompt.as_str())).collect();
    assert_eq!(order, [(1, "Question C"), (2, "Question B"), (3, "Question D")], "positions close the gap");

    let edit = app.get(&format!("/interview-templates/{id}/questions/{d}/edit")).await;
    assert_eq!(edit.text("h1"), "Edit question 3");
    assert_eq!(edit.text("textarea#prompt"), "Question D");
    let invalid = app
        .post(
            &format!("/interview-templates/{id}/questions/{d}/edit"),
            &[
                ("prompt", "Changed"),
                ("answer_kind", "video"),
                ("thinking_seconds", "0"),
                ("answer_seconds", "60"),
                ("key_points", ""),
            ],
        )
        .await;
    assert!(invalid.field_error("key_points").starts_with("Add at least one key point"));
    assert_eq!(invalid.text("textarea#prompt"), "Changed");
    let saved = app
        .post(
            &format!("/interview-templates/{id}/questions/{d}/edit"),
            &[
                ("prompt", "Question D, revised"),
                ("answer_kind", "text"),
                ("thinking_seconds", "15"),
                ("answer_seconds", "300"),
                ("key_points", "One\n\nTwo\nThree"),
            ],
        )
        .await;
    assert_eq!(saved.flash(), "Question 3 saved.");
    let (kind, thinking, points): (String, i32, Vec<String>) =
        sqlx::query_as("select answer_kind::text, thinking_seconds, key_points from template_questions where id = $1")
            .bind(d)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((kind.as_str(), thinking, points), ("text", 15, vec!["One".to_owned(), "Two".into(), "Three".into()]));
}

#[sqlx::test]
async fn publish_rules_and_versions(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "Backend Engineer").await;
    let id = create_template(&app, &job, "Screen").await;

    let refused = app.post(&format!("/interview-templates/{id}/publish"), &[]).await;
    assert_eq!(refused.flash(), "Add at least one question before publishing.");
    assert_eq!(status_of(&app, &id).await, "draft");

    add_question(&app, &id, "Tell us about an API you designed.", "video").await;
    add_question(&app, &id, "How do you test it?", "text").await;
    let published = app.post(&format!("/interview-templates/{id}/publish"), &[]).await;
    assert_eq!(published.flash(), "Published version 1. It can now be sent to candidates.");
    assert_eq!(published.text("h1 .badge"), "Published");
    assert!(published.text(".version-line").starts_with("Version 1"));
    assert!(published.body.contains("Edit as new draft"));
    assert!(!published.body.contains("Add a question"), "no editing controls while published");

    let (version_id, number): (Uuid, i32) = sqlx::query_as(
        "select v.id, v.number from template_versions v join interview_templates t on t.published_version_id = v.id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(number, 1);
    let copied: Vec<(i32, String, String, Vec<String>)> =
        sqlx::query_as("select position, prompt, answer_kind::text, key_points from version_questions where version_id = $1 order by position")
            .bind(version_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(copied.len(), 2);
    assert_eq!(
        copied[0],
        (
            1,
            "Tell us about an API you designed.".into(),
            "video".into(),
            vec!["First point".into(), "Second point".into()]
        )
    );
    assert_eq!(copied[1].1, "How do you test it?");

    // A second click on Publish does nothing.
    let twice = app.post(&format!("/interview-templates/{id}/publish"), &[]).await;
    assert_eq!(twice.flash(), "This template is already published (version 1).");

    // Every change to a published template is refused with the reason.
    let question = question_ids(&app, &id).await[0].0;
    let q = format!("/interview-templates/{id}/questions/{question}");
    let changes = [
        (
            format!("/interview-templates/{id}/questions"),
            vec![
                ("prompt", "Sneaky"),
                ("answer_kind", "video"),
                ("thinking_seconds", "1"),
                ("answer_seconds", "60"),
                ("key_points", "x"),
            ],
        ),
        (
            format!("/interview-templates/{id}/edit"),
            vec![("name", "Renamed"), ("difficulty", "easy"), ("duration_minutes", "5")],
        ),
        (
            format!("{q}/edit"),
            vec![
                ("prompt", "Changed"),
                ("answer_kind", "video"),
                ("thinking_seconds", "1"),
                ("answer_seconds", "60"),
                ("key_points", "x"),
            ],
        ),
        (format!("{q}/move-down"), vec![]),
        (format!("{q}/remove"), vec![]),
    ];
    for (path, form) in &changes {
        let page = app.post(path, form).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.flash().starts_with("This template is published, so it can't be changed"),
            "{path}: {}",
            page.flash()
        );
        assert!(page.flash().contains("publishing again creates version 2"));
    }
    assert!(app.get(&format!("{q}/edit")).await.flash().contains("Edit as new draft"));
    let prompts: Vec<String> = question_ids(&app, &id).await.into_iter().map(|q| q.2).collect();
    assert_eq!(prompts, ["Tell us about an API you designed.", "How do you test it?"]);
    let name: String = sqlx::query_scalar("select name from interview_templates").fetch_one(&app.pool).await.unwrap();
    assert_eq!(name, "Screen");

    // Edit as new draft, change, publish again: version 2; version 1 untouched.
    let draft = app.post(&format!("/interview-templates/{id}/new-draft"), &[]).await;
    assert!(draft.flash().starts_with("This template is a draft again. Version 1 stays as it is"));
    assert_eq!(draft.text("h1 .badge"), "Draft");
    assert!(draft.text(".version-line").starts_with("Draft of version 2"));
    assert_eq!(status_of(&app, &id).await, "draft");
    app.post(
        &format!("{q}/edit"),
        &[
            ("prompt", "Tell us about an API you changed."),
            ("answer_kind", "text"),
            ("thinking_seconds", "5"),
            ("answer_seconds", "90"),
            ("key_points", "Versioning"),
        ],
    )
    .await;
    let republished = app.post(&format!("/interview-templates/{id}/publish"), &[]).await;
    assert_eq!(republished.flash(), "Published version 2. It can now be sent to candidates.");
    assert!(republished.text(".version-line").starts_with("Version 2"));
    assert_eq!(republished.texts("table.versions td:first-child"), ["Version 2 Current", "Version 1"]);

    let after: Vec<(i32, String, String, Vec<String>)> =
        sqlx::query_as("select position, prompt, answer_kind::text, key_points from version_questions where version_id = $1 order by position")
            .bind(version_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(after, copied, "version 1 keeps its questions");
    let v2: Vec<String> = sqlx::query_scalar(
        "select q.prompt from version_questions q join template_versions v on v.id = q.version_id where v.number = 2 order by q.position",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(v2, ["Tell us about an API you changed.", "How do you test it?"]);
    let versions: i64 =
        sqlx::query_scalar("select count(*) from template_versions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(versions, 2);
}

#[sqlx::test]
async fn preview_shows_every_question(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "Backend Engineer").await;
    let id = create_template(&app, &job, "Screen").await;
    add_question(&app, &id, "First question?", "video").await;
    add_question(&app, &id, "Second question?", "text").await;
    add_question(&app, &id, "Third question?", "video").await;

    let page = app.get(&format!("/interview-templates/{id}/preview")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".preview-step"), ["Question 1 of 3", "Question 2 of 3", "Question 3 of 3"]);
    assert_eq!(page.texts(".preview-prompt"), ["First question?", "Second question?", "Third question?"]);
    let facts = page.texts(".preview-question .preview-facts");
    assert_eq!(
        facts[0],
        "Thinking time: 30 seconds Answer time: up to 2 minutes Answer on video (camera and microphone)"
    );
    assert!(facts[1].ends_with("Answer in writing"));
    assert!(page.text(".preview-intro").contains("Welcome!"));
    assert!(page.text(".preview-intro").contains("3 questions"));
    assert!(page.text(".preview-intro").contains("About 20 minutes"));
    assert!(!page.body.contains("First point"), "key points are not shown to candidates");

    // A published version can be previewed as it was sent, after the template changed.
    app.post(&format!("/interview-templates/{id}/publish"), &[]).await;
    app.post(&format!("/interview-templates/{id}/new-draft"), &[]).await;
    let first = question_ids(&app, &id).await[0].0;
    app.post(&format!("/interview-templates/{id}/questions/{first}/remove"), &[]).await;
    let v1 = app.get(&format!("/interview-templates/{id}/preview?version=1")).await;
    assert_eq!(v1.texts(".preview-prompt").len(), 3);
    assert!(v1.text(".page-header p").starts_with("Version 1"));
    let now = app.get(&format!("/interview-templates/{id}/preview")).await;
    assert_eq!(now.texts(".preview-step"), ["Question 1 of 2", "Question 2 of 2"]);
    assert_eq!(app.get(&format!("/interview-templates/{id}/preview?version=7")).await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn list_filters_by_job_and_status_and_paginates(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let empty = app.get("/interview-templates").await;
    assert!(empty.text(".empty h2").contains("Add a job"));

    let backend = create_job(&app, "Backend Engineer").await;
    let design = create_job(&app, "Product Designer").await;
    let backend_draft = create_template(&app, &backend, "Backend draft").await;
    let backend_live = create_template(&app, &backend, "Backend live").await;
    let design_live = create_template(&app, &design, "Design live").await;
    for id in [&backend_live, &design_live] {
        add_question(&app, id, "Q?", "video").await;
        app.post(&format!("/interview-templates/{id}/publish"), &[]).await;
    }
    let _ = backend_draft;

    let all = app.get("/interview-templates").await;
    assert_eq!(all.texts(".template-name"), ["Design live", "Backend live", "Backend draft"], "newest first");
    assert_eq!(all.texts("td .badge"), ["Published", "Published", "Draft"]);

    let by_job = app.get(&format!("/interview-templates?job={backend}")).await;
    assert_eq!(by_job.texts(".template-name"), ["Backend live", "Backend draft"]);
    assert_eq!(by_job.text("#filter-job option[selected]"), "Backend Engineer");
    let published = app.get("/interview-templates?status=published").await;
    assert_eq!(published.texts(".template-name"), ["Design live", "Backend live"]);
    let both = app.get(&format!("/interview-templates?job={backend}&status=draft")).await;
    assert_eq!(both.texts(".template-name"), ["Backend draft"]);
    let none = app.get(&format!("/interview-templates?job={design}&status=draft")).await;
    assert_eq!(none.text(".empty h2"), "No templates match these filters");
    let nonsense = app.get("/interview-templates?job=nope&status=weird").await;
    assert_eq!(nonsense.texts(".template-name").len(), 3, "meaningless filters are ignored");

    // 30 more drafts for the backend job: page 2 of its drafts holds the rest.
    sqlx::query(
        "insert into interview_templates (id, company_id, job_id, name, difficulty, duration_minutes, created_at)
         select gen_random_uuid(), company_id, id, 'Bulk ' || lpad(g::text, 2, '0'), 'easy', 10, now() - make_interval(days => g)
         from jobs, generate_series(1, 30) g where id = $1::uuid",
    )
    .bind(&backend)
    .execute(&app.pool)
    .await
    .unwrap();
    let expected: Vec<String> = sqlx::query_scalar(
        "select name from interview_templates where job_id = $1::uuid and status = 'draft' order by created_at desc, id desc offset 25",
    )
    .bind(&backend)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let page2 = app.get(&format!("/interview-templates?job={backend}&status=draft&page=2")).await;
    assert_eq!(page2.texts(".template-name"), expected);
    assert_eq!(expected.len(), 6);
    assert!(page2.text(".pagination").starts_with("Showing 26–31 of 31"));
    let prev = format!("/interview-templates?job={backend}&status=draft&page=1");
    assert!(
        page2.body.contains(&prev.replace('&', "&#38;")) || page2.body.contains(&prev.replace('&', "&amp;")),
        "links keep the filters"
    );
}

#[sqlx::test]
async fn published_template_queries_for_sending(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let acme = company_id(&app, "riley@acme.com").await;
    let backend = create_job(&app, "Backend Engineer").await;
    let design = create_job(&app, "Product Designer").await;
    let closed = create_job(&app, "Closed Role").await;
    let live = create_template(&app, &backend, "Backend screen").await;
    create_template(&app, &backend, "Backend draft").await;
    let design_draft = create_template(&app, &design, "Design draft").await;
    let closed_live = create_template(&app, &closed, "Closed screen").await;
    for (id, questions) in [(&live, 3), (&closed_live, 1)] {
        for i in 0..questions {
            add_question(&app, id, &format!("Question {}", i + 1), "video").await;
        }
        app.post(&format!("/interview-templates/{id}/publish"), &[]).await;
    }
    add_question(&app, &design_draft, "Draft only", "text").await;
    app.post(&format!("/jobs/{closed}/close"), &[]).await;

    let sendable = store::sendable_templates(&app.pool, app.scope(acme).await).await.unwrap();
    assert_eq!(sendable.len(), 1, "only the open job's published template");
    let t = &sendable[0];
    assert_eq!((t.job_id.to_string(), t.job_title.as_str()), (backend.clone(), "Backend Engineer"));
    assert_eq!(t.template_id.to_string(), live);
    assert_eq!(
        (t.name.as_str(), t.difficulty.as_str(), t.focus_area.as_deref(), t.duration_minutes, t.question_count),
        ("Backend screen", "medium", Some("APIs"), 20, 3)
    );
    let previews = store::questions_of_versions(&app.pool, app.scope(acme).await, &[t.version_id]).await.unwrap();
    assert_eq!(
        previews.iter().map(|q| q.prompt.as_str()).collect::<Vec<_>>(),
        ["Question 1", "Question 2", "Question 3"]
    );

    let found = store::version_with_questions(&app.pool, app.scope(acme).await, t.version_id)
        .await
        .unwrap()
        .expect("the version");
    assert_eq!(
        (found.version.number, found.version.job_title.as_str(), found.version.intro.as_deref()),
        (1, "Backend Engineer", Some("Welcome!"))
    );
    let prompts: Vec<&str> = found.questions.iter().map(|q| q.prompt.as_str()).collect();
    assert_eq!(prompts, ["Question 1", "Question 2", "Question 3"]);
    assert_eq!(found.questions[0].key_points, ["First point", "Second point"]);

    // Another company sees none of it.
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let other = company_id(&globex, "gina@globex.com").await;
    assert!(store::sendable_templates(&app.pool, app.scope(other).await).await.unwrap().is_empty());
    assert!(store::questions_of_versions(&app.pool, app.scope(other).await, &[t.version_id]).await.unwrap().is_empty());
    assert!(store::version_with_questions(&app.pool, app.scope(other).await, t.version_id).await.unwrap().is_none());
    assert!(store::version_with_questions(&app.pool, app.scope(acme).await, Uuid::new_v4()).await.unwrap().is_none());

    // While edited as a new draft, the template is not offered; its version still reads.
    app.post(&format!("/interview-templates/{live}/new-draft"), &[]).await;
    assert!(store::sendable_templates(&app.pool, app.scope(acme).await).await.unwrap().is_empty());
    assert!(store::version_with_questions(&app.pool, app.scope(acme).await, t.version_id).await.unwrap().is_some());
}

#[sqlx::test]
async fn another_companys_template_is_not_found(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "Backend Engineer").await;
    let id = create_template(&app, &job, "Acme Secret Template").await;
    add_question(&app, &id, "Secret question", "video").await;
    let question = question_ids(&app, &id).await[0].0;
    let published = create_template(&app, &job, "Acme Published").await;
    add_question(&app, &published, "Published question", "video").await;
    app.post(&format!("/interview-templates/{published}/publish"), &[]).await;

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let q = format!("/interview-templates/{id}/questions/{question}");
    for path in [
        format!("/interview-templates/{id}"),
        format!("/interview-templates/{id}/edit"),
        format!("/interview-templates/{id}/preview"),
        format!("/interview-templates/{published}/preview?version=1"),
        format!("{q}/edit"),
        "/interview-templates/not-a-uuid".into(),
    ] {
        assert_eq!(globex.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    let question_form = [
        ("prompt", "Hijack"),
        ("answer_kind", "video"),
        ("thinking_seconds", "1"),
        ("answer_seconds", "60"),
        ("key_points", "x"),
    ];
    for path in [
        format!("/interview-templates/{id}/edit"),
        format!("/interview-templates/{id}/publish"),
        format!("/interview-templates/{published}/new-draft"),
        format!("/interview-templates/{id}/questions"),
        format!("{q}/edit"),
        format!("{q}/move-up"),
        format!("{q}/move-down"),
        format!("{q}/remove"),
    ] {
        let page = globex.post(&path, &question_form).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    // Their own template cannot reach Acme's question either.
    let globex_job = create_job(&globex, "Globex Job").await;
    let theirs = create_template(&globex, &globex_job, "Globex template").await;
    let cross = globex.post(&format!("/interview-templates/{theirs}/questions/{question}/remove"), &[]).await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    // Nor create a template for Acme's job.
    let key = Uuid::new_v4().to_string();
    let foreign_job = globex
        .post(
            "/interview-templates/new",
            &[
                ("job_id", &job),
                ("name", "X"),
                ("difficulty", "easy"),
                ("duration_minutes", "5"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(foreign_job.field_error("job_id"), "Choose the job this template is for.");

    let list = globex.get("/interview-templates").await;
    assert!(!list.body.contains("Acme Secret Template") && !list.body.contains("Acme Published"));
    assert_eq!(status_of(&app, &id).await, "draft");
    assert_eq!(status_of(&app, &published).await, "published");
    assert_eq!(question_ids(&app, &id).await.len(), 1);
    let name: String = sqlx::query_scalar("select name from interview_templates where id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Acme Secret Template");
}

#[sqlx::test]
async fn template_text_is_escaped(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let job = create_job(&app, "<script>alert(1)</script>").await;
    let id = create_template(&app, &job, "<b>bold</b>").await;
    add_question(&app, &id, "<img src=x onerror=alert(1)>", "video").await;
    for path in [
        format!("/interview-templates/{id}"),
        format!("/interview-templates/{id}/preview"),
        "/interview-templates".into(),
    ] {
        let page = app.get(&path).await;
        assert!(
            !page.body.contains("<script>alert(1)")
                && !page.body.contains("<b>bold")
                && !page.body.contains("<img src=x"),
            "{path}"
        );
    }
}

#[sqlx::test]
async fn demo_company_has_jobs_and_templates(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    hifinity::demo::seed(&app.pool, &app.state.media, false).await.unwrap();
    let page = app.sign_in(hifinity::demo::EMAIL, hifinity::demo::PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK);
    let jobs = app.get("/jobs").await;
    assert_eq!(jobs.texts("td .badge"), ["Open", "Open", "Open", "Closed"]);
    let templates = app.get("/interview-templates").await;
    assert_eq!(templates.texts("td .badge").iter().filter(|b| *b == "Published").count(), 5);
    assert_eq!(templates.texts("td .badge").iter().filter(|b| *b == "Draft").count(), 1);

    let company = company_id(&app, hifinity::demo::EMAIL).await;
    let sendable = store::sendable_templates(&app.pool, app.scope(company).await).await.unwrap();
    let mut titles: Vec<&str> = sendable.iter().map(|t| t.job_title.as_str()).collect();
    titles.dedup();
    assert_eq!(titles, ["Customer Success Manager", "Product Designer", "Senior Backend Engineer"]);
    for template in &sendable {
        assert!((3..=5).contains(&template.question_count), "{}", template.name);
        let version = store::version_with_questions(&app.pool, app.scope(company).await, template.version_id)
            .await
            .unwrap()
            .unwrap();
        assert!(version.questions.iter().all(|q| q.key_points.len() >= 3));
    }
}
