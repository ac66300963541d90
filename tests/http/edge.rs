//! The HTTP edge: what cannot be read from a request gets the product's own pages in the
//! layout, never a framework's plain text. A malformed id in any path is the 404 page,
//! like an id that does not exist; a form body that cannot be read is an error page.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures,
    security::routes_in_source,
    support::{Page, TestApp},
};

const RECRUITER: &str = "riley@acme.com";

/// Every route with an id in its path, by method and route template.
const ROUTES_WITH_IDS: &[(&str, &str)] = &[
    ("GET", "/jobs/{id}"),
    ("GET", "/jobs/{id}/edit"),
    ("POST", "/jobs/{id}/edit"),
    ("POST", "/jobs/{id}/close"),
    ("POST", "/jobs/{id}/reopen"),
    ("POST", "/jobs/{id}/reviewers"),
    ("POST", "/jobs/{id}/reviewers/{user_id}/remove"),
    ("GET", "/candidates/{id}"),
    ("GET", "/candidates/{id}/edit"),
    ("POST", "/candidates/{id}/edit"),
    ("POST", "/candidates/{id}/delete"),
    ("POST", "/candidates/{id}/restore"),
    ("POST", "/candidates/{id}/applications"),
    ("GET", "/candidates/{id}/erase"),
    ("POST", "/candidates/{id}/erase"),
    ("GET", "/interviews/{id}/erase"),
    ("POST", "/interviews/{id}/erase"),
    ("POST", "/candidates/{id}/erasure-request"),
    ("GET", "/candidates/{id}/archive"),
    ("GET", "/candidates/{id}/send-interview"),
    ("POST", "/candidates/{id}/send-interview"),
    ("GET", "/interview-templates/{id}"),
    ("GET", "/interview-templates/{id}/edit"),
    ("POST", "/interview-templates/{id}/edit"),
    ("GET", "/interview-templates/{id}/preview"),
    ("POST", "/interview-templates/{id}/publish"),
    ("POST", "/interview-templates/{id}/new-draft"),
    ("POST", "/interview-templates/{id}/questions"),
    ("GET", "/interview-templates/{id}/questions/{question_id}/edit"),
    ("POST", "/interview-templates/{id}/questions/{question_id}/edit"),
    ("POST", "/interview-templates/{id}/questions/{question_id}/remove"),
    ("POST", "/interview-templates/{id}/questions/{question_id}/move-up"),
    ("POST", "/interview-templates/{id}/questions/{question_id}/move-down"),
    ("GET", "/interviews/{id}"),
    ("POST", "/interviews/{id}/resend"),
    ("POST", "/interviews/{id}/new-link"),
    ("POST", "/interviews/{id}/cancel"),
    ("POST", "/interviews/{id}/extend"),
    ("POST", "/interviews/{id}/time-allowance"),
    ("GET", "/interviews/{id}/answers/{answer_id}/media"),
    ("POST", "/interviews/{id}/evaluation/rerun"),
    ("POST", "/interviews/{id}/answers/{answer_id}/review"),
    ("POST", "/interviews/{id}/decision"),
    ("POST", "/interviews/{id}/reviewers"),
    ("POST", "/interviews/{id}/reviewers/{user_id}/remove"),
    ("POST", "/interviews/{id}/shares"),
    ("POST", "/interviews/{id}/shares/{share_id}/revoke"),
    ("GET", "/jobs/{id}/export"),
    ("GET", "/candidates/import/{id}"),
    ("POST", "/candidates/import/{id}"),
    // A share link's pages, with the candidate's token in place of a share's: the
    // malformed id is what is refused.
    ("GET", "/s/{token}/interviews/{id}"),
    ("GET", "/s/{token}/interviews/{id}/answers/{answer_id}/media"),
    ("GET", "/applications/{id}"),
    ("POST", "/applications/{id}/stage"),
    ("GET", "/outbox/{id}"),
    ("GET", "/outbox/{id}/html"),
    ("POST", "/team/invitations/{id}/resend"),
    ("POST", "/team/invitations/{id}/revoke"),
    ("POST", "/team/members/{id}/role"),
    ("POST", "/team/members/{id}/deactivate"),
    ("POST", "/team/members/{id}/reactivate"),
    ("POST", "/settings/api-keys/{id}/revoke"),
    ("POST", "/account/sessions/{id}/sign-out"),
    ("GET", "/settings/webhooks/{id}"),
    ("POST", "/settings/webhooks/{id}/delete"),
    ("POST", "/settings/webhooks/{id}/enable"),
    ("POST", "/settings/webhooks/{id}/deliveries/{delivery_id}/redeliver"),
    // The candidate's working link, with a malformed question id.
    ("POST", "/i/{token}/answers/{question_id}"),
];

/// The JSON API's routes with an id: a malformed one is a not-found problem, not a page.
const API_ROUTES_WITH_IDS: &[(&str, &str)] = &[
    ("GET", "/api/v1/candidates/{id}"),
    ("POST", "/api/v1/candidates/{id}/interviews"),
    ("GET", "/api/v1/interviews/{id}"),
    ("POST", "/api/v1/interviews/{id}/resend"),
    ("POST", "/api/v1/interviews/{id}/cancel"),
    ("POST", "/api/v1/interviews/{id}/evaluation/rerun"),
    ("POST", "/api/v1/interviews/{id}/decision"),
];

/// The link of the company's one sent interview, as its token.
async fn sent_interview_token(app: &TestApp) -> String {
    let sendable = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    let sent = app.send_interview(sendable.candidate_id, sendable.job_id, sendable.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
    let (id, nonce): (Uuid, Vec<u8>) =
        sqlx::query_as("select id, link_nonce from interviews").fetch_one(&app.pool).await.unwrap();
    hifinity::interviews::link::token(&app.state.config.secret_key, id, &nonce)
}

/// Whether the page is the product's error page, inside the layout; if not, what it is.
fn error_page_problem(page: &Page, status: StatusCode, title: &str) -> Option<String> {
    let found = (
        page.status,
        page.texts(".error-page h1").join(""),
        page.texts("title").join(""),
        page.texts("header.topbar .brand").join(""),
    );
    let expected = (status, title.to_owned(), format!("{title} · Hifinity"), "Hifinity".to_owned());
    (found != expected).then(|| format!("{found:?}: {}", page.body.chars().take(200).collect::<String>()))
}

/// `{id}` and `{…_id}` name ids; `{token}` and `{pixel}` do not.
fn has_id(route: &str) -> bool {
    route.contains("{id}") || route.contains("_id}")
}

#[test]
fn every_route_with_an_id_has_a_case() {
    for method in ["GET", "POST"] {
        let in_source: BTreeSet<String> =
            routes_in_source(&method.to_lowercase()).into_iter().filter(|route| has_id(route)).collect();
        let in_table: BTreeSet<String> = ROUTES_WITH_IDS
            .iter()
            .chain(API_ROUTES_WITH_IDS)
            .filter(|(m, _)| *m == method)
            .map(|(_, route)| (*route).to_owned())
            .collect();
        assert_eq!(in_table, in_source, "{method} routes with an id");
    }
}

#[sqlx::test]
async fn a_malformed_id_in_any_path_gets_the_not_found_page_in_the_layout(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let token = sent_interview_token(&app).await;

    let mut failures = Vec::new();
    for (method, route) in ROUTES_WITH_IDS {
        let path = route
            .replace("{token}", &token)
            .replace("{id}", "not-an-id")
            .replace("{question_id}", "not-an-id")
            .replace("{answer_id}", "not-an-id")
            .replace("{user_id}", "not-an-id")
            .replace("{share_id}", "not-an-id")
            .replace("{delivery_id}", "not-an-id");
        let http_method = Method::from_bytes(method.as_bytes()).unwrap();
        // An empty form, whose missing fields are not what is refused: the id is.
        let request = app.client.request(http_method, app.url(&path)).form(&[] as &[(&str, &str)]);
        let page = Page::from(request.send().await.unwrap()).await;
        if let Some(problem) = error_page_problem(&page, StatusCode::NOT_FOUND, "Page not found") {
            failures.push(format!("{method} {route}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "not the 404 page in the layout:\n{}", failures.join("\n"));
}

#[sqlx::test]
async fn a_malformed_id_in_an_api_path_is_a_not_found_problem(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let key = crate::api::create_key(&app, "Sync", "read_write").await;
    for (method, route) in API_ROUTES_WITH_IDS {
        let path = route.replace("{id}", "not-an-id");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let answer = crate::api::call(&app, Some(&key), method, &path, Some(serde_json::json!({}))).await;
        assert_eq!(
            (answer.status, &answer.body["code"]),
            (StatusCode::NOT_FOUND, &serde_json::json!("not_found")),
            "{route}"
        );
    }
}

#[sqlx::test]
async fn a_query_string_that_cannot_be_read_gets_an_error_page_in_the_layout(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let token = sent_interview_token(&app).await;
    let cases = [
        ("the candidate's question is not an id", format!("/i/{token}/q?question=not-an-id")),
        ("a filter is given twice", "/candidates?status=new&status=active".to_owned()),
    ];
    for (case, path) in cases {
        let page = app.get(&path).await;
        let problem = error_page_problem(&page, StatusCode::BAD_REQUEST, "This address could not be read");
        assert!(problem.is_none(), "{case}: {}", problem.unwrap_or_default());
    }
}

#[sqlx::test]
async fn a_form_body_that_cannot_be_read_gets_an_error_page_in_the_layout(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let candidate =
        fixtures::candidate(&app.pool, app.company_id(RECRUITER).await, "Ada Lovelace", "ada@example.com").await;
    let send_path = format!("/candidates/{candidate}/send-interview");
    let too_large = format!("title={}", "x".repeat(300 * 1024));
    let cases: &[(&str, &str, &str, String, StatusCode)] = &[
        (
            "a required field is missing",
            "/sign-in",
            "application/x-www-form-urlencoded",
            "email=riley%40acme.com".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "a field is not of its type",
            &send_path,
            "application/x-www-form-urlencoded",
            "idempotency_key=not-a-key".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "the body is not a form",
            "/jobs/new",
            "application/json",
            r#"{"title":"Engineer"}"#.into(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "the body is larger than a form may be",
            "/jobs/new",
            "application/x-www-form-urlencoded",
            too_large,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    let mut failures = Vec::new();
    for (case, path, content_type, body, status) in cases {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", *content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let page = Page::from(response).await;
        if let Some(problem) = error_page_problem(&page, *status, "This form could not be read") {
            failures.push(format!("{case}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "not the error page in the layout:\n{}", failures.join("\n"));
    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&app.pool).await.unwrap();
    assert_eq!(jobs, 0, "nothing was created");
}
