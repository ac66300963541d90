//! The delivery worker: runs [`DeliverEmail`] jobs on the [`queue`] mechanism, at most
//! `SMTP_MAX_CONNECTIONS` at once: renders each email, sends it and records the outcome.
//! Transient failures retry with exponential backoff and jitter. A message whose data
//! went out with no reply (or whose attempt ended without its outcome recorded) has an
//! unknown outcome: it is sent once more, after the backoff, with the same Message-ID,
//! never a third time.

use std::{sync::Arc, time::Duration};

use lettre::Message;
use rules::backoff::backoff;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;

use super::{
    compose,
    outbox::{self, DeliverEmail},
    transport::{DeliveryError, Slot, Transport},
};
use crate::ids::EmailId;
use crate::{
    interviews::model::InterviewStatus,
    queue::{self, Claim, Outcome, worker::Handler},
    state::AppState,
};

pub const MAX_ATTEMPTS: i32 = 8;

/// The handler of [`DeliverEmail`] jobs: what it needs to render and send.
pub struct Delivery {
    state: AppState,
    transport: Arc<Transport>,
}

/// Emails in flight per SMTP session: while one is on the wire, others are claimed,
/// rendered and recorded. The transport keeps the sessions themselves to
/// `SMTP_MAX_CONNECTIONS`.
const PER_SESSION: usize = 4;

pub async fn run(state: AppState, transport: Arc<Transport>, shutdown: watch::Receiver<bool>) {
    let (pool, poll) = (state.pool.clone(), state.config.workers.poll);
    let in_flight = state.config.smtp_max_connections * PER_SESSION;
    queue::worker::run(pool, Arc::new(Delivery { state, transport }), in_flight, poll, shutdown).await
}

/// Delivers every due email, as the worker would, and returns how many it took.
pub async fn deliver_due(state: &AppState, transport: &Arc<Transport>) -> anyhow::Result<usize> {
    let delivery = Arc::new(Delivery { state: state.clone(), transport: transport.clone() });
    queue::worker::run_due(&state.pool, &delivery, state.config.smtp_max_connections * PER_SESSION).await
}

/// How one delivery ended.
#[derive(Clone)]
pub enum Delivered {
    Sent {
        transport: &'static str,
        reply: String,
        message_id: String,
        copy: Box<compose::SentCopy>,
    },
    /// A transient failure: try again at `at`.
    Retry {
        error: String,
        at: OffsetDateTime,
    },
    /// The message went out and no reply came: send it once more at `at`.
    Unknown {
        error: String,
        message_id: String,
        at: OffsetDateTime,
    },
    Failed(String),
}

/// The sends that went out twice without a reply may both have arrived.
const NOT_A_THIRD_TIME: &str = "it may have arrived, and it is not sent a third time";

/// Records the outcome on the email, its interview's timeline and its job in one
/// transaction; a claim that no longer holds the job (another worker took it over after
/// the lease) records nothing.
pub async fn record(pool: &PgPool, claim: &Claim, email_id: EmailId, delivered: Delivered) -> sqlx::Result<()> {
    let outcome = match &delivered {
        Delivered::Sent { .. } => Outcome::Done,
        Delivered::Retry { error, at } | Delivered::Unknown { error, at, .. } => {
            Outcome::Retry { error: error.clone(), at: *at }
        }
        Delivered::Failed(error) => Outcome::Failed(error.clone()),
    };
    let mut tx = pool.begin().await?;
    if queue::settle(&mut *tx, claim, &outcome).await? {
        let attempts = claim.attempts;
        match &delivered {
            Delivered::Sent { transport, reply, message_id, copy } => {
                outbox::mark_sent(&mut tx, email_id, attempts, transport, reply, message_id, copy).await?
            }
            Delivered::Retry { error, at } => outbox::mark_retry(&mut *tx, email_id, attempts, error, *at).await?,
            Delivered::Unknown { error, message_id, at } => {
                outbox::mark_unknown(&mut *tx, email_id, attempts, error, message_id, *at).await?
            }
            Delivered::Failed(error) => outbox::mark_failed(&mut *tx, email_id, attempts, error).await?,
        }
    }
    tx.commit().await
}

impl Handler for Delivery {
    type Job = DeliverEmail;
    const NAME: &'static str = "outbox";
    const CRASHED: &'static str = "The delivery stopped unexpectedly too many times";
    /// Long enough for a slow SMTP exchange.
    const LEASE: Duration = Duration::from_secs(120);
    const MAX_ATTEMPTS: i32 = MAX_ATTEMPTS;

    /// Long enough for the sends in flight to get their replies on a responsive server.
    const GRACE: Duration = Duration::from_secs(5);

    async fn run(&self, pool: &PgPool, claim: &Claim, job: &DeliverEmail) -> anyhow::Result<()> {
        match self.attempt(pool, claim, job.email_id).await? {
            // The slot is held until the outcome is written, so that a crash leaves no
            // message beyond one per session that went out and is not recorded.
            Some((delivered, _slot)) => {
                queue::until_written(pool, claim, Self::LEASE, || record(pool, claim, job.email_id, delivered.clone()))
                    .await?
            }
            // Sent, failed or deleted already: nothing is left to deliver.
            None => queue::settle(pool, claim, &Outcome::Done).await.map(drop)?,
        }
        Ok(())
    }

    async fn give_up(
        &self,
        pool: &PgPool,
        claim: &Claim,
        job: Option<&DeliverEmail>,
        reason: &str,
    ) -> anyhow::Result<()> {
        match job {
            Some(job) => {
                outbox::record_attempt(pool, job.email_id, claim.attempts).await?;
                record(pool, claim, job.email_id, Delivered::Failed(reason.to_owned())).await?;
            }
            None => {
                queue::settle(pool, claim, &Outcome::Failed(reason.to_owned())).await?;
            }
        }
        Ok(())
    }

    async fn give_back(&self, pool: &PgPool, claim: &Claim, job: &DeliverEmail) -> anyhow::Result<()> {
        let mut tx = pool.begin().await?;
        if queue::settle(&mut *tx, claim, &Outcome::GivenBack).await? {
            outbox::give_back(&mut *tx, job.email_id, claim.attempts).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Delivery {
    /// One attempt at the email: what happened, to be recorded, and the session's slot it
    /// took; `None` when nothing is left to deliver. The attempt is recorded once a session
    /// has room for the message, so a crash leaves at most one message per session whose
    /// outcome is unknown.
    async fn attempt(
        &self,
        pool: &PgPool,
        claim: &Claim,
        email_id: EmailId,
    ) -> anyhow::Result<Option<(Delivered, Option<Slot<'_>>)>> {
        let attempts = claim.attempts;
        let Some(data) = compose::load(pool, email_id, None).await? else { return Ok(None) };
        let (message, message_id, copy) = match prepare(&self.state, &data) {
            Ok(prepared) => prepared,
            Err(failed) => return Ok(outbox::record_attempt(pool, email_id, attempts).await?.map(|_| (failed, None))),
        };
        let slot = self.transport.slot().await;
        let Some(attempt) = outbox::record_attempt(pool, email_id, attempts).await? else { return Ok(None) };
        if attempt.interrupted && attempt.once_more {
            let failed =
                format!("The attempt sending it once more stopped before its outcome was recorded: {NOT_A_THIRD_TIME}");
            return Ok(Some((Delivered::Failed(failed), None)));
        }
        if attempt.interrupted {
            outbox::mark_interrupted(pool, email_id, attempts).await?;
        }
        let (sent, slot) = match slot {
            Ok(slot) => (slot.deliver(message).await, Some(slot)),
            Err(err) => (Err(err), None),
        };
        let once_more = attempt.interrupted || attempt.once_more;
        let delivered = match sent {
            Ok(reply) => Delivered::Sent { transport: self.transport.name(), reply, message_id, copy: Box::new(copy) },
            Err(err) => failed(err, email_id, attempts, once_more, message_id),
        };
        Ok(Some((delivered, slot)))
    }
}

/// The email's message, its Message-ID and the copy the Outbox keeps; or why it is not
/// sent: its interview closed before its delivery, or the message could not be built.
fn prepare(
    state: &AppState,
    data: &compose::InvitationData,
) -> Result<(Message, String, compose::SentCopy), Delivered> {
    // Past its deadline counts as expired even before housekeeping marks it so: the link
    // would only say that it expired.
    let status = match data.interview_status {
        status if status.is_open() && data.expires_at <= OffsetDateTime::now_utc() => InterviewStatus::Expired,
        status => status,
    };
    if !status.is_open() {
        return Err(Delivered::Failed(format!(
            "Not sent: the interview is no longer open ({})",
            status.label().to_lowercase()
        )));
    }
    let built = compose::render(data, &state.config).and_then(|rendered| {
        let (message, message_id) = compose::message(data, &rendered, &state.config)?;
        Ok((message, message_id, rendered.masked(&state.config)))
    });
    built.map_err(|err| {
        tracing::error!(error = ?err, email = %data.email_id, "outbox: could not build the message");
        Delivered::Failed(format!("Could not build the message: {err:#}"))
    })
}

/// What a failed send means for the email (`once_more` after an attempt whose outcome is
/// unknown): try again, send once more, or give up.
fn failed(err: DeliveryError, email_id: EmailId, attempts: i32, once_more: bool, message_id: String) -> Delivered {
    match err {
        DeliveryError::Permanent(reason) => {
            tracing::warn!(email = %email_id, %reason, "outbox: permanently refused");
            Delivered::Failed(reason)
        }
        DeliveryError::Unknown(reason) if once_more || attempts >= MAX_ATTEMPTS => {
            tracing::warn!(email = %email_id, %reason, "outcome: unknown, not sent again");
            Delivered::Failed(format!("{reason}. The message went out with no reply: {NOT_A_THIRD_TIME}"))
        }
        DeliveryError::Unknown(reason) => {
            tracing::warn!(email = %email_id, %reason, "outbox: outcome unknown; sending once more");
            Delivered::Unknown { error: reason, message_id, at: OffsetDateTime::now_utc() + backoff(attempts) }
        }
        DeliveryError::Transient(reason) if attempts >= MAX_ATTEMPTS => {
            tracing::warn!(email = %email_id, %reason, "outbox: giving up after {attempts} attempts");
            Delivered::Failed(format!("{reason} (gave up after {attempts} attempts)"))
        }
        DeliveryError::Transient(reason) => {
            tracing::info!(email = %email_id, %reason, "outbox: will retry");
            Delivered::Retry { error: reason, at: OffsetDateTime::now_utc() + backoff(attempts) }
        }
    }
}
