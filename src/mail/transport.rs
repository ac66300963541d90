//! Where messages go: an SMTP server (lettre's pooled async transport) or, with no
//! `SMTP_URL`, the built-in mailbox that keeps them for the portal's Outbox page.

use anyhow::Context;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, transport::smtp::PoolConfig};

use crate::config::Config;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Mailbox,
}

/// Why a delivery failed, and whether trying again can help.
#[derive(Debug)]
pub enum DeliveryError {
    /// 4xx replies, refused connections, timeouts.
    Transient(String),
    /// 5xx replies: the server will never accept this message.
    Permanent(String),
}

impl Transport {
    /// `SMTP_URL`'s server with at most `SMTP_MAX_CONNECTIONS` sessions, or the mailbox.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let Some(url) = config.smtp_url.as_deref() else { return Ok(Self::Mailbox) };
        let max_size = u32::try_from(config.smtp_max_connections).context("SMTP_MAX_CONNECTIONS is too large")?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL is not a valid SMTP address")?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .pool_config(PoolConfig::new().max_size(max_size))
            .build();
        Ok(Self::Smtp(transport))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "smtp",
            Self::Mailbox => "mailbox",
        }
    }

    /// Delivers `message`; returns the server's reply.
    pub async fn deliver(&self, message: Message) -> Result<String, DeliveryError> {
        match self {
            Self::Mailbox => Ok("Kept in the Hifinity outbox (no SMTP server configured)".into()),
            // Bounded well within the worker's lease, so no other worker takes it meanwhile.
            Self::Smtp(smtp) => match tokio::time::timeout(SEND_TIMEOUT, smtp.send(message)).await {
                Err(_) => Err(DeliveryError::Transient(format!(
                    "No answer from the SMTP server within {} s",
                    SEND_TIMEOUT.as_secs()
                ))),
                Ok(Ok(response)) => {
                    Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" ")))
                }
                Ok(Err(err)) if err.is_permanent() && !is_configuration(&err) => {
                    Err(DeliveryError::Permanent(describe(&err)))
                }
                Ok(Err(err)) => Err(DeliveryError::Transient(describe(&err))),
            },
        }
    }
}

/// The longest one message may take to send.
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// 5xx replies about our own credentials or TLS (530, 534, 535, 538) are fixed by
/// correcting SMTP_URL, not by giving up on the email: they are retried.
fn is_configuration(err: &lettre::transport::smtp::Error) -> bool {
    err.status().is_some_and(|code| matches!(code.to_string().as_str(), "530" | "534" | "535" | "538"))
}

/// The whole error chain: lettre's top level says little ("network error").
fn describe(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
