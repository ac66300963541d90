//! Typed settings read from the environment (and `.env` when present).
//! `.env.example` documents every variable.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{Context, bail};
use url::Url;

use crate::{
    domain::{EmailAddress, SecretKey},
    mail::dkim::Dkim,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub app_env: AppEnv,
    pub database_url: String,
    pub bind_addr: SocketAddr,
    /// Public address of the portal, used in emailed links and the cross-site check.
    pub base_url: Url,
    pub secret_key: SecretKey,
    /// Where development keeps its generated secret (and, later, local media).
    pub data_dir: PathBuf,
    /// How many proxies of ours stand in front of the server, each appending to
    /// `X-Forwarded-For` the address it saw; 0 reads the peer's address only.
    pub trusted_proxy_hops: usize,
    /// Where invitations are sent; `None` keeps them in the portal's built-in mailbox.
    pub smtp_url: Option<String>,
    /// The most SMTP sessions open at once, which is also how many emails are sent at once.
    pub smtp_max_connections: usize,
    /// The longest one message may take to send; after its data went out, a message with
    /// no reply by then has an unknown outcome.
    pub smtp_timeout: Duration,
    /// Production without `SMTP_URL` only when this says the built-in mailbox is intended.
    pub mailbox_only: bool,
    /// Sign-ups allowed per client address per hour.
    pub sign_ups_per_hour: i32,
    /// Account emails of one kind (verification links, notes, reset links) sent to one
    /// address per hour.
    pub account_emails_per_hour: i32,
    /// Requests one API key may make per minute.
    pub api_requests_per_minute: i32,
    /// Candidate emails a company in its first week may queue in any 24 hours; `None`
    /// lifts the cap (a self-hoster's own company).
    pub new_company_emails_per_day: Option<i64>,
    /// The sender address; the company's name is its display name.
    pub mail_from: EmailAddress,
    /// Signs every message with DKIM when `DKIM_DOMAIN`, `DKIM_SELECTOR` and `DKIM_PRIVATE_KEY` are set.
    pub dkim: Option<Dkim>,
    /// How long an interview link stays valid after sending.
    pub link_valid_days: i64,
    /// `s3://bucket/prefix` for S3-compatible media storage; `None` keeps media under DATA_DIR.
    pub media_store: Option<String>,
    /// The largest video answer accepted, in bytes.
    pub max_answer_bytes: u64,
    /// How long after a question's recording time its upload may still arrive (slow connections).
    pub answer_grace: Duration,
    /// Speech-to-text and scoring services of the evaluation (none: built-in rubric only).
    pub evaluation: EvaluationConfig,
    /// How often the background workers look for work without being woken.
    pub workers: WorkerConfig,
    /// Lets webhooks reach loopback, private and link-local addresses (development, tests).
    pub webhook_allow_private: bool,
}

/// Queued work wakes its worker through `LISTEN/NOTIFY`; the poll finds what arrived
/// without a notification (a lost listener connection, rows written by other tools).
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub poll: Duration,
    /// Expiry, reminders and session clean-up.
    pub housekeeping: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self { poll: Duration::from_secs(5), housekeeping: Duration::from_secs(60) }
    }
}

impl WorkerConfig {
    fn from_env() -> anyhow::Result<Self> {
        let seconds = |name: &str, default: Duration| -> anyhow::Result<Duration> {
            match optional(name)? {
                None => Ok(default),
                Some(raw) => raw
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=3600).contains(s))
                    .map(Duration::from_secs)
                    .with_context(|| format!("{name} must be a whole number of seconds from 1 to 3600")),
            }
        };
        let defaults = Self::default();
        Ok(Self {
            poll: seconds("WORKER_POLL_SECS", defaults.poll)?,
            housekeeping: seconds("HOUSEKEEPING_SECS", defaults.housekeeping)?,
        })
    }
}

/// The OpenAI-compatible services the evaluation may use. Without `transcribe_url`,
/// video answers get no transcript; without `evaluator_url`, the built-in rubric scores.
#[derive(Clone, Debug)]
pub struct EvaluationConfig {
    pub transcribe_url: Option<Url>,
    pub transcribe_api_key: Option<String>,
    pub transcribe_model: String,
    pub evaluator_url: Option<Url>,
    pub evaluator_api_key: Option<String>,
    pub evaluator_model: String,
    /// Per request to either service; a slower answer counts as a transient failure.
    pub timeout_secs: u64,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        Self {
            transcribe_url: None,
            transcribe_api_key: None,
            transcribe_model: "whisper-1".into(),
            evaluator_url: None,
            evaluator_api_key: None,
            evaluator_model: "gpt-4o-mini".into(),
            timeout_secs: 120,
        }
    }
}

impl EvaluationConfig {
    fn from_env() -> anyhow::Result<Self> {
        let defaults = Self::default();
        let service_url = |name: &str| -> anyhow::Result<Option<Url>> {
            optional(name)?
                .map(|raw| {
                    let url = Url::parse(raw.trim_end_matches('/'))
                        .with_context(|| format!("{name} must be a URL such as https://api.openai.com/v1"))?;
                    if !matches!(url.scheme(), "http" | "https") {
                        bail!("{name} must be an http or https URL");
                    }
                    Ok(url)
                })
                .transpose()
        };
        let timeout_secs = match optional("EVALUATION_TIMEOUT_SECS")? {
            None => defaults.timeout_secs,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .context("EVALUATION_TIMEOUT_SECS must be a whole number of seconds from 1 to 3600")?,
        };
        Ok(Self {
            transcribe_url: service_url("TRANSCRIBE_URL")?,
            transcribe_api_key: optional("TRANSCRIBE_API_KEY")?,
            transcribe_model: optional("TRANSCRIBE_MODEL")?.unwrap_or(defaults.transcribe_model),
            evaluator_url: service_url("EVALUATOR_URL")?,
            evaluator_api_key: optional("EVALUATOR_API_KEY")?,
            evaluator_model: optional("EVALUATOR_MODEL")?.unwrap_or(defaults.evaluator_model),
            timeout_secs,
        })
    }
}

impl Config {
    /// Reads the settings; the error names the variable that is missing or malformed.
    pub fn from_env() -> anyhow::Result<Self> {
        let app_env = match optional("APP_ENV")?.as_deref() {
            None | Some("development") => AppEnv::Development,
            Some("production") => AppEnv::Production,
            Some(other) => {
                bail!("APP_ENV must be \"development\" or \"production\", not {other:?}")
            }
        };
        let database_url = optional("DATABASE_URL")?
            .context("DATABASE_URL is not set (e.g. postgres://user@127.0.0.1:5432/hifinity)")?;
        let bind_addr: SocketAddr = optional("BIND_ADDR")?
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("BIND_ADDR must be an address such as 127.0.0.1:3000")?;
        let base_url = match optional("BASE_URL")? {
            Some(raw) => parse_base_url(&raw)?,
            None => parse_base_url(&format!("http://{bind_addr}"))?,
        };
        let data_dir = PathBuf::from(optional("DATA_DIR")?.unwrap_or_else(|| ".data".into()));
        let secret_key = match optional("SECRET_KEY")? {
            Some(raw) => SecretKey::parse(&raw).context("SECRET_KEY is malformed")?,
            None if app_env == AppEnv::Production => {
                bail!("SECRET_KEY is required when APP_ENV=production (64 hex characters)")
            }
            None => SecretKey::load_or_create(&data_dir.join("secret_key"))
                .context("SECRET_KEY is not set and no development key could be kept in DATA_DIR")?,
        };
        if optional("TRUST_FORWARDED_FOR")?.is_some() {
            bail!(
                "TRUST_FORWARDED_FOR is replaced by TRUSTED_PROXY_HOPS: the number of proxies you run in front of \
                 Hifinity (1 for one reverse proxy)"
            );
        }
        let trusted_proxy_hops = match optional("TRUSTED_PROXY_HOPS")? {
            None => 0,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|hops| *hops <= 10)
                .context("TRUSTED_PROXY_HOPS must be a whole number from 0 to 10")?,
        };
        let smtp_url = optional("SMTP_URL")?;
        if let Some(url) = &smtp_url {
            let parsed = Url::parse(url).context("SMTP_URL must be a URL such as smtp://127.0.0.1:1025")?;
            if !matches!(parsed.scheme(), "smtp" | "smtps") {
                bail!("SMTP_URL must start with smtp:// or smtps://");
            }
        }
        let smtp_max_connections = match optional("SMTP_MAX_CONNECTIONS")? {
            None => 4,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .context("SMTP_MAX_CONNECTIONS must be a whole number from 1 to 100")?,
        };
        let smtp_timeout = match optional("SMTP_TIMEOUT_SECS")? {
            None => Duration::from_secs(60),
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|secs| (1..=600).contains(secs))
                .map(Duration::from_secs)
                .context("SMTP_TIMEOUT_SECS must be a whole number of seconds from 1 to 600")?,
        };
        let mailbox_only = flag("MAILBOX_ONLY")?;
        if smtp_url.is_none() && app_env == AppEnv::Production && !mailbox_only {
            bail!(
                "SMTP_URL is required when APP_ENV=production: without it no email leaves the server. \
                 Set MAILBOX_ONLY=true if keeping emails in the built-in mailbox is intended"
            );
        }
        let sign_ups_per_hour = rate_limit("SIGN_UPS_PER_HOUR", 5)?;
        let account_emails_per_hour = rate_limit("ACCOUNT_EMAILS_PER_HOUR", 3)?;
        let api_requests_per_minute = rate_limit("API_REQUESTS_PER_MINUTE", 600)?;
        let new_company_emails_per_day = match optional("NEW_COMPANY_EMAILS_PER_DAY")? {
            None => Some(100),
            Some(raw) if raw.trim() == "unlimited" => None,
            Some(raw) => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=10_000_000).contains(n))
                    .context("NEW_COMPANY_EMAILS_PER_DAY must be a whole number from 1 to 10000000, or unlimited")?,
            ),
        };
        let mail_from =
            EmailAddress::parse(&optional("MAIL_FROM")?.unwrap_or_else(|| "interviews@hifinity.localhost".into()))
                .map_err(|message| anyhow::anyhow!("MAIL_FROM is not a valid email address: {message}"))?;
        let dkim =
            Dkim::from_settings(optional("DKIM_DOMAIN")?, optional("DKIM_SELECTOR")?, optional("DKIM_PRIVATE_KEY")?)?;
        let link_valid_days = match optional("INTERVIEW_LINK_DAYS")? {
            None => 14,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|days| (1..=365).contains(days))
                .context("INTERVIEW_LINK_DAYS must be a whole number of days from 1 to 365")?,
        };
        let media_store = optional("MEDIA_STORE")?;
        if let Some(store) = &media_store
            && !store.starts_with("s3://")
        {
            bail!("MEDIA_STORE must look like s3://bucket/prefix (or be unset for local disk)");
        }
        let max_answer_mb = match optional("MAX_ANSWER_MB")? {
            None => 200,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|mb| (1..=4096).contains(mb))
                .context("MAX_ANSWER_MB must be a whole number of megabytes from 1 to 4096")?,
        };
        let answer_grace_secs = match optional("ANSWER_GRACE_SECS")? {
            None => 120,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|secs| *secs <= 3600)
                .context("ANSWER_GRACE_SECS must be a whole number of seconds from 0 to 3600")?,
        };
        Ok(Self {
            app_env,
            database_url,
            bind_addr,
            base_url,
            secret_key,
            data_dir,
            trusted_proxy_hops,
            smtp_url,
            smtp_max_connections,
            smtp_timeout,
            mailbox_only,
            sign_ups_per_hour,
            account_emails_per_hour,
            api_requests_per_minute,
            new_company_emails_per_day,
            mail_from,
            dkim,
            link_valid_days,
            media_store,
            max_answer_bytes: max_answer_mb * 1024 * 1024,
            answer_grace: Duration::from_secs(answer_grace_secs),
            evaluation: EvaluationConfig::from_env()?,
            workers: WorkerConfig::from_env()?,
            webhook_allow_private: flag("WEBHOOK_ALLOW_PRIVATE")?,
        })
    }

    /// Takes the address the server actually listens on (with `BIND_ADDR` port 0, the one
    /// the system chose); a base URL derived from `BIND_ADDR` follows it.
    pub fn bound_to(&mut self, addr: SocketAddr) {
        if parse_base_url(&format!("http://{}", self.bind_addr)).is_ok_and(|derived| derived == self.base_url) {
            self.base_url = parse_base_url(&format!("http://{addr}")).expect("a socket address makes a valid URL");
        }
        self.bind_addr = addr;
    }

    /// Account links (verification) appear on pages and in the log only on a development
    /// machine without a mail server, where nobody could receive them otherwise.
    pub fn shows_account_links(&self) -> bool {
        self.app_env == AppEnv::Development && self.smtp_url.is_none()
    }

    /// Cookies get `Secure` and the `__Host-` prefix when the portal is served over HTTPS.
    pub fn https(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

pub fn parse_base_url(raw: &str) -> anyhow::Result<Url> {
    let url = Url::parse(raw.trim_end_matches('/'))
        .context("BASE_URL must be an absolute URL such as https://hire.example.com")?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        bail!("BASE_URL must be an http or https URL with a host");
    }
    Ok(url)
}

fn flag(name: &str) -> anyhow::Result<bool> {
    match optional(name)?.as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => bail!("{name} must be true or false"),
    }
}

/// A rate limit (per hour, or per minute for an API key): 1 to 1,000,000, so that a development
/// machine or a load test can raise it.
fn rate_limit(name: &str, default: i32) -> anyhow::Result<i32> {
    match optional(name)? {
        None => Ok(default),
        Some(raw) => raw
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .with_context(|| format!("{name} must be a whole number from 1 to 1000000")),
    }
}

fn optional(name: &str) -> anyhow::Result<Option<String>> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{name} is not valid UTF-8"),
    }
}
