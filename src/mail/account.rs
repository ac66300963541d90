//! Emails about an account rather than a candidate: the verification link, the note to
//! an address that already has an account, and later any other account email (a
//! teammate's invitation adds a kind, its text and, if it carries one, a link purpose).
//! They are queued in the transaction that decides to send them and delivered as jobs of
//! their own kind on the one job queue, from a table of their own so that no company's
//! Outbox page ever lists them: their links sign someone in.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use askama::Template;
use lettre::Message;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use tokio::sync::watch;
use uuid::Uuid;

use super::{
    compose::{Envelope, mime},
    transport::{DeliveryError, Transport},
};
use crate::ids::{InterviewId, InvitationId, UserId};
use crate::{
    auth::tokens::{self, Purpose},
    config::Config,
    queue::{self, Claim, Job, Outcome, worker::Handler},
    state::AppState,
};

/// The job that delivers one account email.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverAccountEmail {
    pub email_id: Uuid,
}

impl Job for DeliverAccountEmail {
    const KIND: &'static str = "deliver_account_email";
}

/// Why an account email is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "account_email_kind", rename_all = "snake_case")]
pub enum AccountEmailKind {
    VerifyEmail,
    AlreadyRegistered,
    ResetPassword,
    /// A teammate's invitation, with its link to join.
    TeamInvitation,
    /// Sent instead of an invitation to an address that already has an account.
    TeamNote,
    /// To a reviewer: an interview assigned to them is ready for their review.
    ReviewRequest,
    /// To an admin: a webhook endpoint failed for days and was disabled.
    WebhookDisabled,
}

impl AccountEmailKind {
    /// The link purpose of the token the email carries, if it carries one.
    fn purpose(self) -> Option<Purpose> {
        match self {
            Self::VerifyEmail => Some(Purpose::VerifyEmail),
            Self::AlreadyRegistered => None,
            Self::ResetPassword => Some(Purpose::ResetPassword),
            // The invitation's link is rebuilt from the invitation itself.
            Self::TeamInvitation | Self::TeamNote => None,
            // Its link is the interview's page, behind the reviewer's own sign-in.
            Self::ReviewRequest => None,
            Self::WebhookDisabled => None,
        }
    }
}

/// Queues an email to `user_id` at `to`, carrying token `token_id` when its kind has a link.
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: AccountEmailKind,
    user_id: UserId,
    to: &str,
    token_id: Option<Uuid>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into account_emails (id, kind, to_address, user_id, token_id) values ($1, $2, $3, $4, $5)",
        id,
        kind as AccountEmailKind,
        to,
        user_id as UserId,
        token_id,
    )
    .execute(&mut *conn)
    .await?;
    queue::enqueue(conn, None, &DeliverAccountEmail { email_id: id }).await?;
    Ok(id)
}

/// Queues a team email about invitation `invitation_id` to `to` (who has no account yet,
/// or, for a note, one elsewhere).
pub async fn enqueue_team(
    conn: &mut PgConnection,
    kind: AccountEmailKind,
    invitation_id: InvitationId,
    to: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into account_emails (id, kind, to_address, team_invitation_id) values ($1, $2, $3, $4)",
        id,
        kind as AccountEmailKind,
        to,
        invitation_id as InvitationId,
    )
    .execute(&mut *conn)
    .await?;
    queue::enqueue(conn, None, &DeliverAccountEmail { email_id: id }).await?;
    Ok(id)
}

/// Queues the email telling reviewer `user_id` at `to` that interview `interview_id` is
/// ready for their review.
pub async fn enqueue_review(
    conn: &mut PgConnection,
    user_id: UserId,
    to: &str,
    interview_id: InterviewId,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into account_emails (id, kind, to_address, user_id, interview_id) values ($1, $2, $3, $4, $5)",
        id,
        AccountEmailKind::ReviewRequest as AccountEmailKind,
        to,
        user_id as UserId,
        interview_id as InterviewId,
    )
    .execute(&mut *conn)
    .await?;
    queue::enqueue(conn, None, &DeliverAccountEmail { email_id: id }).await?;
    Ok(id)
}

/// How many `kind` emails went to `to` in the last hour: the product must not become a
/// way to flood an address that asked for nothing.
pub async fn sent_within_the_hour(pool: &PgPool, to: &str, kind: AccountEmailKind) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from account_emails
           where lower(to_address) = lower($1) and kind = $2 and created_at > now() - interval '1 hour'"#,
        to,
        kind as AccountEmailKind,
    )
    .fetch_one(pool)
    .await
}

/// What an account email needs, read when it is delivered.
pub struct AccountEmail {
    pub id: Uuid,
    pub kind: AccountEmailKind,
    pub to_address: String,
    /// The account's holder; a team email's invitee has none yet.
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    pub token_id: Option<Uuid>,
    pub team_invitation_id: Option<Uuid>,
    /// The interview a review request is about.
    pub interview_id: Option<InterviewId>,
    pub attempts: i32,
}

/// Records the claim's attempt on a queued email and reads what it needs; `None` when the
/// email was sent, failed or deleted already.
async fn attempt(pool: &PgPool, id: Uuid, attempts: i32) -> sqlx::Result<Option<AccountEmail>> {
    sqlx::query_as!(
        AccountEmail,
        r#"with attempted as (
             update account_emails set attempts = $2 where id = $1 and status = 'queued'
             returning id, kind, to_address, user_id, token_id, team_invitation_id, interview_id, attempts)
           select a.id, a.kind as "kind!: _", a.to_address as "to_address!", a.user_id as "user_id: UserId", u.name as "user_name?",
                  a.token_id, a.team_invitation_id, a.interview_id as "interview_id: InterviewId", a.attempts as "attempts!"
           from attempted a left join users u on u.id = a.user_id"#,
        id,
        attempts,
    )
    .fetch_optional(pool)
    .await
}

#[derive(Template)]
#[template(path = "emails/account.txt")]
struct TextPart<'a> {
    e: &'a AccountView,
}

#[derive(Template)]
#[template(path = "emails/account.html")]
struct HtmlPart<'a> {
    e: &'a AccountView,
}

/// What both parts of an account email show.
pub struct AccountView {
    pub subject: String,
    pub name: String,
    pub paragraphs: Vec<String>,
    pub link_label: &'static str,
    pub link: String,
}

pub fn render(email: &AccountEmail, config: &Config) -> anyhow::Result<AccountView> {
    let base = config.base_url.as_str().trim_end_matches('/');
    let link = match (email.kind.purpose(), email.token_id) {
        (Some(purpose), Some(token_id)) => tokens::url(&config.base_url, &config.secret_key, purpose, token_id),
        (Some(_), None) => anyhow::bail!("a {:?} email without its link", email.kind),
        (None, _) => format!("{base}/sign-in"),
    };
    let view = match email.kind {
        AccountEmailKind::VerifyEmail => AccountView {
            subject: "Confirm your email address for Hifinity".into(),
            name: email.user_name.clone().unwrap_or_default(),
            paragraphs: vec![
                "Follow this link to confirm your email address and finish creating your company's account. It works once, within 48 hours.".into(),
                "If you did not sign up for Hifinity, ignore this email: no account is used until its address is confirmed.".into(),
            ],
            link_label: "Confirm my email address",
            link,
        },
        AccountEmailKind::AlreadyRegistered => AccountView {
            subject: "You already have a Hifinity account".into(),
            name: email.user_name.clone().unwrap_or_default(),
            paragraphs: vec![
                "Someone, probably you, tried to create a Hifinity account with this email address. It already has an account, so nothing new was created.".into(),
                format!("Sign in with your password below. If you have forgotten it, choose a new one at {base}/forgot-password."),
                "If it was not you, you can ignore this email.".into(),
            ],
            link_label: "Sign in",
            link,
        },
        AccountEmailKind::ResetPassword => AccountView {
            subject: "Choose a new Hifinity password".into(),
            name: email.user_name.clone().unwrap_or_default(),
            paragraphs: vec![
                "Follow this link to choose a new password. It works once, within an hour, and signs you out everywhere.".into(),
                "If you did not ask for this, ignore this email: your password stays as it is.".into(),
            ],
            link_label: "Choose a new password",
            link,
        },
        AccountEmailKind::TeamInvitation | AccountEmailKind::TeamNote => {
            anyhow::bail!("a team email is written from its invitation")
        }
        AccountEmailKind::ReviewRequest => anyhow::bail!("a review request is written from its interview"),
        AccountEmailKind::WebhookDisabled => AccountView {
            subject: "A Hifinity webhook endpoint was disabled".into(),
            name: email.user_name.clone().unwrap_or_default(),
            paragraphs: vec![
                format!(
                    "Every delivery to one of your company's webhook endpoints failed for {} days, so Hifinity disabled it: no events are sent to it until an admin enables it again.",
                    crate::webhooks::delivery::DISABLE_AFTER_DAYS
                ),
                "Its page lists each delivery's response and error.".into(),
            ],
            link_label: "See your webhooks",
            link: format!("{base}/settings/webhooks"),
        },
    };
    Ok(view)
}

/// The MIME message of an account email, from Hifinity.
pub fn message(email: &AccountEmail, view: &AccountView, config: &Config) -> anyhow::Result<(Message, String)> {
    let html = HtmlPart { e: view }.render().context("rendering the HTML part")?;
    let text = TextPart { e: view }.render().context("rendering the text part")?;
    let envelope = Envelope {
        email_id: email.id,
        from_name: "Hifinity",
        to_name: email.user_name.as_deref(),
        to_address: &email.to_address,
        reply_to: None,
    };
    mime(&envelope, &view.subject, &text, &html, config)
}

/// The handler of [`DeliverAccountEmail`] jobs. They are few, so one runs at a time; the
/// SMTP sessions are the transport's, shared with invitations.
pub struct AccountDelivery {
    state: AppState,
    transport: Arc<Transport>,
}

pub async fn run(state: AppState, transport: Arc<Transport>, shutdown: watch::Receiver<bool>) {
    let (pool, poll) = (state.pool.clone(), state.config.workers.poll);
    queue::worker::run(pool, Arc::new(AccountDelivery { state, transport }), 1, poll, shutdown).await
}

/// Delivers every due account email, as the worker would, and returns how many it took.
pub async fn deliver_due(state: &AppState, transport: &Arc<Transport>) -> anyhow::Result<usize> {
    let delivery = Arc::new(AccountDelivery { state: state.clone(), transport: transport.clone() });
    queue::worker::run_due(&state.pool, &delivery, 1).await
}

impl Handler for AccountDelivery {
    type Job = DeliverAccountEmail;
    const NAME: &'static str = "account emails";
    const CRASHED: &'static str = "The delivery stopped unexpectedly too many times";
    const LEASE: Duration = Duration::from_secs(120);
    const MAX_ATTEMPTS: i32 = super::worker::MAX_ATTEMPTS;

    async fn run(&self, pool: &PgPool, claim: &Claim, job: &DeliverAccountEmail) -> anyhow::Result<()> {
        let Some(email) = attempt(pool, job.email_id, claim.attempts).await? else {
            queue::settle(pool, claim, &Outcome::Done).await?;
            return Ok(());
        };
        let config = &self.state.config;
        let built = match (email.team_invitation_id, email.interview_id) {
            (Some(invitation), _) => crate::team::mail::build(pool, &email, invitation, config).await?,
            (None, Some(interview)) => crate::reviews::mail::build(pool, &email, interview, config).await?,
            (None, None) => render(&email, config)
                .and_then(|view| message(&email, &view, config))
                .map_err(|err| DeliveryError::Permanent(format!("Could not build the message: {err:#}"))),
        };
        let outcome = match built {
            Err(refused) => Err(refused),
            Ok((message, message_id)) => self.transport.deliver(message).await.map(|reply| (reply, message_id)),
        };
        let transport = self.transport.name();
        queue::until_written(pool, claim, Self::LEASE, || record(pool, claim, &email, transport, outcome.clone()))
            .await?;
        Ok(())
    }
}

/// Records the outcome on the email and its job in one transaction; a claim that no
/// longer holds the job records nothing.
async fn record(
    pool: &PgPool,
    claim: &Claim,
    email: &AccountEmail,
    transport: &str,
    outcome: Result<(String, String), DeliveryError>,
) -> sqlx::Result<()> {
    let (status, reply, message_id, error, job_outcome) = match outcome {
        Ok((reply, message_id)) => ("sent", Some(reply), Some(message_id), None, Outcome::Done),
        // An account email whose outcome is unknown is sent again: its link works once,
        // and a copy does no harm.
        Err(DeliveryError::Transient(reason) | DeliveryError::Unknown(reason))
            if email.attempts < super::worker::MAX_ATTEMPTS =>
        {
            let at = time::OffsetDateTime::now_utc() + rules::backoff::backoff(email.attempts);
            ("queued", None, None, Some(reason.clone()), Outcome::Retry { error: reason, at })
        }
        Err(DeliveryError::Transient(reason) | DeliveryError::Permanent(reason) | DeliveryError::Unknown(reason)) => {
            tracing::warn!(email = %email.id, %reason, "outbox: an account email could not be sent");
            ("failed", None, None, Some(reason.clone()), Outcome::Failed(reason))
        }
    };
    let mut tx = pool.begin().await?;
    if queue::settle(&mut *tx, claim, &job_outcome).await? {
        sqlx::query!(
            r#"update account_emails set
                 status = $2::text::email_status, transport = $3, server_reply = $4, message_id = $5, last_error = $6,
                 sent_at = case when $2 = 'sent' then now() end
               where id = $1 and status = 'queued' and attempts = $7"#,
            email.id,
            status,
            transport,
            reply,
            message_id,
            error,
            email.attempts,
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
