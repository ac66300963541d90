//! Company settings: the reminder setting, its validation, and company isolation.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::TestApp;

async fn stored(app: &TestApp, email: &str) -> (i32, i32) {
    sqlx::query_as("select reminder_after_days, max_reminders from companies where id = $1")
        .bind(app.company_id(email).await)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_settings_page_shows_the_defaults_and_is_linked_from_the_account_area(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let page = app.sign_up("Acme", "riley@acme.com").await;
    assert!(page.texts(".account a[href=\"/settings\"]").contains(&"Settings".to_owned()));

    let page = app.get("/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Settings");
    assert_eq!(page.value_of("reminder_after_days").as_deref(), Some("2"));
    assert_eq!(page.value_of("max_reminders").as_deref(), Some("2"));
    assert_eq!(page.texts(".account a[aria-current=page]"), ["Settings"]);
}

#[sqlx::test]
async fn saving_changes_the_setting_with_a_flash(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let page = app.post("/settings", &[("reminder_after_days", " 3 "), ("max_reminders", "1")]).await;
    assert!(page.url.ends_with("/settings"));
    assert_eq!(
        page.flash(),
        "Settings saved. Candidates who have not started get a reminder 3 days after the last invitation, at most 1 time."
    );
    assert_eq!(page.value_of("reminder_after_days").as_deref(), Some("3"));
    assert_eq!(page.value_of("max_reminders").as_deref(), Some("1"));
    assert_eq!(stored(&app, "riley@acme.com").await, (3, 1));
}

#[sqlx::test]
async fn bad_values_are_explained_under_their_fields_and_kept(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    for (days, max) in [("31", "3"), ("-1", "x"), ("", ""), ("2.5", "1e1")] {
        let page = app.post("/settings", &[("reminder_after_days", days), ("max_reminders", max)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.field_error("reminder_after_days"),
            "Enter a whole number of days from 0 (no reminders) to 30."
        );
        assert_eq!(page.field_error("max_reminders"), "Enter a whole number from 0 to 2.");
        assert_eq!(page.value_of("reminder_after_days").as_deref(), Some(days));
        assert_eq!(page.value_of("max_reminders").as_deref(), Some(max));
        assert!(page.texts(".flash").is_empty());
    }
    let page = app.post("/settings", &[("reminder_after_days", "7"), ("max_reminders", "5")]).await;
    assert!(page.texts("#reminder_after_days-error").is_empty());
    assert_eq!(page.field_error("max_reminders"), "Enter a whole number from 0 to 2.");
    assert_eq!(stored(&app, "riley@acme.com").await, (2, 2), "nothing saved");

    // A form missing its fields is a validation error too, not a failure.
    let page = app.post("/settings", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.field_error("max_reminders"), "Enter a whole number from 0 to 2.");
}

#[sqlx::test]
async fn each_company_sees_and_changes_only_its_own(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", "riley@acme.com").await;
    let globex = app.other_browser();
    globex.sign_up("Globex", "hank@globex.com").await;

    let page = globex.post("/settings", &[("reminder_after_days", "7"), ("max_reminders", "1")]).await;
    assert!(page.flash().starts_with("Settings saved."));
    assert_eq!(stored(&app, "hank@globex.com").await, (7, 1));
    assert_eq!(stored(&app, "riley@acme.com").await, (2, 2), "Acme's setting is untouched");
    let acme_page = app.get("/settings").await;
    assert_eq!(acme_page.value_of("reminder_after_days").as_deref(), Some("2"));

    app.post("/settings", &[("reminder_after_days", "0"), ("max_reminders", "0")]).await;
    assert_eq!(stored(&app, "hank@globex.com").await, (7, 1));
    assert_eq!(globex.get("/settings").await.value_of("reminder_after_days").as_deref(), Some("7"));
}

#[sqlx::test]
async fn signed_out_visitors_are_sent_to_sign_in(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.no_redirect.get(app.url("/settings")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/sign-in?next=%2Fsettings");
    let response = app
        .no_redirect
        .post(app.url("/settings"))
        .form(&[("reminder_after_days", "1"), ("max_reminders", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
