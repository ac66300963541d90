use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::{PASSWORD, Page, TestApp, path_in_message};

#[sqlx::test]
async fn sign_up_creates_company_and_signs_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let page = app.sign_up("Acme Hiring", "Riley@Acme.COM").await;
    assert!(page.url.ends_with("/jobs"));
    assert!(page.flash().contains("Welcome to Hifinity"));
    assert_eq!(page.text(".account-company"), "Acme Hiring");

    let (email, hash): (String, String) =
        sqlx::query_as("select email::text, password_hash from users").fetch_one(&app.pool).await.unwrap();
    assert_eq!(email, "Riley@acme.com", "domain is stored lower-cased");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!hash.contains(PASSWORD));
}

#[sqlx::test]
async fn sign_up_errors_keep_the_input(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let page = app
        .post(
            "/sign-up",
            &[("company_name", "  "), ("name", "Riley"), ("email", "not-an-email"), ("password", "password1234")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.field_error("company_name"), "Enter your company's name.");
    assert!(page.field_error("email").contains("valid email address"));
    assert!(page.field_error("password").contains("too common"));
    assert_eq!(page.value_of("name").as_deref(), Some("Riley"));
    assert_eq!(page.value_of("email").as_deref(), Some("not-an-email"));
    assert_eq!(page.value_of("password").as_deref(), Some(""), "the password is never sent back");

    let short = app
        .post(
            "/sign-up",
            &[("company_name", "Acme"), ("name", "Riley"), ("email", "r@acme.com"), ("password", "short")],
        )
        .await;
    assert_eq!(short.field_error("password"), "Use at least 12 characters.");
    let long = "x".repeat(129) + "y";
    let long = app
        .post("/sign-up", &[("company_name", "Acme"), ("name", "Riley"), ("email", "r@acme.com"), ("password", &long)])
        .await;
    assert_eq!(long.field_error("password"), "Use at most 128 characters.");

    let companies: i64 = sqlx::query_scalar("select count(*) from companies").fetch_one(&app.pool).await.unwrap();
    assert_eq!(companies, 0);
}

#[sqlx::test]
async fn sign_in_and_out(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let out = app.post("/sign-out", &[]).await;
    assert!(out.url.ends_with("/sign-in"));
    assert_eq!(out.flash(), "You have signed out.");

    let guarded = app.no_redirect.get(app.url("/team")).send().await.unwrap();
    assert_eq!(guarded.status(), StatusCode::SEE_OTHER);
    assert_eq!(guarded.headers()["location"], "/sign-in?next=%2Fteam");

    let late = app.post("/team/invitations", &[("email", "sam@acme.com"), ("role", "recruiter")]).await;
    assert!(late.url.ends_with("/sign-in"), "a form posted after sign-out: {}", late.url);
    assert_eq!(late.flash(), "Your session has ended, so that form was not sent. Sign in and try again.");

    let page = app.post("/sign-in", &[("email", "riley@acme.com"), ("password", PASSWORD), ("next", "/team")]).await;
    assert!(page.url.ends_with("/team"), "returns to the page asked for: {}", page.url);
    assert_eq!(page.text("h1"), "Team");

    let evil = app.other_browser();
    let page =
        evil.post("/sign-in", &[("email", "riley@acme.com"), ("password", PASSWORD), ("next", "//evil.example")]).await;
    assert!(page.url.starts_with(&app.base), "never redirected off-site: {}", page.url);
}

#[sqlx::test]
async fn wrong_password_and_unknown_email_look_the_same(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let other = app.other_browser();
    let wrong = other.sign_in("riley@acme.com", "not the password at all").await;
    let unknown = other.sign_in("nobody@acme.com", PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert_eq!(wrong.text(".form-error"), "The email or password is incorrect.");
    assert_eq!(unknown.text(".form-error"), wrong.text(".form-error"));
    assert_eq!(wrong.value_of("email").as_deref(), Some("riley@acme.com"));
    assert!(other.get("/team").await.url.contains("/sign-in"), "still signed out");
}

#[sqlx::test]
async fn repeated_failures_are_throttled_per_account(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let attacker = app.other_browser();
    for _ in 0..5 {
        let page = attacker.sign_in("riley@acme.com", "guess guess guess").await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let blocked = attacker.sign_in("riley@acme.com", PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.text(".form-error").starts_with("Too many failed sign-in attempts. Try again in 15 minutes"));
    assert!(attacker.get("/team").await.url.contains("/sign-in"), "even the right password is refused while blocked");

    let failures: i32 = sqlx::query_scalar(
        "select failures from sign_in_failures where throttle_key = (select 'user:' || id from users)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(failures, 6, "five failures and the refused attempt");
}

#[sqlx::test]
async fn parallel_attempts_cannot_slip_past_the_limit(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let attacker = app.other_browser();
    let attempts = (0..12).map(|_| attacker.sign_in("riley@acme.com", "guess guess guess"));
    let pages = futures_util::future::join_all(attempts).await;
    let refused = pages.iter().filter(|p| p.status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(refused, 7, "only five of twelve simultaneous guesses were checked");
}

#[sqlx::test]
async fn successful_sign_ins_do_not_count_against_the_address(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    for _ in 0..25 {
        let page = app.other_browser().sign_in("riley@acme.com", PASSWORD).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.text(".account-company"), "Acme");
    }
}

#[sqlx::test]
async fn repeated_failures_are_throttled_per_address(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for i in 0..20 {
        app.sign_in(&format!("user{i}@acme.com"), "guess guess guess").await;
    }
    let blocked = app.sign_in("fresh@acme.com", "guess guess guess").await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test]
async fn sign_in_renews_the_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let cookie_before = session_cookie(&app);
    app.sign_in("riley@acme.com", PASSWORD).await;
    let cookie_after = session_cookie(&app);
    assert_ne!(cookie_before, cookie_after, "a new session id at sign-in");

    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(sessions, 1, "the previous session was ended");
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from sessions").fetch_one(&app.pool).await.unwrap();
    assert!(!cookie_after.as_bytes().windows(stored.len()).any(|w| w == stored.as_slice()));

    let replay = reqwest::Client::new()
        .get(app.url("/team"))
        .header("cookie", format!("hifinity_session={cookie_before}"))
        .send()
        .await
        .unwrap();
    assert!(replay.url().path().starts_with("/sign-in"), "the old session id no longer works");
}

fn session_cookie(app: &TestApp) -> String {
    use reqwest::cookie::CookieStore;
    let header = app.jar.cookies(&app.base.parse().unwrap()).expect("cookies");
    header
        .to_str()
        .unwrap()
        .split("; ")
        .find_map(|c| c.strip_prefix("hifinity_session="))
        .expect("session cookie")
        .to_owned()
}

#[sqlx::test]
async fn session_cookie_is_http_only_and_same_site(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let cookie = session_set_cookie(&app).await;
    assert!(cookie.starts_with("hifinity_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
}

/// Whether the browser's session still signs it in: the Team page, or the sign-in page.
async fn signed_in(browser: &TestApp) -> bool {
    let page = browser.get("/team").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    match page.text("h1").as_str() {
        "Team" => true,
        "Sign in to the Business Portal" => false,
        other => panic!("neither the Team page nor the sign-in page: {other}"),
    }
}

/// Ages this browser's session: `set` is the SQL assignment that moves its times back.
async fn age_session(browser: &TestApp, set: &str) {
    let token = session_cookie(browser);
    let done = sqlx::query(&format!("update sessions set {set} where token_hash = sha256(convert_to($1, 'UTF8'))"))
        .bind(token)
        .execute(&browser.pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "the browser's session");
}

#[sqlx::test]
async fn a_session_ends_seven_days_after_sign_in_or_after_twelve_idle_hours(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let absolute = |age: &str| {
        format!(
            "created_at = created_at - interval '{age}', expires_at = expires_at - interval '{age}', \
             last_seen_at = now()"
        )
    };
    let idle = |age: &str| format!("last_seen_at = now() - interval '{age}'");
    let cases = [
        ("signed in 7 days and a minute ago, active just now", absolute("7 days 1 minute"), false),
        ("signed in a minute less than 7 days ago, active just now", absolute("7 days -1 minute"), true),
        ("idle for 12 hours and a minute", idle("12 hours 1 minute"), false),
        ("idle for a minute less than 12 hours", idle("12 hours -1 minute"), true),
    ];
    for (case, set, still_signed_in) in cases {
        let browser = app.other_browser();
        assert_eq!(browser.sign_in("riley@acme.com", PASSWORD).await.status, StatusCode::OK);
        age_session(&browser, &set).await;
        assert_eq!(signed_in(&browser).await, still_signed_in, "{case}");
    }
}

#[sqlx::test]
async fn expired_sessions_are_cleaned_up(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    sqlx::query("update sessions set last_seen_at = now() - interval '13 hours'").execute(&app.pool).await.unwrap();
    let removed = hifinity::auth::session::delete_expired(&app.pool).await.unwrap();
    assert_eq!(removed, 1);
}

/// The session cookie set by following the link that confirms a new account's address,
/// read from the Set-Cookie headers.
async fn session_set_cookie(app: &TestApp) -> String {
    let response = app
        .no_redirect
        .post(app.url("/sign-up"))
        .form(&[("company_name", "Acme"), ("name", "Riley"), ("email", "riley@acme.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_none(), "signing up starts no session");
    let link = path_in_message(&app.account_email_to("riley@acme.com").await, "/verify-email/");
    let response = app.no_redirect.get(app.url(&link)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    cookies.into_iter().find(|c| c.contains("hifinity_session=")).expect("a session cookie")
}

#[sqlx::test]
async fn over_https_the_session_cookie_is_secure_and_host_only(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| {
        config.base_url = hifinity::config::parse_base_url("https://hire.example.com").unwrap();
    })
    .await;
    let cookie = session_set_cookie(&app).await;
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    let token = attributes[0].strip_prefix("__Host-hifinity_session=").unwrap_or_else(|| panic!("{cookie}"));
    assert!(attributes.contains(&"Secure"), "{cookie}");
    // What browsers require of a __Host- cookie: Secure, Path=/ and no Domain.
    assert!(attributes.contains(&"Path=/"), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");

    // The session is read from that cookie.
    let team = |cookie: String| async {
        let response = reqwest::Client::new().get(app.url("/team")).header("cookie", cookie).send().await.unwrap();
        Page::from(response).await
    };
    let page = team(format!("__Host-hifinity_session={token}")).await;
    assert_eq!((page.status, page.text("h1").as_str()), (StatusCode::OK, "Team"));
    let page = team(format!("hifinity_session={token}")).await;
    assert_eq!(
        (page.status, page.text("h1").as_str()),
        (StatusCode::OK, "Sign in to the Business Portal"),
        "only the __Host- name"
    );
}

#[sqlx::test]
async fn over_http_the_session_cookie_is_neither_secure_nor_host_only(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let cookie = session_set_cookie(&app).await;
    assert!(cookie.starts_with("hifinity_session="), "{cookie}");
    assert!(
        !cookie.split(';').any(|a| a.trim() == "Secure"),
        "a browser would drop a Secure cookie over http: {cookie}"
    );
}

#[sqlx::test]
async fn the_sign_in_throttle_lifts_when_its_window_has_passed(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let attacker = app.other_browser();
    for _ in 0..5 {
        assert_eq!(attacker.sign_in("riley@acme.com", "guess guess guess").await.status, StatusCode::OK);
    }
    assert_eq!(attacker.sign_in("riley@acme.com", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);

    let move_back = |by: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query(&format!(
                "update sign_in_failures set window_started_at = window_started_at - interval '{by}'"
            ))
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    // A minute before the window of 15 minutes ends: still refused.
    move_back("14 minutes").await;
    let blocked = attacker.sign_in("riley@acme.com", PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(blocked.text(".form-error"), "Too many failed sign-in attempts. Try again in 1 minute.");

    move_back("1 minute 1 second").await;
    let page = attacker.sign_in("riley@acme.com", PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text(".account-company"), "Acme", "the right password signs in again");
}

/// Twenty failed sign-ins for different accounts, each with its own `X-Forwarded-For`.
async fn twenty_failures(app: &TestApp, forwarded_for: impl Fn(usize) -> String) {
    for i in 0..20 {
        let response = app
            .client
            .post(app.url("/sign-in"))
            .header("x-forwarded-for", forwarded_for(i))
            .form(&[("email", format!("user{i}@acme.com").as_str()), ("password", "guess guess guess")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "attempt {i}");
    }
}

async fn sign_in_from(app: &TestApp, forwarded_for: &str) -> StatusCode {
    let response = app
        .client
        .post(app.url("/sign-in"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", "fresh@acme.com"), ("password", "guess guess guess")])
        .send()
        .await
        .unwrap();
    response.status()
}

async fn address_failures(app: &TestApp) -> Vec<(String, i32)> {
    sqlx::query_as("select throttle_key, failures from sign_in_failures where throttle_key like 'ip:%'")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn untrusted_x_forwarded_for_does_not_escape_the_address_limit(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    twenty_failures(&app, |i| format!("203.0.113.{i}")).await;
    assert_eq!(sign_in_from(&app, "203.0.113.99").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(address_failures(&app).await, [("ip:127.0.0.1".to_owned(), 21)], "the peer's address is counted");
}

#[sqlx::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_counted(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |config| config.trusted_proxy_hops = 1).await;
    // The client may send any first entry; the proxy appends the address it saw.
    twenty_failures(&app, |_| "198.51.100.9, 203.0.113.7".to_owned()).await;
    assert_eq!(sign_in_from(&app, "198.51.100.9, 203.0.113.8").await, StatusCode::OK, "another client");
    assert_eq!(sign_in_from(&app, "198.51.100.9, 203.0.113.7").await, StatusCode::TOO_MANY_REQUESTS);
    let mut counted = address_failures(&app).await;
    counted.sort();
    assert_eq!(counted, [("ip:203.0.113.7".to_owned(), 21), ("ip:203.0.113.8".to_owned(), 1)]);
}

#[sqlx::test]
async fn cross_site_posts_are_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let form = [("email", "mallory@evil.example"), ("role", "admin")];
    let invite = app.url("/team/invitations");
    for (header, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let response = app.client.post(&invite).header(header, value).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("sent from another website"));
    }
    let same = app.client.post(&invite).header("origin", &app.base).form(&form).send().await.unwrap();
    assert_eq!(same.status(), StatusCode::OK);
    let invitations: i64 =
        sqlx::query_scalar("select count(*) from team_invitations").fetch_one(&app.pool).await.unwrap();
    assert_eq!(invitations, 1, "only the same-site post invited a teammate");
}

#[sqlx::test]
async fn teammates_join_the_company_and_companies_stay_apart(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let sam = app.join_team("sam@acme.com", "Sam Teammate", "recruiter").await;
    let team = app.get("/team").await;
    assert!(team.texts("td").iter().any(|t| t == "Sam Teammate"));
    let duplicate = app.post("/team/invitations", &[("email", "SAM@acme.com"), ("role", "recruiter")]).await;
    assert_eq!(duplicate.flash(), "Invitation sent to SAM@acme.com.", "the same answer for a member's address");
    let users: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&app.pool).await.unwrap();
    assert_eq!(users, 2);

    assert_eq!(sam.get("/candidates").await.text(".account-company"), "Acme");
    let again = app.other_browser().sign_in("sam@acme.com", PASSWORD).await;
    assert_eq!(again.text(".account-company"), "Acme");

    let globex = app.other_browser();
    globex.sign_up("Globex", "gina@globex.com").await;
    let team = globex.get("/team").await;
    assert!(!team.body.contains("sam@acme.com") && !team.body.contains("riley@acme.com"));
}

#[sqlx::test]
async fn error_pages_are_rendered_in_the_layout(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let missing = app.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.text("h1"), "Page not found");
    assert!(missing.body.contains("/static/app.css"), "rendered in the layout");

    app.sign_up("Acme", "riley@acme.com").await;
    let missing = app.get("/no-such-page").await;
    assert_eq!(missing.text(".account-company"), "Acme", "the signed-in layout");
}

#[sqlx::test]
async fn health_and_static_files(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, "ok");

    let css = app.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(css.headers["cache-control"].to_str().unwrap().contains("immutable"));
}

#[sqlx::test]
async fn oversized_forms_are_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let huge = "x".repeat(300 * 1024);
    let response =
        app.client.post(app.url("/sign-in")).form(&[("email", huge.as_str()), ("password", "x")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
