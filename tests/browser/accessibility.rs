//! The candidate's pages and the portal's main pages for everyone: axe-core's WCAG 2.1 A
//! and AA rules find nothing serious or critical on them, the candidate's pages fit a
//! 360 px phone screen, and a candidate can take the whole interview with the keyboard
//! alone, always seeing where the focus is.

use std::sync::OnceLock;

use fantoccini::{Locator, key::Key};
use serde_json::json;
use sqlx::PgPool;

use crate::{
    candidate_interview::{invited, record_and_stop},
    fixtures,
    support::{TestApp, count},
    webdriver::Browser,
};

const RECRUITER: &str = "riley@acme.com";
const TEXT_ANSWER: &str = "I read the change for correctness first, then suggest rather than demand.";

/// A small phone's screen, in CSS pixels.
const PHONE: (u32, u32) = (360, 740);

/// The axe-core script `scripts/axe.sh` installs, at the version scripts/axe/ pins.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var("HIFINITY_TEST_AXE").unwrap_or_else(|_| {
            panic!(
                "HIFINITY_TEST_AXE is not set: the accessibility tests need axe-core. Run them through \
                 scripts/test, which installs it (scripts/axe.sh) and sets the variable to its axe.min.js"
            )
        });
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("could not read axe-core at {path}: {err}"))
    })
}

/// Runs axe-core's WCAG 2.1 A and AA rules on the page in the browser and fails on any
/// violation of serious or critical impact, naming each rule, what it asks and the
/// elements that break it. The script goes in through WebDriver, which the page's
/// Content-Security-Policy (no inline or foreign script) does not govern.
async fn assert_accessible(browser: &Browser, page: &str) {
    browser.client.execute(axe_source(), vec![]).await.unwrap_or_else(|err| panic!("could not load axe-core: {err}"));
    let result = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then((results) => done({ passed: results.passes.length, violations: results.violations
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                targets: v.nodes.map((n) => n.target.join(' ')) })) }))
               .catch((error) => done({ error: String(error) }));",
            vec![],
        )
        .await
        .unwrap_or_else(|err| panic!("axe-core did not finish on the {page}: {err}"));
    if let Some(error) = result.get("error") {
        panic!("axe-core failed on the {page}: {error}");
    }
    assert!(result["passed"].as_u64().unwrap_or(0) > 0, "axe-core checked nothing on the {page}: {result}");
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    let described: Vec<String> = violations
        .iter()
        .map(|v| format!("{} ({}): {} at {}", v["id"], v["impact"], v["help"], v["targets"]))
        .collect();
    assert!(
        violations.is_empty(),
        "serious or critical accessibility violations on the {page}:\n{}\non {}",
        described.join("\n"),
        browser.describe().await
    );
}

/// Fails if the page scrolls sideways on the screen, or if `action` (the page's main
/// button) does not lie wholly within the screen's width.
async fn assert_fits_the_screen(browser: &Browser, page: &str, action: Option<&str>) {
    let fit = browser
        .js(&format!(
            "{{ width: document.documentElement.scrollWidth, screen: window.innerWidth,
                wider: [...document.body.querySelectorAll('*')]
                  .filter((e) => e.getBoundingClientRect().right > {})
                  .slice(0, 5).map((e) => e.outerHTML.slice(0, 100)) }}",
            PHONE.0
        ))
        .await;
    // A phone zooms out to show a page wider than its screen: then the screen is wider too.
    let (width, screen) = (fit["width"].as_f64().unwrap(), fit["screen"].as_f64().unwrap());
    assert!(
        width <= screen && screen <= f64::from(PHONE.0),
        "the {page} is {width} px wide on a {} px screen; too wide: {}",
        PHONE.0,
        fit["wider"]
    );
    if let Some(action) = action {
        browser.find(action).await;
        let button = browser
            .js(&format!(
                "(() => {{ const r = document.querySelector({}).getBoundingClientRect();
                          return {{ left: r.left, right: r.right, width: r.width }}; }})()",
                json!(action)
            ))
            .await;
        let (left, right) = (button["left"].as_f64().unwrap(), button["right"].as_f64().unwrap());
        assert!(
            button["width"].as_f64().unwrap() > 0.0 && left >= 0.0 && right <= f64::from(PHONE.0),
            "the {page}'s {action} spans {left}–{right} px on a {} px screen",
            PHONE.0
        );
    }
}

/// Both checks of a candidate's page on the phone.
async fn assert_usable_on_a_phone(browser: &Browser, page: &str, action: Option<&str>) {
    assert_fits_the_screen(browser, page, action).await;
    assert_accessible(browser, page).await;
}

#[sqlx::test]
async fn every_candidate_page_fits_a_phone_screen_and_passes_the_accessibility_rules(pool: PgPool) {
    let (app, version, link, _) = invited(pool).await;
    // With a practice question, the landing page offers it and its own page shows too.
    sqlx::query("update template_versions set practice_prompt = 'Tell us about your week.' where id = $1")
        .bind(version)
        .execute(&app.pool)
        .await
        .unwrap();
    let browser = Browser::start_phone(PHONE.0, PHONE.1).await;
    browser.goto(&link).await;
    assert_eq!(browser.js("window.innerWidth").await, PHONE.0, "the page is laid out for the phone's width");

    browser.find("#notice-title").await;
    assert_usable_on_a_phone(&browser, "notice and consent page", Some("[data-consent]")).await;
    browser.click("[data-consent]").await;
    browser.wait_for_text("[data-device-status]", "Your camera and microphone work").await;
    assert_usable_on_a_phone(&browser, "landing page", Some("[data-start]")).await;
    browser.click("[data-erase-link]").await;
    browser.wait_for_text("h1", "Erase your data").await;
    assert_usable_on_a_phone(&browser, "erasure page", Some("[data-erase]")).await;
    browser.goto(&link).await;
    browser.click("[data-practice-link]").await;
    browser.find("[data-record-now]:not([hidden])").await;
    assert_usable_on_a_phone(&browser, "practice page", Some("[data-record-now]")).await;
    browser.click("[data-start]").await;

    browser.wait_for_text(".question-progress", "Question 1 of 3").await;
    browser.find("[data-record-now]:not([hidden])").await;
    assert_usable_on_a_phone(&browser, "video question page", Some("[data-record-now]")).await;
    browser.click("[data-record-now]").await;
    browser.find("[data-stop]:not([hidden])").await;
    assert_fits_the_screen(&browser, "video question page while recording", Some("[data-stop]")).await;
    record_and_stop(&browser, "Question 2 of 3").await;
    browser.click("[data-record-now]").await;
    record_and_stop(&browser, "Question 3 of 3").await;

    assert_usable_on_a_phone(&browser, "typed question page", Some(".text-answer button[type=submit]")).await;
    browser.find("#answer-text").await.send_keys(TEXT_ANSWER).await.unwrap();
    browser.click(".text-answer button[type=submit]").await;
    browser.wait_for_text("h1", "All questions answered").await;
    assert_usable_on_a_phone(&browser, "page before completing", Some("[data-complete]")).await;
    browser.click("[data-complete]").await;
    browser.wait_for_text("h1", "This interview is already completed").await;
    assert_usable_on_a_phone(&browser, "thank-you page", None).await;
    browser.close().await;
}

#[sqlx::test]
async fn the_portals_lists_settings_and_team_pass_the_accessibility_rules(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let company = app.company_id(RECRUITER).await;
    let ada = fixtures::sendable(&app.pool, company).await;
    fixtures::candidate(&app.pool, company, "Grace Hopper", "grace@example.com").await;
    let sent = app.send_interview(ada.candidate_id, ada.job_id, ada.version_id).await;
    assert_eq!(sent.flash(), "Interview invitation sent to ada@example.com");
    let invited = app.post("/team/invitations", &[("email", "sam@acme.com"), ("role", "reviewer")]).await;
    assert_eq!(invited.flash(), "Invitation sent to sam@acme.com.");

    let browser = Browser::start().await;
    browser.sign_in(&app, RECRUITER, "Acme Robotics").await;
    for (path, title) in [
        ("/candidates", "Candidates"),
        ("/jobs", "Jobs"),
        ("/interview-templates", "Interview Templates"),
        ("/interviews", "Interviews"),
        ("/applications", "Applications"),
    ] {
        browser.goto(&app.url(path)).await;
        browser.wait_for_text("h1", title).await;
        assert!(!browser.client.find_all(Locator::Css("tbody tr")).await.unwrap().is_empty(), "{title} lists rows");
        assert_accessible(&browser, &format!("{title} page")).await;
    }
    browser.goto(&app.url("/settings")).await;
    browser.wait_for_text("h1", "Settings").await;
    assert_accessible(&browser, "Settings page").await;
    browser.goto(&app.url("/team")).await;
    browser.wait_for_text("main", "sam@acme.com").await;
    assert_accessible(&browser, "Team page").await;
    browser.close().await;
}

/// Presses `key` where the focus is, as a keyboard does.
async fn press(browser: &Browser, key: &str) {
    let focused = browser.client.active_element().await.unwrap();
    focused.send_keys(key).await.unwrap_or_else(|err| panic!("could not press {key:?}: {err}"));
}

/// Fails unless the focused control shows that it has the focus: an outline or a shadow.
async fn assert_focus_visible(browser: &Browser) {
    let focus = browser
        .js("(() => { const e = document.activeElement, s = getComputedStyle(e);
                      return { shown: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
                               control: e.outerHTML.slice(0, 120) }; })()")
        .await;
    assert_eq!(focus["shown"], true, "no visible focus indicator on {}", focus["control"]);
}

/// Presses Tab until the control matching `css` has the focus, checking on the way that
/// every control that takes the focus shows it.
async fn tab_to(browser: &Browser, css: &str) {
    let focused = format!("document.activeElement.matches({})", json!(css));
    for _ in 0..30 {
        press(browser, &Key::Tab.to_string()).await;
        // Past the page's last control the focus leaves for the browser's own.
        if browser.js("document.activeElement === document.body").await == true {
            continue;
        }
        assert_focus_visible(browser).await;
        if browser.js(&focused).await == true {
            return;
        }
    }
    panic!("Tab never reached {css} on {}", browser.describe().await);
}

/// Starts a video answer with Enter on "Start recording now", lets it run, and stops it
/// with Enter on "Stop recording", which has the focus once recording starts.
async fn record_by_keyboard(browser: &Browser, next: &str) {
    browser.find("[data-record-now]:not([hidden])").await;
    tab_to(browser, "[data-record-now]").await;
    press(browser, &Key::Enter.to_string()).await;
    browser.wait_for_text("[data-phase]", "Recording").await;
    assert_eq!(
        browser.js("document.activeElement.hasAttribute('data-stop')").await,
        true,
        "focus is on Stop recording"
    );
    assert_focus_visible(browser).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    browser.wait_for_text("[data-timer]", "left to answer").await;
    press(browser, &Key::Enter.to_string()).await;
    browser.wait_for_text(".question-progress, h1", next).await;
}

#[sqlx::test]
async fn a_candidate_takes_the_whole_interview_with_the_keyboard_alone(pool: PgPool) {
    let (app, _, link, _) = invited(pool).await;
    let browser = Browser::start().await;
    browser.goto(&link).await;

    // Space presses "I agree" on the notice, as it presses any button.
    browser.find("#notice-title").await;
    tab_to(&browser, "[data-consent]").await;
    press(&browser, &Key::Space.to_string()).await;
    browser.wait_for_text("[data-device-status]", "Your camera and microphone work").await;
    tab_to(&browser, "[data-start]").await;
    press(&browser, &Key::Enter.to_string()).await;

    browser.wait_for_text(".question-progress", "Question 1 of 3").await;
    record_by_keyboard(&browser, "Question 2 of 3").await;
    record_by_keyboard(&browser, "Question 3 of 3").await;

    tab_to(&browser, "#answer-text").await;
    press(&browser, TEXT_ANSWER).await;
    tab_to(&browser, ".text-answer button[type=submit]").await;
    press(&browser, &Key::Enter.to_string()).await;

    browser.wait_for_text("h1", "All questions answered").await;
    tab_to(&browser, "[data-complete]").await;
    press(&browser, &Key::Enter.to_string()).await;
    browser.wait_for_text("h1", "This interview is already completed").await;

    let status: String = sqlx::query_scalar("select status::text from interviews").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "completed");
    assert_eq!(count(&app, "select count(*) from answers").await, 3);
    let text: String = sqlx::query_scalar("select text_answer from answers where answer_kind = 'text'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(text, TEXT_ANSWER);
    browser.close().await;
}
