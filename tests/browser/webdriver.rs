//! Headless Chromium driven through chromedriver: one chromedriver (and so one browser)
//! per test, with a fresh profile and a fake camera and microphone that need no prompt.

use std::{
    future::Future,
    io::{BufRead, BufReader},
    os::unix::process::CommandExt,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element, error::CmdError};
use serde_json::json;

use crate::support::{PASSWORD, ScratchDir, TestApp};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long a wait for the page lasts before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// One browser at a time: recording with the fake camera is timing-sensitive, and two
/// browsers at once on a small machine make the countdowns stutter.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct Browser {
    pub client: Client,
    // Dropped in this order: the driver (and its browser) before the profile it used.
    driver: Driver,
    profile: ScratchDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Browser {
    pub async fn start() -> Self {
        Self::launch(None).await
    }

    /// A browser that lays pages out as a phone of `width` × `height` CSS pixels does
    /// (Chromium's device emulation: a window can't be made narrower than 500 px).
    pub async fn start_phone(width: u32, height: u32) -> Self {
        Self::launch(Some(json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 } }))).await
    }

    async fn launch(mobile_emulation: Option<serde_json::Value>) -> Self {
        assert!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "the browser tests need Chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}): \
             run them through scripts/test, which installs them, or `apt-get install chromium chromium-driver`"
        );
        // Both rustls providers are in the build, so the WebDriver client needs one chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let turn = ONE_BROWSER.lock().await;
        let profile = ScratchDir::new("hifinity-chromium");
        let driver = Driver::start().await;
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.0.display()),
                ],
            },
        });
        let serde_json::Value::Object(mut capabilities) = capabilities else { unreachable!() };
        if let Some(emulation) = mobile_emulation {
            capabilities["goog:chromeOptions"]["mobileEmulation"] = emulation;
        }
        let client = ClientBuilder::rustls()
            .expect("TLS roots for the WebDriver client")
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .unwrap_or_else(|err| panic!("could not start Chromium through chromedriver: {err}"));
        Self { client, driver, profile, _turn: turn }
    }

    /// Ends the browser session (chromedriver closes Chromium). Without it, the Drop
    /// guard kills chromedriver and the browser.
    pub async fn close(self) {
        let Self { client, driver, profile, _turn } = self;
        let _ = client.close().await;
        drop(driver);
        drop(profile);
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|err| panic!("could not open {url}: {err}"));
    }

    /// Signs in through the form as a recruiter of `company` (with the test password).
    pub async fn sign_in(&self, app: &TestApp, email: &str, company: &str) {
        self.goto(&app.url("/sign-in")).await;
        self.find("#email").await.send_keys(email).await.unwrap();
        self.find("#password").await.send_keys(PASSWORD).await.unwrap();
        self.click("form[action='/sign-in'] button[type=submit]").await;
        self.wait_for_text("body", company).await;
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(TIMEOUT).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(err) => panic!("no {css} ({err}) on {}", self.describe().await),
        }
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        element.click().await.unwrap_or_else(|err| panic!("could not click {css}: {err}"));
    }

    /// Text of the first element matching `css`, whitespace collapsed.
    pub async fn text(&self, css: &str) -> String {
        let text = self.find(css).await.text().await.unwrap();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Waits until the first element matching `css` contains `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let what = format!("{css} containing {expected:?}");
        self.wait_until(&what, || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => Ok(element.text().await?.contains(expected)),
                Err(CmdError::Standard(e)) if e.error == fantoccini::error::ErrorStatus::NoSuchElement => Ok(false),
                Err(err) => Err(err),
            }
        })
        .await;
    }

    /// Evaluates a JavaScript expression in the page.
    pub async fn js(&self, expression: &str) -> serde_json::Value {
        self.client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .unwrap_or_else(|err| panic!("script {expression:?} failed: {err}"))
    }

    /// On an interview's page: waits until its `count` recordings have loaded, then plays
    /// the first (muted) until it is past its start.
    pub async fn play_first_recording(&self, count: usize) {
        self.wait_until("the recordings to load", || async {
            let loaded = self
                .client
                .execute("return [...document.querySelectorAll('video.answer-video')].filter((v) => v.readyState >= 1 && v.videoWidth > 0).length", vec![])
                .await?;
            Ok(loaded == count)
        })
        .await;
        self.js("(() => { const v = document.querySelector('video.answer-video'); v.muted = true; v.play(); return true; })()").await;
        self.wait_until("the first recording to play", || async {
            let at =
                self.client.execute("return document.querySelector('video.answer-video').currentTime", vec![]).await?;
            Ok(at.as_f64().unwrap_or(0.0) > 0.2)
        })
        .await;
    }

    /// Polls `ready` until it holds; fails with a description of the page after TIMEOUT.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut ready: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<bool, CmdError>>,
    {
        let start = Instant::now();
        loop {
            match ready().await {
                Ok(true) => return,
                // A navigation in progress can make a check fail; try again.
                Ok(false) | Err(_) if start.elapsed() < TIMEOUT => tokio::time::sleep(Duration::from_millis(100)).await,
                Ok(false) => panic!("timed out waiting for {what} on {}", self.describe().await),
                Err(err) => panic!("waiting for {what} failed ({err}) on {}", self.describe().await),
            }
        }
    }

    /// The current address and visible text, for failure messages.
    pub async fn describe(&self) -> String {
        let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let text = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        format!("{url}\n---\n{text}\n---")
    }
}

/// chromedriver on a port it chooses itself (`--port=0`, read back from the line it
/// prints), so that no other process can take the port between choosing and binding it.
/// It runs in its own process group so that the browser it starts goes with it.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Self {
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|err| panic!("could not start {CHROMEDRIVER}: {err}"));
        let stdout = child.stdout.take().unwrap();
        let (port_tx, port_rx) = tokio::sync::oneshot::channel::<Result<u16, String>>();
        // Reads the port from "ChromeDriver was started successfully on port 40123.", then
        // keeps draining its output so that chromedriver never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut port_tx = Some(port_tx);
            let mut said = String::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Once the port is known, the rest is only drained.
                let Some(tx) = port_tx.take() else { continue };
                let port = line
                    .strip_prefix("ChromeDriver was started successfully on port ")
                    .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok());
                match port {
                    Some(port) => {
                        let _ = tx.send(Ok(port));
                    }
                    None => {
                        said.push_str(&line);
                        said.push('\n');
                        port_tx = Some(tx);
                    }
                }
            }
            if let Some(tx) = port_tx {
                let _ = tx.send(Err(said));
            }
        });
        let mut driver = Self { child, url: String::new() };
        let port = match tokio::time::timeout(TIMEOUT, port_rx).await {
            Ok(Ok(Ok(port))) => port,
            Ok(Ok(Err(said))) => panic!("chromedriver stopped without saying which port it listens on:\n{said}"),
            Ok(Err(_)) => panic!("chromedriver's output could not be read"),
            Err(_) => panic!("chromedriver did not say which port it listens on within {TIMEOUT:?}"),
        };
        driver.url = format!("http://127.0.0.1:{port}");
        let status = format!("{}/status", driver.url);
        let http = reqwest::Client::new();
        let start = Instant::now();
        loop {
            if let Ok(response) = http.get(&status).send().await
                && response.status().is_success()
            {
                return driver;
            }
            assert!(start.elapsed() < TIMEOUT, "chromedriver did not answer on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser it left running.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
