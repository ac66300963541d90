//! The invitation and reminder emails a company writes on Settings: saved per company,
//! merged at delivery with every value escaped in HTML, refused per field when a merge
//! field is unknown or the link is missing, previewed with sample data, restored.

use mail_parser::MessageParser;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    fixtures,
    smtp::{Behaviour, SmtpServer},
    support::{TestApp, count, link_in},
};

const ADMIN: &str = "riley@acme.com";

fn text_form<'a>(kind: &'a str, subject: &'a str, body: &'a str, action: &'a str) -> [(&'a str, &'a str); 4] {
    [("kind", kind), ("subject", subject), ("body", body), ("action", action)]
}

#[sqlx::test]
async fn a_saved_invitation_text_is_what_the_next_delivery_sends_with_merged_values_escaped(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    sqlx::query("update candidates set name = 'Ada <b>Lovelace</b>' where id = $1")
        .bind(s.candidate_id)
        .execute(&app.pool)
        .await
        .unwrap();
    // Queued before the text changes, rendered at delivery: it gets the new text.
    app.send_interview(s.candidate_id, s.job_id, s.version_id).await;

    let body = "Dear {{candidate_name}},\n\nPlease record {{ question_count }} for {{job_title}} by {{deadline}}.\n\n{{interview_link}}\n\nThe {{company_name}} team";
    let saved =
        app.post("/settings/emails", &text_form("invitation", "Your {{job_title}}\r\ninterview", body, "save")).await;
    assert_eq!(saved.flash(), "Invitation email saved. Emails sent from now on use it.");
    assert_eq!(count(&app, "select count(*) from company_email_texts where kind = 'invitation'").await, 1);
    app.deliver_mail().await;

    let raw = smtp.messages().pop().expect("the invitation");
    let message = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(message.subject(), Some("Your Senior Backend Engineerinterview"), "CR and LF stripped");
    let text = message.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.starts_with("Dear Ada <b>Lovelace</b>,\n\nPlease record 3 questions for Senior Backend Engineer by "),
        "{text}"
    );
    assert!(text.trim_end().ends_with("The Acme Robotics team"), "{text}");
    let link = link_in(&text);
    let html = message.body_html(0).unwrap().to_string();
    assert!(html.contains("Dear Ada &lt;b&gt;Lovelace&lt;/b&gt;,"), "escaped: {html}");
    assert!(!html.contains("<b>Lovelace"), "no merged value is markup");
    assert!(
        html.contains(&format!("href=\"{link}\"")) && html.contains("Start your interview"),
        "the link is a button"
    );

    // The reminder keeps its built-in text.
    let page = app.get("/settings/emails").await;
    assert!(page.body.contains("Reminder: your video interview for {{job_title}} at {{company_name}}"));
}

#[sqlx::test]
async fn an_unknown_merge_field_or_a_missing_link_is_an_error_on_its_field_and_nothing_is_saved(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let page = app
        .post(
            "/settings/emails",
            &text_form("reminder", "Hi {{first_name}}", "No link here, {{candidate_name}}.", "save"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.field_error("reminder-subject")
            .starts_with("{{first_name}} is not a merge field. Use {{candidate_name}},"),
        "{}",
        page.field_error("reminder-subject")
    );
    assert_eq!(
        page.field_error("reminder-body"),
        "The body must contain {{interview_link}}: without it the candidate has no way in."
    );
    assert_eq!(page.text("#reminder-body"), "No link here, {{candidate_name}}.", "what was typed is shown again");
    assert_eq!(count(&app, "select count(*) from company_email_texts").await, 0);
    let other =
        app.post("/settings/emails", &text_form("invitation", "Hi", "{{interview_link}} {{ oops }}", "save")).await;
    assert!(other.field_error("invitation-body").starts_with("{{oops}} is not a merge field"));
    assert_eq!(count(&app, "select count(*) from company_email_texts").await, 0);
}

#[sqlx::test]
async fn preview_shows_the_text_with_sample_details_and_saves_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let body = "Hello {{candidate_name}} <i>from</i> {{company_name}}\n\n{{requirements}}\n\n{{interview_link}}";
    let page = app.post("/settings/emails", &text_form("invitation", "About {{job_title}}", body, "preview")).await;
    assert_eq!(page.text(".preview-subject"), "About Senior Backend Engineer");
    let text = page.text(".preview-text");
    assert!(text.starts_with("Hello Ada Lovelace <i>from</i> Acme Robotics"), "{text}");
    assert!(text.contains("Take your time and think aloud.") && text.contains("a webcam and a microphone"), "{text}");
    assert!(page.texts(".preview-html i").is_empty(), "what the company typed is text, not markup");
    assert!(page.body.contains("&lt;i&gt;from&lt;/i&gt;"));
    assert_eq!(page.texts(".preview-html a").first().map(String::as_str), Some("Start your interview"));
    assert_eq!(count(&app, "select count(*) from company_email_texts").await, 0);
}

#[sqlx::test]
async fn restore_the_default_brings_back_the_built_in_text(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    app.post("/settings/emails", &text_form("reminder", "Nudge", "{{interview_link}}", "save")).await;
    assert_eq!(count(&app, "select count(*) from company_email_texts where kind = 'reminder'").await, 1);
    let page = app.post("/settings/emails", &[("kind", "reminder"), ("action", "restore")]).await;
    assert_eq!(page.flash(), "Reminder email is back to the built-in text.");
    assert_eq!(count(&app, "select count(*) from company_email_texts").await, 0);
    assert!(page.body.contains("Reminder: your video interview for {{job_title}} at {{company_name}}"));
}

#[sqlx::test]
async fn with_smtp_the_outbox_shows_the_email_as_sent_with_its_link_masked(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    app.sign_up("Acme Robotics", ADMIN).await;
    let s = fixtures::sendable(&app.pool, app.company_id(ADMIN).await).await;
    app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    let email_id: uuid::Uuid = sqlx::query_scalar("select id from emails").fetch_one(&app.pool).await.unwrap();
    let masked = format!("{}/i/••••••••", app.base);

    // Before delivery: a preview, its link hidden.
    let preview = app.get(&format!("/outbox/{email_id}")).await;
    assert!(preview.text(".email-version").starts_with("Not sent yet"), "{}", preview.body);
    assert_eq!(preview.text(".masked-link"), masked);
    assert!(preview.texts("dd a.break").is_empty(), "no working link to follow");

    app.deliver_mail().await;
    let raw = smtp.messages().pop().expect("the invitation");
    let received = MessageParser::default().parse(&raw).unwrap();
    let link = link_in(&received.body_text(0).unwrap());
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert!(!preview.body.contains(&token), "the preview never held the token");

    // A text saved after delivery changes what is sent next, not what the Outbox shows was sent.
    let saved =
        app.post("/settings/emails", &text_form("invitation", "Changed", "New text {{interview_link}}", "save")).await;
    assert_eq!(saved.status, StatusCode::OK);
    let page = app.get(&format!("/outbox/{email_id}")).await;
    assert_eq!(Some(page.text("h1").as_str()), received.subject());
    assert!(page.text(".email-version").starts_with("As sent."), "{}", page.body);
    assert_eq!(page.text(".masked-link"), masked);
    let text = page.text(".email-text");
    assert!(text.contains(&masked) && !text.contains("New text"), "{text}");
    let html = app.get(&format!("/outbox/{email_id}/html")).await;
    assert!(html.body.contains(&format!("href=\"{masked}\"")) && html.body.contains("Start your interview"));
    for shown in [&page.body, &html.body] {
        assert!(!shown.contains(&token), "no page shows the working link");
    }
    let held: i64 = sqlx::query_scalar(
        "select count(*) from emails where sent_text is not null and sent_html is not null
           and strpos(sent_text || sent_html, $1) = 0",
    )
    .bind(&token)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(held, 1, "the copy is kept, without the working link");
}
