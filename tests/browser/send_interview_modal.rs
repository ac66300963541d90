//! The Send Interview modal on the Candidates page, as a recruiter uses it.

use fantoccini::{Locator, key::Key};
use sqlx::PgPool;

use crate::{fixtures, support::TestApp, webdriver::Browser};

const RECRUITER: &str = "riley@acme.com";

/// The names of the template choices the recruiter can see.
async fn visible_templates(browser: &Browser) -> Vec<String> {
    let mut names = Vec::new();
    for option in browser.client.find_all(Locator::Css("dialog .template-option")).await.unwrap() {
        if option.is_displayed().await.unwrap() {
            names.push(option.find(Locator::Css(".template-name")).await.unwrap().text().await.unwrap());
        }
    }
    names
}

async fn dialog_count(browser: &Browser) -> usize {
    browser.client.find_all(Locator::Css("dialog")).await.unwrap().len()
}

#[sqlx::test]
async fn the_modal_sends_an_invitation_with_a_template_of_the_chosen_job(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let company = app.company_id(RECRUITER).await;
    let backend = fixtures::job(&app.pool, company, "Senior Backend Engineer").await;
    let (_, backend_version) = fixtures::published_template(&app.pool, company, backend, "Backend screen").await;
    let support = fixtures::job(&app.pool, company, "Support Lead").await;
    fixtures::published_template(&app.pool, company, support, "Support screen").await;
    fixtures::candidate(&app.pool, company, "Ada Lovelace", "ada@example.com").await;

    let browser = Browser::start().await;
    browser.sign_in(&app, RECRUITER, "Acme Robotics").await;

    browser.goto(&app.url("/candidates")).await;
    browser.wait_for_text("tbody", "Ada Lovelace").await;
    browser.click("tbody a[href$='/send-interview']").await;
    browser.find("dialog[open]").await;
    assert_eq!(browser.text("dialog[open] #modal-title").await, "Send Interview");
    assert_eq!(browser.js("document.activeElement.id").await, "send-job", "focus moves into the dialog");
    assert!(visible_templates(&browser).await.is_empty(), "no template before a job is chosen");

    browser.find("dialog #send-job").await.select_by_label("Senior Backend Engineer").await.unwrap();
    assert_eq!(visible_templates(&browser).await, ["Backend screen"]);
    browser.click(&format!("dialog label[for='tpl-{backend_version}']")).await;
    assert_eq!(browser.js(&format!("document.getElementById('tpl-{backend_version}').checked")).await, true);
    browser.find("dialog #send-job").await.select_by_label("Support Lead").await.unwrap();
    assert_eq!(visible_templates(&browser).await, ["Support screen"]);
    browser.find("dialog #send-job").await.select_by_label("Senior Backend Engineer").await.unwrap();
    browser.click(&format!("dialog label[for='tpl-{backend_version}']")).await;
    browser.click("dialog button[type=submit]").await;

    browser.wait_for_text(".flash", "Interview invitation sent to ada@example.com").await;
    assert!(
        browser.client.current_url().await.unwrap().path().starts_with("/candidates"),
        "back on the Candidates page"
    );
    assert_eq!(dialog_count(&browser).await, 0);
    let (count, version): (i64, Option<uuid::Uuid>) =
        sqlx::query_as("select count(*), max(template_version_id::text)::uuid from interviews")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((count, version), (1, Some(backend_version)));

    // Esc closes the dialog and gives focus back to the button that opened it.
    browser.click("tbody a[href$='/send-interview']").await;
    browser.find("dialog[open]").await;
    browser.client.active_element().await.unwrap().send_keys(&Key::Escape.to_string()).await.unwrap();
    browser.wait_until("the dialog to close", || async { Ok(dialog_count(&browser).await == 0) }).await;
    let focused = browser.js("document.activeElement.getAttribute('href') || ''").await;
    assert!(
        focused.as_str().unwrap_or_default().ends_with("/send-interview"),
        "focus is back on the button, not {focused}"
    );
    assert_eq!(sqlx::query_scalar::<_, i64>("select count(*) from interviews").fetch_one(&app.pool).await.unwrap(), 1);
    browser.close().await;
}
