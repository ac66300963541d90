use askama::Template;

use super::{
    delivery::DeliveryStatus,
    events::EventKind,
    store::{DeliveryRow, Endpoint},
};
use crate::{dates::When, forms::FieldErrors, layout::Shell};

pub struct EndpointView {
    pub id: uuid::Uuid,
    pub url: String,
    pub events: String,
    pub created: When,
    pub failing_since: Option<When>,
    pub disabled: Option<When>,
}

impl From<Endpoint> for EndpointView {
    fn from(endpoint: Endpoint) -> Self {
        Self {
            id: endpoint.id,
            url: endpoint.url,
            events: endpoint.events.iter().map(|kind| kind.name()).collect::<Vec<_>>().join(", "),
            created: endpoint.created_at.into(),
            failing_since: endpoint.failing_since.map(When::from),
            disabled: endpoint.disabled_at.map(When::from),
        }
    }
}

pub struct EventChoice {
    pub name: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

impl EventChoice {
    pub fn all(chosen: &[EventKind]) -> Vec<Self> {
        EventKind::ALL
            .into_iter()
            .map(|kind| Self { name: kind.name(), label: kind.label(), checked: chosen.contains(&kind) })
            .collect()
    }
}

/// A new endpoint's secret, shown on the page that answers its creation and never again.
pub struct CreatedSecret {
    pub url: String,
    pub secret: String,
}

#[derive(Template)]
#[template(path = "webhooks/index.html")]
pub struct WebhooksPage {
    pub shell: Shell,
    pub endpoints: Vec<EndpointView>,
    pub url: String,
    pub events: Vec<EventChoice>,
    pub errors: FieldErrors,
    pub created: Option<CreatedSecret>,
    pub disable_after_days: i32,
}

pub struct DeliveryView {
    pub id: uuid::Uuid,
    pub event: &'static str,
    pub status: &'static str,
    pub badge: &'static str,
    pub response_status: Option<i32>,
    pub duration_ms: Option<i32>,
    pub attempts: i32,
    pub error: Option<String>,
    pub created: When,
    pub attempted: Option<When>,
    pub next_attempt: Option<When>,
}

impl From<DeliveryRow> for DeliveryView {
    fn from(row: DeliveryRow) -> Self {
        let (status, badge) = match row.status {
            DeliveryStatus::Queued if row.attempts > 0 => ("Retrying", "badge-amber"),
            DeliveryStatus::Queued => ("Queued", "badge-grey"),
            DeliveryStatus::Delivered => ("Delivered", "badge-green"),
            DeliveryStatus::Failed => ("Failed", "badge-red"),
        };
        Self {
            id: row.id,
            event: row.event.name(),
            status,
            badge,
            response_status: row.response_status,
            duration_ms: row.duration_ms,
            attempts: row.attempts,
            error: row.last_error,
            created: row.created_at.into(),
            attempted: row.attempted_at.map(When::from),
            next_attempt: row.next_attempt_at.map(When::from),
        }
    }
}

#[derive(Template)]
#[template(path = "webhooks/show.html")]
pub struct EndpointPage {
    pub shell: Shell,
    pub endpoint: EndpointView,
    pub deliveries: Vec<DeliveryView>,
    pub disable_after_days: i32,
}
