//! The one mechanism for background work: every job (an email's delivery, an
//! interview's evaluation, and next webhooks and notifications) is a row of the `tasks`
//! table, queued in the transaction that decides on it and run by a [`worker`].
//!
//! - **Typed payloads**: a [`Job`] names its `KIND` and is stored as JSON; a payload that
//!   cannot be read back fails its job with the reason, never runs with defaults.
//! - **Claim and lease**: a worker takes due jobs (as many as it has room for, in one
//!   statement) with `FOR UPDATE SKIP LOCKED` and moves their `run_at` forward by the
//!   lease, so a worker that dies mid-job releases them when the lease ends.
//! - **Attempt fencing**: every claim counts an attempt, and a job is settled only by
//!   the claim that holds that attempt ([`settle`] says whether it did); a worker whose
//!   lease ran out and whose job was claimed again records nothing.
//! - **Retries**: transient failures run again after [`rules::backoff`]; our own errors
//!   too, up to the job's attempt limit.
//! - **Recording outcomes**: a write that fails is tried again, extending the lease,
//!   until it is written or the lease ends ([`until_written`]), so work done is not
//!   redone because one database write after it failed.
//! - **Shutdown**: on SIGTERM a worker stops claiming, lets the jobs in flight finish
//!   for its kind's grace period, and gives the rest back, due at once, the interrupted
//!   attempt not counted.

use crate::ids::CompanyId;
pub mod worker;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// The channel a kind's workers LISTEN on, so a queued job starts at once.
pub fn channel(kind: &str) -> String {
    format!("hifinity_tasks_{kind}")
}

/// A kind of background work, stored as its serde payload under `KIND`.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    const KIND: &'static str;
}

/// A claimed job's identity and its attempt: the fencing token every outcome carries.
#[derive(Clone, Debug)]
pub struct Claim {
    pub id: Uuid,
    pub company_id: Option<CompanyId>,
    /// Including this one.
    pub attempts: i32,
    /// When the lease ends at the latest (read before claiming, so never later than the
    /// database's).
    pub lease_ends: tokio::time::Instant,
}

/// A claimed job with its payload read back; `job` is the reason when it can't be read.
pub struct Claimed<J> {
    pub claim: Claim,
    pub job: Result<J, String>,
}

/// How a run ended, recorded on its job by [`settle`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// A transient failure: run again at `at`.
    Retry {
        error: String,
        at: OffsetDateTime,
    },
    Failed(String),
    /// Interrupted at shutdown: due again at once, this attempt not counted.
    GivenBack,
}

/// Queues `job` in the caller's transaction and wakes the workers when it commits.
pub async fn enqueue<J: Job>(conn: &mut PgConnection, company_id: Option<CompanyId>, job: &J) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    let payload = serde_json::to_value(job).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    sqlx::query!(
        "insert into tasks (id, company_id, kind, payload) values ($1, $2, $3, $4)",
        id,
        company_id as Option<CompanyId>,
        J::KIND,
        payload,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("select pg_notify($1, '')", channel(J::KIND)).execute(&mut *conn).await?;
    Ok(id)
}

/// Takes up to `limit` of the oldest due jobs of `J`'s kind in one statement, each leased
/// for `lease`: a worker with room for several claims them at once rather than one
/// statement (and one commit) per job.
pub async fn claim<J: Job>(pool: &PgPool, lease: std::time::Duration, limit: usize) -> sqlx::Result<Vec<Claimed<J>>> {
    let lease_ends = tokio::time::Instant::now() + lease;
    let rows = sqlx::query!(
        r#"update tasks set status = 'running', attempts = attempts + 1,
                          run_at = now() + make_interval(secs => $2)
         where id = any(array(
           select id from tasks
           where kind = $1 and status in ('queued', 'running') and run_at <= now()
           order by run_at limit $3 for update skip locked))
         returning id, company_id as "company_id: CompanyId", payload, attempts"#,
        J::KIND,
        lease.as_secs_f64(),
        i64::try_from(limit).unwrap_or(i64::MAX),
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Claimed {
            claim: Claim { id: row.id, company_id: row.company_id, attempts: row.attempts, lease_ends },
            job: read_payload(row.payload),
        })
        .collect())
}

fn read_payload<J: Job>(payload: Value) -> Result<J, String> {
    serde_json::from_value(payload).map_err(|err| format!("The {} job's payload could not be read: {err}", J::KIND))
}

/// Records `outcome` on the claimed job; given the caller's transaction, the product's
/// own records of the outcome commit with it. Returns false, changing
/// nothing, when the claim no longer holds the job (its lease ran out and another
/// worker claimed it): the caller then records nothing either.
pub async fn settle(db: impl sqlx::PgExecutor<'_>, claim: &Claim, outcome: &Outcome) -> sqlx::Result<bool> {
    let settled = match outcome {
        Outcome::Done => sqlx::query!(
            "update tasks set status = 'done', finished_at = now(), last_error = null
             where id = $1 and attempts = $2 and status = 'running'",
            claim.id,
            claim.attempts,
        )
        .execute(db)
        .await?
        .rows_affected(),
        Outcome::Retry { error, at } => sqlx::query!(
            "update tasks set status = 'queued', run_at = $3, last_error = $4
             where id = $1 and attempts = $2 and status = 'running'",
            claim.id,
            claim.attempts,
            at,
            error,
        )
        .execute(db)
        .await?
        .rows_affected(),
        Outcome::Failed(error) => sqlx::query!(
            "update tasks set status = 'failed', finished_at = now(), last_error = $3
             where id = $1 and attempts = $2 and status = 'running'",
            claim.id,
            claim.attempts,
            error,
        )
        .execute(db)
        .await?
        .rows_affected(),
        Outcome::GivenBack => sqlx::query!(
            "update tasks set status = 'queued', attempts = attempts - 1, run_at = now(),
                              last_error = 'Interrupted by a restart'
             where id = $1 and attempts = $2 and status = 'running'",
            claim.id,
            claim.attempts,
        )
        .execute(db)
        .await?
        .rows_affected(),
    };
    Ok(settled == 1)
}

/// Moves the claimed job's lease end to `lease` from now; false when the claim no
/// longer holds the job.
pub async fn extend(pool: &PgPool, claim: &Claim, lease: std::time::Duration) -> sqlx::Result<bool> {
    let extended = sqlx::query!(
        "update tasks set run_at = now() + make_interval(secs => $3)
         where id = $1 and attempts = $2 and status = 'running'",
        claim.id,
        claim.attempts,
        lease.as_secs_f64(),
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(extended == 1)
}

/// Runs `write` (the recording of a job's outcome) until it succeeds, trying again after
/// a pause when it fails and extending the claim's lease meanwhile; gives up with the last
/// error once the lease would end first, or when another worker holds the job.
pub async fn until_written<T, Fut>(
    pool: &PgPool,
    claim: &Claim,
    lease: std::time::Duration,
    mut write: impl FnMut() -> Fut,
) -> sqlx::Result<T>
where
    Fut: Future<Output = sqlx::Result<T>>,
{
    let mut lease_ends = claim.lease_ends;
    let mut pause = std::time::Duration::from_millis(100);
    loop {
        let err = match write().await {
            Ok(written) => return Ok(written),
            Err(err) => err,
        };
        if tokio::time::Instant::now() + pause >= lease_ends {
            return Err(err);
        }
        tracing::warn!(error = ?err, "recording an outcome failed; trying again");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_secs(5));
        let asked = tokio::time::Instant::now();
        match extend(pool, claim, lease).await {
            Ok(true) => lease_ends = asked + lease,
            Ok(false) => return Err(err),
            Err(_) => {}
        }
    }
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
