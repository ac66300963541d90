//! Erasure: a candidate asks at their interview link, or a recruiter erases a candidate
//! (or records a request made otherwise), and everything held about the person goes:
//! no row of any table holds their name, address, answers or recordings' keys, and the
//! media storage holds no file of their interview. A company deadline above 0 days
//! leaves the request to housekeeping until it is due.

use std::path::Path;

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    consent::invited,
    evaluation::evaluate,
    fixtures::{self, Sendable},
    support::{TestApp, count},
};

pub const TYPED_ANSWER: &str = "I once tuned a quokka-shaped cache for the Zanzibar ledger";

/// What is held about the completed interview's candidate that no erasure may leave:
/// the surname alone too, as the search's word lists hold each word of the name.
pub const ADAS_DATA: [&str; 4] = ["Ada Lovelace", "lovelace", "ada@example.com", TYPED_ANSWER];

pub fn webm() -> Vec<u8> {
    let mut bytes = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
    bytes.resize(2000, 0x42);
    bytes
}

/// Ada's interview, its invitation delivered, answered (two recordings and a typed
/// answer), completed, evaluated, rated and decided with notes. Returns the link's path.
pub async fn completed(app: &TestApp) -> (Sendable, Uuid, String) {
    let (s, id, path) = invited(app).await;
    app.deliver_mail().await;
    let candidate = app.other_browser();
    candidate.post(&format!("{path}/consent"), &[]).await;
    candidate.post(&format!("{path}/start"), &[]).await;
    candidate.answer_fixture_questions(&path, s.version_id, &webm(), TYPED_ANSWER).await;
    candidate.post(&format!("{path}/complete"), &[]).await;
    assert_eq!(evaluate(app, &app.state.config).await, 1);
    let answer: Uuid =
        sqlx::query_scalar("select id from answers where text_answer is not null").fetch_one(&app.pool).await.unwrap();
    app.post(&format!("/interviews/{id}/answers/{answer}/review"), &[("rating", "4"), ("note", "Ada was sharp")]).await;
    app.post(&format!("/interviews/{id}/decision"), &[("decision", "advance"), ("note", "Advance Ada")]).await;
    (s, id, path)
}

async fn media_keys(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("select media_key from answers where media_key is not null").fetch_all(&app.pool).await.unwrap()
}

/// Every row of every table of the public schema, as JSON text, holding any of `needles`.
pub async fn rows_holding(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select quote_ident(table_name) from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(tables.len() > 25, "the catalogue lists the tables: {tables:?}");
    let mut found = Vec::new();
    for table in tables {
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("select to_jsonb(t)::text from {table} t")).fetch_all(&app.pool).await.unwrap();
        for row in rows {
            if needles.iter().any(|needle| row.to_lowercase().contains(&needle.to_lowercase())) {
                found.push(format!("{table}: {row}"));
            }
        }
    }
    found
}

/// The files under the media storage whose path names `interview_id`.
pub fn stored_files_of(app: &TestApp, interview_id: Uuid) -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path.display().to_string());
            }
        }
    }
    let mut found = Vec::new();
    walk(&app.state.config.data_dir.join("media"), &mut found);
    found.into_iter().filter(|path| path.contains(&interview_id.to_string())).collect()
}

#[sqlx::test]
async fn a_candidate_who_asks_at_their_link_is_erased_from_every_table_and_the_storage(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, path) = completed(&app).await;
    let keys = media_keys(&app).await;
    assert_eq!(keys.len(), 2);
    assert_eq!(stored_files_of(&app, id).len(), 2);
    let mut needles = [ADAS_DATA.as_slice(), &["Ada was sharp", "Advance Ada"]].concat();
    needles.extend(keys.iter().map(String::as_str));
    // Before: the data is where the scan looks.
    let before = rows_holding(&app, &needles).await;
    for table in [
        "candidates:",
        "candidate_words:",
        "candidate_word_counts:",
        "emails:",
        "answers:",
        "evaluation_answers:",
        "interview_events:",
        "answer_reviews:",
    ] {
        assert!(before.iter().any(|row| row.starts_with(table)), "{table} holds the data before: {before:#?}");
    }
    assert_eq!(count(&app, "select count(*) from interviews where consent_ip is not null").await, 1);

    // The completed interview's link still offers erasure.
    let candidate = app.other_browser();
    let closed = candidate.get(&path).await;
    assert_eq!(closed.text("h1"), "This interview is already completed");
    let confirm_path = closed.link("[data-erase-link]").unwrap();
    let confirm = candidate.get(&confirm_path).await;
    assert_eq!(confirm.text("h1"), "Erase your data");
    assert!(confirm.body.contains("at once"), "{}", confirm.body);
    let done = candidate.post(&format!("{path}/erase"), &[]).await;
    assert_eq!(done.text("h1"), "Your data was erased");

    assert_eq!(rows_holding(&app, &needles).await, Vec::<String>::new());
    assert_eq!(stored_files_of(&app, id), Vec::<String>::new());
    assert_eq!(count(&app, "select count(*) from interviews").await, 0);
    assert_eq!(
        count(&app, &format!("select count(*) from audit_events where action = 'candidate_erased' and actor = 'candidate' and candidate_id = '{}'", s.candidate_id)).await,
        1
    );
    let gone = candidate.get(&path).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn with_a_deadline_the_request_waits_and_housekeeping_erases_when_it_is_due(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, path) = completed(&app).await;
    let saved = app
        .post(
            "/settings/data",
            &[("erasure_deadline_days", "7"), ("recording_retention_days", ""), ("inactive_candidate_months", "")],
        )
        .await;
    assert_eq!(saved.flash(), "Erasure and retention settings saved.");

    let candidate = app.other_browser();
    let confirm = candidate.get(&format!("{path}/erase")).await;
    assert!(confirm.body.contains("within 7 days"), "{}", confirm.body);
    let received = candidate.post(&format!("{path}/erase"), &[]).await;
    assert_eq!(received.text("h1"), "Your request was received");
    assert_eq!(
        count(&app, "select count(*) from candidates where erasure_due_at > now() + interval '6 days'").await,
        1
    );
    // Not yet due: housekeeping leaves it.
    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);
    assert_eq!(candidate.get(&format!("{path}/erase")).await.texts("[data-erasure-due]").len(), 1);

    sqlx::query("update candidates set erasure_due_at = now() - interval '1 minute'").execute(&app.pool).await.unwrap();
    hifinity::workers::privacy_housekeeping(&app.state).await;
    assert_eq!(rows_holding(&app, &ADAS_DATA).await, Vec::<String>::new());
    assert_eq!(stored_files_of(&app, id), Vec::<String>::new());
    let logged: Vec<(String, String)> = sqlx::query_as(
        "select action::text, actor::text from audit_events where candidate_id = $1 and action in ('erasure_requested', 'candidate_erased') order by created_at",
    )
    .bind(s.candidate_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        logged,
        [("erasure_requested".into(), "candidate".into()), ("candidate_erased".into(), "housekeeping".into())]
    );
}

#[sqlx::test]
async fn a_recruiter_erases_a_candidate_after_a_confirmation_that_names_what_goes(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, _) = completed(&app).await;
    let candidate_page = app.get(&format!("/candidates/{}", s.candidate_id)).await;
    let confirm_path = candidate_page.link("[data-erase-candidate]").unwrap();
    let confirm = app.get(&confirm_path).await;
    assert_eq!(confirm.text("h1"), "Erase Ada Lovelace");
    let holdings = confirm.text("[data-erase-holdings]");
    for what in
        ["1 application and 1 interview", "2 video recordings in storage and 1 typed answer", "1 email in the outbox"]
    {
        assert!(holdings.contains(what), "{what}: {holdings}");
    }
    // A post without the confirmation's button erases nothing.
    app.post(&format!("/candidates/{}/erase", s.candidate_id), &[]).await;
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);

    let erased = app.post(&format!("/candidates/{}/erase", s.candidate_id), &[("confirm", "erase")]).await;
    assert_eq!(erased.flash(), "The candidate and everything held about them were erased.");
    assert_eq!(rows_holding(&app, &ADAS_DATA).await, Vec::<String>::new());
    assert_eq!(stored_files_of(&app, id), Vec::<String>::new());
    assert_eq!(app.get(&format!("/candidates/{}", s.candidate_id)).await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn a_request_received_otherwise_is_recorded_for_the_deadline_and_a_reviewer_may_not_erase(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, _, _) = completed(&app).await;
    app.post(
        "/settings/data",
        &[("erasure_deadline_days", "30"), ("recording_retention_days", ""), ("inactive_candidate_months", "")],
    )
    .await;
    let recorded = app.post(&format!("/candidates/{}/erasure-request", s.candidate_id), &[("confirm", "erase")]).await;
    assert!(
        recorded.flash().starts_with("Erasure request recorded. The candidate will be erased by"),
        "{}",
        recorded.flash()
    );
    assert_eq!(
        count(&app, "select count(*) from candidates where erasure_due_at > now() + interval '29 days'").await,
        1
    );

    let refused = app
        .post(
            "/settings/data",
            &[("erasure_deadline_days", "31"), ("recording_retention_days", ""), ("inactive_candidate_months", "")],
        )
        .await;
    assert_eq!(refused.field_error("erasure_deadline_days"), "Enter a whole number of days from 0 (at once) to 30.");

    let reviewer = app.join_team("pat@acme.com", "Pat Reviewer", "reviewer").await;
    let denied = reviewer.post(&format!("/candidates/{}/erase", s.candidate_id), &[("confirm", "erase")]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);
}

#[sqlx::test]
async fn an_access_request_gets_a_zip_of_everything_held_with_the_recordings(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, _, _) = completed(&app).await;
    let keys = media_keys(&app).await;
    // A recording of several chunks, as a real one is: the archive streams it through.
    let long_recording: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut upload = app.state.media.begin(&keys[1]).await.unwrap();
    upload.write(&long_recording).await.unwrap();
    upload.finish().await.unwrap();
    let response = app.client.get(app.url(&format!("/candidates/{}/archive", s.candidate_id))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let length: usize = response.headers()["content-length"].to_str().unwrap().parse().unwrap();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len(), length);
    // The archive was written to a file without a name: nothing is left behind.
    let left: Vec<_> = std::fs::read_dir(app.state.config.data_dir.join("tmp")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP file");
    let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    names.sort();
    let mut expected: Vec<String> = keys.iter().map(|key| format!("media/{key}")).collect();
    expected.push("data.json".into());
    expected.sort();
    assert_eq!(names, expected);
    let mut data = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("data.json").unwrap(), &mut data).unwrap();
    serde_json::from_str::<serde_json::Value>(&data).expect("data.json is JSON");
    for held in ["Ada Lovelace", "ada@example.com", TYPED_ANSWER, "Ada was sharp", "Advance Ada"] {
        assert!(data.contains(held), "the archive holds {held}");
    }
    let mut recording = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(&format!("media/{}", keys[0])).unwrap(), &mut recording).unwrap();
    assert_eq!(recording, webm(), "the recording's bytes");
    let mut long = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(&format!("media/{}", keys[1])).unwrap(), &mut long).unwrap();
    assert!(long == long_recording, "the long recording's {} bytes, whole", long_recording.len());
    assert_eq!(count(&app, "select count(*) from audit_events where action = 'archive_downloaded'").await, 1);

    let reviewer = app.join_team("pat@acme.com", "Pat Reviewer", "reviewer").await;
    assert_eq!(reviewer.get(&format!("/candidates/{}/archive", s.candidate_id)).await.status, StatusCode::FORBIDDEN);
}

/// How many times the race is run: each round a new candidate with three interviews.
const ROUNDS: usize = 25;

#[sqlx::test]
async fn erasing_a_candidate_while_their_interviews_move_on_never_deadlocks(pool: PgPool) {
    use hifinity::{audit::Actor, interviews::lifecycle, privacy::erasure};

    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", "riley@acme.com").await;
    let s = fixtures::sendable(&app.pool, app.company_id("riley@acme.com").await).await;
    fixtures::raise_email_cap(&app.pool, s.company_id, 1000).await;
    let company = app.scope(s.company_id).await;
    let riley: hifinity::ids::UserId =
        sqlx::query_scalar("select id from users where email = 'riley@acme.com'").fetch_one(&app.pool).await.unwrap();
    let send = |candidate_id: Uuid| lifecycle::SendRequest {
        company_id: company,
        user_id: riley,
        candidate_id: candidate_id.into(),
        job_id: s.job_id.into(),
        version_id: s.version_id,
        idempotency_key: Uuid::new_v4(),
        link_valid_days: 14,
        email_cap: app.email_cap(),
    };
    let ip = [192, 0, 2, 1].into();
    for round in 0..ROUNDS {
        let candidate = fixtures::candidate(&app.pool, s.company_id, "Ada", &format!("ada{round}@example.com")).await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(lifecycle::send(&app.pool, &send(candidate)).await.unwrap().interview_id);
        }
        lifecycle::consent(&app.pool, company, ids[1], "v1", ip).await.unwrap();

        let (erased, cancelled, started, extended) = tokio::join!(
            erasure::erase(&app.pool, &app.state.media, company, candidate.into(), Actor::Member(riley)),
            lifecycle::cancel(&app.pool, company, ids[0], riley),
            lifecycle::start(&app.pool, company, ids[1]),
            lifecycle::extend(&app.pool, company, ids[2], riley, 7),
        );
        assert!(erased.unwrap(), "round {round}: the candidate was there to erase");
        // Each transition either ran before the erasure or found its interview gone.
        for moved in [cancelled, started, extended] {
            match moved {
                Ok(()) | Err(lifecycle::Error::Refused(lifecycle::Refused::NotFound)) => {}
                Err(err) => panic!("round {round}: {err:?}"),
            }
        }
        let left = count(
            &app,
            &format!(
                "select (select count(*) from candidates where id = '{candidate}')
                      + (select count(*) from interviews where candidate_id = '{candidate}')"
            ),
        )
        .await;
        assert_eq!(left, 0, "round {round}: the candidate and their interviews are gone");
    }
}

#[sqlx::test]
async fn a_recruiter_erases_one_interview_and_the_candidate_and_their_other_interview_stay(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, _) = completed(&app).await;
    app.post(&format!("/interviews/{id}/shares"), &[("days", "7"), ("scope", "interview")]).await;
    let job = fixtures::job(&app.pool, s.company_id, "Staff Engineer").await;
    let (_, version) = fixtures::published_template(&app.pool, s.company_id, job, "Staff screen").await;
    app.send_interview(s.candidate_id, job, version).await;
    let other: Uuid =
        sqlx::query_scalar("select id from interviews where id <> $1").bind(id).fetch_one(&app.pool).await.unwrap();
    let others_rows = rows_holding(&app, &[&other.to_string()]).await;
    assert!(others_rows.len() > 2, "the other interview, its email and timeline: {others_rows:?}");

    let page = app.get(&format!("/interviews/{id}")).await;
    let confirm = app.get(&page.link("[data-erase-interview]").unwrap()).await;
    assert_eq!(confirm.text("h1"), "Erase the interview with Ada Lovelace");
    let holdings = confirm.text("[data-erase-holdings]");
    for what in [
        "2 video recordings in storage and 1 typed answer, with their transcripts",
        "the evaluation (scores, summary, strengths, concerns), ratings, notes and the decision",
        "1 share link, which stop working",
        "1 email with their stored bodies",
    ] {
        assert!(holdings.contains(what), "{what}: {holdings}");
    }
    assert!(
        confirm
            .text("[data-erase-keeps]")
            .starts_with("Ada Lovelace's candidate record stays, and so do their 1 other interview."),
        "{}",
        confirm.text("[data-erase-keeps]")
    );
    // A post without the confirmation's button erases nothing.
    app.post(&format!("/interviews/{id}/erase"), &[]).await;
    assert_eq!(count(&app, "select count(*) from interviews").await, 2);

    let erased = app.post(&format!("/interviews/{id}/erase"), &[("confirm", "erase")]).await;
    assert_eq!(erased.flash(), "The interview and everything it held were erased.");
    // Only ids stay: the audit log's, and the record of a job the queue finished.
    let finished_job = |row: &String| row.starts_with("tasks") && row.contains(r#""status": "done""#);
    assert_eq!(
        rows_holding(&app, &[&id.to_string(), TYPED_ANSWER, "Ada was sharp", "Advance Ada"])
            .await
            .into_iter()
            .filter(|row| !row.starts_with("audit_events") && !finished_job(row))
            .collect::<Vec<_>>(),
        Vec::<String>::new()
    );
    assert_eq!(stored_files_of(&app, id), Vec::<String>::new());
    assert_eq!(rows_holding(&app, &[&other.to_string()]).await, others_rows, "the other interview stays as it was");
    assert_eq!(
        count(&app, "select count(*) from candidates where email = 'ada@example.com' and status = 'invited'").await,
        1,
        "the candidate stays, their status following the interview they have left"
    );
    assert_eq!(
        count(
            &app,
            &format!("select count(*) from audit_events where action = 'interview_erased' and interview_id = '{id}'")
        )
        .await,
        1
    );
    assert_eq!(app.get(&format!("/interviews/{id}")).await.status, StatusCode::NOT_FOUND);

    let reviewer = app.join_team("pat@acme.com", "Pat Reviewer", "reviewer").await;
    let denied = reviewer.post(&format!("/interviews/{other}/erase"), &[("confirm", "erase")]).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "select count(*) from interviews").await, 1);
}
