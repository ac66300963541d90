//! Starts the real app on port 0 against the test's own database, with a browser-like
//! client that keeps cookies.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex, OnceLock},
};

use hifinity::{
    app,
    config::Config,
    domain::{EmailAddress, SecretKey},
    state,
};
use reqwest::{Client, Response, StatusCode, cookie::Jar, redirect::Policy};
use scraper::{Html, Selector};
use sqlx::PgPool;

use crate::smtp::{Behaviour, SmtpServer};

pub struct TestApp {
    pub base: String,
    pub state: state::AppState,
    pub pool: PgPool,
    /// Follows redirects, like a browser.
    pub client: Client,
    /// Shares the cookies but stops at redirects, to assert them.
    pub no_redirect: Client,
    pub jar: Arc<Jar>,
    /// Where [`TestApp::sign_up`] receives the verification emails, over real SMTP.
    account_mail: Arc<SmtpServer>,
    /// The app's DATA_DIR, removed with the last browser on the app.
    data_dir: Arc<ScratchDir>,
}

/// A new folder under the system's temporary one, removed when dropped, so that a run of
/// the tests leaves nothing behind.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new(prefix: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

const BOUNDARY: &str = "hifinity-test-boundary";
/// The content type of [`multipart_file`]'s body.
pub const MULTIPART_CONTENT_TYPE: &str = "multipart/form-data; boundary=hifinity-test-boundary";

/// A `multipart/form-data` body with the file `file_name` in the field `file`.
pub fn multipart_file(file_name: &str, contents: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(contents);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl TestApp {
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with_smtp(pool, None).await
    }

    /// With `smtp_url`, invitations go to that server; otherwise to the built-in mailbox.
    /// Workers are not started: tests run delivery rounds themselves.
    pub async fn spawn_with_smtp(pool: PgPool, smtp_url: Option<String>) -> Self {
        Self::spawn_with(pool, |config| config.smtp_url = smtp_url).await
    }

    /// Like [`TestApp::spawn`], with the settings adjusted first (e.g. an https
    /// `base_url`, or `trusted_proxy_hops`). Requests still go to the real address.
    pub async fn spawn_with(pool: PgPool, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_with_media(pool, adjust, None).await
    }

    /// Like [`TestApp::spawn_with`], storing media in `media` (local disk under the
    /// app's data folder without it).
    pub async fn spawn_with_media(
        pool: PgPool,
        adjust: impl FnOnce(&mut Config),
        media: Option<hifinity::storage::MediaStore>,
    ) -> Self {
        capture_logs();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let data_dir = Arc::new(ScratchDir::new("hifinity-test"));
        let mut config = Config {
            app_env: hifinity::config::AppEnv::Development,
            database_url: String::new(),
            bind_addr: addr,
            base_url: hifinity::config::parse_base_url(&format!("http://{addr}")).unwrap(),
            secret_key: SecretKey::generate(),
            data_dir: data_dir.0.clone(),
            trusted_proxy_hops: 0,
            smtp_url: None,
            smtp_max_connections: 4,
            smtp_timeout: std::time::Duration::from_secs(60),
            mailbox_only: false,
            sign_ups_per_hour: 5,
            account_emails_per_hour: 3,
            api_requests_per_minute: 600,
            new_company_emails_per_day: Some(100),
            mail_from: EmailAddress::parse("interviews@hifinity.test").unwrap(),
            dkim: None,
            link_valid_days: 14,
            media_store: None,
            max_answer_bytes: 5 * 1024 * 1024,
            answer_grace: std::time::Duration::from_secs(120),
            evaluation: Default::default(),
            workers: Default::default(),
            webhook_allow_private: false,
        };
        adjust(&mut config);
        let state = match media {
            Some(media) => state::AppState::with_media(pool.clone(), config, media),
            None => state::AppState::new(pool.clone(), config).unwrap(),
        };
        tokio::spawn(app::serve(listener, state.clone()));
        let jar = Arc::new(Jar::default());
        let client = Client::builder().cookie_provider(jar.clone()).build().unwrap();
        let no_redirect = Client::builder().cookie_provider(jar.clone()).redirect(Policy::none()).build().unwrap();
        let account_mail = Arc::new(SmtpServer::start(Behaviour::Accept).await);
        Self { base: format!("http://{addr}"), state, pool, client, no_redirect, jar, account_mail, data_dir }
    }

    /// The server's cap on a new company's candidate emails, as the handlers pass it.
    pub fn email_cap(&self) -> hifinity::interviews::lifecycle::EmailCap {
        hifinity::interviews::lifecycle::EmailCap(self.state.config.new_company_emails_per_day)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A second browser (its own cookies) on the same server.
    pub fn other_browser(&self) -> Self {
        let jar = Arc::new(Jar::default());
        Self {
            base: self.base.clone(),
            state: self.state.clone(),
            pool: self.pool.clone(),
            client: Client::builder().cookie_provider(jar.clone()).build().unwrap(),
            no_redirect: Client::builder().cookie_provider(jar.clone()).redirect(Policy::none()).build().unwrap(),
            jar,
            account_mail: self.account_mail.clone(),
            data_dir: self.data_dir.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::from(self.client.post(self.url(path)).form(form).send().await.unwrap()).await
    }

    /// Posts a form whose one field, `file`, is a file upload, as a browser does.
    pub async fn upload(&self, path: &str, file_name: &str, contents: &[u8]) -> Page {
        let request = self.client.post(self.url(path)).header("content-type", MULTIPART_CONTENT_TYPE);
        Page::from(request.body(multipart_file(file_name, contents)).send().await.unwrap()).await
    }

    /// Signs up a new company and follows the link of the verification email; the
    /// browser is then signed in as its first recruiter.
    pub async fn sign_up(&self, company: &str, email: &str) -> Page {
        let page = self
            .post(
                "/sign-up",
                &[("company_name", company), ("name", "Riley Recruiter"), ("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.text("h1"), "Check your email");
        let link = link_in_message(&self.account_email_to(email).await);
        let page = self.get(link.strip_prefix(&self.base).expect("a link to this app")).await;
        assert!(page.body.contains(company), "signed-in page names the company");
        page
    }

    /// The link of the pending invitation to `email`, as its email carries it.
    pub async fn invitation_link(&self, email: &str) -> String {
        let (id, nonce): (uuid::Uuid, Vec<u8>) = sqlx::query_as(
            "select id, link_nonce from team_invitations where email = $1::citext and accepted_at is null",
        )
        .bind(email)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        hifinity::team::join_url(&self.state.config, id, &nonce)
    }

    /// From an admin's browser: invites `email` as `role` ("admin", "recruiter",
    /// "reviewer"); returns another browser, signed in as the new member once they
    /// followed the link and chose their name and password.
    pub async fn join_team(&self, email: &str, name: &str, role: &str) -> TestApp {
        let sent = self.post("/team/invitations", &[("email", email), ("role", role)]).await;
        assert_eq!(sent.flash(), format!("Invitation sent to {email}."), "{}", sent.body);
        let member = self.other_browser();
        let link = self.invitation_link(email).await;
        let joined =
            Page::from(member.client.post(&link).form(&[("name", name), ("password", PASSWORD)]).send().await.unwrap())
                .await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
        assert!(joined.flash().starts_with("Welcome to"), "{}", joined.flash());
        member
    }

    /// The latest account email (verification, note) to `address`, delivered over real
    /// SMTP to this app's own account mail server, so that the candidate emails a test
    /// counts at its SMTP server are only the candidates'.
    pub async fn account_email_to(&self, address: &str) -> Vec<u8> {
        let config = Config { smtp_url: Some(self.account_mail.url()), ..(*self.state.config).clone() };
        let transport = Arc::new(hifinity::mail::transport::Transport::from_config(&config).unwrap());
        while hifinity::mail::account::deliver_due(&self.state, &transport).await.unwrap() > 0 {}
        self.account_mail.messages_to(address).pop().unwrap_or_else(|| panic!("no account email to {address}"))
    }

    /// Posts the Send Interview form for a candidate, with a fresh form key.
    pub async fn send_interview(&self, candidate_id: uuid::Uuid, job_id: uuid::Uuid, version_id: uuid::Uuid) -> Page {
        self.post(
            &format!("/candidates/{candidate_id}/send-interview"),
            &[
                ("job_id", &job_id.to_string()),
                ("version_id", &version_id.to_string()),
                ("idempotency_key", &uuid::Uuid::new_v4().to_string()),
            ],
        )
        .await
    }

    /// As the candidate whose browser this is, at their link's `path`: answers the fixture
    /// template's three questions, each opened first: `recording` (WebM) for both video
    /// questions, then `typed` for the written one.
    pub async fn answer_fixture_questions(&self, path: &str, version_id: uuid::Uuid, recording: &[u8], typed: &str) {
        let questions: Vec<uuid::Uuid> =
            sqlx::query_scalar("select id from version_questions where version_id = $1 order by position")
                .bind(version_id)
                .fetch_all(&self.pool)
                .await
                .unwrap();
        for question in &questions[..2] {
            self.get(&format!("{path}/q?question={question}")).await;
            let upload = self
                .client
                .post(self.url(&format!("{path}/answers/{question}")))
                .header("content-type", "video/webm")
                .body(recording.to_vec())
                .send()
                .await
                .unwrap();
            assert_eq!(upload.status(), StatusCode::CREATED);
        }
        self.get(&format!("{path}/q?question={}", questions[2])).await;
        self.post(&format!("{path}/answers/{}", questions[2]), &[("text", typed)]).await;
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.post("/sign-in", &[("email", email), ("password", password)]).await
    }

    /// The company of a signed-up recruiter.
    pub async fn company_id(&self, email: &str) -> uuid::Uuid {
        sqlx::query_scalar("select company_id from users where email = $1::citext")
            .bind(email)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// A company's scope for calling the store directly, read from its row as the product
    /// reads it from a session: there is no other way to make one.
    pub async fn scope(&self, company_id: uuid::Uuid) -> hifinity::ids::CompanyId {
        sqlx::query_scalar("select id from companies where id = $1")
            .bind(company_id)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Runs delivery rounds until the outbox has nothing due.
    pub async fn deliver_mail(&self) {
        let transport = Arc::new(hifinity::mail::transport::Transport::from_config(&self.state.config).unwrap());
        while hifinity::mail::worker::deliver_due(&self.state, &transport).await.unwrap() > 0 {}
    }

    /// Runs account email deliveries (verification, reset, team) through the app's own
    /// mail setting until none is due.
    pub async fn deliver_account_mail(&self) {
        let transport = Arc::new(hifinity::mail::transport::Transport::from_config(&self.state.config).unwrap());
        while hifinity::mail::account::deliver_due(&self.state, &transport).await.unwrap() > 0 {}
    }
}

/// A number the database holds, such as `select count(*) from emails`.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The interview's answers, in question order.
pub async fn answers(app: &TestApp, interview: uuid::Uuid) -> Vec<uuid::Uuid> {
    sqlx::query_scalar(
        "select a.id from answers a join version_questions q on q.id = a.question_id
         where a.interview_id = $1 order by q.position",
    )
    .bind(interview)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The first link to the app in an email's text.
pub fn link_in(text: &str) -> String {
    let start = text.find("http://127.0.0.1:").expect("a link");
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// The first link to the app in a received message's text part.
pub fn link_in_message(message: &[u8]) -> String {
    let text = mail_parser::MessageParser::default().parse(message).unwrap().body_text(0).unwrap().into_owned();
    link_in(&text)
}

/// The path (from `prefix` to the end of the link) of the first link in a received
/// message's text part that contains `prefix`, whatever the host it names.
pub fn path_in_message(message: &[u8], prefix: &str) -> String {
    let text = mail_parser::MessageParser::default().parse(message).unwrap().body_text(0).unwrap().into_owned();
    let start = text.find(prefix).unwrap_or_else(|| panic!("no {prefix} link in:\n{text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

/// Everything the app logged in this test process, at debug level.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.get().expect("logs captured").lock().unwrap()).into_owned()
}

fn capture_logs() {
    let buffer = LOGS.get_or_init(Default::default).clone();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("debug,hyper=info,hyper_util=info,h2=info,rustls=info")
        .with_writer(move || LogWriter(buffer.clone()))
        .with_ansi(false)
        .try_init();
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Page {
    pub status: StatusCode,
    pub url: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub async fn from(response: Response) -> Self {
        Self {
            status: response.status(),
            url: response.url().to_string(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    /// The trimmed text of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let html = Html::parse_document(&self.body);
        let selector = Selector::parse(selector).unwrap();
        html.select(&selector)
            .map(|el| el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).into_iter().next().unwrap_or_else(|| panic!("no {selector} in page:\n{}", self.body))
    }

    /// The `value` attribute of the form control named `name`.
    pub fn value_of(&self, name: &str) -> Option<String> {
        let html = Html::parse_document(&self.body);
        let selector = Selector::parse(&format!("[name=\"{name}\"]")).unwrap();
        html.select(&selector).next().and_then(|el| el.value().attr("value").map(str::to_owned))
    }

    /// The `href` of the first element matching `selector`.
    pub fn link(&self, selector: &str) -> Option<String> {
        let html = Html::parse_document(&self.body);
        let selector = Selector::parse(selector).unwrap();
        html.select(&selector).next().and_then(|el| el.value().attr("href").map(str::to_owned))
    }

    /// The `attr` attribute of every element matching `selector` that has one.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let html = Html::parse_document(&self.body);
        let selector = Selector::parse(selector).unwrap();
        html.select(&selector).filter_map(|el| el.value().attr(attr).map(str::to_owned)).collect()
    }

    pub fn flash(&self) -> String {
        self.text(".flash")
    }

    pub fn field_error(&self, field: &str) -> String {
        self.text(&format!("#{field}-error"))
    }
}
