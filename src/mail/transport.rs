//! Where messages go: an SMTP server (through the [`Sessions`] delivery owns) or, with
//! no `SMTP_URL`, the built-in mailbox that keeps them for the portal's Outbox page.

use lettre::Message;

use super::sessions::{self, Sessions};
use crate::config::Config;

pub enum Transport {
    Smtp(Box<Sessions>),
    Mailbox,
}

/// Why a delivery was not confirmed, and what trying again means.
#[derive(Clone, Debug)]
pub enum DeliveryError {
    /// 4xx replies, refused connections, timeouts before the message went out: it was
    /// not delivered, and trying again can help.
    Transient(String),
    /// 5xx replies: the server will never accept this message.
    Permanent(String),
    /// The message's data went out and no reply came (a timeout, a dropped connection):
    /// it may have been delivered.
    Unknown(String),
}

impl Transport {
    /// `SMTP_URL`'s server with at most `SMTP_MAX_CONNECTIONS` sessions, or the mailbox.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let Some(url) = config.smtp_url.as_deref() else { return Ok(Self::Mailbox) };
        Ok(Self::Smtp(Box::new(Sessions::new(url, config.smtp_max_connections, config.smtp_timeout)?)))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "smtp",
            Self::Mailbox => "mailbox",
        }
    }

    /// Delivers `message`; returns the server's reply.
    pub async fn deliver(&self, message: Message) -> Result<String, DeliveryError> {
        self.slot().await?.deliver(message).await
    }

    /// Room for one more message: a session's turn, or at once for the mailbox.
    pub async fn slot(&self) -> Result<Slot<'_>, DeliveryError> {
        match self {
            Self::Mailbox => Ok(Slot::Mailbox),
            Self::Smtp(sessions) => sessions.slot().await.map(Slot::Smtp).map_err(classify),
        }
    }
}

/// Room for one message, held from before its attempt is recorded until its outcome is.
pub enum Slot<'a> {
    Smtp(sessions::Slot<'a>),
    Mailbox,
}

impl Slot<'_> {
    /// Delivers `message`; returns the server's reply.
    pub async fn deliver(&self, message: Message) -> Result<String, DeliveryError> {
        let slot = match self {
            Self::Mailbox => return Ok("Kept in the Hifinity outbox (no SMTP server configured)".into()),
            Self::Smtp(slot) => slot,
        };
        match slot.send(message.envelope(), &message.formatted()).await {
            Ok(response) => Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))),
            Err(failure) => Err(classify(failure)),
        }
    }
}

/// What an unconfirmed message's failure means for trying again.
fn classify(failure: sessions::Failure) -> DeliveryError {
    match failure.code {
        Some(code) if (500..600).contains(&code) && !is_configuration(code) => DeliveryError::Permanent(failure.reason),
        Some(_) => DeliveryError::Transient(failure.reason),
        None if failure.data_sent => DeliveryError::Unknown(failure.reason),
        None => DeliveryError::Transient(failure.reason),
    }
}

/// 5xx replies about our own credentials or TLS (530, 534, 535, 538) are fixed by
/// correcting SMTP_URL, not by giving up on the email: they are retried.
fn is_configuration(code: u16) -> bool {
    matches!(code, 530 | 534 | 535 | 538)
}
