//! `hifinity serve` as an operator runs it: the real binary, on the port the system
//! chooses, against the test's database, with its own workers, stopped with SIGTERM.

use std::{
    io::{BufRead, BufReader, Read},
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use crate::support::{Page, ScratchDir};
use reqwest::{Client, cookie::Jar};
use sqlx::PgPool;

/// Generous: the machine may be busy with other tests; nothing here is a timing claim.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    pub base: String,
    output: Arc<Mutex<String>>,
    /// Its own folder, removed after it stops; None when other processes share the folder.
    data_dir: Option<ScratchDir>,
    /// A browser: keeps cookies, follows redirects.
    pub client: Client,
}

impl Server {
    /// Starts `hifinity serve` with only the given settings (and the test's database),
    /// in a folder of its own so that no `.env` of the checkout applies.
    pub async fn start(pool: &PgPool, settings: &[(&str, &str)]) -> Self {
        let data_dir = own_folder();
        let mut server = Self::start_in(pool, &data_dir.0, &["serve"], settings).await;
        server.data_dir = Some(data_dir);
        server
    }

    /// Starts `hifinity serve --no-workers` in `data_dir`, which other processes share.
    pub async fn start_web(pool: &PgPool, data_dir: &Path, settings: &[(&str, &str)]) -> Self {
        Self::start_in(pool, data_dir, &["serve", "--no-workers"], settings).await
    }

    async fn start_in(pool: &PgPool, data_dir: &Path, args: &[&str], settings: &[(&str, &str)]) -> Self {
        let (bound, listening) = mpsc::channel();
        let (child, output) = spawn(pool, data_dir, args, settings, Some(bound));
        let addr = tokio::task::spawn_blocking(move || listening.recv_timeout(PATIENCE))
            .await
            .unwrap()
            .unwrap_or_else(|_| panic!("the server did not say where it listens:\n{}", output.lock().unwrap()));
        let jar = Arc::new(Jar::default());
        let client = Client::builder().cookie_provider(jar).build().unwrap();
        Self { child, base: format!("http://{addr}"), output, data_dir: None, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::from(self.client.post(self.url(path)).form(form).send().await.unwrap()).await
    }

    /// Everything the server printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until the server has printed `text` `times` times.
    pub async fn wait_for_output(&self, text: &str, times: usize) {
        eventually(&format!("the server to print {text:?} {times} time(s)"), self, || async {
            (self.output().matches(text).count() >= times).then_some(())
        })
        .await
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub async fn terminate(&mut self) -> ExitStatus {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(sent.success(), "SIGTERM could not be sent");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < PATIENCE, "the server did not stop after SIGTERM:\n{}", self.output());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `hifinity worker`: the background workers alone, beside web processes that serve
/// with `--no-workers`.
pub struct Worker {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Worker {
    /// Starts it in `data_dir` (shared with the other processes) and waits until its
    /// workers run.
    pub async fn start(pool: &PgPool, data_dir: &Path, settings: &[(&str, &str)]) -> Self {
        let (child, output) = spawn(pool, data_dir, &["worker"], settings, None);
        let worker = Self { child, output };
        let started = Instant::now();
        while !worker.output().contains("workers running") {
            assert!(started.elapsed() < PATIENCE, "the worker did not start:\n{}", worker.output());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        worker
    }

    /// Everything the worker printed so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Kills it with SIGKILL, as a crash or the OOM killer would: nothing is given back.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL could not be sent");
        self.child.wait().unwrap();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new folder under the system's temporary one, for a process's DATA_DIR.
pub fn own_folder() -> ScratchDir {
    ScratchDir::new("hifinity-server")
}

/// Runs `hifinity <args>` with only the given settings (and the test's database) in
/// `data_dir`, so that no `.env` of the checkout applies; collects what it prints.
fn spawn(
    pool: &PgPool,
    data_dir: &Path,
    args: &[&str],
    settings: &[(&str, &str)],
    bound: Option<mpsc::Sender<String>>,
) -> (Child, Arc<Mutex<String>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hifinity"))
        .args(args)
        .env_clear()
        .current_dir(data_dir)
        .env("DATABASE_URL", database_url(pool))
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("DATA_DIR", data_dir)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info,sqlx=warn,hifinity::queue::worker=debug")
        .envs(settings.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hifinity binary starts");
    let output = Arc::new(Mutex::new(String::new()));
    keep_lines(child.stdout.take().unwrap(), output.clone(), bound);
    keep_lines(child.stderr.take().unwrap(), output.clone(), None);
    (child, output)
}

/// Polls `check` until it gives a value; fails with the server's output after [`PATIENCE`].
pub async fn eventually<T, F, Fut>(what: &str, server: &Server, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "waited in vain for {what}; the server printed:\n{}", server.output());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The test database's URL: the server of `DATABASE_URL`, the database of `pool`.
fn database_url(pool: &PgPool) -> String {
    let mut url = url::Url::parse(&std::env::var("DATABASE_URL").expect("DATABASE_URL is set")).unwrap();
    url.set_path(pool.connect_options().get_database().expect("the test database"));
    url.to_string()
}

/// Collects a pipe's lines; reports the address on the "Listening on" line.
fn keep_lines(pipe: impl Read + Send + 'static, output: Arc<Mutex<String>>, bound: Option<mpsc::Sender<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if let (Some(addr), Some(bound)) = (line.strip_prefix("Listening on "), &bound) {
                let _ = bound.send(addr.trim().to_owned());
            }
            let mut output = output.lock().unwrap();
            output.push_str(&line);
            output.push('\n');
        }
    });
}
