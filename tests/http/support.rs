//! Starts the real app on port 0 against the test's own database, with a browser-like
//! client that keeps cookies.

use std::sync::Arc;

use hifinity::{app, config::Config, domain::SecretKey};
use reqwest::{Client, Response, StatusCode, cookie::Jar, redirect::Policy};
use scraper::{Html, Selector};
use sqlx::PgPool;

pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
    /// Follows redirects, like a browser.
    pub client: Client,
    /// Shares the cookies but stops at redirects, to assert them.
    pub no_redirect: Client,
    pub jar: Arc<Jar>,
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub async fn spawn(pool: PgPool) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let data_dir = std::env::temp_dir().join(format!("hifinity-test-{}", uuid::Uuid::new_v4()));
        let config = Config {
            app_env: hifinity::config::AppEnv::Development,
            database_url: String::new(),
            bind_addr: addr,
            base_url: hifinity::config::parse_base_url(&format!("http://{addr}")).unwrap(),
            secret_key: SecretKey::generate(),
            data_dir,
            trust_forwarded_for: false,
        };
        let state = app::AppState { pool: pool.clone(), config: Arc::new(config) };
        tokio::spawn(app::serve(listener, state));
        let jar = Arc::new(Jar::default());
        let client = Client::builder().cookie_provider(jar.clone()).build().unwrap();
        let no_redirect = Client::builder().cookie_provider(jar.clone()).redirect(Policy::none()).build().unwrap();
        Self { base: format!("http://{addr}"), pool, client, no_redirect, jar }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A second browser (its own cookies) on the same server.
    pub fn other_browser(&self) -> Self {
        let jar = Arc::new(Jar::default());
        Self {
            base: self.base.clone(),
            pool: self.pool.clone(),
            client: Client::builder().cookie_provider(jar.clone()).build().unwrap(),
            no_redirect: Client::builder().cookie_provider(jar.clone()).redirect(Policy::none()).build().unwrap(),
            jar,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::from(self.client.post(self.url(path)).form(form).send().await.unwrap()).await
    }

    /// Signs up a new company; the browser is then signed in as its first recruiter.
    pub async fn sign_up(&self, company: &str, email: &str) -> Page {
        let page = self
            .post("/sign-up", &[("company_name", company), ("name", "Riley Recruiter"), ("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains(company), "signed-in page names the company");
        page
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.post("/sign-in", &[("email", email), ("password", password)]).await
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

    pub fn flash(&self) -> String {
        self.text(".flash")
    }

    pub fn field_error(&self, field: &str) -> String {
        self.text(&format!("#{field}-error"))
    }
}
