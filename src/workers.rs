//! Background work that runs beside the web server (or alone with `hifinity worker`).
//! Everything coordinates through Postgres, so any number of instances can run.

use std::sync::Arc;

use tokio::{sync::watch, task::JoinSet};

use crate::{
    auth, candidate_import, counts, evaluation, interviews, mail, privacy, state::AppState, storage, webhooks,
};

/// Starts every worker; they stop when `shutdown` turns true.
pub fn spawn_all(state: &AppState, shutdown: watch::Receiver<bool>) -> anyhow::Result<JoinSet<()>> {
    let transport = Arc::new(mail::transport::Transport::from_config(&state.config)?);
    let mut set = JoinSet::new();
    set.spawn(mail::worker::run(state.clone(), transport.clone(), shutdown.clone()));
    set.spawn(mail::account::run(state.clone(), transport, shutdown.clone()));
    let evaluator = Arc::new(evaluation::Evaluator::from_config(&state.config, state.media.clone())?);
    set.spawn(evaluation::pipeline::run(state.pool.clone(), evaluator, state.config.workers.poll, shutdown.clone()));
    let webhooks = Arc::new(webhooks::delivery::Webhooks::from_config(&state.config)?);
    set.spawn(webhooks::delivery::run(state.pool.clone(), webhooks, state.config.workers.poll, shutdown.clone()));
    set.spawn(housekeeping(state.clone(), shutdown));
    Ok(set)
}

/// Erasure requests whose deadline came, then the companies' retention limits.
pub async fn privacy_housekeeping(state: &AppState) {
    match privacy::erasure::erase_due(&state.pool, &state.media).await {
        Ok(0) => {}
        Ok(erased) => tracing::info!(erased, "housekeeping: requested erasures carried out"),
        Err(err) => tracing::warn!(error = ?err, "housekeeping: erasure failed; will retry"),
    }
    match privacy::retention::apply(&state.pool, &state.media).await {
        Ok(applied) if applied == Default::default() => {}
        Ok(applied) => tracing::info!(
            recordings = applied.recordings,
            candidates = applied.candidates,
            "housekeeping: retention applied"
        ),
        Err(err) => tracing::warn!(error = ?err, "housekeeping: retention failed; will retry"),
    }
}

/// Every `HOUSEKEEPING_SECS` (a minute by default): expires interviews past their deadline, queues due reminders, deletes
/// expired sessions, ended sign-in throttling windows and ended sign-up hours, carries out due erasures, applies
/// retention, aborts uploads left unfinished for an hour, forgets the API's idempotency keys after
/// a day, folds the running totals of interviews and applications, and deletes candidate import
/// previews never imported within a day.
async fn housekeeping(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        let expired = interviews::lifecycle::expire_overdue(&state.pool).await;
        // After expiry, so an interview past its deadline is never reminded.
        let email_cap = interviews::lifecycle::EmailCap(state.config.new_company_emails_per_day);
        let reminded = interviews::lifecycle::remind_due(&state.pool, email_cap).await;
        let sessions = auth::session::delete_expired(&state.pool).await;
        let throttles = match auth::throttle::delete_expired(&state.pool).await {
            Ok(windows) => auth::rate_limit::delete_expired(&state.pool).await.map(|hours| windows + hours),
            Err(err) => Err(err),
        };
        match (expired, reminded, sessions, throttles) {
            (Ok(e), Ok(r), Ok(s), Ok(t)) if e + r + s + t > 0 => {
                tracing::info!(interviews = e, reminders = r, sessions = s, throttles = t, "housekeeping: rows handled")
            }
            (Err(err), ..) | (_, Err(err), ..) | (_, _, Err(err), _) | (.., Err(err)) => {
                tracing::warn!(error = ?err, "housekeeping failed; will retry")
            }
            _ => {}
        }
        privacy_housekeeping(&state).await;
        match state.media.abort_stale_uploads(storage::STALE_UPLOAD_AGE).await {
            Ok(0) => {}
            Ok(aborted) => tracing::info!(aborted, "housekeeping: unfinished uploads aborted"),
            Err(err) => tracing::warn!(error = ?err, "housekeeping: aborting unfinished uploads failed; will retry"),
        }
        match crate::api::idempotency::delete_expired(&state.pool).await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, "housekeeping: API idempotency keys older than a day deleted"),
            Err(err) => tracing::warn!(error = ?err, "housekeeping: idempotency keys not deleted; will retry"),
        }
        match counts::fold(&state.pool).await {
            Ok(0) => {}
            Ok(folded) => tracing::debug!(folded, "housekeeping: interview and application counts folded"),
            Err(err) => tracing::warn!(error = ?err, "housekeeping: counts not folded; will retry"),
        }
        match candidate_import::delete_stale_previews(&state.pool).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "housekeeping: import previews never imported deleted"),
            Err(err) => tracing::warn!(error = ?err, "housekeeping: import previews not deleted; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(state.config.workers.housekeeping) => {}
            _ = shutdown.changed() => return,
        }
    }
}
