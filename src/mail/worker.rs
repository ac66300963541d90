//! The delivery worker: claims due emails, renders and sends them concurrently, and
//! records each outcome. Transient failures retry with exponential backoff and jitter.

use std::{sync::Arc, time::Duration};

pub use rules::backoff::backoff;
use time::OffsetDateTime;
use tokio::{sync::watch, task::JoinSet};

use super::{
    compose, outbox,
    transport::{DeliveryError, Transport},
};
use crate::{app::AppState, queue};

const BATCH: i64 = 64;
/// Long enough for a slow SMTP exchange; a crashed worker's emails are due again after it.
const LEASE_SECONDS: i32 = 120;
pub const MAX_ATTEMPTS: i32 = 8;
const POLL: Duration = Duration::from_secs(5);

pub async fn run(state: AppState, transport: Arc<Transport>, mut shutdown: watch::Receiver<bool>) {
    let mut wakeup = queue::Wakeup::listen(&state.pool, outbox::CHANNEL, POLL).await;
    loop {
        match deliver_due(&state, &transport).await {
            Ok(0) => {}
            // More may be waiting: claim again at once.
            Ok(_) => continue,
            Err(err) => tracing::error!(error = ?err, "outbox: delivery round failed"),
        }
        tokio::select! {
            () = wakeup.wait() => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One round: claims a batch and delivers it; returns how many were claimed.
pub async fn deliver_due(state: &AppState, transport: &Arc<Transport>) -> anyhow::Result<usize> {
    let claimed = outbox::claim(&state.pool, BATCH, LEASE_SECONDS).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let ids: Vec<_> = claimed.iter().map(|c| c.id).collect();
    let emails = compose::load(&state.pool, &ids, None).await?;
    let mut sends = JoinSet::new();
    for data in emails {
        let attempts = claimed.iter().find(|c| c.id == data.email_id).map_or(1, |c| c.attempts);
        let (state, transport) = (state.clone(), transport.clone());
        sends.spawn(async move {
            if let Err(err) = deliver_one(&state, &transport, data, attempts).await {
                tracing::error!(error = ?err, "outbox: recording a delivery failed");
            }
        });
    }
    while sends.join_next().await.is_some() {}
    Ok(claimed.len())
}

async fn deliver_one(
    state: &AppState,
    transport: &Transport,
    data: compose::InvitationData,
    attempts: i32,
) -> anyhow::Result<()> {
    if !matches!(data.interview_status.as_str(), "pending" | "in_progress") {
        let reason = format!("Not sent: the interview is no longer open ({})", data.interview_status.replace('_', " "));
        outbox::mark_failed(&state.pool, data.email_id, attempts, &reason).await?;
        return Ok(());
    }
    let prepared =
        compose::render(&data, &state.config).and_then(|rendered| compose::message(&data, &rendered, &state.config));
    let (message, message_id) = match prepared {
        Ok(prepared) => prepared,
        Err(err) => {
            tracing::error!(error = ?err, email = %data.email_id, "outbox: could not build the message");
            outbox::mark_failed(&state.pool, data.email_id, attempts, &format!("Could not build the message: {err:#}"))
                .await?;
            return Ok(());
        }
    };
    match transport.deliver(message).await {
        Ok(reply) => {
            outbox::mark_sent(&state.pool, data.email_id, attempts, transport.name(), &reply, &message_id).await?
        }
        Err(DeliveryError::Permanent(reason)) => {
            tracing::warn!(email = %data.email_id, %reason, "outbox: permanently refused");
            outbox::mark_failed(&state.pool, data.email_id, attempts, &reason).await?;
        }
        Err(DeliveryError::Transient(reason)) if attempts >= MAX_ATTEMPTS => {
            tracing::warn!(email = %data.email_id, %reason, "outbox: giving up after {attempts} attempts");
            outbox::mark_failed(
                &state.pool,
                data.email_id,
                attempts,
                &format!("{reason} (gave up after {attempts} attempts)"),
            )
            .await?;
        }
        Err(DeliveryError::Transient(reason)) => {
            let retry_at = OffsetDateTime::now_utc() + backoff(attempts);
            tracing::info!(email = %data.email_id, %reason, "outbox: will retry");
            outbox::mark_retry(&state.pool, data.email_id, attempts, &reason, retry_at).await?;
        }
    }
    Ok(())
}
