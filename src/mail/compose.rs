//! Invitation emails: the data they need, the company's text merged into a plain-text
//! part and an HTML part (askama frames it), and the MIME message. Rendered at delivery
//! time because they hold the link, so a changed text applies from then on.

use anyhow::Context;
use askama::Template;
use lettre::{
    Message,
    message::{Mailbox, MultiPart, header::ContentType},
};
use sqlx::PgPool;
use time::{OffsetDateTime, macros::format_description};
use uuid::Uuid;

use super::{
    outbox::EmailKind,
    texts::{self, EmailText, EmailTextKind, Values},
};
use crate::ids::{CompanyId, EmailId, InterviewId};
use crate::{
    config::Config,
    interviews::{link, model::InterviewStatus},
};

/// Everything an invitation shows, read in one query.
pub struct InvitationData {
    pub email_id: EmailId,
    pub kind: EmailKind,
    pub to_address: String,
    pub pixel_id: Uuid,
    pub candidate_name: String,
    pub company_name: String,
    pub job_title: String,
    pub intro: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub interview_id: InterviewId,
    pub interview_status: InterviewStatus,
    pub link_nonce: Vec<u8>,
    pub expires_at: OffsetDateTime,
    pub recruiter_name: Option<String>,
    pub recruiter_email: Option<String>,
    /// The company's own text for this kind of email, if it wrote one.
    pub text_subject: Option<String>,
    pub text_body: Option<String>,
}

/// Loads the email `id`; with `company_id`, only that company's. Delivery runs this for
/// every email: by one id it is planned once per connection (a generic plan), where a
/// custom plan of its eight tables would take milliseconds each time.
pub async fn load(pool: &PgPool, id: EmailId, company_id: Option<CompanyId>) -> sqlx::Result<Option<InvitationData>> {
    sqlx::query_as!(
        InvitationData,
        r#"select e.id as email_id, e.kind as "kind: _", e.to_address, e.pixel_id, c.name as candidate_name,
                  co.name as company_name, j.title as job_title, v.intro, v.duration_minutes,
                  (select count(*) from version_questions q where q.version_id = v.id) as "question_count!",
                  i.id as interview_id, i.status as "interview_status: _", i.link_nonce, i.expires_at,
                  u.name as "recruiter_name?", u.email::text as "recruiter_email?",
                  t.subject as "text_subject?", t.body as "text_body?"
           from emails e
           join interviews i on i.id = e.interview_id
           join candidates c on c.id = i.candidate_id
           join companies co on co.id = i.company_id
           join jobs j on j.id = i.job_id
           join template_versions v on v.id = i.template_version_id
           left join users u on u.id = i.sent_by
           left join company_email_texts t on t.company_id = e.company_id
                and t.kind = (case when e.kind = 'invitation' then 'invitation' else 'reminder' end)::email_text_kind
           where e.id = $1 and ($2::uuid is null or e.company_id = $2)"#,
        id as EmailId,
        company_id as Option<CompanyId>,
    )
    .fetch_optional(pool)
    .await
}

/// The HTML frame around the body made from the company's text.
#[derive(Template)]
#[template(path = "emails/invitation.html")]
struct HtmlPart<'a> {
    subject: &'a str,
    company_name: &'a str,
    /// Made by [`texts::merge`], every merged value escaped.
    body: &'a str,
    pixel_url: &'a str,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub link: String,
}

/// What stands for the link's token wherever an email is kept or shown with SMTP
/// configured: only the candidate's email holds the working link.
pub const MASK: &str = "••••••••";

/// An email as it was sent, its link masked: kept with the email so the Outbox shows
/// what actually went out, without the database holding a working link.
#[derive(Clone, Debug)]
pub struct SentCopy {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The interview link as the Outbox shows it with SMTP configured.
pub fn masked_link(config: &Config) -> String {
    link::url(&config.base_url, MASK)
}

impl Rendered {
    pub fn masked(&self, config: &Config) -> SentCopy {
        let masked = masked_link(config);
        SentCopy {
            subject: self.subject.clone(),
            text: self.text.replace(&self.link, &masked),
            html: self.html.replace(&self.link, &masked),
        }
    }
}

pub fn render(data: &InvitationData, config: &Config) -> anyhow::Result<Rendered> {
    let token = link::token(&config.secret_key, data.interview_id.uuid(), &data.link_nonce);
    let base = config.base_url.as_str().trim_end_matches('/');
    let deadline_format =
        format_description!("[weekday], [month repr:long] [day padding:none], [year] at [hour]:[minute] UTC");
    let kind = match data.kind {
        EmailKind::Invitation => EmailTextKind::Invitation,
        EmailKind::Resend | EmailKind::Reminder => EmailTextKind::Reminder,
    };
    let text = match (&data.text_subject, &data.text_body) {
        (Some(subject), Some(body)) => EmailText { subject: subject.clone(), body: body.clone() },
        _ => kind.default_text(),
    };
    let values = Values {
        candidate_name: data.candidate_name.clone(),
        job_title: data.job_title.clone(),
        company_name: data.company_name.clone(),
        deadline: data.expires_at.format(deadline_format).context("formatting the deadline")?,
        duration_minutes: data.duration_minutes,
        question_count: data.question_count,
        link: link::url(&config.base_url, &token),
        intro: data.intro.clone(),
    };
    let merged = texts::merge(&text, &values);
    let pixel_url = format!("{base}/e/{}.gif", data.pixel_id);
    let html = HtmlPart {
        subject: &merged.subject,
        company_name: &data.company_name,
        body: &merged.html,
        pixel_url: &pixel_url,
    }
    .render()
    .context("rendering the HTML part")?;
    Ok(Rendered { subject: merged.subject, text: merged.text, html, link: values.link })
}

/// The MIME message: From is the company's name at `MAIL_FROM`, replies go to the
/// recruiter who sent the interview. lettre encodes every header, and names were
/// refused at input if they held line breaks, so no header can be injected.
pub fn message(data: &InvitationData, rendered: &Rendered, config: &Config) -> anyhow::Result<(Message, String)> {
    let reply_to = data.recruiter_name.as_deref().zip(data.recruiter_email.as_deref());
    let envelope = Envelope {
        email_id: data.email_id.uuid(),
        from_name: &data.company_name,
        to_name: Some(&data.candidate_name),
        to_address: &data.to_address,
        reply_to,
    };
    mime(&envelope, &rendered.subject, &rendered.text, &rendered.html, config)
}

/// Who an email is from and to.
pub struct Envelope<'a> {
    pub email_id: Uuid,
    /// Shown as the sender's name at `MAIL_FROM`.
    pub from_name: &'a str,
    pub to_name: Option<&'a str>,
    pub to_address: &'a str,
    /// A name and address, when replies should reach a person.
    pub reply_to: Option<(&'a str, &'a str)>,
}

/// A text and HTML message, signed with DKIM when it is configured; its Message-ID is
/// derived from the email's id.
pub fn mime(
    envelope: &Envelope<'_>,
    subject: &str,
    text: &str,
    html: &str,
    config: &Config,
) -> anyhow::Result<(Message, String)> {
    let from_address = config.mail_from.as_str().parse().context("MAIL_FROM")?;
    let domain = config.mail_from.as_str().rsplit('@').next().unwrap_or("localhost");
    let message_id = format!("<{}@{domain}>", envelope.email_id);
    let to = envelope.to_address.parse().context("recipient address")?;
    let mut builder = Message::builder()
        .from(Mailbox::new(Some(envelope.from_name.to_owned()), from_address))
        .to(Mailbox::new(envelope.to_name.map(str::to_owned), to))
        .subject(subject)
        .message_id(Some(message_id.clone()))
        .date_now();
    if let Some((name, email)) = envelope.reply_to
        && let Ok(address) = email.parse()
    {
        builder = builder.reply_to(Mailbox::new(Some(name.to_owned()), address));
    }
    let mut message = builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    lettre::message::SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text.to_owned()),
                )
                .singlepart(
                    lettre::message::SinglePart::builder().header(ContentType::TEXT_HTML).body(html.to_owned()),
                ),
        )
        .context("building the message")?;
    if let Some(dkim) = &config.dkim {
        dkim.sign(&mut message);
    }
    Ok((message, message_id))
}
