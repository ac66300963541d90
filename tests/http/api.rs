//! The JSON API: keys that Admins create on Settings (shown once, stored hashed,
//! revocable), no way in with a session cookie, each company's rows its own, scopes
//! checked per route, the same rules as the pages, idempotent writes, rate limits,
//! cursor pagination, and the OpenAPI document with its page.

use std::collections::BTreeSet;

use hifinity::auth::roles::{Access, ROUTES};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures,
    security::{database_digest, routes_in_source},
    support::{TestApp, count},
};

const ADMIN: &str = "riley@acme.com";

/// Creates a key on Settings › API keys as the signed-in Admin; returns the key shown.
pub async fn create_key(app: &TestApp, name: &str, scope: &str) -> String {
    let page = app.post("/settings/api-keys", &[("name", name), ("scope", scope)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = page.text("code.api-key");
    assert!(key.starts_with("hfy_"), "the new key is shown: {}", page.body);
    key
}

/// An API response: status, headers and the JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// A request to the API with `key` and no cookies, as another system makes it.
pub async fn call(app: &TestApp, key: Option<&str>, method: Method, path: &str, body: Option<Value>) -> Answer {
    call_with(app, key, method, path, body, &[]).await
}

async fn call_with(
    app: &TestApp,
    key: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = reqwest::Client::new().request(method, app.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Answer { status, headers, body }
}

/// Whether the answer is a problem with this status and code.
fn is_problem(answer: &Answer, status: StatusCode, code: &str) -> bool {
    let content_type = answer.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    answer.status == status
        && content_type == "application/problem+json"
        && answer.body["code"] == code
        && answer.body["status"] == status.as_u16()
        && answer.body["detail"].is_string()
}

async fn admin_app(pool: PgPool) -> TestApp {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    app
}

/// The API's routes of the access table with `scope`, by method and route.
fn api_routes(writes: bool) -> Vec<(&'static str, &'static str)> {
    ROUTES
        .iter()
        .filter(|(_, _, access)| matches!(access, Access::ApiKey(scope) if (*scope == hifinity::api::keys::Scope::ReadWrite) == writes))
        .map(|(method, route, _)| (*method, *route))
        .collect()
}

#[sqlx::test]
async fn a_key_is_shown_once_and_the_database_holds_only_its_sha256(pool: PgPool) {
    let app = admin_app(pool).await;
    let key = create_key(&app, "ATS sync", "read_write").await;

    let (stored, name, scope): (Vec<u8>, String, String) =
        sqlx::query_as("select key_hash, name, scope::text from api_keys").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stored, Sha256::digest(key.as_bytes()).to_vec());
    assert_eq!((name.as_str(), scope.as_str()), ("ATS sync", "read_write"));
    let anywhere: i64 = sqlx::query_scalar("select count(*) from api_keys where position($1 in name) > 0")
        .bind(&key)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(anywhere, 0);

    let list = app.get("/settings/api-keys").await;
    assert!(!list.body.contains(&key), "the key is never shown again");
    assert!(list.texts("table.api-keys td").contains(&"ATS sync".to_owned()));
    assert!(list.text("table.api-keys").contains("Never"), "not used yet");
    assert_eq!(count(&app, "select count(*) from audit_events where action = 'api_key_created'").await, 1);

    let jobs = call(&app, Some(&key), Method::GET, "/api/v1/jobs", None).await;
    assert_eq!(jobs.status, StatusCode::OK, "{}", jobs.body);
    assert_eq!(jobs.headers["cache-control"], "no-store");
    assert!(app.get("/settings/api-keys").await.text("table.api-keys").contains("just now"), "last used");
}

#[sqlx::test]
async fn a_key_needs_a_name_and_a_scope_and_only_admins_create_them(pool: PgPool) {
    let app = admin_app(pool).await;
    let page = app.post("/settings/api-keys", &[("name", " "), ("scope", "everything")]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("code.api-key").is_empty());
    assert_eq!(page.texts(".field-error").len(), 2, "{}", page.body);
    let recruiter = app.join_team("rita@acme.com", "Rita Recruiter", "recruiter").await;
    let refused = recruiter.post("/settings/api-keys", &[("name", "Mine"), ("scope", "read_write")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "select count(*) from api_keys").await, 0);
}

#[sqlx::test]
async fn a_revoked_key_is_refused_with_401(pool: PgPool) {
    let app = admin_app(pool).await;
    let key = create_key(&app, "Old sync", "read_only").await;
    let id: Uuid = sqlx::query_scalar("select id from api_keys").fetch_one(&app.pool).await.unwrap();
    let revoked = app.post(&format!("/settings/api-keys/{id}/revoke"), &[]).await;
    assert_eq!(revoked.flash(), "The API key was revoked: requests with it are refused from now on.");
    assert!(revoked.text("table.api-keys").contains("Revoked"));
    assert_eq!(count(&app, "select count(*) from audit_events where action = 'api_key_revoked'").await, 1);

    let refused = call(&app, Some(&key), Method::GET, "/api/v1/jobs", None).await;
    assert!(is_problem(&refused, StatusCode::UNAUTHORIZED, "unauthorized"), "{}", refused.body);
    let made_up = call(&app, Some("hfy_made-up"), Method::GET, "/api/v1/jobs", None).await;
    assert!(is_problem(&made_up, StatusCode::UNAUTHORIZED, "unauthorized"));
    let unknown = call(&app, Some(&key), Method::GET, "/api/v1/no-such-thing", None).await;
    assert!(is_problem(&unknown, StatusCode::NOT_FOUND, "not_found"), "an unknown address is a problem too");
}

/// A signed-in browser's cookie opens nothing, and a post from another site carrying it
/// changes nothing: the API ignores sessions, so cross-site requests have no way in.
#[sqlx::test]
async fn a_session_cookie_alone_gets_401_even_from_another_site(pool: PgPool) {
    let app = admin_app(pool).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let read = app.client.get(app.url("/api/v1/candidates")).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::UNAUTHORIZED);

    let before = database_digest(&app).await;
    let mut covered = BTreeSet::new();
    for (method, route) in api_routes(true) {
        let path = route.replace("{id}", &s.candidate_id.to_string());
        let body = json!({"name": "Eve", "email": "eve@example.com", "job_id": s.job_id, "version_id": s.version_id});
        let response = app
            .client
            .request(Method::from_bytes(method.as_bytes()).unwrap(), app.url(&path))
            .header("origin", "https://evil.example")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{method} {route}");
        covered.insert(route.to_owned());
    }
    assert_eq!(database_digest(&app).await, before);
    let api_posts: BTreeSet<String> = routes_in_source("post").into_iter().filter(|r| r.starts_with("/api/")).collect();
    assert_eq!(covered, api_posts, "every POST route of the API has a case");
}

#[sqlx::test]
async fn another_companys_ids_are_not_found_problems(pool: PgPool) {
    let app = admin_app(pool).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let sent = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"));
    let interview: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let theirs = create_key(&globex, "Globex sync", "read_write").await;
    let before = database_digest(&app).await;
    let (c, i) = (s.candidate_id, interview);
    let cases = [
        (Method::GET, format!("/api/v1/candidates/{c}"), None),
        (Method::GET, format!("/api/v1/interviews/{i}"), None),
        (
            Method::POST,
            format!("/api/v1/candidates/{c}/interviews"),
            Some(json!({"job_id": s.job_id, "version_id": s.version_id})),
        ),
        (Method::POST, format!("/api/v1/interviews/{i}/resend"), None),
        (Method::POST, format!("/api/v1/interviews/{i}/cancel"), None),
        (Method::POST, format!("/api/v1/interviews/{i}/evaluation/rerun"), None),
        (Method::POST, format!("/api/v1/interviews/{i}/decision"), Some(json!({"decision": "advance"}))),
        (Method::GET, "/api/v1/interviews/not-an-id".to_owned(), None),
    ];
    for (method, path, body) in cases {
        let answer = call(&app, Some(&theirs), method.clone(), &path, body).await;
        assert!(is_problem(&answer, StatusCode::NOT_FOUND, "not_found"), "{method} {path}: {}", answer.body);
    }
    assert_eq!(
        database_digest(&app).await.into_iter().filter(|(t, _)| t != "api_keys").collect::<Vec<_>>(),
        before.into_iter().filter(|(t, _)| t != "api_keys").collect::<Vec<_>>()
    );
    let listed = call(&app, Some(&theirs), Method::GET, "/api/v1/candidates", None).await;
    assert_eq!(listed.body["data"], json!([]), "Globex lists none of Acme's candidates");
}

#[sqlx::test]
async fn a_read_only_key_gets_403_on_every_write_and_changes_nothing(pool: PgPool) {
    let app = admin_app(pool).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let sent = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"));
    let interview: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&app.pool).await.unwrap();
    let key = create_key(&app, "Reporting", "read_only").await;

    let digest =
        || async { database_digest(&app).await.into_iter().filter(|(t, _)| t != "api_keys").collect::<Vec<_>>() };
    let before = digest().await;
    let writes = api_routes(true);
    assert_eq!(writes.len(), 6);
    for (method, route) in writes {
        let id = if route.starts_with("/api/v1/candidates") { s.candidate_id } else { interview };
        let path = route.replace("{id}", &id.to_string());
        let body = json!({"name": "Eve", "email": "eve@example.com", "job_id": s.job_id, "version_id": s.version_id,
            "decision": "advance"});
        let answer = call(&app, Some(&key), Method::from_bytes(method.as_bytes()).unwrap(), &path, Some(body)).await;
        assert!(is_problem(&answer, StatusCode::FORBIDDEN, "read_only_key"), "{method} {route}: {}", answer.body);
    }
    assert_eq!(digest().await, before);
    for (_, route) in api_routes(false) {
        let path =
            route.replace("{id}", &if route.contains("candidates") { s.candidate_id } else { interview }.to_string());
        let answer = call(&app, Some(&key), Method::GET, &path, None).await;
        assert_eq!(answer.status, StatusCode::OK, "GET {route}: {}", answer.body);
    }
}

#[sqlx::test]
async fn candidates_are_created_found_by_email_and_listed_with_the_pages_search(pool: PgPool) {
    let app = admin_app(pool).await;
    let key = create_key(&app, "ATS", "read_write").await;
    let created = call(
        &app,
        Some(&key),
        Method::POST,
        "/api/v1/candidates",
        Some(json!({"name": "Grace Hopper", "email": "Grace@Example.com", "phone": "+1 555 0100"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["name"], "Grace Hopper");
    assert_eq!(created.body["status"], "new");
    let grace = created.body["id"].as_str().unwrap().to_owned();

    let again = call(
        &app,
        Some(&key),
        Method::POST,
        "/api/v1/candidates",
        Some(json!({"name": "G", "email": "grace@example.com"})),
    )
    .await;
    assert!(is_problem(&again, StatusCode::CONFLICT, "email_taken"), "{}", again.body);
    let invalid =
        call(&app, Some(&key), Method::POST, "/api/v1/candidates", Some(json!({"name": "", "email": "nope"}))).await;
    assert!(is_problem(&invalid, StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"), "{}", invalid.body);
    let fields: BTreeSet<&str> =
        invalid.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, BTreeSet::from(["name", "email"]));
    let unreadable =
        call_with(&app, Some(&key), Method::POST, "/api/v1/candidates", None, &[("content-type", "application/json")])
            .await;
    assert!(is_problem(&unreadable, StatusCode::BAD_REQUEST, "unreadable_body"), "{}", unreadable.body);

    let company = app.company_id(ADMIN).await;
    fixtures::candidate(&app.pool, company, "Alan Turing", "alan@example.com").await;
    let found = call(&app, Some(&key), Method::GET, "/api/v1/candidates?email=GRACE@example.com", None).await;
    assert_eq!(found.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["data"][0]["id"], grace.as_str());
    let nobody = call(&app, Some(&key), Method::GET, "/api/v1/candidates?email=nobody@example.com", None).await;
    assert_eq!(nobody.body["data"], json!([]));
    let searched = call(&app, Some(&key), Method::GET, "/api/v1/candidates?q=turi", None).await;
    let names: Vec<&str> =
        searched.body["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Alan Turing"]);
    let page = app.get("/candidates?q=turi").await;
    assert!(page.body.contains("Alan Turing") && !page.body.contains("Grace Hopper"), "the page finds the same");
    let invited = call(&app, Some(&key), Method::GET, "/api/v1/candidates?status=invited", None).await;
    assert_eq!(invited.body["data"], json!([]));
    let shown = call(&app, Some(&key), Method::GET, &format!("/api/v1/candidates/{grace}"), None).await;
    assert_eq!(shown.body["phone"], "+1 555 0100");
}

#[sqlx::test]
async fn an_interview_sent_through_the_api_is_emailed_resent_and_cancelled(pool: PgPool) {
    let app = admin_app(pool).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let key = create_key(&app, "ATS", "read_write").await;

    let templates = call(&app, Some(&key), Method::GET, "/api/v1/templates", None).await;
    let template = &templates.body["data"][0];
    assert_eq!(template["version_id"], s.version_id.to_string());
    let jobs = call(&app, Some(&key), Method::GET, "/api/v1/jobs", None).await;
    assert_eq!(jobs.body["data"][0]["title"], "Senior Backend Engineer");

    let path = format!("/api/v1/candidates/{}/interviews", s.candidate_id);
    let choice = json!({"job_id": template["job_id"], "version_id": template["version_id"]});
    let sent = call(&app, Some(&key), Method::POST, &path, Some(choice)).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(sent.body["status"], "pending");
    let id = sent.body["id"].as_str().unwrap().to_owned();
    app.deliver_mail().await;
    let outbox = app.get("/outbox").await;
    assert!(outbox.body.contains("ada@example.com"), "the invitation is in the outbox");
    assert_eq!(count(&app, "select count(*) from emails where kind = 'invitation'").await, 1);
    let shown = call(&app, Some(&key), Method::GET, &format!("/api/v1/interviews/{id}"), None).await;
    let events: Vec<&str> =
        shown.body["timeline"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(events.len() >= 2, "queued and sent: {events:?}");
    assert_eq!(shown.body["evaluation"], Value::Null);
    assert_eq!(shown.body["decision"], Value::Null);
    let sender: String = sqlx::query_scalar("select u.email::text from interviews i join users u on u.id = i.sent_by")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sender, ADMIN, "sent for the key's creator");

    let too_soon = call(&app, Some(&key), Method::POST, &format!("/api/v1/interviews/{id}/resend"), None).await;
    assert!(is_problem(&too_soon, StatusCode::CONFLICT, "resent_too_soon"), "{}", too_soon.body);
    sqlx::query("update interviews set last_invited_at = last_invited_at - interval '1 day'")
        .execute(&app.pool)
        .await
        .unwrap();
    let resent = call(&app, Some(&key), Method::POST, &format!("/api/v1/interviews/{id}/resend"), None).await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    assert_eq!(count(&app, "select count(*) from emails where kind = 'resend'").await, 1);

    let cancelled = call(&app, Some(&key), Method::POST, &format!("/api/v1/interviews/{id}/cancel"), None).await;
    assert_eq!(cancelled.body["status"], "cancelled", "{}", cancelled.body);
    let again = call(&app, Some(&key), Method::POST, &format!("/api/v1/interviews/{id}/cancel"), None).await;
    assert!(is_problem(&again, StatusCode::CONFLICT, "not_allowed_in_this_state"), "{}", again.body);
    assert_eq!(count(&app, "select count(*) from audit_events where action in ('interview_sent', 'interview_resent', 'interview_cancelled')").await, 3);
}

/// The rule the page keeps, kept for the API too: an interview the candidate set for a
/// person's review is never evaluated again.
#[sqlx::test]
async fn a_new_evaluation_run_is_refused_for_an_interview_set_for_a_persons_review_and_the_team_decides(pool: PgPool) {
    let app = admin_app(pool).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    let key = create_key(&app, "ATS", "read_write").await;
    let path = format!("/api/v1/candidates/{}/interviews", s.candidate_id);
    let sent =
        call(&app, Some(&key), Method::POST, &path, Some(json!({"job_id": s.job_id, "version_id": s.version_id})))
            .await;
    let id = sent.body["id"].as_str().unwrap().to_owned();
    let not_done =
        call(&app, Some(&key), Method::POST, &format!("/api/v1/interviews/{id}/evaluation/rerun"), None).await;
    assert!(is_problem(&not_done, StatusCode::CONFLICT, "not_completed"), "{}", not_done.body);
    sqlx::query("update interviews set status = 'completed', completed_at = now(), human_review_requested_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    let refused =
        call(&app, Some(&key), Method::POST, &format!("/api/v1/interviews/{id}/evaluation/rerun"), None).await;
    assert!(is_problem(&refused, StatusCode::CONFLICT, "human_review"), "{}", refused.body);
    assert_eq!(count(&app, "select count(*) from evaluations").await, 0);

    let unknown = call(
        &app,
        Some(&key),
        Method::POST,
        &format!("/api/v1/interviews/{id}/decision"),
        Some(json!({"decision": "maybe"})),
    )
    .await;
    assert!(is_problem(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"), "{}", unknown.body);
    let decided = call(
        &app,
        Some(&key),
        Method::POST,
        &format!("/api/v1/interviews/{id}/decision"),
        Some(json!({"decision": "advance", "note": " Strong answers. "})),
    )
    .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    assert_eq!(decided.body["decision"]["decision"], "advance");
    assert_eq!(decided.body["decision"]["note"], "Strong answers.");
}

#[sqlx::test]
async fn an_idempotency_key_returns_the_first_result_and_refuses_another_body_or_a_repeat_in_flight(pool: PgPool) {
    let app = admin_app(pool).await;
    let key = create_key(&app, "ATS", "read_write").await;
    let grace = json!({"name": "Grace Hopper", "email": "grace@example.com"});
    let post = |body: Value, idempotency: &'static str| {
        let (app, key) = (&app, key.clone());
        async move {
            call_with(
                app,
                Some(&key),
                Method::POST,
                "/api/v1/candidates",
                Some(body),
                &[("idempotency-key", idempotency)],
            )
            .await
        }
    };
    let first = post(grace.clone(), "create-grace").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let repeat = post(grace.clone(), "create-grace").await;
    assert_eq!((repeat.status, &repeat.body), (StatusCode::CREATED, &first.body), "the first result again");
    assert_eq!(repeat.headers["idempotent-replayed"], "true");
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);

    let other = post(json!({"name": "Alan Turing", "email": "alan@example.com"}), "create-grace").await;
    assert!(is_problem(&other, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"), "{}", other.body);
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);

    // A first request still being answered, as another instance would have claimed it.
    let body = serde_json::to_vec(&json!({"name": "Alan Turing", "email": "alan@example.com"})).unwrap();
    let hash = hifinity::api::idempotency::request_hash(&axum::http::Method::POST, "/api/v1/candidates", &body);
    sqlx::query(
        "insert into api_idempotency_keys (company_id, idempotency_key, request_hash) values ($1, 'create-alan', $2)",
    )
    .bind(app.company_id(ADMIN).await)
    .bind(hash)
    .execute(&app.pool)
    .await
    .unwrap();
    let waiting = post(json!({"name": "Alan Turing", "email": "alan@example.com"}), "create-alan").await;
    assert!(is_problem(&waiting, StatusCode::CONFLICT, "idempotency_key_in_flight"), "{}", waiting.body);
    assert_eq!(count(&app, "select count(*) from candidates").await, 1);

    // Another company's same key is its own.
    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let theirs = create_key(&globex, "Globex", "read_write").await;
    let answer = call_with(
        &app,
        Some(&theirs),
        Method::POST,
        "/api/v1/candidates",
        Some(grace),
        &[("idempotency-key", "create-grace")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_ne!(answer.body["id"], first.body["id"]);

    // Kept a day: housekeeping forgets older keys.
    sqlx::query("update api_idempotency_keys set created_at = now() - interval '25 hours' where idempotency_key = 'create-grace'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(hifinity::api::idempotency::delete_expired(&app.pool).await.unwrap(), 2);
    assert_eq!(count(&app, "select count(*) from api_idempotency_keys").await, 1);
}

#[sqlx::test]
async fn a_key_past_its_rate_limit_gets_429_with_the_rate_limit_headers(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| config.api_requests_per_minute = 3).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let key = create_key(&app, "Chatty", "read_only").await;
    let other = create_key(&app, "Quiet", "read_only").await;
    for remaining in [2, 1, 0] {
        let answer = call(&app, Some(&key), Method::GET, "/api/v1/jobs", None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.headers["ratelimit-policy"], "3;w=60");
        let header = answer.headers["ratelimit"].to_str().unwrap();
        assert!(header.starts_with(&format!("limit=3, remaining={remaining}, reset=")), "{header}");
    }
    let refused = call(&app, Some(&key), Method::GET, "/api/v1/jobs", None).await;
    assert!(is_problem(&refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited"), "{}", refused.body);
    let retry_after: i64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(refused.headers["ratelimit"].to_str().unwrap().contains("remaining=0"));
    let counted: i32 = sqlx::query_scalar("select window_hits from api_keys where name = 'Chatty'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(counted, 4, "counted in Postgres, where every instance counts");

    let quiet = call(&app, Some(&other), Method::GET, "/api/v1/jobs", None).await;
    assert_eq!(quiet.status, StatusCode::OK, "each key has its own limit");
    sqlx::query("update api_keys set window_started_at = now() - interval '61 seconds'")
        .execute(&app.pool)
        .await
        .unwrap();
    let next_minute = call(&app, Some(&key), Method::GET, "/api/v1/jobs", None).await;
    assert_eq!(next_minute.status, StatusCode::OK, "a new window");
}

#[sqlx::test]
async fn cursor_pagination_walks_every_candidate_exactly_once(pool: PgPool) {
    let app = admin_app(pool).await;
    let company = app.company_id(ADMIN).await;
    for n in 0..23 {
        fixtures::candidate(&app.pool, company, &format!("Person {n:02}"), &format!("p{n}@example.com")).await;
    }
    // Some share a creation time, so the cursor must break ties by id.
    sqlx::query("update candidates set created_at = date_trunc('minute', created_at)")
        .execute(&app.pool)
        .await
        .unwrap();
    let key = create_key(&app, "Sync", "read_only").await;

    let walk = |query: &'static str| {
        let (app, key) = (&app, key.clone());
        async move {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let path = match &cursor {
                    Some(c) => format!("/api/v1/candidates?limit=5&{query}&cursor={c}"),
                    None => format!("/api/v1/candidates?limit=5&{query}"),
                };
                let page = call(app, Some(&key), Method::GET, &path, None).await;
                assert_eq!(page.status, StatusCode::OK, "{}", page.body);
                let rows = page.body["data"].as_array().unwrap();
                assert!(rows.len() <= 5);
                seen.extend(rows.iter().map(|r| r["id"].as_str().unwrap().to_owned()));
                match page.body["next_cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break,
                }
            }
            seen
        }
    };
    let everyone = walk("").await;
    assert_eq!(everyone.len(), 23);
    assert_eq!(everyone.iter().collect::<BTreeSet<_>>().len(), 23, "each once");
    let ordered: Vec<String> = sqlx::query_scalar("select id::text from candidates order by created_at desc, id desc")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(everyone, ordered, "newest first");
    let searched = walk("q=person+1").await;
    assert_eq!(searched.len(), 10, "Person 10 to 19");

    let made_up = call(&app, Some(&key), Method::GET, "/api/v1/candidates?cursor=nonsense", None).await;
    assert!(is_problem(&made_up, StatusCode::BAD_REQUEST, "bad_request"), "{}", made_up.body);
}

#[sqlx::test]
async fn the_openapi_document_lists_every_route_and_its_page_renders_without_scripts(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let document = call(&app, None, Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(document.status, StatusCode::OK);
    assert!(document.body["openapi"].as_str().unwrap().starts_with("3."));
    let mut missing = Vec::new();
    for (method, route) in api_routes(true).into_iter().chain(api_routes(false)) {
        if !document.body["paths"][route][method.to_lowercase()].is_object() {
            missing.push(format!("{method} {route}"));
        }
    }
    assert!(missing.is_empty(), "not in the document: {missing:?}");

    let page = app.get("/api/v1/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Hifinity API");
    let operations = page.texts(".api-operation h2");
    assert!(operations.contains(&"POST /api/v1/candidates/{id}/interviews".to_owned()), "{operations:?}");
    assert!(page.texts(".api-schema h3").contains(&"Problem".to_owned()));
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let scripts = page.attrs("script[src]", "src");
    assert!(scripts.iter().all(|src| src.starts_with("/static/")), "assets from the app itself: {scripts:?}");
}
