//! What a webhook tells: the events, and [`emit`], which queues one delivery per
//! subscribed endpoint in the transaction of the change it reports. Payloads carry ids
//! and states only, never a name, an address or an answer.

use serde_json::{Value, json};
use sqlx::PgConnection;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

use super::delivery::DeliverWebhook;
use crate::ids::{CandidateId, CompanyId, EndpointId, InterviewId};
use crate::{evaluation::model::Decision, queue};

/// The kinds of event an endpoint may subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "webhook_event", rename_all = "snake_case")]
pub enum EventKind {
    InterviewSent,
    EmailOpened,
    LinkOpened,
    InterviewStarted,
    InterviewCompleted,
    InterviewEvaluated,
    DecisionMade,
    CandidateErased,
    InterviewErased,
}

impl EventKind {
    pub const ALL: [Self; 9] = [
        Self::InterviewSent,
        Self::EmailOpened,
        Self::LinkOpened,
        Self::InterviewStarted,
        Self::InterviewCompleted,
        Self::InterviewEvaluated,
        Self::DecisionMade,
        Self::CandidateErased,
        Self::InterviewErased,
    ];

    /// The payload's `type`, also the value the form posts.
    pub fn name(self) -> &'static str {
        match self {
            Self::InterviewSent => "interview.sent",
            Self::EmailOpened => "interview.email_opened",
            Self::LinkOpened => "interview.link_opened",
            Self::InterviewStarted => "interview.started",
            Self::InterviewCompleted => "interview.completed",
            Self::InterviewEvaluated => "interview.evaluated",
            Self::DecisionMade => "interview.decision_made",
            Self::CandidateErased => "candidate.erased",
            Self::InterviewErased => "interview.erased",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::InterviewSent => "Interview sent",
            Self::EmailOpened => "Invitation email opened",
            Self::LinkOpened => "Interview link opened",
            Self::InterviewStarted => "Interview started",
            Self::InterviewCompleted => "Interview completed",
            Self::InterviewEvaluated => "Interview evaluated",
            Self::DecisionMade => "Decision made",
            Self::CandidateErased => "Candidate erased",
            Self::InterviewErased => "Interview erased",
        }
    }
}

/// Something that happened, named by ids.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    InterviewSent(InterviewId),
    EmailOpened(InterviewId),
    LinkOpened(InterviewId),
    InterviewStarted(InterviewId),
    InterviewCompleted(InterviewId),
    InterviewEvaluated {
        interview_id: InterviewId,
        evaluation_id: Uuid,
    },
    DecisionMade {
        interview_id: InterviewId,
        decision: Decision,
    },
    CandidateErased {
        candidate_id: CandidateId,
    },
    /// One interview erased; its row is gone, so its ids are all there is to tell.
    InterviewErased {
        interview_id: InterviewId,
        candidate_id: CandidateId,
    },
}

impl Event {
    pub fn kind(self) -> EventKind {
        match self {
            Self::InterviewSent(_) => EventKind::InterviewSent,
            Self::EmailOpened(_) => EventKind::EmailOpened,
            Self::LinkOpened(_) => EventKind::LinkOpened,
            Self::InterviewStarted(_) => EventKind::InterviewStarted,
            Self::InterviewCompleted(_) => EventKind::InterviewCompleted,
            Self::InterviewEvaluated { .. } => EventKind::InterviewEvaluated,
            Self::DecisionMade { .. } => EventKind::DecisionMade,
            Self::CandidateErased { .. } => EventKind::CandidateErased,
            Self::InterviewErased { .. } => EventKind::InterviewErased,
        }
    }

    fn interview_id(self) -> Option<InterviewId> {
        match self {
            Self::InterviewSent(id)
            | Self::EmailOpened(id)
            | Self::LinkOpened(id)
            | Self::InterviewStarted(id)
            | Self::InterviewCompleted(id)
            | Self::InterviewEvaluated { interview_id: id, .. }
            | Self::DecisionMade { interview_id: id, .. } => Some(id),
            Self::CandidateErased { .. } | Self::InterviewErased { .. } => None,
        }
    }

    /// The payload's `data`: the interview's ids and state as the transaction sees them,
    /// and what the event adds.
    async fn data(self, conn: &mut PgConnection, company_id: CompanyId) -> sqlx::Result<Value> {
        let mut data = match self.interview_id() {
            Some(id) => {
                sqlx::query_scalar!(
                    r#"select jsonb_build_object('interview_id', id, 'candidate_id', candidate_id,
                                             'application_id', application_id, 'job_id', job_id, 'status', status)
                          as "data!"
                   from interviews where company_id = $1 and id = $2"#,
                    company_id as CompanyId,
                    id as InterviewId,
                )
                .fetch_one(&mut *conn)
                .await?
            }
            None => json!({}),
        };
        match self {
            Self::InterviewEvaluated { evaluation_id, .. } => data["evaluation_id"] = json!(evaluation_id),
            Self::DecisionMade { decision, .. } => data["decision"] = json!(decision.as_str()),
            Self::CandidateErased { candidate_id } => data["candidate_id"] = json!(candidate_id),
            Self::InterviewErased { interview_id, candidate_id } => {
                data = json!({ "interview_id": interview_id, "candidate_id": candidate_id });
            }
            _ => {}
        }
        Ok(data)
    }
}

/// Queues `event`'s delivery to each enabled endpoint of the company that subscribed to
/// it, in the caller's transaction: the deliveries exist exactly when the change does.
pub async fn emit(conn: &mut PgConnection, company_id: CompanyId, event: Event) -> sqlx::Result<()> {
    let kind = event.kind();
    let endpoints = sqlx::query_scalar!(
        r#"select id as "id: EndpointId" from webhook_endpoints
           where company_id = $1 and disabled_at is null and $2 = any(events)"#,
        company_id as CompanyId,
        kind as EventKind,
    )
    .fetch_all(&mut *conn)
    .await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let timestamp = OffsetDateTime::now_utc().format(&Rfc3339).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    let body =
        json!({ "type": kind.name(), "timestamp": timestamp, "data": event.data(conn, company_id).await? }).to_string();
    let message_id = format!("msg_{}", Uuid::new_v4().simple());
    for endpoint_id in endpoints {
        queue_delivery(conn, company_id, endpoint_id, &message_id, kind, &body).await?;
    }
    Ok(())
}

/// A delivery of a message to an endpoint and its job; a redelivery is another one of the
/// same message.
pub(super) async fn queue_delivery(
    conn: &mut PgConnection,
    company_id: CompanyId,
    endpoint_id: EndpointId,
    message_id: &str,
    kind: EventKind,
    body: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into webhook_deliveries (id, company_id, endpoint_id, message_id, event, body)
         values ($1, $2, $3, $4, $5, $6)",
        id,
        company_id as CompanyId,
        endpoint_id as EndpointId,
        message_id,
        kind as EventKind,
        body,
    )
    .execute(&mut *conn)
    .await?;
    queue::enqueue(conn, Some(company_id), &DeliverWebhook { delivery_id: id }).await?;
    Ok(id)
}
