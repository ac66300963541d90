//! Roles: the access table names every route of the router, and each role, walking
//! every route of the table, is allowed exactly what the table says, refused the rest
//! with the 403 page and nothing changed, and shown no link or button it cannot use.

use std::collections::BTreeSet;

use hifinity::auth::roles::{Access, ROUTES, Role, access};
use reqwest::{Method, StatusCode};
use scraper::{Html, Selector};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures,
    security::{database_digest, routes_in_source},
    support::{Page, TestApp},
};

const ADMIN: &str = "riley@acme.com";

#[test]
fn every_route_of_the_router_is_in_the_access_table() {
    for method in ["GET", "POST"] {
        let in_source = routes_in_source(&method.to_lowercase());
        let in_table: BTreeSet<String> =
            ROUTES.iter().filter(|(m, _, _)| *m == method).map(|(_, route, _)| (*route).to_owned()).collect();
        assert_eq!(in_table, in_source, "{method} routes of the access table and of the routers");
    }
    let entries: BTreeSet<_> = ROUTES.iter().map(|(m, r, _)| (m, r)).collect();
    assert_eq!(entries.len(), ROUTES.len(), "each route once");
}

/// A company with one member of each role (and one more to change), an interview sent,
/// its email, and a pending invitation: what the routes' ids point at.
struct World {
    admin: TestApp,
    recruiter: TestApp,
    reviewer: TestApp,
    ids: Vec<(&'static str, Uuid)>,
}

async fn world(pool: PgPool) -> World {
    let admin = TestApp::spawn(pool).await;
    admin.sign_up("Acme Robotics", ADMIN).await;
    let recruiter = admin.join_team("rita@acme.com", "Rita Recruiter", "recruiter").await;
    let reviewer = admin.join_team("vic@acme.com", "Vic Reviewer", "reviewer").await;
    admin.join_team("sam@acme.com", "Sam Spare", "recruiter").await;
    let hook = [("url", "https://hooks.acme.example/in"), ("events", "interview.sent")];
    assert!(admin.post("/settings/webhooks", &hook).await.body.contains("whsec_"));
    let sent = admin.post("/team/invitations", &[("email", "pat@acme.com"), ("role", "reviewer")]).await;
    assert_eq!(sent.status, StatusCode::OK);
    let s = fixtures::sendable(&admin.pool, admin.company_id(ADMIN).await).await;
    let sent = admin.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
    admin.deliver_mail().await;
    let one = |sql: &'static str| {
        let pool = admin.pool.clone();
        async move { sqlx::query_scalar::<_, Uuid>(sql).fetch_one(&pool).await.unwrap() }
    };
    let ids = vec![
        ("/jobs/", s.job_id),
        ("/candidates/", s.candidate_id),
        ("/interview-templates/", one("select id from interview_templates").await),
        ("/interviews/", one("select id from interviews").await),
        ("/applications/", one("select id from applications").await),
        ("/outbox/", one("select id from emails").await),
        ("/team/invitations/", one("select id from team_invitations where accepted_at is null").await),
        ("/team/members/", one("select id from users where email = 'sam@acme.com'").await),
        ("/settings/webhooks/", one("select id from webhook_endpoints").await),
    ];
    World { admin, recruiter, reviewer, ids }
}

impl World {
    fn browser(&self, role: Role) -> &TestApp {
        match role {
            Role::Admin => &self.admin,
            Role::Recruiter => &self.recruiter,
            Role::Reviewer => &self.reviewer,
        }
    }

    /// The route's path with the world's ids (a fresh uuid for the ids it lacks, such as
    /// a question's: the role is decided before the id is looked up).
    fn path(&self, route: &str) -> String {
        let id = self.ids.iter().find(|(prefix, _)| route.starts_with(prefix)).map_or_else(Uuid::new_v4, |(_, id)| *id);
        route
            .replace("{id}", &id.to_string())
            .replace("{question_id}", &Uuid::new_v4().to_string())
            .replace("{answer_id}", &Uuid::new_v4().to_string())
            .replace("{user_id}", &Uuid::new_v4().to_string())
            .replace("{share_id}", &Uuid::new_v4().to_string())
            .replace("{delivery_id}", &Uuid::new_v4().to_string())
    }
}

/// The table's route template for a path of the app (the most literal one that fits).
fn route_of(method: &str, path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES
        .iter()
        .filter(|(m, route, _)| {
            let parts: Vec<&str> = route.split('/').collect();
            *m == method
                && parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(p, s)| p.starts_with('{') || p == s)
        })
        .max_by_key(|(_, route, _)| route.split('/').filter(|p| !p.starts_with('{')).count())
        .map(|(_, route, _)| *route)
}

/// Every link and form of a page, as (method, path).
fn actions_of(page: &Page) -> Vec<(String, String)> {
    let html = Html::parse_document(&page.body);
    let mut found = Vec::new();
    for link in html.select(&Selector::parse("a[href]").unwrap()) {
        found.push(("GET".to_owned(), link.value().attr("href").unwrap().to_owned()));
    }
    for form in html.select(&Selector::parse("form[action]").unwrap()) {
        let method = form.value().attr("method").unwrap_or("get").to_uppercase();
        found.push((method, form.value().attr("action").unwrap().to_owned()));
    }
    found
        .into_iter()
        .filter(|(_, target)| target.starts_with('/'))
        .map(|(method, target)| (method, target.split(['?', '#']).next().unwrap().to_owned()))
        .collect()
}

/// Everything but the sessions' last-seen touch, which a refused request may make too.
async fn digest(app: &TestApp) -> Vec<(String, String)> {
    database_digest(app).await.into_iter().filter(|(table, _)| table != "sessions").collect()
}

/// Walks every members' route of the table as `role`, with an empty form for posts:
/// an allowed route is not refused (whatever the handler then says of the empty form),
/// any other gets the 403 page in the layout with the database as it was, and no page
/// links to or posts to a route the role may not use. Returns the routes allowed.
async fn walk(world: &World, role: Role) -> BTreeSet<(&'static str, &'static str)> {
    let browser = world.browser(role);
    // The session notes the browser's address on its first request.
    browser.get("/account").await;
    let mut allowed = BTreeSet::new();
    let mut failures = Vec::new();
    for (method, route, entry) in ROUTES {
        let Access::Member(least) = entry else { continue };
        let path = world.path(route);
        let before = digest(browser).await;
        let request = browser.client.request(Method::from_bytes(method.as_bytes()).unwrap(), browser.url(&path));
        let page = Page::from(request.form(&[] as &[(&str, &str)]).send().await.unwrap()).await;
        if page.url.contains("/sign-in") {
            failures.push(format!("{method} {route}: sent to sign in"));
        } else if role >= *least {
            allowed.insert((*method, *route));
            if page.status == StatusCode::FORBIDDEN {
                failures.push(format!("{method} {route}: refused, but the table allows it"));
            }
        } else {
            let refused =
                (page.status, page.texts(".error-page h1").join(""), page.texts("header.topbar .brand").join(""));
            if refused != (StatusCode::FORBIDDEN, "Not allowed".to_owned(), "Hifinity".to_owned()) {
                failures.push(format!("{method} {route}: not the 403 page in the layout: {refused:?}"));
            }
            if digest(browser).await != before {
                failures.push(format!("{method} {route}: refused, but the database changed"));
            }
        }
        if *method == "GET" && page.status == StatusCode::OK {
            for (action_method, target) in actions_of(&page) {
                let shown = route_of(&action_method, &target);
                let usable =
                    shown.and_then(|shown| access(&Method::from_bytes(action_method.as_bytes()).unwrap(), shown));
                if !matches!(usable, Some(Access::Public)) && !matches!(usable, Some(Access::Member(r)) if role >= r) {
                    failures.push(format!("GET {route} shows {action_method} {target} ({shown:?})"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "as {role:?}:\n{}", failures.join("\n"));
    allowed
}

#[sqlx::test]
async fn an_admin_may_use_every_route(pool: PgPool) {
    let world = world(pool).await;
    let allowed = walk(&world, Role::Admin).await;
    let members = ROUTES.iter().filter(|(_, _, a)| matches!(a, Access::Member(_))).count();
    assert_eq!(allowed.len(), members);
}

#[sqlx::test]
async fn a_recruiter_may_use_everything_but_the_team_and_settings(pool: PgPool) {
    let world = world(pool).await;
    let allowed = walk(&world, Role::Recruiter).await;
    let refused: BTreeSet<_> = ROUTES
        .iter()
        .filter(|(m, r, a)| matches!(a, Access::Member(_)) && !allowed.contains(&(*m, *r)))
        .map(|(m, r, _)| format!("{m} {r}"))
        .collect();
    let expected = [
        "GET /settings",
        "GET /settings/emails",
        "GET /settings/api-keys",
        "GET /audit",
        "GET /team",
        "POST /settings",
        "POST /settings/blind-review",
        "POST /settings/privacy",
        "POST /settings/data",
        "POST /settings/emails",
        "GET /settings/webhooks",
        "GET /settings/webhooks/{id}",
        "POST /settings/webhooks",
        "POST /settings/webhooks/{id}/delete",
        "POST /settings/webhooks/{id}/enable",
        "POST /settings/webhooks/{id}/deliveries/{delivery_id}/redeliver",
        "POST /settings/api-keys",
        "POST /settings/api-keys/{id}/revoke",
        "POST /team/invitations",
        "POST /team/invitations/{id}/resend",
        "POST /team/invitations/{id}/revoke",
        "POST /team/members/{id}/deactivate",
        "POST /team/members/{id}/reactivate",
        "POST /team/members/{id}/role",
    ];
    assert_eq!(refused, expected.iter().map(|s| s.to_string()).collect());
}

#[sqlx::test]
async fn a_reviewer_reads_plays_rates_and_notes_but_changes_nothing_else(pool: PgPool) {
    let world = world(pool).await;
    let allowed = walk(&world, Role::Reviewer).await;
    let posts: Vec<_> = allowed.iter().filter(|(m, _)| *m == "POST").map(|(_, r)| *r).collect();
    assert_eq!(
        posts,
        [
            "/account/password",
            "/account/sessions/sign-out-others",
            "/account/sessions/{id}/sign-out",
            "/interviews/{id}/answers/{answer_id}/review"
        ]
    );
    for read in [
        "/dashboard",
        "/candidates/{id}",
        "/applications/{id}",
        "/interviews/{id}",
        "/interviews/{id}/answers/{answer_id}/media",
    ] {
        assert!(allowed.contains(&("GET", read)), "a reviewer reads {read}");
    }
    for refused in ["/interviews/export", "/jobs/{id}/export", "/candidates/import", "/interviews/{id}/erase"] {
        assert!(!allowed.contains(&("GET", refused)), "a reviewer may not GET {refused}");
    }
    let links: Vec<_> =
        allowed.iter().filter(|(_, r)| r.starts_with("/outbox") || r.contains("send-interview")).collect();
    assert!(links.is_empty(), "no page that shows or sends a candidate's link: {links:?}");
}
