//! Background work that runs beside the web server (or alone with `hifinity worker`).
//! Everything coordinates through Postgres, so any number of instances can run.

use std::time::Duration;

use tokio::{sync::watch, task::JoinSet};

use crate::{app::AppState, auth};

/// Starts every worker; they stop when `shutdown` turns true.
pub fn spawn_all(state: &AppState, shutdown: watch::Receiver<bool>) -> JoinSet<()> {
    let mut set = JoinSet::new();
    set.spawn(housekeeping(state.clone(), shutdown));
    set
}

/// Deletes expired sessions and ended sign-in throttling windows every ten minutes.
async fn housekeeping(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        let sessions = auth::session::delete_expired(&state.pool).await;
        let throttles = auth::throttle::delete_expired(&state.pool).await;
        match (sessions, throttles) {
            (Ok(s), Ok(t)) if s + t > 0 => tracing::info!(sessions = s, throttles = t, "housekeeping removed expired rows"),
            (Err(err), _) | (_, Err(err)) => tracing::warn!(error = ?err, "housekeeping failed; will retry"),
            _ => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
