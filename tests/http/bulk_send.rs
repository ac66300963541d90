//! Send Interview to several selected candidates from the Candidates page.

use mail_parser::MessageParser;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    smtp::{Behaviour, SmtpServer},
    support::{PASSWORD, Page, TestApp, count, link_in_message},
};

const RECRUITER: &str = "riley@acme.com";

struct Selection {
    s: Sendable,
    ada: Uuid,
    bo: Uuid,
    /// Archived.
    cy: Uuid,
}

async fn ready(app: &TestApp) -> Selection {
    app.sign_up("Acme", RECRUITER).await;
    let s = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    let bo = fixtures::candidate(&app.pool, s.company_id, "Bo Chen", "bo@example.com").await;
    let cy = fixtures::candidate(&app.pool, s.company_id, "Cy Diaz", "cy@example.com").await;
    sqlx::query("update candidates set archived_at = now() where id = $1").bind(cy).execute(&app.pool).await.unwrap();
    Selection { ada: s.candidate_id, bo, cy, s }
}

fn ids_query(ids: &[Uuid]) -> String {
    ids.iter().map(|id| format!("ids={id}")).collect::<Vec<_>>().join("&")
}

/// Posts the bulk form with `key`, as the page would.
async fn submit(app: &TestApp, s: &Sendable, ids: &[Uuid], key: &str) -> Page {
    let job = s.job_id.to_string();
    let version = s.version_id.to_string();
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut form: Vec<(&str, &str)> =
        vec![("job_id", &job), ("version_id", &version), ("idempotency_key", key), ("return_to", "/candidates")];
    form.extend(ids.iter().map(|id| ("ids", id.as_str())));
    app.post("/candidates/send-interview", &form).await
}

async fn interviews_of(app: &TestApp, candidate: Uuid) -> i64 {
    sqlx::query_scalar("select count(*) from interviews where candidate_id = $1")
        .bind(candidate)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_candidates_page_is_a_form_for_selecting_candidates(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;
    let page = app.get("/candidates").await;
    let html = Html::parse_document(&page.body);
    let form = html.select(&Selector::parse("form.bulk-form").unwrap()).next().expect("a bulk form");
    assert_eq!(form.value().attr("method"), Some("get"), "works without JavaScript");
    assert_eq!(form.value().attr("action"), Some("/candidates/send-interview"));
    let boxes: Vec<(String, String)> = html
        .select(&Selector::parse("form.bulk-form tbody input[type=checkbox][name=ids]").unwrap())
        .map(|el| (el.value().attr("value").unwrap().to_owned(), el.value().attr("aria-label").unwrap().to_owned()))
        .collect();
    assert_eq!(boxes.len(), 2, "one per (current) row");
    assert!(boxes.contains(&(sel.ada.to_string(), "Select Ada Lovelace".to_owned())));
    assert!(boxes.contains(&(sel.bo.to_string(), "Select Bo Chen".to_owned())));
    assert_eq!(page.texts("thead input[type=checkbox][data-select-all]").len(), 1, "a select-all box");
    assert_eq!(page.text("form.bulk-form button[type=submit]"), "Send Interview to selected");
    assert_eq!(page.value_of("return_to").as_deref(), Some("/candidates?page=1"));
}

#[sqlx::test]
async fn the_bulk_form_lists_the_selection_and_who_will_be_skipped(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;

    let page = app
        .get(&format!("/candidates/send-interview?{}&return_to=%2Fcandidates", ids_query(&[sel.ada, sel.bo, sel.cy])))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Send Interview");
    assert_eq!(page.text(".send-to"), "To 3 selected candidates");
    assert_eq!(page.texts(".bulk-recipients li strong"), vec!["Ada Lovelace", "Bo Chen", "Cy Diaz"]);
    assert_eq!(page.texts(".bulk-recipients .skip-note"), vec!["Not sent: archived"]);
    assert!(page.text(".bulk-count").starts_with("2 candidates will each receive their own invitation"));
    // The same choice as the single form.
    assert_eq!(page.texts("#send-job option"), ["Choose a job…", "Senior Backend Engineer"]);
    assert_eq!(page.text(".template-name"), "Backend screen");
    assert_eq!(page.text(".template-meta"), "Difficulty: Medium Focus: System design 20 min 3 questions");
    assert_eq!(page.texts(".send-preview-prompt").len(), 3);
    assert_eq!(page.text(".send-form button[type=submit]"), "Send Interview Invitation");
    assert!(page.value_of("idempotency_key").is_some_and(|key| Uuid::parse_str(&key).is_ok()));
}

#[sqlx::test]
async fn bulk_send_invites_each_selected_candidate_and_skips_the_archived(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;

    let sent = submit(&app, &sel.s, &[sel.ada, sel.bo, sel.cy], &Uuid::new_v4().to_string()).await;
    assert!(sent.url.ends_with("/candidates"), "{}", sent.url);
    assert_eq!(sent.flash(), "Interview invitations sent to 2 candidates. Skipped: Cy Diaz (archived).");
    assert_eq!(count(&app, "select count(*) from interviews where status = 'pending'").await, 2);
    assert_eq!(count(&app, "select count(*) from emails where status = 'queued' and kind = 'invitation'").await, 2);
    assert_eq!(interviews_of(&app, sel.cy).await, 0);
    assert_eq!(count(&app, "select count(*) from applications where stage = 'interviewing'").await, 2);
    assert_eq!(sent.texts("tbody .badge"), vec!["Invited", "Invited"], "their statuses follow");
    let emails: Vec<String> = sqlx::query_scalar("select to_address::text from emails order by to_address")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(emails, vec!["ada@example.com", "bo@example.com"]);
}

#[sqlx::test]
async fn a_repeated_or_concurrent_bulk_submit_invites_no_one_twice(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;
    let key = Uuid::new_v4().to_string();
    let all = [sel.ada, sel.bo, sel.cy];
    let sent = submit(&app, &sel.s, &all, &key).await;
    assert_eq!(sent.flash(), "Interview invitations sent to 2 candidates. Skipped: Cy Diaz (archived).");

    // The same user signed in on a second browser, so each answer keeps its own flash cookie.
    let tab = app.other_browser();
    tab.sign_in(RECRUITER, PASSWORD).await;
    let (again, twice) = tokio::join!(submit(&app, &sel.s, &all, &key), submit(&tab, &sel.s, &all, &key));
    assert_eq!(again.flash(), sent.flash());
    assert_eq!(twice.flash(), sent.flash());
    assert_eq!(count(&app, "select count(*) from interviews").await, 2);
    assert_eq!(count(&app, "select count(*) from emails").await, 2);

    // A new form is a new intent.
    submit(&app, &sel.s, &[sel.ada], &Uuid::new_v4().to_string()).await;
    assert_eq!(interviews_of(&app, sel.ada).await, 2);
}

#[sqlx::test]
async fn bulk_send_skips_a_candidate_whose_stored_email_is_invalid(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;
    // Stored before addresses were checked, or imported.
    let dee = fixtures::candidate(&app.pool, sel.s.company_id, "Dee Ellis", "dee at example").await;

    let page = app.get(&format!("/candidates/send-interview?{}", ids_query(&[sel.ada, dee]))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".bulk-recipients li strong"), vec!["Ada Lovelace", "Dee Ellis"]);
    assert_eq!(page.texts(".bulk-recipients .skip-note"), vec!["Not sent: no valid email address"]);
    let sent = submit(&app, &sel.s, &[sel.ada, dee], &Uuid::new_v4().to_string()).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(sent.flash(), "Interview invitation sent to 1 candidate. Skipped: Dee Ellis (no valid email address).");
    assert_eq!(interviews_of(&app, dee).await, 0);
    assert_eq!(interviews_of(&app, sel.ada).await, 1);
    assert_eq!(count(&app, "select count(*) from emails where to_address = 'dee at example'").await, 0);
    assert_eq!(count(&app, "select count(*) from emails").await, 1);
}

#[sqlx::test]
async fn bulk_send_resumes_after_a_failure_part_way_and_invites_no_one_twice(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let sel = ready(&app).await;
    let mut selected = vec![sel.ada, sel.bo];
    for name in ["Di Evans", "Ed Fox", "Flo Gray"] {
        let email = format!("{}@example.com", name.split(' ').next().unwrap().to_lowercase());
        selected.push(fixtures::candidate(&app.pool, sel.s.company_id, name, &email).await);
    }
    // The database refuses the third interview of this send.
    sqlx::raw_sql(
        "create function refuse_third_interview() returns trigger language plpgsql as $$
         begin
           if (select count(*) from interviews) >= 2 then raise exception 'injected failure'; end if;
           return new;
         end $$;
         create trigger refuse_third_interview before insert on interviews
           for each row execute function refuse_third_interview();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let key = Uuid::new_v4().to_string();

    let failed = submit(&app, &sel.s, &selected, &key).await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(count(&app, "select count(*) from interviews").await, 2, "the first two were sent");
    assert_eq!(count(&app, "select count(*) from emails").await, 2);

    sqlx::raw_sql("drop trigger refuse_third_interview on interviews; drop function refuse_third_interview();")
        .execute(&app.pool)
        .await
        .unwrap();
    let resumed = submit(&app, &sel.s, &selected, &key).await;
    assert_eq!(resumed.status, StatusCode::OK);
    assert_eq!(resumed.flash(), "Interview invitations sent to 5 candidates.");
    for candidate in &selected {
        assert_eq!(interviews_of(&app, *candidate).await, 1, "one interview for {candidate}");
    }
    assert_eq!(count(&app, "select count(*) from emails where kind = 'invitation'").await, 5);
    app.deliver_mail().await;
    let mut recipients: Vec<String> = smtp
        .messages()
        .iter()
        .map(|m| {
            let message = MessageParser::default().parse(m).unwrap();
            message.to().unwrap().first().unwrap().address().unwrap().to_owned()
        })
        .collect();
    recipients.sort();
    assert_eq!(
        recipients,
        ["ada@example.com", "bo@example.com", "di@example.com", "ed@example.com", "flo@example.com"],
        "one invitation each"
    );
}

#[sqlx::test]
async fn each_candidate_receives_a_link_of_their_own(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    let sel = ready(&app).await;
    submit(&app, &sel.s, &[sel.ada, sel.bo], &Uuid::new_v4().to_string()).await;
    app.deliver_mail().await;

    let mut received: Vec<(String, String)> = smtp
        .messages()
        .iter()
        .map(|m| {
            let message = MessageParser::default().parse(m).unwrap();
            let to = message.to().unwrap().first().unwrap().address().unwrap().to_owned();
            (to, link_in_message(m))
        })
        .collect();
    received.sort();
    assert_eq!(received.len(), 2);
    assert_ne!(received[0].1, received[1].1);
    let candidate = app.other_browser();
    for ((to, link), name) in received.iter().zip(["Ada Lovelace", "Bo Chen"]) {
        let landing = Page::from(candidate.client.get(link).send().await.unwrap()).await;
        assert_eq!(landing.status, StatusCode::OK, "{to}");
        assert!(landing.body.contains(&format!("Hello {name}, welcome.")), "{to}'s link is {name}'s interview");
    }
}

#[sqlx::test]
async fn bulk_send_ignores_another_companys_candidates_and_templates(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let theirs =
        fixtures::candidate(&app.pool, app.company_id("gina@globex.com").await, "Gil Grey", "gil@globex.test").await;

    let page = app.get(&format!("/candidates/send-interview?{}", ids_query(&[theirs]))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text(".notice").starts_with("None of the selected candidates was found."));
    assert!(!page.body.contains("Gil Grey") && !page.body.contains("gil@globex.test"));
    let mixed = app.get(&format!("/candidates/send-interview?{}", ids_query(&[sel.bo, theirs]))).await;
    assert_eq!(mixed.status, StatusCode::OK);
    assert_eq!(mixed.texts(".bulk-recipients li strong"), vec!["Bo Chen"]);
    assert!(!mixed.body.contains(&theirs.to_string()));

    let alone = submit(&app, &sel.s, &[theirs], &Uuid::new_v4().to_string()).await;
    assert_eq!(alone.status, StatusCode::OK);
    assert_eq!(interviews_of(&app, theirs).await, 0);

    let sent = submit(&app, &sel.s, &[sel.bo, theirs], &Uuid::new_v4().to_string()).await;
    assert_eq!(sent.flash(), "Interview invitation sent to 1 candidate. 1 selected candidate no longer exists.");
    assert_eq!(interviews_of(&app, theirs).await, 0);
    assert_eq!(interviews_of(&app, sel.bo).await, 1);
    assert_eq!(count(&app, "select count(*) from emails").await, 1);

    // Their template cannot be used either.
    let their_job = fixtures::job(&app.pool, app.company_id("gina@globex.com").await, "Their Role").await;
    let (_, their_version) =
        fixtures::published_template(&app.pool, app.company_id("gina@globex.com").await, their_job, "Theirs").await;
    let foreign = Sendable { job_id: their_job, version_id: their_version, ..sel.s };
    let refused = submit(&app, &foreign, &[sel.ada], &Uuid::new_v4().to_string()).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.text(".form-error"), "Select an interview template of the selected job.");
    assert_eq!(interviews_of(&app, sel.ada).await, 0);
}

#[sqlx::test]
async fn bulk_send_with_nothing_selected_goes_back_with_a_message(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    let nothing = app.get("/candidates/send-interview?return_to=%2Fcandidates%3Fstatus%3Dnew").await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(nothing.url.ends_with("/candidates?status=new"), "{}", nothing.url);
    assert_eq!(nothing.flash(), "Select at least one candidate to send an interview to.");
}

#[sqlx::test]
async fn bulk_send_with_only_archived_candidates_sends_nothing_and_says_why(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;
    let archived_only = app.get(&format!("/candidates/send-interview?{}", ids_query(&[sel.cy]))).await;
    assert_eq!(archived_only.status, StatusCode::OK);
    assert!(archived_only.text(".notice").starts_with("None of the selected candidates can be sent an interview"));
    assert!(archived_only.texts("button[type=submit]").iter().all(|b| b != "Send Interview Invitation"));
    let posted = submit(&app, &sel.s, &[sel.cy], &Uuid::new_v4().to_string()).await;
    assert_eq!(posted.status, StatusCode::OK);
    assert!(posted.text(".notice").starts_with("None of the selected candidates can be sent an interview"));
    assert_eq!(posted.texts(".skip-note"), vec!["Not sent: archived"]);
    assert_eq!(count(&app, "select count(*) from interviews").await, 0);
}

#[sqlx::test]
async fn bulk_send_without_a_template_shows_the_form_again_with_its_selection_and_key(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;
    let key = Uuid::new_v4().to_string();
    let ids = [sel.ada.to_string(), sel.bo.to_string()];
    let unchosen = app
        .post(
            "/candidates/send-interview",
            &[("ids", &ids[0]), ("ids", &ids[1]), ("idempotency_key", &key), ("job_id", "")],
        )
        .await;
    assert_eq!(unchosen.status, StatusCode::OK);
    assert_eq!(unchosen.text(".form-error"), "Select a job and one of its interview templates.");
    assert_eq!(unchosen.texts(".bulk-recipients li strong"), vec!["Ada Lovelace", "Bo Chen"]);
    assert_eq!(unchosen.value_of("idempotency_key"), Some(key), "the same intent");
    assert_eq!(count(&app, "select count(*) from interviews").await, 0);
}

#[sqlx::test]
async fn bulk_send_refuses_more_than_100_candidates_as_a_whole(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let sel = ready(&app).await;
    let mut many: Vec<Uuid> = vec![sel.ada, sel.bo];
    many.extend((0..99).map(|_| Uuid::new_v4()));
    let capped = app.get(&format!("/candidates/send-interview?{}", ids_query(&many))).await;
    assert_eq!(capped.status, StatusCode::OK);
    assert_eq!(
        capped.text(".notice p"),
        "You selected 101 candidates. An interview can be sent to at most 100 candidates at a time: select fewer and try again."
    );
    let posted = submit(&app, &sel.s, &many, &Uuid::new_v4().to_string()).await;
    assert_eq!(posted.status, StatusCode::OK);
    assert!(posted.text(".notice p").starts_with("You selected 101 candidates."));
    assert_eq!(count(&app, "select count(*) from interviews").await, 0);
}

#[sqlx::test]
async fn without_a_published_template_the_page_says_what_is_missing(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", RECRUITER).await;
    let company = app.company_id(RECRUITER).await;
    let ada = fixtures::candidate(&app.pool, company, "Ada", "ada@example.com").await;
    let page = app.get(&format!("/candidates/send-interview?ids={ada}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text(".notice").contains("No open job has a published interview template yet"));
    assert!(page.body.contains("href=\"/interview-templates\""));
}
