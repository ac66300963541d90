//! CSV in and out: the Interviews page and a job's results exported (as filtered, cells a
//! spreadsheet would run neutralised, recruiters only), and candidates imported from a
//! file through a preview kept in Postgres.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    evaluation::{evaluated_text_interview, ready},
    fixtures,
    support::{Page, TestApp, count},
};

/// The rows of a CSV download, the header first.
fn rows_of(page: &Page) -> Vec<Vec<String>> {
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(page.body.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// The column `name` of the data rows.
fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let at = rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|row| row[at].clone()).collect()
}

#[sqlx::test]
async fn exported_cells_that_a_spreadsheet_would_run_are_neutralised(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let names = ["=HYPERLINK(\"http://evil.example\")", "+1 555", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturned"];
    for (n, name) in names.iter().enumerate() {
        let candidate = fixtures::candidate(&app.pool, s.company_id, name, &format!("c{n}@example.com")).await;
        let sent = app.send_interview(candidate, s.job_id, s.version_id).await;
        assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
    }

    let page = app.get("/interviews/export").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers["content-type"], "text/csv; charset=utf-8");
    assert!(page.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"interviews-"));
    let rows = rows_of(&page);
    assert_eq!(
        rows[0],
        [
            "Candidate",
            "Email",
            "Job",
            "Status",
            "Sent (UTC)",
            "Completed (UTC)",
            "Deadline (UTC)",
            "Evaluation score",
            "Recommendation",
            "Team rating",
            "Decision"
        ]
    );
    let mut exported = column(&rows, "Candidate");
    exported.sort();
    let mut expected: Vec<String> = names.iter().map(|n| format!("'{n}")).collect();
    expected.sort();
    assert_eq!(exported, expected);
}

#[sqlx::test]
async fn the_export_follows_the_interviews_pages_filters_and_is_for_recruiters(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let reviewer = app.join_team("vic@acme.com", "Vic Reviewer", "reviewer").await;
    evaluated_text_interview(&app, &s).await;
    let alan = fixtures::candidate(&app.pool, s.company_id, "Alan Turing", "alan@example.com").await;
    app.send_interview(alan, s.job_id, s.version_id).await;

    let list = app.get("/interviews?status=completed").await;
    assert_eq!(list.attrs(".export-csv", "href"), ["/interviews/export?status=completed"]);
    let rows = rows_of(&app.get("/interviews/export?status=completed").await);
    assert_eq!(column(&rows, "Candidate"), ["Ada Lovelace"]);
    assert_eq!(column(&rows, "Status"), ["Completed"]);
    assert!(!column(&rows, "Evaluation score")[0].is_empty(), "the score");
    assert!(!column(&rows, "Recommendation")[0].is_empty(), "the recommendation");
    assert!(!column(&rows, "Completed (UTC)")[0].is_empty());

    let rows = rows_of(&app.get("/interviews/export?candidate=alan").await);
    assert_eq!(column(&rows, "Candidate"), ["Alan Turing"]);
    assert_eq!(column(&rows, "Status"), ["Pending"]);
    assert_eq!(column(&rows, "Evaluation score"), [""]);
    let rows = rows_of(&app.get("/interviews/export").await);
    assert_eq!(column(&rows, "Candidate"), ["Alan Turing", "Ada Lovelace"], "newest first, as the page");

    assert_eq!(reviewer.get("/interviews/export").await.status, StatusCode::FORBIDDEN);
    assert_eq!(reviewer.get(&format!("/jobs/{}/export", s.job_id)).await.status, StatusCode::FORBIDDEN);
    assert!(reviewer.get("/interviews").await.texts(".export-csv").is_empty());
}

#[sqlx::test]
async fn a_jobs_export_has_its_interviews_with_team_rating_and_decision(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview = evaluated_text_interview(&app, &s).await;
    let answers: Vec<Uuid> = sqlx::query_scalar("select id from answers where interview_id = $1")
        .bind(interview)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for answer in answers {
        app.post(&format!("/interviews/{interview}/answers/{answer}/review"), &[("rating", "4")]).await;
    }
    app.post(&format!("/interviews/{interview}/decision"), &[("decision", "advance")]).await;
    let other_job = fixtures::job(&app.pool, s.company_id, "Data Analyst").await;

    let job_page = app.get(&format!("/jobs/{}", s.job_id)).await;
    assert_eq!(job_page.attrs(".export-csv", "href"), [format!("/jobs/{}/export", s.job_id)]);
    let rows = rows_of(&app.get(&format!("/jobs/{}/export", s.job_id)).await);
    assert_eq!(column(&rows, "Candidate"), ["Ada Lovelace"]);
    assert_eq!(column(&rows, "Job"), ["Senior Backend Engineer"]);
    assert_eq!(column(&rows, "Team rating"), ["4.0"]);
    assert_eq!(column(&rows, "Decision"), ["Advance"]);
    assert_eq!(rows_of(&app.get(&format!("/jobs/{other_job}/export")).await).len(), 1, "the header alone");
    assert_eq!(app.get(&format!("/jobs/{}/export", Uuid::new_v4())).await.status, StatusCode::NOT_FOUND);
}

/// Uploads `contents` and returns the preview page (or the form with its message).
async fn upload(app: &TestApp, contents: &[u8]) -> Page {
    app.upload("/candidates/import", "candidates.csv", contents).await
}

fn outcomes(preview: &Page) -> Vec<String> {
    preview.texts(".import-outcome .badge")
}

#[sqlx::test]
async fn the_preview_lists_each_rows_outcome_and_import_writes_them_in_one_go(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    let file = "\u{feff}name,email,phone,job\r\n\
        \"Lovelace, Ada\",ada@example.com,,\r\n\
        \"Grace \"\"Amazing\"\" Hopper\",grace@example.com,+1 555 0100,Senior Backend Engineer\r\n\
        Bad,not-an-email,,\r\n\
        Grace again,GRACE@example.com,,\r\n\
        \"Multi\nLine\",multi@example.com,,\r\n\
        Jo,jo@example.com,,Astronaut\r\n";
    let before = count(&app, "select count(*) from candidates").await;

    let preview = upload(&app, file.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(
        outcomes(&preview),
        [
            "Already a candidate (linked)",
            "Will be added",
            "Invalid email",
            "Duplicate in the file",
            "Will be added",
            "Unknown job"
        ]
    );
    assert_eq!(preview.texts(".import-row td:first-child"), ["2", "3", "4", "5", "6", "8"], "lines of the file");
    assert_eq!(preview.texts(".import-row td:nth-child(2)")[1], "Grace \"Amazing\" Hopper");
    assert_eq!(count(&app, "select count(*) from candidates").await, before, "a preview writes no candidate");
    assert_eq!(count(&app, "select count(*) from candidate_import_rows").await, 6, "the preview is kept");

    let path = preview.url.strip_prefix(&app.base).unwrap().to_owned();
    let imported = app.post(&path, &[("job_id", "")]).await;
    assert_eq!(imported.flash(), "Imported: 2 added, 1 already candidates (linked), 3 skipped.");
    assert_eq!(count(&app, "select count(*) from candidates").await, before + 2);
    let multi: i64 = count(&app, "select count(*) from candidates where name = 'Multi Line'").await;
    assert_eq!(multi, 1, "a name broken over lines inside its quotes is one name");
    let graces_job: String = sqlx::query_scalar(
        "select j.title from applications a join candidates c on c.id = a.candidate_id join jobs j on j.id = a.job_id
         where c.email = 'grace@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(graces_job, "Senior Backend Engineer", "the row's job");
    assert!(imported.texts(".import-done").len() == 1 && imported.texts(".import-form").is_empty());
    assert_eq!(app.post(&path, &[]).await.flash(), "This file was already imported.");
}

#[sqlx::test]
async fn import_checks_the_rows_again_and_links_them_to_the_chosen_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let preview = upload(&app, b"Email,Name\nlate@example.com,Late Comer\nnew@example.com,New Person\n").await;
    assert_eq!(outcomes(&preview), ["Will be added", "Will be added"]);
    // Added by hand between the preview and the import.
    fixtures::candidate(&app.pool, s.company_id, "Late Comer", "late@example.com").await;

    let path = preview.url.strip_prefix(&app.base).unwrap().to_owned();
    let imported = app.post(&path, &[("job_id", &s.job_id.to_string())]).await;
    assert_eq!(imported.flash(), "Imported: 1 added, 1 already candidates (linked), 0 skipped.");
    assert_eq!(outcomes(&imported), ["Already a candidate (linked)", "Will be added"]);
    assert_eq!(count(&app, "select count(*) from candidates where email = 'late@example.com'").await, 1);
    let in_job = count(
        &app,
        &format!(
            "select count(*) from applications where job_id = '{}' and candidate_id in
               (select id from candidates where email in ('late@example.com', 'new@example.com'))",
            s.job_id
        ),
    )
    .await;
    assert_eq!(in_job, 2, "both added to the chosen job");
}

#[sqlx::test]
async fn a_file_that_is_not_utf8_or_too_large_is_refused_with_a_message(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    let latin1 = b"name,email\nRen\xe9e Dupont,renee@example.com\n";
    let page = upload(&app, latin1).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.text(".form-error"),
        "This file is not UTF-8 text. In your spreadsheet, save it as \"CSV UTF-8\" and upload it again."
    );
    let utf16 = b"\xff\xfen\0a\0m\0e\0,\0e\0m\0a\0i\0l\0";
    assert_eq!(upload(&app, utf16).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut large = b"name,email\n".to_vec();
    while large.len() <= 5 * 1024 * 1024 {
        large.extend_from_slice(b"Some Candidate,someone@example.com\n");
    }
    let page = upload(&app, &large).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(page.text(".form-error"), "This file is larger than 5 MB. Split it into smaller files.");
    assert_eq!(page.text("header.topbar .brand"), "Hifinity", "the form again, in the layout");
    assert_eq!(count(&app, "select count(*) from candidate_imports").await, 0);
}

#[sqlx::test]
async fn ten_thousand_rows_are_previewed_and_imported_in_one_go(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    let mut file = String::from("name,email,phone\n");
    for n in 0..10_000 {
        file.push_str(&format!("\"Candidate {n}, Jr.\",candidate{n}@example.com,+1 555 {n:04}\n"));
    }
    assert!(file.len() > 256 * 1024, "larger than the portal's form limit");
    let before = count(&app, "select count(*) from candidates").await;

    let preview = upload(&app, file.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text(".form-error"));
    assert_eq!(preview.texts(".import-count"), ["10000"]);
    assert_eq!(preview.texts(".import-row").len(), 10_000);
    let path = preview.url.strip_prefix(&app.base).unwrap().to_owned();
    let imported = app.post(&path, &[]).await;
    assert_eq!(imported.flash(), "Imported: 10000 added, 0 already candidates (linked), 0 skipped.");
    assert_eq!(count(&app, "select count(*) from candidates").await, before + 10_000);

    file.push_str("One Too Many,one.too.many@example.com,\n");
    let page = upload(&app, file.as_bytes()).await;
    assert_eq!(page.text(".form-error"), "This file has more than 10,000 candidates. Split it into smaller files.");
}

/// `n` candidates of the fixture's job (`Candidate 0001`, …), each sent an interview a
/// second before the previous one, so that the newest first is `Candidate 0001`.
async fn many_interviews(app: &TestApp, s: &fixtures::Sendable, n: i32) {
    sqlx::query(
        "with c as (
           insert into candidates (id, company_id, name, email)
           select gen_random_uuid(), $1, 'Candidate ' || lpad(n::text, 4, '0'), 'c' || n || '@example.com'
             from generate_series(1, $4) n
           returning id, name),
         a as (
           insert into applications (id, company_id, candidate_id, job_id)
           select gen_random_uuid(), $1, c.id, $2 from c
           returning id, candidate_id)
         insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id, status,
                                 link_nonce, idempotency_key, expires_at, created_at)
         select gen_random_uuid(), $1, a.id, a.candidate_id, $2, $3, 'pending', decode(md5(a.id::text), 'hex'),
                gen_random_uuid(), now() + interval '14 days', now() - substring(c.name from 11)::int * interval '1 second'
           from a join c on c.id = a.candidate_id",
    )
    .bind(s.company_id)
    .bind(s.job_id)
    .bind(s.version_id)
    .bind(n)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn an_export_longer_than_a_chunk_has_every_interview_once_in_the_pages_order(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    many_interviews(&app, &s, 1_201).await;

    let rows = rows_of(&app.get("/interviews/export").await);
    let expected: Vec<String> = (1..=1_201).map(|n| format!("Candidate {n:04}")).collect();
    assert_eq!(column(&rows, "Candidate"), expected, "newest first, each once");
    let rows = rows_of(&app.get("/interviews/export?candidate=candidate%2010").await);
    assert_eq!(column(&rows, "Candidate"), expected[999..1099], "as filtered");

    let page = app.get("/interviews?page=2").await;
    assert_eq!(page.text(".pagination p"), "Showing 26–50 of 1,201");
    assert_eq!(page.text("tbody tr td a[href^='/interviews/']"), "Candidate 0026");
    let past_the_end = app.get("/interviews?page=999").await;
    assert_eq!(past_the_end.text(".empty h2"), "This page is past the end of the list");
    assert_eq!(past_the_end.link(".empty a").as_deref(), Some("/interviews?page=49"), "still counted");
}

#[sqlx::test]
async fn a_preview_never_imported_is_deleted_after_a_day_with_its_rows(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    let path = |page: &Page| page.url.strip_prefix(&app.base).unwrap().to_owned();
    let stale = upload(&app, b"name,email\nStale Sam,sam@example.com\n").await;
    assert_eq!(
        stale.text(".import-kept"),
        "This preview is kept for 24 hours. Import it before then, or upload the file again."
    );
    let fresh = upload(&app, b"name,email\nFresh Fay,fay@example.com\n").await;
    let imported = upload(&app, b"name,email\nDone Dan,dan@example.com\n").await;
    let imported = app.post(&path(&imported), &[("job_id", "")]).await;
    assert!(imported.texts(".import-kept").is_empty(), "an imported preview is kept");
    sqlx::query(
        "update candidate_imports set created_at = now() - interval '25 hours' where file_name = 'candidates.csv'
                 and id <> $1::uuid",
    )
    .bind(path(&fresh).rsplit('/').next().unwrap())
    .execute(&app.pool)
    .await
    .unwrap();

    assert_eq!(hifinity::candidate_import::delete_stale_previews(&app.pool).await.unwrap(), 1);
    assert_eq!(app.get(&path(&stale)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path(&fresh)).await.text(".import-row td:nth-child(2)"), "Fresh Fay");
    assert_eq!(app.get(&path(&imported)).await.text(".import-row td:nth-child(2)"), "Done Dan");
    assert_eq!(count(&app, "select count(*) from candidate_import_rows where email = 'sam@example.com'").await, 0);
    assert_eq!(count(&app, "select count(*) from candidate_import_rows").await, 2);
}

#[sqlx::test]
async fn an_import_restores_an_archived_candidate_it_adds_to_a_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let dora = fixtures::candidate(&app.pool, s.company_id, "Dora Archived", "dora@example.com").await;
    let evan = fixtures::candidate(&app.pool, s.company_id, "Evan Archived", "evan@example.com").await;
    sqlx::query("update candidates set archived_at = now() where id = any($1)")
        .bind([dora, evan])
        .execute(&app.pool)
        .await
        .unwrap();

    // Dora to the chosen job; Evan named with no job, and none chosen for him in the other file.
    let to_job = upload(&app, b"name,email\nDora Archived,dora@example.com\n").await;
    let path = to_job.url.strip_prefix(&app.base).unwrap().to_owned();
    let imported = app.post(&path, &[("job_id", &s.job_id.to_string())]).await;
    assert_eq!(imported.flash(), "Imported: 0 added, 1 already candidates (linked), 0 skipped.");
    let no_job = upload(&app, b"name,email\nEvan Archived,evan@example.com\n").await;
    let path = no_job.url.strip_prefix(&app.base).unwrap().to_owned();
    app.post(&path, &[("job_id", "")]).await;

    let archived: Vec<String> = sqlx::query_scalar("select name from candidates where archived_at is not null")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(archived, ["Evan Archived"], "Dora restored before being added to the job; Evan, added to none, left");
    let doras_jobs = count(&app, &format!("select count(*) from applications where candidate_id = '{dora}'")).await;
    assert_eq!(doras_jobs, 1);
    let list = app.get("/candidates").await;
    assert!(list.body.contains("Dora Archived") && !list.body.contains("Evan Archived"), "Dora is back in the list");
}
