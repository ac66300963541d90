use reqwest::StatusCode;
use scraper::{Html, Selector};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    candidates::{company_of, insert_candidate},
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer},
    support::{Page, TestApp, count, link_in_message},
};

async fn insert_job(app: &TestApp, company: Uuid, title: &str, status: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into jobs (id, company_id, title, status) values ($1, $2, $3, $4::job_status) returning id",
    )
    .bind(Uuid::new_v4())
    .bind(company)
    .bind(title)
    .bind(status)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn insert_application(
    app: &TestApp,
    company: Uuid,
    candidate: Uuid,
    job: Uuid,
    stage: &str,
    minutes_ago: i32,
) -> Uuid {
    sqlx::query_scalar(
        "insert into applications (id, company_id, candidate_id, job_id, stage, created_at)
         values ($1, $2, $3, $4, $5::application_stage, now() - make_interval(mins => $6)) returning id",
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
    assert_eq!(
        candidate.texts("#job_id option"),
        vec!["Choose a job…", "Backend Engineer"],
        "only open jobs are offered"
    );
    assert!(candidate.text("#applications-heading + p").contains("Not considered for any job yet"));

    let added = add_to_job(&app, ann, &engineer.to_string()).await;
    assert_eq!(added.flash(), "Added to the job.");
    let id: Uuid = sqlx::query_scalar("select id from applications").fetch_one(&app.pool).await.unwrap();
    assert!(added.url.ends_with(&format!("/applications/{id}")));
    assert_eq!(added.text("h1"), "Ann Lee for Backend Engineer");
    let stage: String = sqlx::query_scalar("select stage::text from applications").fetch_one(&app.pool).await.unwrap();
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
    assert_eq!(
        duplicate.texts(&format!("#job_id-error a[href=\"/applications/{existing}\"]")),
        vec!["View the application"]
    );
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

    let open = sqlx::query_scalar::<_, Uuid>("select id from jobs where title = 'Open Role'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query("update candidates set archived_at = now() where id = $1").bind(ann).execute(&app.pool).await.unwrap();
    let page = app.get(&format!("/candidates/{ann}")).await;
    assert!(page.body.contains("Restore this candidate to add them to a job."), "no form for an archived candidate");
    let archived = app
        .post(
            &format!("/candidates/{ann}/applications"),
            &[("job_id", &open.to_string()), ("idempotency_key", &Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(archived.flash(), "This candidate is archived. Restore them to add them to a job.");
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
    let stage: String = sqlx::query_scalar("select stage::text from applications").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stage, "screening");

    let bogus = app.post(&format!("/applications/{id}/stage"), &[("stage", "promoted")]).await;
    assert_eq!(bogus.flash(), "Choose one of the stages.");
    let stage: String = sqlx::query_scalar("select stage::text from applications").fetch_one(&app.pool).await.unwrap();
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
    assert_eq!(
        all.texts("tbody td:nth-child(2)"),
        vec!["Backend Engineer", "Designer", "Designer", "Backend Engineer"]
    );
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

    let count: i64 = sqlx::query_scalar("select count(*) from applications where stage = 'screening'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
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
    for path in [
        format!("/applications/{id}"),
        format!("/applications/{id}?tab=interviews"),
        format!("/applications/{}", Uuid::new_v4()),
        "/applications/nope".into(),
    ] {
        assert_eq!(globex.get(&path).await.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    let post = globex.post(&format!("/applications/{id}/stage"), &[("stage", "hired")]).await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    let bogus = globex.post(&format!("/applications/{id}/stage"), &[("stage", "bogus")]).await;
    assert_eq!(bogus.status, StatusCode::NOT_FOUND);
    let stage: String = sqlx::query_scalar("select stage::text from applications").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stage, "applied");
    let list = globex.get(&format!("/applications?job={job}")).await;
    assert_eq!((list.status, list.text(".empty h2").as_str()), (StatusCode::OK, "No applications match these filters"));
    assert!(!list.body.contains("Ann Lee") && !list.body.contains("Designer"));
}

// The Interviews tab: the application's interviews, each with a send icon
// that resends the invitation and comes back to the tab.

/// Every value of `attribute` on the elements matching `selector`.
fn attrs(page: &Page, selector: &str, attribute: &str) -> Vec<String> {
    let html = Html::parse_document(&page.body);
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector).filter_map(|el| el.value().attr(attribute).map(str::to_owned)).collect()
}

async fn sendable(app: &TestApp) -> Sendable {
    app.sign_up("Acme", "riley@acme.com").await;
    fixtures::sendable(&app.pool, company_of(app, "riley@acme.com").await).await
}

/// Sends `s`'s interview as the Send Interview form does, and returns the application.
async fn send_interview(app: &TestApp, s: &Sendable) -> Uuid {
    let page = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert_eq!(page.flash(), "Interview invitation sent to ada@example.com");
    sqlx::query_scalar("select application_id from interviews order by created_at desc limit 1")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn tab(application: Uuid) -> String {
    format!("/applications/{application}?tab=interviews")
}

#[sqlx::test]
async fn the_interviews_tab_lists_the_interviews_with_a_send_icon(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = sendable(&app).await;
    let application = send_interview(&app, &s).await;
    let older: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    sqlx::query(
        "update interviews set status = 'completed', completed_at = now(), created_at = now() - interval '1 day'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    send_interview(&app, &s).await;
    let newer: Uuid =
        sqlx::query_scalar("select id from interviews where status = 'pending'").fetch_one(&app.pool).await.unwrap();

    let page = app.get(&tab(application)).await;
    assert_eq!(page.texts("nav.tabs a[aria-current=\"page\"]"), vec!["Interviews"]);
    assert_eq!(
        page.texts("tbody tr td:first-child"),
        vec!["Backend screen Version 1", "Backend screen Version 1"],
        "newest first"
    );
    assert_eq!(
        attrs(&page, "tbody td:first-child a", "href"),
        vec![format!("/interviews/{newer}"), format!("/interviews/{older}")]
    );
    assert_eq!(page.texts("tbody .badge"), vec!["Pending", "Completed"]);

    // The open interview has the send icon, labelled for screen readers and on hover.
    let label = "Resend invitation to Ada Lovelace";
    assert_eq!(attrs(&page, "tbody button[type=submit]", "aria-label"), vec![label]);
    assert_eq!(attrs(&page, "tbody button[type=submit]", "title"), vec![label]);
    assert_eq!(page.texts("tbody button svg[aria-hidden=\"true\"]").len(), 1, "an icon, hidden from screen readers");
    assert_eq!(attrs(&page, "tbody form", "action"), vec![format!("/interviews/{newer}/resend")]);
    assert_eq!(page.value_of("return_to").as_deref(), Some(tab(application).as_str()));
    // The completed one says why it has none.
    assert_eq!(page.texts("tbody .no-resend"), vec!["Completed: nothing to resend"]);
}

#[sqlx::test]
async fn send_interview_from_the_application_page_comes_back_to_the_tab(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = sendable(&app).await;
    let other_job = fixtures::job(&app.pool, s.company_id, "Another Role").await;
    fixtures::published_template(&app.pool, s.company_id, other_job, "Other screen").await;
    let application = insert_application(&app, s.company_id, s.candidate_id, s.job_id, "screening", 1).await;

    let empty = app.get(&tab(application)).await;
    assert_eq!(empty.text("#interviews-heading"), "No interviews sent for this application yet");
    let overview = app.get(&format!("/applications/{application}")).await;
    let hrefs = attrs(&overview, ".header-actions a.button", "href");
    assert_eq!(hrefs.len(), 1, "one Send Interview button on the page");
    let href = &hrefs[0];
    assert!(href.starts_with(&format!("/candidates/{}/send-interview?", s.candidate_id)), "{href}");
    assert!(href.contains(&format!("return_to=%2Fapplications%2F{application}%3Ftab%3Dinterviews")), "{href}");

    // The form keeps the whole return address, query string included, and this job.
    let form = app.get(href).await;
    assert_eq!(form.value_of("return_to").as_deref(), Some(tab(application).as_str()));
    assert_eq!(form.texts("#send-job option[selected]"), vec!["Senior Backend Engineer"]);
    let modal = app.get(&format!("{href}&modal=1")).await;
    assert_eq!(modal.value_of("return_to").as_deref(), Some(tab(application).as_str()));

    let key = form.value_of("idempotency_key").unwrap();
    let sent = app
        .post(
            &format!("/candidates/{}/send-interview", s.candidate_id),
            &[
                ("job_id", &s.job_id.to_string()),
                ("version_id", &s.version_id.to_string()),
                ("idempotency_key", &key),
                ("return_to", &form.value_of("return_to").unwrap()),
            ],
        )
        .await;
    assert!(sent.url.ends_with(&tab(application)), "{}", sent.url);
    assert_eq!(sent.flash(), "Interview invitation sent to ada@example.com");
    assert_eq!(sent.texts("tbody .badge"), vec!["Pending"]);
    assert_eq!(count(&app, "select count(*) from applications").await, 1, "the existing application is used");
}

#[sqlx::test]
async fn resending_from_the_tab_sends_the_same_link_and_shows_the_outcome_there(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let s = sendable(&app).await;
    let application = send_interview(&app, &s).await;
    app.deliver_mail().await;
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let resend = format!("/interviews/{id}/resend");
    let back = tab(application);

    // Right after sending, a resend is throttled, and the tab says so.
    let too_soon = app.post(&resend, &[("return_to", &back)]).await;
    assert!(too_soon.url.ends_with(&back), "{}", too_soon.url);
    assert!(too_soon.flash().starts_with("An invitation was sent less than 5 minutes ago."), "{}", too_soon.flash());
    assert_eq!(count(&app, "select count(*) from emails").await, 1);

    sqlx::query("update interviews set last_invited_at = now() - interval '6 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = app.post(&resend, &[("return_to", &back)]).await;
    assert!(page.url.ends_with(&back), "{}", page.url);
    assert_eq!(page.flash(), "Invitation resent to ada@example.com with the same interview link.");
    assert_eq!(page.texts("nav.tabs a[aria-current=\"page\"]"), vec!["Interviews"]);
    assert_eq!(page.texts("tbody tr").len(), 1);
    app.deliver_mail().await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 2, "a second email");
    assert_eq!(link_in_message(&messages[0]), link_in_message(&messages[1]), "with the same link");
    assert_eq!(count(&app, "select count(*) from interviews").await, 1, "and no new interview");

    // A completed interview is refused with the message, on the tab.
    sqlx::query(
        "update interviews set status = 'completed', completed_at = now(), last_invited_at = now() - interval '1 hour'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let refused = app.post(&resend, &[("return_to", &back)]).await;
    assert!(refused.url.ends_with(&back), "{}", refused.url);
    assert_eq!(refused.flash(), "This interview is Completed, so its invitation can't be resent.");
    assert!(refused.texts("tbody button[type=submit]").is_empty(), "no send icon for a completed interview");
    app.deliver_mail().await;
    assert_eq!(smtp.messages().len(), 2);
    assert_eq!(count(&app, "select count(*) from emails").await, 2);
}

#[sqlx::test]
async fn an_interview_past_its_deadline_offers_no_resend(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = sendable(&app).await;
    let application = send_interview(&app, &s).await;
    sqlx::query("update interviews set expires_at = now() - interval '1 minute'").execute(&app.pool).await.unwrap();
    let page = app.get(&tab(application)).await;
    assert_eq!(page.texts("tbody .no-resend"), vec!["Past its deadline: extend it to resend"]);
    assert!(page.texts("tbody button[type=submit]").is_empty());

    // A resend posted anyway (a stale page) is refused, on the tab.
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    sqlx::query("update interviews set last_invited_at = now() - interval '1 hour'").execute(&app.pool).await.unwrap();
    let refused = app.post(&format!("/interviews/{id}/resend"), &[("return_to", &tab(application))]).await;
    assert!(refused.url.ends_with(&tab(application)), "{}", refused.url);
    assert_eq!(
        refused.flash(),
        "This interview is Expired, so its invitation can't be resent. Extend the deadline first."
    );
    assert_eq!(count(&app, "select count(*) from emails").await, 1, "only the first invitation");
}

#[sqlx::test]
async fn the_interviews_tab_belongs_to_its_company(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = sendable(&app).await;
    let application = send_interview(&app, &s).await;
    let id: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    sqlx::query("update interviews set last_invited_at = now() - interval '6 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    assert_eq!(globex.get(&tab(application)).await.status, StatusCode::NOT_FOUND);
    let resend = globex.post(&format!("/interviews/{id}/resend"), &[("return_to", &tab(application))]).await;
    assert_eq!(resend.status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "select count(*) from emails").await, 1, "nothing was resent");

    // Globex's own application for the same people lists only its own interviews.
    let globex_company = company_of(&app, "gina@globex.com").await;
    let theirs = fixtures::sendable(&app.pool, globex_company).await;
    let their_application =
        insert_application(&app, globex_company, theirs.candidate_id, theirs.job_id, "applied", 1).await;
    let page = globex.get(&tab(their_application)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("#interviews-heading"), "No interviews sent for this application yet");
    assert!(!page.body.contains(&id.to_string()));
}

#[sqlx::test]
async fn an_add_to_job_key_of_another_companys_application_adds_a_new_one(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let company = company_of(&app, "riley@acme.com").await;
    let ann = insert_candidate(&app, company, "Ann Lee", "ann@example.com", "new", 1).await;
    let designer = insert_job(&app, company, "Designer", "open").await;
    assert_eq!(add_to_job(&app, ann, &designer.to_string()).await.flash(), "Added to the job.");
    let acme_application: Uuid = sqlx::query_scalar("select id from applications").fetch_one(&app.pool).await.unwrap();

    // Globex's form carries the key (the id) of Acme's application.
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let other_company = company_of(&app, "gina@globex.com").await;
    let bo = insert_candidate(&app, other_company, "Bo Chen", "bo@example.com", "new", 1).await;
    let writer = insert_job(&app, other_company, "Writer", "open").await;
    let key = acme_application.to_string();
    let added = globex
        .post(&format!("/candidates/{bo}/applications"), &[("job_id", &writer.to_string()), ("idempotency_key", &key)])
        .await;
    assert_eq!(added.status, StatusCode::OK);
    assert_eq!(added.flash(), "Added to the job.");
    assert_eq!(added.text("h1"), "Bo Chen for Writer");
    assert!(!added.url.ends_with(&key), "{}", added.url);
    assert!(!added.body.contains("Ann Lee") && !added.body.contains("Designer"));

    let rows: Vec<(Uuid, Uuid, Uuid)> =
        sqlx::query_as("select id, candidate_id, job_id from applications order by company_id = $1 desc")
            .bind(company)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], (acme_application, ann, designer), "Acme's application is untouched");
    assert_eq!((rows[1].1, rows[1].2), (bo, writer));
}
