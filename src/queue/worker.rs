//! Runs one kind of job: claims a due job whenever it has room for one more (up to its
//! concurrency), so a slow job delays only itself; waits for a NOTIFY or the poll when
//! nothing is due; when shutdown comes, stops claiming, lets the jobs in flight finish for
//! the kind's grace period and gives the rest back.

use std::{collections::HashMap, sync::Arc, time::Duration};

use rules::backoff::backoff;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::{sync::watch, task::JoinSet};
use tracing::Instrument;

use super::{Claim, Claimed, Job, Outcome, Wakeup, channel, settle};

/// What a worker does with its kind of job. The handler settles each job it runs
/// ([`settle`]), in the transaction that records the outcome where the product shows it.
pub trait Handler: Send + Sync + 'static {
    type Job: Job;
    /// The worker's name in logs: "outbox: idle until notified or polled".
    const NAME: &'static str;
    /// Why a job that keeps dying mid-run is given up.
    const CRASHED: &'static str;
    /// Long enough for one slow run; a crashed worker's job is due again after it.
    const LEASE: Duration;
    /// Attempts in all, for transient failures and our own errors alike.
    const MAX_ATTEMPTS: i32;
    /// How long the jobs in flight may finish at shutdown before they are given back.
    const GRACE: Duration = Duration::ZERO;

    /// Runs one job and settles it. An error is ours (the database, a bug): the worker
    /// retries the job with backoff, and gives it up on its last attempt.
    fn run(&self, pool: &PgPool, claim: &Claim, job: &Self::Job) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// The job will not run again (`job` is `None` when its payload can't be read):
    /// fail it and record `reason` where the product shows it.
    fn give_up(
        &self,
        pool: &PgPool,
        claim: &Claim,
        job: Option<&Self::Job>,
        reason: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send {
        let _ = job;
        async move {
            settle(pool, claim, &Outcome::Failed(reason.to_owned())).await?;
            Ok(())
        }
    }

    /// Interrupted at shutdown: give the job back and undo what the run recorded of this attempt.
    fn give_back(
        &self,
        pool: &PgPool,
        claim: &Claim,
        job: &Self::Job,
    ) -> impl Future<Output = anyhow::Result<()>> + Send {
        let _ = job;
        async move {
            settle(pool, claim, &Outcome::GivenBack).await?;
            Ok(())
        }
    }
}

/// Runs `H`'s jobs, at most `concurrency` at once, until `shutdown` turns true.
pub async fn run<H: Handler>(
    pool: PgPool,
    handler: Arc<H>,
    concurrency: usize,
    poll: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut wakeup = Wakeup::listen(&pool, &channel(H::Job::KIND), poll).await;
    let mut running = JoinSet::new();
    let mut in_flight = HashMap::new();
    loop {
        let mut nothing_due = false;
        let room = concurrency - running.len();
        if room > 0 && !*shutdown.borrow() {
            match super::claim::<H::Job>(&pool, H::LEASE, room).await {
                Ok(claimed) => {
                    // Fewer than asked for: nothing else is due until a NOTIFY or the poll.
                    nothing_due = claimed.len() < room;
                    for claimed in claimed {
                        let claimed = Arc::new(claimed);
                        let task = running.spawn(execute(handler.clone(), pool.clone(), claimed.clone()));
                        in_flight.insert(task.id(), claimed);
                    }
                }
                Err(err) => {
                    tracing::error!(error = ?err, "{}: claiming failed", H::NAME);
                    nothing_due = true;
                }
            }
        }
        if nothing_due {
            tracing::debug!("{}: idle until notified or polled", H::NAME);
        }
        tokio::select! {
            () = wakeup.wait(), if nothing_due => {}
            Some(finished) = running.join_next_with_id() => {
                // Every job that has finished by now makes room, so the next claim takes
                // them all in one statement.
                let mut finished = Some(finished);
                while let Some(result) = finished {
                    let id = match result {
                        Ok((id, ())) => id,
                        Err(err) => {
                            tracing::error!(error = ?err, "{}: a job stopped unexpectedly", H::NAME);
                            err.id()
                        }
                    };
                    in_flight.remove(&id);
                    finished = running.try_join_next_with_id();
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    // The jobs in flight finish if they can within the grace period; the rest are due
    // again at once rather than when their lease ends.
    let grace = tokio::time::Instant::now() + H::GRACE;
    while !running.is_empty() {
        match tokio::time::timeout_at(grace, running.join_next_with_id()).await {
            Ok(Some(finished)) => {
                in_flight.remove(&finished.map_or_else(|err| err.id(), |(id, ())| id));
            }
            Ok(None) | Err(_) => break,
        }
    }
    running.abort_all();
    while let Some(finished) = running.join_next_with_id().await {
        let id = match finished {
            Ok((id, ())) => id,
            Err(err) => err.id(),
        };
        let Some(claimed) = in_flight.remove(&id) else { continue };
        let given_back = match &claimed.job {
            Ok(job) => handler.give_back(&pool, &claimed.claim, job).await,
            Err(_) => settle(&pool, &claimed.claim, &Outcome::GivenBack).await.map(|_| ()).map_err(Into::into),
        };
        if let Err(err) = given_back {
            tracing::error!(error = ?err, "{}: giving a job back failed", H::NAME);
        }
    }
}

/// Runs `H`'s due jobs, at most `concurrency` at once, until none is due; returns how
/// many it took.
pub async fn run_due<H: Handler>(pool: &PgPool, handler: &Arc<H>, concurrency: usize) -> anyhow::Result<usize> {
    let mut running = JoinSet::new();
    let mut count = 0;
    loop {
        let room = concurrency - running.len();
        if room > 0 {
            for claimed in super::claim::<H::Job>(pool, H::LEASE, room).await? {
                count += 1;
                running.spawn(execute(handler.clone(), pool.clone(), Arc::new(claimed)));
            }
        }
        match running.join_next().await {
            Some(finished) => finished?,
            None => return Ok(count),
        }
    }
}

/// One run of a claimed job, in its own span.
async fn execute<H: Handler>(handler: Arc<H>, pool: PgPool, claimed: Arc<Claimed<H::Job>>) {
    let claim = &claimed.claim;
    let span = tracing::info_span!("job", kind = H::Job::KIND, id = %claim.id, attempt = claim.attempts);
    async {
        let result = match &claimed.job {
            Err(reason) => {
                tracing::error!(%reason, "{}: unreadable job", H::NAME);
                handler.give_up(&pool, claim, None, reason).await
            }
            // Taken again after a worker died mid-run, too many times.
            Ok(job) if claim.attempts > H::MAX_ATTEMPTS => handler.give_up(&pool, claim, Some(job), H::CRASHED).await,
            Ok(job) => match handler.run(&pool, claim, job).await {
                Ok(()) => Ok(()),
                Err(err) => {
                    tracing::error!(error = ?err, "{}: job failed unexpectedly", H::NAME);
                    let reason = format!("{err:#}");
                    if claim.attempts >= H::MAX_ATTEMPTS {
                        handler.give_up(&pool, claim, Some(job), &reason).await
                    } else {
                        let at = OffsetDateTime::now_utc() + backoff(claim.attempts);
                        retry(&pool, claim, reason, at).await
                    }
                }
            },
        };
        if let Err(err) = result {
            tracing::error!(error = ?err, "{}: recording the outcome failed", H::NAME);
        }
    }
    .instrument(span)
    .await
}

async fn retry(pool: &PgPool, claim: &Claim, error: String, at: OffsetDateTime) -> anyhow::Result<()> {
    settle(pool, claim, &Outcome::Retry { error, at }).await?;
    Ok(())
}
