use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::support::{Page, TestApp, count};

pub async fn company_of(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar("select company_id from users where email = $1::citext")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Inserts a candidate directly; `minutes_ago` orders the list (newest first).
pub async fn insert_candidate(
    app: &TestApp,
    company: Uuid,
    name: &str,
    email: &str,
    status: &str,
    minutes_ago: i32,
) -> Uuid {
    sqlx::query_scalar(
        "insert into candidates (id, company_id, name, email, status, created_at)
         values ($1, $2, $3, $4, $5::candidate_status, now() - make_interval(mins => $6)) returning id",
    )
    .bind(Uuid::new_v4())
    .bind(company)
    .bind(name)
    .bind(email)
    .bind(status)
    .bind(minutes_ago)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Submits the create form as a browser does: with the key the form was shown with.
async fn add_candidate(app: &TestApp, fields: &[(&str, &str)]) -> Page {
    let form = app.get("/candidates/new").await;
    let key = form.value_of("idempotency_key").expect("the form carries an idempotency key");
    let mut fields = fields.to_vec();
    fields.push(("idempotency_key", &key));
    app.post("/candidates/new", &fields).await
}

fn names(page: &Page) -> Vec<String> {
    page.texts("tbody td.cell-name")
}

#[sqlx::test]
async fn adding_a_candidate(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let page = add_candidate(
        &app,
        &[
            ("name", "  Ann Lee "),
            ("email", " Ann.Lee@Example.COM "),
            ("phone", "+44 (20) 7946-0958"),
            ("notes", "Met at the fair."),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.flash(), "Ann Lee was added.");
    assert_eq!(page.text("h1"), "Ann Lee");
    assert!(page.url.contains("/candidates/"));
    assert!(page.texts(".badge").contains(&"New".to_owned()));

    let (name, email, phone, notes, status): (String, String, Option<String>, Option<String>, String) =
        sqlx::query_as("select name, email::text, phone, notes, status::text from candidates")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "Ann Lee");
    assert_eq!(email, "Ann.Lee@example.com", "trimmed, domain lower-cased");
    assert_eq!(phone.as_deref(), Some("+44 (20) 7946-0958"));
    assert_eq!(notes.as_deref(), Some("Met at the fair."));
    assert_eq!(status, "new");

    let optional =
        add_candidate(&app, &[("name", "Bo"), ("email", "bo@example.com"), ("phone", " "), ("notes", "")]).await;
    assert_eq!(optional.flash(), "Bo was added.");
    let blanks =
        count(&app, "select count(*) from candidates where name = 'Bo' and phone is null and notes is null").await;
    assert_eq!(blanks, 1, "blank optional fields are stored as absent");
}

#[sqlx::test]
async fn submitting_the_form_twice_adds_one_candidate(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let form = app.get("/candidates/new").await;
    let key = form.value_of("idempotency_key").unwrap();
    let fields = [
        ("name", "Ann Lee"),
        ("email", "ann@example.com"),
        ("phone", ""),
        ("notes", ""),
        ("idempotency_key", key.as_str()),
    ];
    let (first, second) = tokio::join!(app.post("/candidates/new", &fields), app.post("/candidates/new", &fields));
    assert_eq!(first.url, second.url, "both land on the one candidate");
    assert_eq!(second.text("h1"), "Ann Lee");
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);
}

#[sqlx::test]
async fn invalid_fields_are_explained_and_kept(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let page = add_candidate(
        &app,
        &[("name", "   "), ("email", "not-an-email"), ("phone", "call me"), ("notes", "Keep this")],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.field_error("name"), "Enter the candidate's name.");
    assert!(page.field_error("email").contains("valid email address"));
    assert!(page.field_error("phone").contains("digits, spaces and + - ( ) . only"));
    assert_eq!(page.value_of("email").as_deref(), Some("not-an-email"));
    assert_eq!(page.value_of("phone").as_deref(), Some("call me"));
    assert_eq!(page.text("textarea#notes"), "Keep this");

    let control = add_candidate(&app, &[("name", "Ann\u{7}Lee"), ("email", "ann@example.com")]).await;
    assert!(control.field_error("name").contains("no line breaks or control characters"));
    let long_phone = "1".repeat(31);
    let long = add_candidate(&app, &[("name", "Ann"), ("email", "ann@example.com"), ("phone", &long_phone)]).await;
    assert_eq!(long.field_error("phone"), "Use at most 30 characters.");
    let empty_email = add_candidate(&app, &[("name", "Ann"), ("email", "")]).await;
    assert_eq!(empty_email.field_error("email"), "Enter an email address.");
    let notes = "x".repeat(5001);
    let long_notes = add_candidate(&app, &[("name", "Ann"), ("email", "ann@example.com"), ("notes", &notes)]).await;
    assert_eq!(long_notes.field_error("notes"), "Use at most 5000 characters.");

    assert_eq!(count(&app, "select count(*) from candidates").await, 0);
}

#[sqlx::test]
async fn a_duplicate_email_links_to_the_candidate(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 5).await;

    let page = add_candidate(&app, &[("name", "Ann Again"), ("email", "ANN@Example.com")]).await;
    assert!(page.field_error("email").starts_with("A candidate with this email already exists."));
    let link = page.texts(&format!("#email-error a[href=\"/candidates/{ann}\"]"));
    assert_eq!(link, vec!["View Ann Lee".to_owned()]);
    assert_eq!(page.value_of("name").as_deref(), Some("Ann Again"));
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);

    // The same address in another company is a different candidate.
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let other = add_candidate(&globex, &[("name", "Ann Lee"), ("email", "ann@example.com")]).await;
    assert_eq!(other.flash(), "Ann Lee was added.");

    // Editing another candidate onto the taken address is refused the same way.
    let bo = insert_candidate(&app, company, "Bo", "bo@example.com", "new", 1).await;
    let edit = app.post(&format!("/candidates/{bo}/edit"), &[("name", "Bo"), ("email", "ann@EXAMPLE.com")]).await;
    assert!(edit.field_error("email").starts_with("A candidate with this email already exists."));
    assert!(edit.body.contains(&format!("href=\"/candidates/{ann}\"")));
}

#[sqlx::test]
async fn editing_a_candidate(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 5).await;

    let form = app.get(&format!("/candidates/{ann}/edit")).await;
    assert_eq!(form.value_of("name").as_deref(), Some("Ann Lee"));
    assert_eq!(form.value_of("email").as_deref(), Some("ann@example.com"));

    let invalid = app
        .post(&format!("/candidates/{ann}/edit"), &[("name", ""), ("email", "ann@example.com"), ("phone", "123")])
        .await;
    assert_eq!(invalid.field_error("name"), "Enter the candidate's name.");
    assert_eq!(invalid.value_of("phone").as_deref(), Some("123"));

    let saved = app
        .post(
            &format!("/candidates/{ann}/edit"),
            &[
                ("name", "Ann B. Lee"),
                ("email", "ann.lee@example.com"),
                ("phone", "555 0101"),
                ("notes", "Second round"),
            ],
        )
        .await;
    assert_eq!(saved.flash(), "Changes saved.");
    assert_eq!(saved.text("h1"), "Ann B. Lee");
    let (name, email, phone): (String, String, Option<String>) =
        sqlx::query_as("select name, email::text, phone from candidates").fetch_one(&app.pool).await.unwrap();
    assert_eq!(
        (name.as_str(), email.as_str(), phone.as_deref()),
        ("Ann B. Lee", "ann.lee@example.com", Some("555 0101"))
    );
}

#[sqlx::test]
async fn the_empty_list_says_what_to_do(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let page = app.get("/candidates").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(".empty h2"), "No candidates yet — Add candidate");
    assert!(page.body.contains("href=\"/candidates/new\""));
    assert_eq!(page.texts("nav.mainnav a[aria-current=\"page\"]"), vec!["Candidates".to_owned()]);
}

#[sqlx::test]
async fn rows_show_status_activity_and_send_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let mut ids = Vec::new();
    for (i, status) in ["new", "invited", "active", "completed"].iter().enumerate() {
        ids.push(
            insert_candidate(
                &app,
                company,
                &format!("Person {i}"),
                &format!("p{i}@example.com"),
                status,
                10 - i as i32,
            )
            .await,
        );
    }
    let page = app.get("/candidates").await;
    assert_eq!(names(&page), vec!["Person 3", "Person 2", "Person 1", "Person 0"], "newest first");
    assert_eq!(page.texts("tbody .badge"), vec!["Completed", "Active", "Invited", "New"]);
    assert_eq!(page.texts("tbody .badge.badge-green").len(), 1);
    assert_eq!(page.texts("tbody .badge.badge-amber"), vec!["Invited"]);
    assert_eq!(page.texts("tbody .badge.badge-blue"), vec!["Active"]);
    assert_eq!(page.texts("tbody .badge.badge-grey"), vec!["New"]);
    assert_eq!(page.texts("tbody time").len(), 4);
    for id in &ids {
        let button =
            format!("<a class=\"button button-small\" href=\"/candidates/{id}/send-interview\">Send Interview</a>");
        assert!(page.body.contains(&button), "a Send Interview button for {id}");
    }
    assert_eq!(page.text(".pagination p"), "Showing 1–4 of 4");
}

#[sqlx::test]
async fn search_matches_name_or_email_without_case(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    insert_candidate(&app, company, "Annabel Ortiz", "annabel@example.com", "new", 4).await;
    insert_candidate(&app, company, "Joanne Smith", "jo@example.com", "invited", 3).await;
    insert_candidate(&app, company, "Bo Chen", "bo.ANNE@mail.test", "active", 2).await;
    insert_candidate(&app, company, "Carl Diaz", "carl@example.com", "new", 1).await;
    insert_candidate(&app, company, "100% Real_Name", "pct@example.com", "new", 5).await;

    let page = app.get("/candidates?q=ANN").await;
    assert_eq!(names(&page), vec!["Bo Chen", "Joanne Smith", "Annabel Ortiz"]);
    let expected: i64 =
        count(&app, "select count(*) from candidates where name ilike '%ann%' or email::text ilike '%ann%'").await;
    assert_eq!(page.text(".pagination p"), format!("Showing 1–{expected} of {expected}"));
    assert_eq!(page.value_of("q").as_deref(), Some("ANN"), "the search stays in the box");

    let by_email = app.get("/candidates?q=mail.TEST").await;
    assert_eq!(names(&by_email), vec!["Bo Chen"]);

    let short = app.get("/candidates?q=a").await;
    assert_eq!(names(&short).len(), 5, "one character does not filter");
    assert_eq!(short.text("#q-hint"), "Type at least 2 characters to search.");

    let wildcard = app.get("/candidates?q=0%25").await;
    assert_eq!(names(&wildcard), vec!["100% Real_Name"], "% is matched literally");
    let underscore = app.get("/candidates?q=l_n").await;
    assert_eq!(names(&underscore), vec!["100% Real_Name"], "_ is matched literally");

    let nothing = app.get("/candidates?q=zzz&status=invited").await;
    assert_eq!(nothing.text(".empty h2"), "No invited candidates match “zzz”.");
    assert!(nothing.texts(".empty a").iter().any(|t| t == "Clear filters"));
    assert!(nothing.body.contains("href=\"/candidates\""));
}

#[sqlx::test]
async fn status_filter_and_pages_match_the_database(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    sqlx::query(
        "insert into candidates (id, company_id, name, email, status, created_at)
         select gen_random_uuid(), $1, 'Person ' || n, 'p' || n || '@example.com',
                (array['new', 'invited', 'active', 'completed']::candidate_status[])[1 + n % 4], now() - make_interval(mins => n)
         from generate_series(1, 60) n",
    )
    .bind(company)
    .execute(&app.pool)
    .await
    .unwrap();
    // Another company's candidates never show or count.
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let other = company_of(&app, "gina@globex.com").await;
    insert_candidate(&app, other, "Outsider", "out@example.com", "invited", 0).await;

    let invited = app.get("/candidates?status=invited").await;
    let expected: Vec<String> = sqlx::query_scalar(
        "select name from candidates where company_id = $1 and status = 'invited' order by created_at desc limit 25",
    )
    .bind(company)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(names(&invited), expected);
    assert!(invited.texts("tbody .badge").iter().all(|b| b == "Invited"));
    assert_eq!(invited.text(".pagination p"), "Showing 1–15 of 15");
    assert_eq!(invited.texts("#status option[selected]"), vec!["Invited"]);

    let page2 = app.get("/candidates?page=2").await;
    let expected: Vec<String> = sqlx::query_scalar(
        "select name from candidates where company_id = $1 order by created_at desc offset 25 limit 25",
    )
    .bind(company)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(names(&page2), expected);
    assert_eq!(page2.text(".pagination p"), "Showing 26–50 of 60");
    assert!(page2.body.contains("href=\"/candidates?page=3\""));
    assert!(page2.body.contains("href=\"/candidates?page=1\""));

    let searched = app.get("/candidates?q=Person%201&status=new").await;
    let expected: Vec<String> = sqlx::query_scalar(
        "select name from candidates where company_id = $1 and name ilike '%person 1%' and status = 'new'
         order by created_at desc",
    )
    .bind(company)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(names(&searched), expected);
    assert_eq!(searched.text(".pagination p"), format!("Showing 1–{0} of {0}", expected.len()));

    let past_search = app.get("/candidates?q=person&status=new&page=2").await;
    assert_eq!(past_search.text(".empty h2"), "This page is past the end of the list");
    assert_eq!(past_search.texts("a[href=\"/candidates?q=person&status=new&page=1\"]"), vec!["Go to the last page"]);

    let beyond = app.get("/candidates?page=9").await;
    assert_eq!(beyond.text(".empty h2"), "This page is past the end of the list");

    let garbage = app.get("/candidates?page=abc&status=bogus").await;
    assert_eq!(garbage.status, StatusCode::OK);
    assert_eq!(garbage.text(".pagination p"), "Showing 1–25 of 60");

    // The stored totals follow status changes made elsewhere (the sending feature).
    sqlx::query("update candidates set status = 'completed' where company_id = $1 and status = 'invited'")
        .bind(company)
        .execute(&app.pool)
        .await
        .unwrap();
    let completed = app.get("/candidates?status=completed").await;
    assert_eq!(completed.text(".pagination p"), "Showing 1–25 of 30");
}

#[sqlx::test]
async fn never_invited_candidates_are_deleted_others_archived(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let fresh = insert_candidate(&app, company, "Fresh Face", "fresh@example.com", "new", 2).await;
    let invited = insert_candidate(&app, company, "Ivy Invited", "ivy@example.com", "new", 1).await;
    // Ivy was sent an interview that was then cancelled: her status is New again, but
    // she has a history to keep, so she is archived rather than deleted.
    let job = crate::fixtures::job(&app.pool, company, "Engineer").await;
    let (_, version) = crate::fixtures::published_template(&app.pool, company, job, "Screen").await;
    let user: Uuid = sqlx::query_scalar("select id from users").fetch_one(&app.pool).await.unwrap();
    let request = hifinity::interviews::lifecycle::SendRequest {
        company_id: app.scope(company).await,
        user_id: user.into(),
        candidate_id: invited.into(),
        job_id: job.into(),
        version_id: version,
        idempotency_key: Uuid::new_v4(),
        link_valid_days: 14,
        email_cap: app.email_cap(),
    };
    hifinity::interviews::lifecycle::send(&app.pool, &request).await.unwrap();
    let interview: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    app.post(&format!("/interviews/{interview}/cancel"), &[]).await;
    assert_eq!(count(&app, "select count(*) from candidates where name = 'Ivy Invited' and status = 'new'").await, 1);
    let page = app.get(&format!("/candidates/{invited}")).await;
    assert!(page.texts("button").iter().any(|b| b == "Archive candidate"));

    let page = app.get(&format!("/candidates/{fresh}")).await;
    assert!(page.texts("button").iter().any(|b| b == "Delete candidate"));
    let deleted = app.post(&format!("/candidates/{fresh}/delete"), &[]).await;
    assert_eq!(deleted.flash(), "Fresh Face was deleted.");
    assert!(deleted.url.ends_with("/candidates"));
    assert_eq!(count(&app, "select count(*) from candidates where name = 'Fresh Face'").await, 0);

    let archived = app.post(&format!("/candidates/{invited}/delete"), &[]).await;
    assert!(archived.flash().starts_with("Ivy Invited was archived, not deleted"));
    assert_eq!(count(&app, "select count(*) from candidates where archived_at is not null").await, 1);
    assert!(names(&archived).is_empty(), "hidden from the default list");
    assert_eq!(archived.text(".empty h2"), "No candidates yet — Add candidate");
    let archive = app.get("/candidates?status=archived").await;
    assert_eq!(names(&archive), vec!["Ivy Invited"]);
    assert_eq!(archive.text(".pagination p"), "Showing 1–1 of 1");
    let shown = app.get(&format!("/candidates/{invited}")).await;
    assert!(shown.texts(".badge").contains(&"Archived".to_owned()));

    let restored = app.post(&format!("/candidates/{invited}/restore"), &[]).await;
    assert_eq!(restored.flash(), "Ivy Invited is back in the Candidates list.");
    assert_eq!(names(&app.get("/candidates").await), vec!["Ivy Invited"]);
}

#[sqlx::test]
async fn another_companys_candidates_are_not_found(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let job: Uuid =
        sqlx::query_scalar("insert into jobs (id, company_id, title) values ($1, $2, 'Engineer') returning id")
            .bind(Uuid::new_v4())
            .bind(company)
            .fetch_one(&app.pool)
            .await
            .unwrap();

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    for path in [
        format!("/candidates/{ann}"),
        format!("/candidates/{ann}/edit"),
        format!("/candidates/{}", Uuid::new_v4()),
        "/candidates/not-an-id".into(),
    ] {
        let page = globex.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
        assert_eq!(page.text("h1"), "Page not found");
    }
    let edit = globex.post(&format!("/candidates/{ann}/edit"), &[("name", "Hacked"), ("email", "h@example.com")]).await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
    let invalid_edit = globex.post(&format!("/candidates/{ann}/edit"), &[("name", ""), ("email", "")]).await;
    assert_eq!(invalid_edit.status, StatusCode::NOT_FOUND, "an invalid form does not reveal the candidate");
    let delete = globex.post(&format!("/candidates/{ann}/delete"), &[]).await;
    assert_eq!(delete.status, StatusCode::NOT_FOUND);
    let restore = globex.post(&format!("/candidates/{ann}/restore"), &[]).await;
    assert_eq!(restore.status, StatusCode::NOT_FOUND);
    let add = globex.post(&format!("/candidates/{ann}/applications"), &[("job_id", &job.to_string())]).await;
    assert_eq!(add.status, StatusCode::NOT_FOUND);

    let (name, count): (String, i64) =
        sqlx::query_as("select name, (select count(*) from applications) from candidates")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), count), ("Ann Lee", 0));
    let list = globex.get("/candidates").await;
    assert_eq!((list.status, list.text(".empty h2").as_str()), (StatusCode::OK, "No candidates yet — Add candidate"));
    assert!(!list.body.contains("Ann Lee"));
}

#[sqlx::test]
async fn a_create_key_of_another_companys_candidate_is_refused_without_revealing_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let form = app.get("/candidates/new").await;
    let key = form.value_of("idempotency_key").unwrap();
    let fields = [("name", "Ann Lee"), ("email", "ann@example.com"), ("idempotency_key", key.as_str())];
    assert_eq!(app.post("/candidates/new", &fields).await.flash(), "Ann Lee was added.");

    // Globex submits a form carrying the key of Acme's candidate.
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let fields = [("name", "Bo Chen"), ("email", "bo@example.com"), ("idempotency_key", key.as_str())];
    let refused = globex.post("/candidates/new", &fields).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.text(".form-error"), "This form could not be saved. Please check it and submit it again.");
    assert!(!refused.body.contains("Ann Lee") && !refused.body.contains("ann@example.com"), "Acme's candidate");
    assert_eq!(refused.value_of("name").as_deref(), Some("Bo Chen"), "the input is kept");
    let fresh_key = refused.value_of("idempotency_key").unwrap();
    assert_ne!(fresh_key, key, "a new key to submit with");
    let globex_company = company_of(&app, "gina@globex.com").await;
    let theirs = sqlx::query_scalar::<_, i64>("select count(*) from candidates where company_id = $1")
        .bind(globex_company)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(theirs, 0);
    assert_eq!(
        count(&app, "select count(*) from candidates where name = 'Ann Lee' and email = 'ann@example.com'").await,
        1
    );

    let fields = [("name", "Bo Chen"), ("email", "bo@example.com"), ("idempotency_key", fresh_key.as_str())];
    assert_eq!(globex.post("/candidates/new", &fields).await.flash(), "Bo Chen was added.", "submitting again works");
}

#[sqlx::test]
async fn names_are_escaped(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let page = add_candidate(
        &app,
        &[("name", "<script>alert(1)</script>"), ("email", "xss@example.com"), ("notes", "<b>bold</b>")],
    )
    .await;
    assert_eq!(page.text("h1"), "<script>alert(1)</script>");
    assert!(!page.body.contains("<script>alert(1)"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || page.body.contains("&#60;script&#62;"));
    assert!(!page.body.contains("<b>bold</b>"));
    assert!(page.flash().contains("<script>alert(1)</script>"), "the flash shows the text, escaped");

    let list = app.get("/candidates?q=script").await;
    assert_eq!(names(&list), vec!["<script>alert(1)</script>"]);
    assert!(!list.body.contains("<script>alert(1)"));
    let search = app.get("/candidates?q=%3Cscript%3E%22").await;
    assert_eq!(search.status, StatusCode::OK);
    assert_eq!(search.value_of("q").as_deref(), Some("<script>\""), "the search is shown, as text");
    assert!(!search.body.contains("<script>\""));
}

#[sqlx::test]
async fn signed_out_visitors_are_sent_to_sign_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.no_redirect.get(app.url("/candidates?q=ann")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/sign-in?next=%2Fcandidates%3Fq%3Dann");
    let response =
        app.no_redirect.post(app.url(&format!("/candidates/{}/delete", Uuid::new_v4()))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

/// Inserts `count` candidates, the nth added `n * minutes_apart` minutes ago, every
/// `every`th a Mai Nguyen.
async fn insert_many(app: &TestApp, company: Uuid, count: i32, every: i32, minutes_apart: i32) {
    sqlx::query(
        "insert into candidates (id, company_id, name, email, created_at)
         select gen_random_uuid(), $1, case when n % $3 = 0 then 'Mai Nguyen ' else 'Sam Jones ' end || n,
                'c' || n || '@example.com', now() - make_interval(mins => n * $4)
         from generate_series(1, $2) n",
    )
    .bind(company)
    .bind(count)
    .bind(every)
    .bind(minutes_apart)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// The names of the 25 newest Mai Nguyens, current or not, as the database holds them.
async fn newest_nguyens(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "select name from candidates where name like 'Mai Nguyen%' order by created_at desc, id desc limit 25",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_broad_search_says_about_how_many_match_and_shows_the_newest_exactly(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    // 150 of 3,000: the first page's matches are among the newest candidates.
    insert_many(&app, company, 3000, 20, 1).await;
    let newest = newest_nguyens(&app).await;

    // One word's matches come from its list, counted exactly.
    let page = app.get("/candidates?q=NGUYEN").await;
    assert_eq!(names(&page), newest);
    assert_eq!(page.text(".pagination p"), "Showing 1–25 of 150");
    assert_eq!(page.text(".pagination span"), "Page 1 of 6");

    // With a status filter the newest candidates are tested one by one, and the total
    // estimated from how far that went.
    let filtered = app.get("/candidates?q=NGUYEN&status=new").await;
    assert_eq!(names(&filtered), newest);
    assert_eq!(filtered.text(".pagination p"), "Showing 1–25 of about 150");
    assert_eq!(filtered.text(".pagination span"), "Page 1 of 6");

    // Deeper pages test every candidate: the count is exact there.
    let second = app.get("/candidates?q=nguyen&status=new&page=2").await;
    assert_eq!(second.text(".pagination p"), "Showing 26–50 of 150");
    let past = app.get("/candidates?q=nguyen&status=new&page=7").await;
    assert_eq!(past.text(".empty h2"), "This page is past the end of the list");

    // One person among them is counted exactly, and so is a filtered common term.
    let one = app.get("/candidates?q=nguyen%20120").await;
    assert_eq!(names(&one), vec!["Mai Nguyen 120", "Mai Nguyen 1200"]);
    assert_eq!(one.text(".pagination p"), "Showing 1–2 of 2");
    let by_email = app.get("/candidates?q=C2999@EXAMPLE").await;
    assert_eq!(names(&by_email), vec!["Sam Jones 2999"]);
    sqlx::query("update candidates set status = 'invited' where name like 'Mai Nguyen 1%'")
        .execute(&app.pool)
        .await
        .unwrap();
    let invited = app.get("/candidates?q=nguyen&status=invited").await;
    let expected: Vec<String> = sqlx::query_scalar(
        "select name from candidates where name like 'Mai Nguyen 1%' and status = 'invited'
         order by created_at desc, id desc limit 25",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(names(&invited), expected);
    // 55 in all; the 25th is the 1,380th newest candidate of 3,000.
    assert_eq!(invited.text(".pagination p"), "Showing 1–25 of about 54");
}

#[sqlx::test]
async fn a_broad_search_estimates_from_how_far_it_walked_over_many_days_and_after_archiving(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    // 3,000 candidates ten minutes apart (about three weeks), 150 of them Nguyens, all
    // "New" (a status filter has the newest tested one by one): the page's 25th match is the 500th newest, three and a half days back, so its
    // position is the newer days' totals plus a count within its own day, at any hour.
    insert_many(&app, company, 3000, 20, 10).await;
    let page = app.get("/candidates?q=nguyen&status=new").await;
    assert_eq!(page.text(".pagination p"), "Showing 1–25 of about 150");
    assert_eq!(names(&page), newest_nguyens(&app).await);

    // Archiving the 600 newest (30 Nguyens among them) leaves 2,400 current candidates;
    // the 25th current match is then the 500th newest current one: 25 × 2,400 / 500.
    sqlx::query(
        "update candidates set archived_at = now()
         where id in (select id from candidates where company_id = $1 order by created_at desc limit 600)",
    )
    .bind(company)
    .execute(&app.pool)
    .await
    .unwrap();
    let after = app.get("/candidates?q=nguyen&status=new").await;
    assert_eq!(after.text(".pagination p"), "Showing 1–25 of about 120");
    assert_eq!(names(&after).first().map(String::as_str), Some("Mai Nguyen 620"));
    let second = app.get("/candidates?q=nguyen&status=new&page=2").await;
    assert_eq!(second.text(".pagination p"), "Showing 26–50 of 120", "a deeper page counts exactly");
}

/// The names of the company's current candidates whose name or email holds `term`,
/// without case, newest first: a plain substring match, what every search must find.
async fn substring_matches(app: &TestApp, company: Uuid, term: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select name from candidates
         where company_id = $1 and archived_at is null
           and (strpos(lower(name), lower($2)) > 0 or strpos(lower(email::text), lower($2)) > 0)
         order by created_at desc, id desc",
    )
    .bind(company)
    .bind(term)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_term_of_several_words_finds_exactly_the_candidates_holding_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    // Enough others that the words' own lists are long, as at scale.
    insert_many(&app, company, 600, 3, 1).await;
    let people = [
        ("Ava Smith", "ava.smith@example.com"),
        ("Java Smithers", "js@example.com"),
        ("Ava  Smith", "double.space@example.com"),
        ("Ava Smyth", "avas@example.com"),
        ("Eva Smith", "eva@example.com"),
        ("Smith, Ava", "sa@example.com"),
        ("A. S.", "ava-smith@mail.test"),
        ("Jo Lindqvist", "jo@example.com"),
        ("Ajo Li", "ajo@example.com"),
        ("Mai Van Nguyen", "mvn@example.com"),
        ("Thi Mai Van Nguyenova", "tmvn@example.com"),
        ("José García", "jose@example.com"),
    ];
    for (minutes, (name, email)) in (700..).zip(people) {
        insert_candidate(&app, company, name, email, "new", minutes).await;
    }
    let archived = insert_candidate(&app, company, "Ava Smithson", "old@example.com", "new", 900).await;
    sqlx::query("update candidates set archived_at = now() where id = $1")
        .bind(archived)
        .execute(&app.pool)
        .await
        .unwrap();

    // Words that meet (looked up by where they meet), words too short for that, one
    // letter before a word, punctuation between words, and letters beyond ASCII: each
    // finds what a plain substring match of name or email finds, newest first.
    for term in [
        "ava smith",
        "AVA SMITH",
        "va smith",
        "a smith",
        "ava smi",
        "smith, ava",
        "ava-smith",
        "ava.smith@example",
        "jo li",
        "mai van nguyen",
        "van nguyen",
        "josé garcía",
        "mai nguyen 12",
        "ava smithy",
    ] {
        let page = app.get(&format!("/candidates?{}", serde_urlencoded::to_string([("q", term)]).unwrap())).await;
        let expected: Vec<String> = substring_matches(&app, company, term).await.into_iter().take(25).collect();
        assert_eq!(names(&page), expected, "{term}");
    }
    assert_eq!(names(&app.get("/candidates?q=ava%20smith").await), vec!["Ava Smith", "Java Smithers"]);
    assert_eq!(names(&app.get("/candidates?q=ava%20smith&status=archived").await), vec!["Ava Smithson"]);
    assert_eq!(names(&app.get("/candidates?q=jo%20li").await), vec!["Jo Lindqvist", "Ajo Li"]);
}

/// Every current candidate's words are listed and counted, and nothing else is: the
/// lists a one-word search reads agree with the candidates themselves.
async fn assert_words_follow_the_candidates(app: &TestApp) {
    let differences: i64 = count(
        app,
        "select
             (select count(*) from (
                 (select c.company_id, s.word, c.created_at, c.id from candidates c
                  cross join unnest(search_words(c.search_text)) s(word) where c.archived_at is null
                  except all select company_id, word, created_at, candidate_id from candidate_words)
                 union all
                 (select company_id, word, created_at, candidate_id from candidate_words
                  except all select c.company_id, s.word, c.created_at, c.id from candidates c
                  cross join unnest(search_words(c.search_text)) s(word) where c.archived_at is null)) lists)
           + (select count(*) from (
                 (select company_id, word, count(*) from candidate_words group by 1, 2
                  except all select company_id, word, candidates from candidate_word_counts)
                 union all
                 (select company_id, word, candidates from candidate_word_counts
                  except all select company_id, word, count(*) from candidate_words group by 1, 2)) counts)",
    )
    .await;
    assert_eq!(differences, 0, "the word lists and counts match the current candidates");
}

#[sqlx::test]
async fn a_search_inside_one_word_finds_exactly_what_a_substring_match_finds(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    // 40 Nguyens among 800, so a term's page reaches past the first.
    insert_many(&app, company, 800, 20, 1).await;
    let people = [
        ("Thi Nguyenova", "thi@example.com"),
        ("Lan Tran", "lan.nguyen@mail.test"),
        ("Mai Nguyenova", "nguyen@mail.test"),
        ("Anna Müller", "anna.mueller@example.com"),
        ("José García", "jose@example.com"),
        ("Ola Nordmann", "ola@nguyen-partners.test"),
    ];
    for (minutes, (name, email)) in (900..).zip(people) {
        insert_candidate(&app, company, name, email, "new", minutes).await;
    }
    // More than the few words a search reads: a term inside each of them is found by
    // testing the newest candidates instead, with the same result.
    for (minutes, surname) in (950..).zip([
        "Johnson", "Anderson", "Jackson", "Wilson", "Thompson", "Robinson", "Nelson", "Carson", "Hudson", "Watson",
    ]) {
        insert_candidate(
            &app,
            company,
            &format!("Kim {surname}"),
            &format!("kim{minutes}@example.com"),
            "new",
            minutes,
        )
        .await;
    }
    let archived = insert_candidate(&app, company, "Old Nguyenova", "old@example.com", "new", 990).await;
    sqlx::query("update candidates set archived_at = now() where id = $1")
        .bind(archived)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_words_follow_the_candidates(&app).await;

    // Part of a word, a word of the address only, two words held by one candidate
    // ("nguyenova" and "nguyen"), letters beyond ASCII, many words, and no word at all.
    for (term, page) in [
        ("NGUYEN", 1),
        ("nguyen", 2),
        ("guye", 1),
        ("nguyenova", 1),
        ("mail", 1),
        ("müller", 1),
        ("GARCÍA", 1),
        ("son", 1),
        ("zzz", 1),
    ] {
        let shown = app
            .get(&format!(
                "/candidates?{}",
                serde_urlencoded::to_string([("q", term), ("page", &page.to_string())]).unwrap()
            ))
            .await;
        let matches = substring_matches(&app, company, term).await;
        let expected: Vec<String> = matches.iter().skip((page - 1) * 25).take(25).cloned().collect();
        assert_eq!(names(&shown), expected, "{term}, page {page}");
        let total = matches.len();
        if total == 0 {
            assert_eq!(shown.text(".empty h2"), format!("No candidates match “{term}”."));
        } else {
            let first = (page - 1) * 25 + 1;
            let last = (first + 24).min(total);
            assert_eq!(shown.text(".pagination p"), format!("Showing {first}–{last} of {total}"), "{term}");
        }
    }
    assert_eq!(
        names(&app.get("/candidates?q=nguyenova").await),
        vec!["Thi Nguyenova", "Mai Nguyenova"],
        "the archived one is not listed"
    );
    let past = app.get("/candidates?q=nguyenova&page=2").await;
    assert_eq!(past.text(".empty h2"), "This page is past the end of the list");
}

#[sqlx::test]
async fn a_search_follows_edits_archiving_and_erasure(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    insert_many(&app, company, 2500, 20, 1).await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 5000).await;
    let bo = insert_candidate(&app, company, "Bo Quist", "bo@example.com", "new", 0).await;

    let saved =
        app.post(&format!("/candidates/{ann}/edit"), &[("name", "Ann Zeller"), ("email", "ann.z@QUIST.example")]).await;
    assert_eq!(saved.flash(), "Changes saved.");
    let quist = app.get("/candidates?q=quist").await;
    assert_eq!(names(&quist), vec!["Bo Quist", "Ann Zeller"], "the new address matches, newest first");
    assert_eq!(quist.text(".pagination p"), "Showing 1–2 of 2");
    assert!(names(&app.get("/candidates?q=ann%20lee").await).is_empty(), "the old name is gone");
    assert_words_follow_the_candidates(&app).await;

    sqlx::query("update candidates set archived_at = now() where id = $1").bind(ann).execute(&app.pool).await.unwrap();
    assert_eq!(names(&app.get("/candidates?q=quist").await), vec!["Bo Quist"]);
    let archived = app.get("/candidates?q=quist&status=archived").await;
    assert_eq!(names(&archived), vec!["Ann Zeller"]);

    let erased = app.post(&format!("/candidates/{bo}/erase"), &[("confirm", "erase")]).await;
    assert_eq!(erased.flash(), "The candidate and everything held about them were erased.");
    let gone = app.get("/candidates?q=quist").await;
    assert!(names(&gone).is_empty());
    assert_eq!(gone.text(".empty h2"), "No candidates match “quist”.");
    let stored: i64 = count(&app, "select count(*) from candidates where search_text like '%quist%'").await;
    assert_eq!(stored, 1, "only the archived candidate's search text holds the term");
    let listed: i64 = count(
        &app,
        "select (select count(*) from candidate_words where word like '%quist%')
              + (select count(*) from candidate_word_counts where word like '%quist%')",
    )
    .await;
    assert_eq!(listed, 0, "no word list or count holds the erased or archived candidates' words");
    assert_words_follow_the_candidates(&app).await;

    sqlx::query("update candidates set archived_at = null where id = $1").bind(ann).execute(&app.pool).await.unwrap();
    assert_eq!(names(&app.get("/candidates?q=quist").await), vec!["Ann Zeller"], "restored, found again");
    assert_words_follow_the_candidates(&app).await;
}

#[sqlx::test]
async fn deep_pages_match_the_database_after_archiving_and_deleting(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    // Three a day over 100 days, some sharing a moment (the list breaks ties by id).
    sqlx::query(
        "insert into candidates (id, company_id, name, email, created_at)
         select gen_random_uuid(), $1, 'Person ' || n, 'p' || n || '@example.com',
                now() - make_interval(hours => (n / 2) * 16)
         from generate_series(1, 300) n",
    )
    .bind(company)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update candidates set archived_at = now() where name ~ '[05]$'").execute(&app.pool).await.unwrap();
    sqlx::query("delete from candidates where name ~ '3$'").execute(&app.pool).await.unwrap();
    sqlx::query("update candidates set archived_at = null where name = 'Person 150'").execute(&app.pool).await.unwrap();

    let current: i64 = count(&app, "select count(*) from candidates where archived_at is null").await;
    let by_day: i64 = count(&app, "select sum(candidates)::int8 from candidate_days").await;
    assert_eq!(by_day, current, "the days add up to the current list");
    for page in 2..=9 {
        let shown = app.get(&format!("/candidates?page={page}")).await;
        let expected: Vec<String> = sqlx::query_scalar(
            "select name from candidates where archived_at is null
             order by created_at desc, id desc limit 25 offset $1",
        )
        .bind((page - 1) * 25)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(names(&shown), expected, "page {page}");
    }
    let last = (current + 24) / 25;
    let past = app.get(&format!("/candidates?page={}", last + 1)).await;
    assert_eq!(past.text(".empty h2"), "This page is past the end of the list");
}
