//! The Postgres task queue shared by background workers (evaluations and other work
//! that must survive restarts). Tasks are queued in the transaction that decides on
//! them and claimed with `FOR UPDATE SKIP LOCKED` under a lease: a worker that dies
//! mid-task releases it when the lease ends.

use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::CompanyId;

/// Workers LISTEN on this channel to start queued tasks at once.
pub const CHANNEL: &str = "hifinity_tasks";

pub struct Task {
    pub id: Uuid,
    pub company_id: Option<CompanyId>,
    pub kind: String,
    pub payload: Value,
    /// Including this one.
    pub attempts: i32,
}

pub async fn enqueue(
    conn: &mut PgConnection,
    company_id: Option<CompanyId>,
    kind: &str,
    payload: Value,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into tasks (id, company_id, kind, payload) values ($1, $2, $3, $4)",
        id,
        company_id as Option<CompanyId>,
        kind,
        payload,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("select pg_notify($1, $2)", CHANNEL, kind).execute(&mut *conn).await?;
    Ok(id)
}

/// Takes the oldest due task of one of `kinds`, leased for `lease_seconds`.
pub async fn claim(pool: &PgPool, kinds: &[&str], lease_seconds: i32) -> sqlx::Result<Option<Task>> {
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    sqlx::query_as!(
        Task,
        r#"update tasks set status = 'running', attempts = attempts + 1,
                          run_at = now() + make_interval(secs => $2)
         where id = (
           select id from tasks
           where status in ('queued', 'running') and run_at <= now() and kind = any($1)
           order by run_at limit 1 for update skip locked)
         returning id, company_id as "company_id: CompanyId", kind, payload, attempts"#,
        &kinds,
        lease_seconds as f64,
    )
    .fetch_optional(pool)
    .await
}

// `complete`, `retry` and `fail` match the claim's attempt: a worker whose lease ran out
// (and whose task was claimed again) changes nothing.

pub async fn complete(pool: &PgPool, task: &Task) -> sqlx::Result<()> {
    sqlx::query!(
        "update tasks set status = 'done', finished_at = now(), last_error = null where id = $1 and attempts = $2",
        task.id,
        task.attempts,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A transient failure: run again at `at`.
pub async fn retry(pool: &PgPool, task: &Task, error: &str, at: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query!(
        "update tasks set status = 'queued', run_at = $3, last_error = $4 where id = $1 and attempts = $2",
        task.id,
        task.attempts,
        at,
        error,
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn fail(pool: &PgPool, task: &Task, error: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update tasks set status = 'failed', finished_at = now(), last_error = $3 where id = $1 and attempts = $2",
        task.id,
        task.attempts,
        error,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// How a worker waits for work: a NOTIFY on its channel, or the poll interval, whichever
/// comes first. Without a listener connection it polls.
pub struct Wakeup {
    listener: Option<sqlx::postgres::PgListener>,
    poll: std::time::Duration,
}

impl Wakeup {
    pub async fn listen(pool: &PgPool, channel: &str, poll: std::time::Duration) -> Self {
        let listener = match sqlx::postgres::PgListener::connect_with(pool).await {
            Ok(mut listener) => match listener.listen(channel).await {
                Ok(()) => Some(listener),
                Err(err) => {
                    tracing::warn!(error = ?err, channel, "LISTEN failed; polling instead");
                    None
                }
            },
            Err(err) => {
                tracing::warn!(error = ?err, channel, "no listener connection; polling instead");
                None
            }
        };
        Self { listener, poll }
    }

    pub async fn wait(&mut self) {
        match self.listener.as_mut() {
            Some(listener) => {
                let _ = tokio::time::timeout(self.poll, listener.recv()).await;
            }
            None => tokio::time::sleep(self.poll).await,
        }
    }
}
