//! Share links: a read-only page of an interview (or of its job's completed interviews)
//! for people without an account, created by recruiters and admins, revocable, expiring,
//! with every view logged and listed under the share.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    evaluation::{Given, completed_interview, evaluated_text_interview, ready},
    fixtures::{self, Sendable},
    support::{Page, TestApp},
};

/// Shares `interview` with these form fields; returns the link's path (`/s/<token>`),
/// as the sharer copies it from the interview page.
async fn share(by: &TestApp, interview: Uuid, fields: &[(&str, &str)]) -> String {
    let page = by.post(&format!("/interviews/{interview}/shares"), fields).await;
    assert!(page.flash().starts_with("Share link created."), "{}", page.flash());
    let link = page.attrs(".share-link", "value").into_iter().next().expect("the new link is listed first");
    link.strip_prefix(&by.base).expect("a link to this app").to_owned()
}

/// The share a link's path opens.
async fn share_id(app: &TestApp, path: &str) -> Uuid {
    let token = path.strip_prefix("/s/").unwrap();
    let shares: Vec<(Uuid, Vec<u8>)> =
        sqlx::query_as("select id, nonce from share_links").fetch_all(&app.pool).await.unwrap();
    let key = &app.state.config.secret_key;
    shares.into_iter().find(|(id, nonce)| hifinity::sharing::link::token(key, *id, nonce) == token).unwrap().0
}

#[sqlx::test]
async fn recruiters_and_admins_share_an_interview_and_reviewers_cannot(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    let recruiter = admin.join_team("rita@acme.com", "Rita Recruiter", "recruiter").await;
    let reviewer = admin.join_team("vic@acme.com", "Vic Reviewer", "reviewer").await;
    let interview = evaluated_text_interview(&admin, &s).await;

    share(&admin, interview, &[("days", "14"), ("scope", "interview")]).await;
    share(&recruiter, interview, &[("days", "3"), ("scope", "job")]).await;
    let refused = reviewer.post(&format!("/interviews/{interview}/shares"), &[("days", "14")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let count: i64 = sqlx::query_scalar("select count(*) from share_links").fetch_one(&admin.pool).await.unwrap();
    assert_eq!(count, 2, "the reviewer's share was not created");

    let page = admin.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.texts(".share-scope"), ["All completed interviews of this job", "This interview"]);
    assert_eq!(page.texts(".share-state"), ["Active", "Active"]);
    assert_eq!(page.texts(".share-link").len(), 2, "sharers see the links to copy");
    // A reviewer sees that it is shared and who looked, but neither the links nor the forms.
    let page = reviewer.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.texts(".share-state"), ["Active", "Active"]);
    assert!(page.texts(".share-link").is_empty());
    assert!(page.texts(".share-form").is_empty());
    assert!(page.attrs(".share form", "action").is_empty(), "no revoke button");

    let bad = admin.post(&format!("/interviews/{interview}/shares"), &[("days", "365")]).await;
    assert_eq!(bad.flash(), "Choose how long the link works: 1 to 90 days.");
}

#[sqlx::test]
async fn the_shared_page_shows_the_answers_and_evaluation_and_contact_details_only_when_chosen(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview = evaluated_text_interview(&app, &s).await;
    let plain = share(&app, interview, &[("days", "14"), ("scope", "interview")]).await;
    let visitor = app.other_browser();

    let page = visitor.get(&plain).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Ada Lovelace · Senior Backend Engineer");
    assert_eq!(page.texts(".answer-text").len(), 3, "every typed answer");
    assert!(!page.text(".evaluation-score-value").is_empty(), "the overall score");
    assert_eq!(page.texts(".answer-score").len(), 3, "each answer's score and evidence");
    assert!(!page.body.contains("ada@example.com"), "no contact details unless chosen");
    assert!(page.texts("form").is_empty() && page.texts("button").is_empty(), "nothing that changes data");
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    assert_eq!(page.headers["cache-control"], "no-store");

    sqlx::query("update candidates set phone = '+44 20 7946 0000' where id = $1")
        .bind(s.candidate_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let with_contact = share(&app, interview, &[("days", "14"), ("include_contact", "on")]).await;
    let page = visitor.get(&with_contact).await;
    assert_eq!(page.text(".shared-email"), "ada@example.com");
    assert_eq!(page.text(".shared-phone"), "+44 20 7946 0000");
    assert!(visitor.get(&plain).await.texts(".shared-email").is_empty());
}

#[sqlx::test]
async fn every_view_is_logged_with_its_address_and_the_answer_played(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| config.trusted_proxy_hops = 1).await;
    let s = ready(&app).await;
    let recording = b"\x1A\x45\xDF\xA3 a short recording".repeat(8);
    let interview =
        completed_interview(&app, &s, &[Given::Video(&recording), Given::Text("Typed."), Given::Nothing]).await;
    let link = share(&app, interview, &[("days", "14")]).await;
    let visitor = app.other_browser();

    let request = visitor.client.get(visitor.url(&link)).header("x-forwarded-for", "203.0.113.7");
    let page = Page::from(request.send().await.unwrap()).await;
    let media = page.attrs("video", "src");
    assert_eq!(media.len(), 1, "{}", page.body);
    assert!(media[0].starts_with(&format!("{link}/interviews/{interview}/answers/")), "share-scoped: {}", media[0]);

    let play = visitor.client.get(visitor.url(&media[0])).header("x-forwarded-for", "198.51.100.20");
    let played = play.header("range", "bytes=0-").send().await.unwrap();
    assert_eq!(played.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(played.bytes().await.unwrap().as_ref(), recording.as_slice());
    // The player fetching the rest of the same play is not another view.
    let seek = visitor.client.get(visitor.url(&media[0])).header("range", "bytes=10-").send().await.unwrap();
    assert_eq!(seek.status(), StatusCode::PARTIAL_CONTENT);

    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.texts(".share-view-ip"), ["198.51.100.20", "203.0.113.7"]);
    assert_eq!(
        page.texts(".share-view-what"),
        ["Played Ada Lovelace's answer to question 1", "Opened Ada Lovelace's interview"]
    );
}

#[sqlx::test]
async fn a_revoked_or_expired_link_says_so_and_a_tampered_one_is_not_found(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview = evaluated_text_interview(&app, &s).await;
    let revoked = share(&app, interview, &[("days", "14")]).await;
    let expiring = share(&app, interview, &[("days", "1")]).await;
    let visitor = app.other_browser();
    assert_eq!(visitor.get(&revoked).await.status, StatusCode::OK);

    let id = share_id(&app, &revoked).await;
    let page = app.post(&format!("/interviews/{interview}/shares/{id}/revoke"), &[]).await;
    assert_eq!(page.flash(), "Share link revoked. Whoever opens it now is told it was withdrawn.");
    let page = visitor.get(&revoked).await;
    assert_eq!((page.status, page.text("h1")), (StatusCode::GONE, "This link was withdrawn".to_owned()));
    assert!(!page.body.contains("Ada"), "nothing of the interview");

    sqlx::query("update share_links set expires_at = now() - interval '1 minute' where id = $1")
        .bind(share_id(&app, &expiring).await)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = visitor.get(&expiring).await;
    assert_eq!((page.status, page.text("h1")), (StatusCode::GONE, "This link has expired".to_owned()));
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.texts(".share-state"), ["Expired", "Revoked"]);
    assert!(page.texts(".share-link").is_empty(), "no working link to copy");

    let mut tampered = expiring.into_bytes();
    let inside = tampered.len() - 3;
    tampered[inside] = if tampered[inside] == b'A' { b'B' } else { b'A' };
    let page = visitor.get(&String::from_utf8(tampered).unwrap()).await;
    assert_eq!((page.status, page.text("h1")), (StatusCode::NOT_FOUND, "This link is not valid".to_owned()));
}

#[sqlx::test]
async fn the_database_never_holds_a_working_share_link(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview = evaluated_text_interview(&app, &s).await;
    let link = share(&app, interview, &[("days", "14"), ("scope", "job")]).await;
    let token = link.strip_prefix("/s/").unwrap();
    app.other_browser().get(&link).await;

    let tag = {
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).unwrap();
        raw[16..].iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    for table in ["share_links", "share_views"] {
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("select t::text from {table} t")).fetch_all(&app.pool).await.unwrap();
        assert!(!rows.is_empty(), "{table} has rows");
        for row in rows {
            assert!(!row.contains(token), "{table} holds the token: {row}");
            assert!(!row.contains(&tag), "{table} holds the link's MAC: {row}");
        }
    }
}

/// Another job of the company, with its own completed interview.
async fn other_job(app: &TestApp, s: &Sendable) -> Sendable {
    let job_id = fixtures::job(&app.pool, s.company_id, "Data Analyst").await;
    let (_, version_id) = fixtures::published_template(&app.pool, s.company_id, job_id, "Analyst screen").await;
    let candidate_id = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    Sendable { company_id: s.company_id, job_id, version_id, candidate_id }
}

#[sqlx::test]
async fn a_job_wide_link_shows_only_the_completed_interviews_of_that_job_and_nothing_of_another_company(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let shared = evaluated_text_interview(&app, &s).await;
    let colleague = fixtures::candidate(&app.pool, s.company_id, "Alan Turing", "alan@example.com").await;
    let pending = app.send_interview(colleague, s.job_id, s.version_id).await;
    assert!(pending.flash().starts_with("Interview invitation sent"), "{}", pending.flash());
    let pending: Uuid = sqlx::query_scalar("select id from interviews where candidate_id = $1")
        .bind(colleague)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let analyst = other_job(&app, &s).await;
    let other_jobs = completed_interview(&app, &analyst, &[Given::Text("Hello.")]).await;

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let theirs = fixtures::sendable(&app.pool, globex.company_id("gina@globex.com").await).await;
    let recording = b"\x1A\x45\xDF\xA3 their recording".to_vec();
    let other_company = completed_interview(&app, &theirs, &[Given::Video(&recording)]).await;
    let their_answer: Uuid = sqlx::query_scalar("select id from answers where interview_id = $1")
        .bind(other_company)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let link = share(&app, shared, &[("days", "14"), ("scope", "job")]).await;
    let visitor = app.other_browser();
    let list = visitor.get(&link).await;
    assert_eq!(list.text("h1"), "Senior Backend Engineer: completed interviews");
    assert_eq!(list.texts(".shared-interviews a"), ["Ada Lovelace"]);
    let opened = visitor.get(&list.link(".shared-interviews a").unwrap()).await;
    assert_eq!(opened.text("h1"), "Ada Lovelace · Senior Backend Engineer");

    for (what, interview) in [("pending", pending), ("another job's", other_jobs), ("another company's", other_company)]
    {
        let page = visitor.get(&format!("{link}/interviews/{interview}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{what} interview");
    }
    let media = visitor.get(&format!("{link}/interviews/{other_company}/answers/{their_answer}/media")).await;
    assert_eq!(media.status, StatusCode::NOT_FOUND);

    // A link of one interview shows that interview alone.
    let single = share(&app, shared, &[("days", "14"), ("scope", "interview")]).await;
    let page = visitor.get(&single).await;
    assert_eq!(page.text("h1"), "Ada Lovelace · Senior Backend Engineer");
    let another_of_the_job = completed_interview(&app, &s, &[Given::Text("Hi.")]).await;
    assert_eq!(visitor.get(&format!("{single}/interviews/{another_of_the_job}")).await.status, StatusCode::NOT_FOUND);
}
