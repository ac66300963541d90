//! Typed settings read from the environment (and `.env` when present).
//! `.env.example` documents every variable.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::{Context, bail};
use url::Url;

use crate::domain::SecretKey;

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
    /// Trust the last `X-Forwarded-For` hop as the client address (behind a proxy).
    pub trust_forwarded_for: bool,
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
        let trust_forwarded_for = match optional("TRUST_FORWARDED_FOR")?.as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => bail!("TRUST_FORWARDED_FOR must be true or false"),
        };
        Ok(Self {
            app_env,
            database_url,
            bind_addr,
            base_url,
            secret_key,
            data_dir,
            trust_forwarded_for,
        })
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

fn optional(name: &str) -> anyhow::Result<Option<String>> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{name} is not valid UTF-8"),
    }
}
