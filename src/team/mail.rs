//! The account emails of joining a team: the invitation with its link, or, to an address
//! that already has an account, a note saying so (without a link). They are account
//! emails, delivered with the others, and written at delivery from the invitation, whose
//! working link is never stored.

use anyhow::Context;
use askama::Template;
use lettre::Message;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    auth::roles::Role,
    config::Config,
    mail::{
        account::{AccountEmail, AccountEmailKind},
        compose::{Envelope, mime},
        transport::DeliveryError,
    },
};

pub struct TeamEmailData {
    pub email_id: Uuid,
    pub kind: AccountEmailKind,
    pub to_address: String,
    pub company_name: String,
    pub inviter_name: Option<String>,
    pub inviter_email: Option<String>,
    pub role: Role,
    pub invitation_id: Uuid,
    pub link_nonce: Vec<u8>,
    pub expires_at: OffsetDateTime,
    pub accepted: bool,
}

async fn load(pool: &PgPool, email: &AccountEmail, invitation_id: Uuid) -> sqlx::Result<Option<TeamEmailData>> {
    sqlx::query_as!(
        TeamEmailData,
        r#"select $1::uuid as "email_id!", $2::account_email_kind as "kind!: AccountEmailKind", $3::text as "to_address!",
                  c.name as company_name, u.name as "inviter_name?", u.email::text as "inviter_email?",
                  i.role as "role: _", i.id as invitation_id, i.link_nonce, i.expires_at,
                  i.accepted_at is not null as "accepted!"
           from team_invitations i
           join companies c on c.id = i.company_id
           left join users u on u.id = i.invited_by
           where i.id = $4"#,
        email.id,
        email.kind as AccountEmailKind,
        email.to_address,
        invitation_id,
    )
    .fetch_optional(pool)
    .await
}

/// The message of a team email, or why it is not sent: the invitation was accepted,
/// expired or revoked since it was queued.
pub async fn build(
    pool: &PgPool,
    email: &AccountEmail,
    invitation_id: Uuid,
    config: &Config,
) -> sqlx::Result<Result<(Message, String), DeliveryError>> {
    let Some(data) = load(pool, email, invitation_id).await? else {
        return Ok(Err(DeliveryError::Permanent("Not sent: the invitation was revoked".into())));
    };
    if let Some(reason) = data.stale() {
        return Ok(Err(DeliveryError::Permanent(reason.into())));
    }
    Ok(message(&data, config).map_err(|err| DeliveryError::Permanent(format!("Could not build the message: {err:#}"))))
}

impl TeamEmailData {
    /// Why it should not go out any more, if so.
    pub fn stale(&self) -> Option<&'static str> {
        if self.accepted {
            Some("Not sent: the invitation was already accepted")
        } else if self.expires_at <= OffsetDateTime::now_utc() {
            Some("Not sent: the invitation expired")
        } else {
            None
        }
    }
}

struct View {
    company_name: String,
    inviter: String,
    role: &'static str,
    /// The invitation's link; `None` in the note to an existing account.
    link: Option<String>,
    sign_in_url: String,
}

#[derive(Template)]
#[template(path = "emails/team.txt")]
struct TextPart<'a> {
    e: &'a View,
}

#[derive(Template)]
#[template(path = "emails/team.html")]
struct HtmlPart<'a> {
    e: &'a View,
}

/// The MIME message, from the company's name; replies reach the inviter.
fn message(data: &TeamEmailData, config: &Config) -> anyhow::Result<(Message, String)> {
    let base = config.base_url.as_str().trim_end_matches('/');
    let view = View {
        company_name: data.company_name.clone(),
        inviter: data.inviter_name.clone().unwrap_or_else(|| format!("An admin of {}", data.company_name)),
        role: data.role.label(),
        link: (data.kind == AccountEmailKind::TeamInvitation)
            .then(|| super::join_url(config, data.invitation_id, &data.link_nonce)),
        sign_in_url: format!("{base}/sign-in"),
    };
    let subject = format!("Join {} on Hifinity", data.company_name);
    let text = TextPart { e: &view }.render().context("rendering the text part")?;
    let html = HtmlPart { e: &view }.render().context("rendering the HTML part")?;
    let envelope = Envelope {
        email_id: data.email_id,
        from_name: &data.company_name,
        to_name: None,
        to_address: &data.to_address,
        reply_to: data.inviter_name.as_deref().zip(data.inviter_email.as_deref()),
    };
    mime(&envelope, &subject, &text, &html, config)
}
