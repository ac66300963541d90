//! Delivering webhooks: a [`DeliverWebhook`] job per delivery on the one job queue, run
//! by [`Webhooks`], which posts the signed body through a client that follows no
//! redirect, gives up after a timeout and connects only through the address guard.
//! A failure is retried with the queue's backoff; an endpoint whose attempts have all
//! failed for five days is disabled and its company's admins get an email.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use tokio::sync::watch;
use uuid::Uuid;

use super::{
    guard::{self, GuardedResolver, Lookup, SystemLookup},
    signing,
};
use crate::ids::{CompanyId, UserId};
use crate::{
    audit,
    auth::roles::Role,
    config::Config,
    mail::account::{self, AccountEmailKind},
    queue::{self, Claim, Job, Outcome, worker::Handler},
};

/// The job that delivers one webhook message to one endpoint.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery_id: Uuid,
}

impl Job for DeliverWebhook {
    const KIND: &'static str = "deliver_webhook";
}

/// Attempts in all: with the queue's backoff (30 s doubling up to an hour), about five
/// hours of trying.
pub const MAX_ATTEMPTS: i32 = 12;
/// How long an endpoint may fail every attempt before it is disabled.
pub const DISABLE_AFTER_DAYS: i32 = 5;
/// The longest a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries in flight at once per worker.
const CONCURRENCY: usize = 4;

/// The webhook client and the setting that lets it reach private addresses.
pub struct Webhooks {
    client: reqwest::Client,
    allow_private: bool,
}

impl Webhooks {
    /// A client that resolves names with `lookup`, refusing forbidden addresses unless
    /// `allow_private`; tests pass a stub.
    pub fn new(allow_private: bool, lookup: Arc<dyn Lookup>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            // A proxy would resolve the name itself, out of the guard's sight.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { lookup, allow_private }))
            .user_agent("Hifinity-Webhooks/1")
            .build()
            .context("building the webhook client")?;
        Ok(Self { client, allow_private })
    }

    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        Self::new(config.webhook_allow_private, Arc::new(SystemLookup))
    }

    /// Posts the signed body; the receiver's answer, or why there was none.
    async fn send(&self, delivery: &Delivery) -> Sent {
        let started = tokio::time::Instant::now();
        let result = self.post(delivery).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        match result {
            Ok(status) if status.is_success() => Sent { status: Some(status.as_u16()), duration_ms, error: None },
            Ok(status) if status.is_redirection() => {
                Sent { status: Some(status.as_u16()), duration_ms, error: Some("A redirect, not followed".into()) }
            }
            Ok(status) => Sent { status: Some(status.as_u16()), duration_ms, error: Some(format!("HTTP {status}")) },
            Err(reason) => Sent { status: None, duration_ms, error: Some(reason) },
        }
    }

    async fn post(&self, delivery: &Delivery) -> Result<reqwest::StatusCode, String> {
        let url = url::Url::parse(&delivery.url).map_err(|err| format!("Invalid URL: {err}"))?;
        guard::check_literal(&url, self.allow_private)?;
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let signature = signing::sign(&delivery.secret, &delivery.message_id, timestamp, &delivery.body)
            .map_err(|err| format!("Could not sign: {err}"))?;
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.body.clone())
            .send()
            .await
            .map_err(|err| causes(&err))?;
        Ok(response.status())
    }
}

/// An error and its causes, where the guard's refusal or a timeout is said.
fn causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// What an attempt got.
struct Sent {
    status: Option<u16>,
    duration_ms: i32,
    /// Why it failed; `None` when the receiver answered 2xx.
    error: Option<String>,
}

pub async fn run(pool: PgPool, webhooks: Arc<Webhooks>, poll: Duration, shutdown: watch::Receiver<bool>) {
    queue::worker::run(pool, webhooks, CONCURRENCY, poll, shutdown).await
}

/// Runs every due delivery, as the worker would; returns how many it took.
pub async fn deliver_due(pool: &PgPool, webhooks: &Arc<Webhooks>) -> anyhow::Result<usize> {
    queue::worker::run_due(pool, webhooks, CONCURRENCY).await
}

impl Handler for Webhooks {
    type Job = DeliverWebhook;
    const NAME: &'static str = "webhooks";
    const CRASHED: &'static str = "The delivery stopped unexpectedly too many times";
    const LEASE: Duration = Duration::from_secs(60);
    const MAX_ATTEMPTS: i32 = MAX_ATTEMPTS;

    async fn run(&self, pool: &PgPool, claim: &Claim, job: &DeliverWebhook) -> anyhow::Result<()> {
        let Some(company_id) = claim.company_id else {
            queue::settle(pool, claim, &Outcome::Failed("the task names no company".into())).await?;
            return Ok(());
        };
        let Some(delivery) = attempt(pool, company_id, job.delivery_id, claim.attempts).await? else {
            // Delivered, failed or deleted with its endpoint already.
            queue::settle(pool, claim, &Outcome::Done).await?;
            return Ok(());
        };
        let sent = if delivery.disabled {
            Sent { status: None, duration_ms: 0, error: Some("The endpoint is disabled".into()) }
        } else {
            self.send(&delivery).await
        };
        queue::until_written(pool, claim, Self::LEASE, || record(pool, claim, company_id, &delivery, &sent)).await?;
        Ok(())
    }

    async fn give_up(
        &self,
        pool: &PgPool,
        claim: &Claim,
        job: Option<&DeliverWebhook>,
        reason: &str,
    ) -> anyhow::Result<()> {
        let mut tx = pool.begin().await?;
        if queue::settle(&mut *tx, claim, &Outcome::Failed(reason.to_owned())).await?
            && let (Some(company_id), Some(job)) = (claim.company_id, job)
        {
            sqlx::query!(
                "update webhook_deliveries set status = 'failed', last_error = $3, next_attempt_at = null
                 where company_id = $1 and id = $2 and status = 'queued'",
                company_id as CompanyId,
                job.delivery_id,
                reason,
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A queued delivery with its endpoint, as one attempt needs it.
struct Delivery {
    id: Uuid,
    endpoint_id: Uuid,
    message_id: String,
    body: String,
    attempts: i32,
    url: String,
    secret: String,
    disabled: bool,
}

/// Records the claim's attempt on a queued delivery and reads it; `None` when it is no
/// longer queued.
async fn attempt(pool: &PgPool, company_id: CompanyId, id: Uuid, attempts: i32) -> sqlx::Result<Option<Delivery>> {
    sqlx::query_as!(
        Delivery,
        r#"with attempted as (
             update webhook_deliveries set attempts = $3
             where company_id = $1 and id = $2 and status = 'queued'
             returning id, company_id, endpoint_id, message_id, body, attempts)
           select a.id, a.endpoint_id, a.message_id, a.body, a.attempts, e.url, e.secret,
                  e.disabled_at is not null as "disabled!"
           from attempted a join webhook_endpoints e on e.company_id = a.company_id and e.id = a.endpoint_id"#,
        company_id as CompanyId,
        id,
        attempts,
    )
    .fetch_optional(pool)
    .await
}

/// Records the attempt on the delivery, its endpoint and its job in one transaction;
/// a claim that no longer holds the job records nothing.
async fn record(
    pool: &PgPool,
    claim: &Claim,
    company_id: CompanyId,
    delivery: &Delivery,
    sent: &Sent,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let outcome = match &sent.error {
        None => {
            sqlx::query!(
                "update webhook_endpoints set failing_since = null where company_id = $1 and id = $2",
                company_id as CompanyId,
                delivery.endpoint_id,
            )
            .execute(&mut *tx)
            .await?;
            Outcome::Done
        }
        Some(error) => {
            let disabled = failed_attempt(&mut tx, company_id, delivery.endpoint_id).await? || delivery.disabled;
            if disabled || delivery.attempts >= MAX_ATTEMPTS {
                Outcome::Failed(error.clone())
            } else {
                let at = OffsetDateTime::now_utc() + rules::backoff::backoff(delivery.attempts);
                Outcome::Retry { error: error.clone(), at }
            }
        }
    };
    if !queue::settle(&mut *tx, claim, &outcome).await? {
        return Ok(());
    }
    let (status, next_attempt_at) = match &outcome {
        Outcome::Done => (DeliveryStatus::Delivered, None),
        Outcome::Retry { at, .. } => (DeliveryStatus::Queued, Some(*at)),
        Outcome::Failed(_) | Outcome::GivenBack => (DeliveryStatus::Failed, None),
    };
    sqlx::query!(
        "update webhook_deliveries set status = $3, response_status = $4, duration_ms = $5, last_error = $6,
                attempted_at = now(), next_attempt_at = $7
         where company_id = $1 and id = $2",
        company_id as CompanyId,
        delivery.id,
        status as DeliveryStatus,
        sent.status.map(i32::from),
        sent.duration_ms,
        sent.error,
        next_attempt_at,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A delivery's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "webhook_delivery_status", rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt or for a retry.
    Queued,
    Delivered,
    Failed,
}

/// Notes a failed attempt on the endpoint; after [`DISABLE_AFTER_DAYS`] of nothing but
/// failures, disables it and emails the company's admins. True when it is disabled now.
async fn failed_attempt(conn: &mut PgConnection, company_id: CompanyId, endpoint_id: Uuid) -> sqlx::Result<bool> {
    let disabled = sqlx::query_scalar!(
        r#"update webhook_endpoints
           set failing_since = coalesce(failing_since, now()),
               disabled_at = case when failing_since <= now() - make_interval(days => $3) then now() end
           where company_id = $1 and id = $2 and disabled_at is null
           returning disabled_at is not null as "disabled!""#,
        company_id as CompanyId,
        endpoint_id,
        DISABLE_AFTER_DAYS,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if disabled != Some(true) {
        return Ok(false);
    }
    let admins = sqlx::query!(
        "select id as \"id: UserId\", email::text as \"email!\" from users
         where company_id = $1 and role = $2 and deactivated_at is null",
        company_id as CompanyId,
        Role::Admin as Role,
    )
    .fetch_all(&mut *conn)
    .await?;
    for admin in admins {
        account::enqueue(conn, AccountEmailKind::WebhookDisabled, admin.id, &admin.email, None).await?;
    }
    let subject = audit::Subject::default();
    audit::record(conn, company_id, audit::Actor::Housekeeping, audit::Action::WebhookDisabled, subject).await?;
    Ok(true)
}
