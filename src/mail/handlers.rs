use axum::{
    extract::State,
    http::header,
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    compose,
    outbox::{self, EmailKind, EmailStatus},
    views::*,
};
use crate::ids::{CompanyId, EmailId};
use crate::{
    auth::CurrentUser,
    dates::When,
    error::{AppError, AppResult},
    extract::{PathId, PathText, Query},
    layout::{Section, Shell, render},
    pagination::{PageNumber, Pager},
    state::AppState,
};

fn row_view(row: outbox::EmailRow) -> EmailListRow {
    let (status_label, status_badge, detail) = match row.status {
        EmailStatus::Sent if row.transport.as_deref() == Some("mailbox") => {
            ("Kept in Outbox", "badge-green", "No SMTP server is configured; open it to see the message.".to_owned())
        }
        EmailStatus::Sent => ("Sent", "badge-green", row.server_reply.clone().unwrap_or_default()),
        EmailStatus::Failed => ("Failed", "badge-red", row.last_error.clone().unwrap_or_default()),
        EmailStatus::Queued if row.outcome_unknown_at.is_some() => (
            "Outcome unknown",
            "badge-amber",
            format!(
                "{} — sent once more {}, with the same Message-ID; it may arrive twice",
                row.last_error.clone().unwrap_or_default(),
                When::from(row.next_attempt_at).ago
            ),
        ),
        EmailStatus::Queued if row.last_error.is_some() => (
            "Retrying",
            "badge-amber",
            format!(
                "{} — next attempt {}",
                row.last_error.clone().unwrap_or_default(),
                When::from(row.next_attempt_at).ago
            ),
        ),
        EmailStatus::Queued => ("Queued", "badge-grey", String::new()),
    };
    EmailListRow {
        id: row.id,
        interview_id: row.interview_id,
        kind: match row.kind {
            EmailKind::Invitation => "Invitation",
            EmailKind::Resend => "Resent invitation",
            EmailKind::Reminder => "Reminder",
        },
        to_address: row.to_address,
        candidate_name: row.candidate_name,
        status_label,
        status_badge,
        detail,
        created: row.created_at.into(),
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    page: PageNumber,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let (rows, total) = outbox::list(&state.pool, user.company_id, None, query.page).await?;
    render(&OutboxPage {
        shell: shell.at(Section::Interviews),
        emails: rows.into_iter().map(row_view).collect(),
        pager: Pager::new("/outbox", query.page, total, &[]),
        mailbox_mode: state.config.smtp_url.is_none(),
    })
}

/// The email a recruiter is shown, and its interview link as shown.
struct Shown {
    copy: compose::SentCopy,
    link: String,
    /// Whether `link` works: only in the built-in mailbox mode, where the Outbox is the
    /// only way to reach it.
    working_link: bool,
    /// What version this is, when it is not the live one.
    note: &'static str,
}

/// With no SMTP server, the email rendered now with its working link: the way to follow
/// the whole flow on a laptop. Otherwise the copy kept when it was sent, or before that a
/// preview, its link masked either way.
async fn shown(state: &AppState, company_id: CompanyId, id: EmailId) -> AppResult<Shown> {
    let config = &state.config;
    let mailbox_mode = config.smtp_url.is_none();
    if !mailbox_mode && let Some(copy) = outbox::sent_copy(&state.pool, company_id, id).await? {
        let note = "As sent. The link is hidden: only the candidate's email holds the working link.";
        return Ok(Shown { copy, link: compose::masked_link(config), working_link: false, note });
    }
    let data = compose::load(&state.pool, id, Some(company_id)).await?.ok_or(AppError::NotFound)?;
    let rendered = compose::render(&data, config)?;
    Ok(if mailbox_mode {
        let copy = compose::SentCopy { subject: rendered.subject, text: rendered.text, html: rendered.html };
        Shown { copy, link: rendered.link, working_link: true, note: "" }
    } else {
        Shown {
            copy: rendered.masked(config),
            link: compose::masked_link(config),
            working_link: false,
            note: "Not sent yet: a preview of the email as it stands now, made again when it is sent. The link is hidden.",
        }
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<EmailId>,
) -> AppResult<Response> {
    let row = outbox::one(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let shown = shown(&state, user.company_id, id).await?;
    render(&EmailPage {
        shell: shell.at(Section::Interviews),
        row: row_view(row),
        from: format!("{} <{}>", user.company_name, state.config.mail_from),
        subject: shown.copy.subject,
        text: shown.copy.text,
        link: shown.link,
        working_link: shown.working_link,
        note: shown.note,
    })
}

/// The HTML part, framed by the email page. Its own policy allows the email's inline
/// styles but no images, so viewing it never counts as the candidate opening it.
pub async fn show_html(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<EmailId>,
) -> AppResult<Response> {
    let shown = shown(&state, user.company_id, id).await?;
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"),
            (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
        ],
        Html(shown.copy.html),
    )
        .into_response())
}

const TRANSPARENT_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// The open-tracking pixel. Always answers with the image, known id or not.
pub async fn pixel(State(state): State<AppState>, PathText(pixel): PathText) -> Response {
    if let Ok(id) = Uuid::parse_str(pixel.trim_end_matches(".gif"))
        && let Err(err) = outbox::mark_opened(&state.pool, id).await
    {
        tracing::warn!(error = ?err, "recording an email open failed");
    }
    ([(header::CONTENT_TYPE, "image/gif"), (header::CACHE_CONTROL, "no-store")], TRANSPARENT_GIF).into_response()
}
