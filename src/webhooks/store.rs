//! The webhooks' SQL: endpoints and their deliveries, every statement scoped by company.

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{delivery::DeliveryStatus, events::EventKind, events::queue_delivery};
use crate::audit;
use crate::ids::{CompanyId, EndpointId, UserId, WebhookDeliveryId};

pub struct Endpoint {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<EventKind>,
    pub created_at: OffsetDateTime,
    pub failing_since: Option<OffsetDateTime>,
    pub disabled_at: Option<OffsetDateTime>,
}

pub async fn endpoints(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<Endpoint>> {
    sqlx::query_as!(
        Endpoint,
        r#"select id, url, events as "events: Vec<EventKind>", created_at, failing_since, disabled_at
           from webhook_endpoints where company_id = $1 order by created_at, id"#,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

pub async fn endpoint(pool: &PgPool, company_id: CompanyId, id: EndpointId) -> sqlx::Result<Option<Endpoint>> {
    sqlx::query_as!(
        Endpoint,
        r#"select id, url, events as "events: Vec<EventKind>", created_at, failing_since, disabled_at
           from webhook_endpoints where company_id = $1 and id = $2"#,
        company_id as CompanyId,
        id as EndpointId,
    )
    .fetch_optional(pool)
    .await
}

/// Saves a new endpoint with its secret, and the audit log's entry.
pub async fn create(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    url: &str,
    events: &[EventKind],
    secret: &str,
) -> sqlx::Result<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into webhook_endpoints (id, company_id, url, events, secret, created_by) values ($1, $2, $3, $4, $5, $6)",
        id,
        company_id as CompanyId,
        url,
        events as &[EventKind],
        secret,
        by as UserId,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, company_id, audit::Actor::Member(by), audit::Action::WebhookCreated, Default::default())
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes the endpoint with its deliveries and their queued jobs. False: no such endpoint.
pub async fn delete(pool: &PgPool, company_id: CompanyId, id: EndpointId, by: UserId) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "delete from tasks where company_id = $1 and status = 'queued' and kind = $3
           and payload ->> 'delivery_id' in (select id::text from webhook_deliveries where company_id = $1 and endpoint_id = $2)",
        company_id as CompanyId,
        id as EndpointId,
        <super::delivery::DeliverWebhook as crate::queue::Job>::KIND,
    )
    .execute(&mut *tx)
    .await?;
    let deleted = sqlx::query!(
        "delete from webhook_endpoints where company_id = $1 and id = $2",
        company_id as CompanyId,
        id as EndpointId
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if deleted == 0 {
        return Ok(false);
    }
    audit::record(&mut tx, company_id, audit::Actor::Member(by), audit::Action::WebhookDeleted, Default::default())
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Enables a disabled endpoint again, its record of failures cleared. False: no such
/// endpoint, or it was not disabled.
pub async fn enable(pool: &PgPool, company_id: CompanyId, id: EndpointId, by: UserId) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let enabled = sqlx::query!(
        "update webhook_endpoints set disabled_at = null, failing_since = null
         where company_id = $1 and id = $2 and disabled_at is not null",
        company_id as CompanyId,
        id as EndpointId,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if enabled == 0 {
        return Ok(false);
    }
    audit::record(&mut tx, company_id, audit::Actor::Member(by), audit::Action::WebhookEnabled, Default::default())
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub struct DeliveryRow {
    pub id: Uuid,
    pub event: EventKind,
    pub message_id: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub duration_ms: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub attempted_at: Option<OffsetDateTime>,
    pub next_attempt_at: Option<OffsetDateTime>,
}

/// How many deliveries the endpoint's page lists, newest first.
pub const DELIVERIES_SHOWN: i64 = 100;

pub async fn deliveries(
    pool: &PgPool,
    company_id: CompanyId,
    endpoint_id: EndpointId,
) -> sqlx::Result<Vec<DeliveryRow>> {
    sqlx::query_as!(
        DeliveryRow,
        r#"select id, event as "event: EventKind", message_id, status as "status: DeliveryStatus", attempts,
                  response_status, duration_ms, last_error, created_at, attempted_at, next_attempt_at
           from webhook_deliveries where company_id = $1 and endpoint_id = $2
           order by created_at desc, id desc limit $3"#,
        company_id as CompanyId,
        endpoint_id as EndpointId,
        DELIVERIES_SHOWN,
    )
    .fetch_all(pool)
    .await
}

/// Queues the delivery's message again to its endpoint, with the same `webhook-id`.
/// False: no such delivery, or its endpoint is disabled.
pub async fn redeliver(
    pool: &PgPool,
    company_id: CompanyId,
    endpoint_id: EndpointId,
    id: WebhookDeliveryId,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let Some(original) = sqlx::query!(
        r#"select d.message_id, d.event as "event: EventKind", d.body from webhook_deliveries d
           join webhook_endpoints e on e.company_id = d.company_id and e.id = d.endpoint_id
           where d.company_id = $1 and d.endpoint_id = $2 and d.id = $3 and e.disabled_at is null"#,
        company_id as CompanyId,
        endpoint_id as EndpointId,
        id as WebhookDeliveryId,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(false);
    };
    queue_delivery(&mut tx, company_id, endpoint_id, &original.message_id, original.event, &original.body).await?;
    tx.commit().await?;
    Ok(true)
}
