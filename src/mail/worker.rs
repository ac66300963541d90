//! The delivery worker: claims due emails, renders and sends them concurrently, and
//! records each outcome. Transient failures retry with exponential backoff and jitter.

use std::{collections::HashMap, sync::Arc};

use rules::backoff::backoff;
use time::OffsetDateTime;
use tokio::{sync::watch, task::JoinSet};

use super::{
    compose, outbox,
    transport::{DeliveryError, Transport},
};
use crate::{interviews::model::InterviewStatus, queue, state::AppState};

const BATCH: i64 = 64;
/// Long enough for a slow SMTP exchange; a crashed worker's emails are due again after it.
pub const LEASE_SECONDS: i32 = 120;
pub const MAX_ATTEMPTS: i32 = 8;

pub async fn run(state: AppState, transport: Arc<Transport>, mut shutdown: watch::Receiver<bool>) {
    let mut wakeup = queue::Wakeup::listen(&state.pool, outbox::CHANNEL, state.config.workers.poll).await;
    loop {
        let stop = async {
            let _ = shutdown.changed().await;
        };
        match deliver_round(&state, &transport, stop).await {
            Ok(Round::Stopped) => return,
            Ok(Round::Claimed(0)) => {}
            // More may be waiting: claim again at once.
            Ok(Round::Claimed(_)) => continue,
            Err(err) => tracing::error!(error = ?err, "outbox: delivery round failed"),
        }
        tracing::debug!("outbox: idle until notified or polled");
        tokio::select! {
            () = wakeup.wait() => {}
            _ = shutdown.changed() => return,
        }
    }
}

enum Round {
    /// How many emails were claimed and delivered or recorded as failed.
    Claimed(usize),
    /// Shutdown came mid-round; the emails not yet recorded were given back.
    Stopped,
}

/// One uninterrupted round: claims a batch and delivers it; returns how many were claimed.
pub async fn deliver_due(state: &AppState, transport: &Arc<Transport>) -> anyhow::Result<usize> {
    match deliver_round(state, transport, std::future::pending()).await? {
        Round::Claimed(count) => Ok(count),
        Round::Stopped => unreachable!("a round that is never stopped"),
    }
}

/// Claims a batch and sends it concurrently. When `stop` completes first, the sends in
/// flight are abandoned and their emails given back, so that the next worker sends them
/// at once instead of after the lease.
async fn deliver_round(
    state: &AppState,
    transport: &Arc<Transport>,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<Round> {
    let claimed = outbox::claim(&state.pool, BATCH, LEASE_SECONDS).await?;
    if claimed.is_empty() {
        return Ok(Round::Claimed(0));
    }
    let ids: Vec<_> = claimed.iter().map(|c| c.id).collect();
    let emails = compose::load(&state.pool, &ids, None).await?;
    let mut unrecorded = HashMap::new();
    let mut sends = JoinSet::new();
    for data in emails {
        let attempts = claimed.iter().find(|c| c.id == data.email_id).map_or(1, |c| c.attempts);
        unrecorded.insert(data.email_id, attempts);
        let (state, transport) = (state.clone(), transport.clone());
        sends.spawn(async move {
            let id = data.email_id;
            if let Err(err) = deliver_one(&state, &transport, data, attempts).await {
                tracing::error!(error = ?err, "outbox: recording a delivery failed");
            }
            id
        });
    }
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            finished = sends.join_next() => match finished {
                Some(Ok(id)) => {
                    unrecorded.remove(&id);
                }
                Some(Err(err)) => tracing::error!(error = ?err, "outbox: a delivery task stopped unexpectedly"),
                None => return Ok(Round::Claimed(claimed.len())),
            },
            () = &mut stop => break,
        }
    }
    sends.abort_all();
    while let Some(finished) = sends.join_next().await {
        if let Ok(id) = finished {
            unrecorded.remove(&id);
        }
    }
    for (id, attempts) in unrecorded {
        outbox::give_back(&state.pool, id, attempts).await?;
    }
    Ok(Round::Stopped)
}

async fn deliver_one(
    state: &AppState,
    transport: &Transport,
    data: compose::InvitationData,
    attempts: i32,
) -> anyhow::Result<()> {
    // Past its deadline counts as expired even before housekeeping marks it so: the link
    // would only say that it expired.
    let status = match data.interview_status {
        status if status.is_open() && data.expires_at <= OffsetDateTime::now_utc() => InterviewStatus::Expired,
        status => status,
    };
    if !status.is_open() {
        let reason = format!("Not sent: the interview is no longer open ({})", status.label().to_lowercase());
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
