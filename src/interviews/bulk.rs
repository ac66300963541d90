//! Send Interview to several selected candidates at once.
//!
//! The Candidates page is a plain GET form: its checkboxes send `ids=…&ids=…` to
//! `/candidates/send-interview`, a page that lists the selection (noting who will be
//! skipped) with the same Select Job / Select Interview Template choice as the single
//! form. Its POST sends one interview and one queued invitation per candidate, each
//! idempotent under a key derived from the form's key (`lifecycle::bulk_key`), so a double
//! submit or a retry after a failure part-way never sends anyone two.

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use uuid::Uuid;

use super::{
    handlers::{TEMPLATE_GONE, back_to, chosen_template, daily_cap_reached, no_template_blocker, template_choice},
    lifecycle::{self, BulkSendRequest, EmailCap, Refused},
    store::{self, CandidateToInvite},
    views::{BulkRecipient, BulkSendPage},
};
use crate::ids::{CandidateId, JobId};
use crate::{
    auth::CurrentUser,
    domain::EmailAddress,
    error::AppResult,
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

/// The most candidates one bulk send takes.
pub const MAX_SELECTED: usize = 100;

const NOTHING_SELECTED: &str = "Select at least one candidate to send an interview to.";

/// The fields of the Candidates page's selection and of the bulk form.
#[derive(Default)]
struct BulkInput {
    /// Distinct, in the order given; malformed ids are dropped.
    ids: Vec<CandidateId>,
    job_id: Option<JobId>,
    version_id: Option<Uuid>,
    idempotency_key: Option<Uuid>,
    return_to: Option<String>,
}

impl BulkInput {
    /// Repeated `ids` fields are why this is not a `Form<…>`: serde_urlencoded can't
    /// read a list.
    fn parse(encoded: &[u8]) -> Self {
        let mut input = Self::default();
        let uuid = |value: &str| Uuid::parse_str(value.trim()).ok();
        for (name, value) in url::form_urlencoded::parse(encoded) {
            match &*name {
                "ids" => {
                    if let Some(id) = uuid(&value).map(CandidateId::from).filter(|id| !input.ids.contains(id)) {
                        input.ids.push(id);
                    }
                }
                "job_id" => input.job_id = uuid(&value).map(JobId::from),
                "version_id" => input.version_id = uuid(&value),
                "idempotency_key" => input.idempotency_key = uuid(&value),
                "return_to" => input.return_to = Some(value.into_owned()),
                _ => {}
            }
        }
        input
    }

    fn return_to(&self) -> String {
        back_to(self.return_to.as_deref(), "/candidates")
    }

    fn too_many(&self) -> Option<String> {
        (self.ids.len() > MAX_SELECTED).then(|| {
            format!(
                "You selected {} candidates. An interview can be sent to at most {MAX_SELECTED} candidates at a time: select fewer and try again.",
                self.ids.len()
            )
        })
    }
}

/// Why a selected candidate gets no invitation, if so.
fn skip_reason(candidate: &CandidateToInvite) -> Option<&'static str> {
    if candidate.archived {
        Some("archived")
    } else if EmailAddress::parse(&candidate.email).is_err() {
        Some("no valid email address")
    } else {
        None
    }
}

/// GET: the selection, and the job and template to send.
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let input = BulkInput::parse(query.unwrap_or_default().as_bytes());
    if input.ids.is_empty() {
        return Ok(Flash::error(NOTHING_SELECTED).redirect(&input.return_to()));
    }
    show(&state, &user, shell, &input, None).await
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: &BulkInput,
    error: Option<String>,
) -> AppResult<Response> {
    let mut refused = input.too_many();
    let recipients: Vec<BulkRecipient> = if refused.is_some() {
        Vec::new()
    } else {
        store::candidates_to_invite(&state.pool, user.company_id, &input.ids)
            .await?
            .into_iter()
            .map(|c| BulkRecipient {
                skip_reason: skip_reason(&c).unwrap_or(""),
                id: c.id,
                name: c.name,
                email: c.email,
            })
            .collect()
    };
    if refused.is_none() && recipients.is_empty() {
        refused = Some("None of the selected candidates was found. Select them again on the Candidates page.".into());
    }
    let choice = template_choice(state, user.company_id, input.job_id, input.version_id).await?;
    let blocker = choice.templates.is_empty().then(no_template_blocker);
    render(&BulkSendPage {
        shell: shell.at(Section::Candidates),
        sendable: recipients.iter().filter(|r| r.skip_reason.is_empty()).count(),
        recipients,
        refused,
        blocker,
        choice,
        // A form shown again after an error keeps its key: its intent is unchanged.
        idempotency_key: input.idempotency_key.unwrap_or_else(Uuid::new_v4),
        error,
        return_to: input.return_to(),
    })
}

/// POST: one interview and one queued invitation per sendable candidate.
pub async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let mut input = BulkInput::parse(&body);
    let return_to = input.return_to();
    if input.ids.is_empty() {
        return Ok(Flash::error(NOTHING_SELECTED).redirect(&return_to));
    }
    if input.too_many().is_some() {
        return show(&state, &user, shell, &input, None).await;
    }
    // A form without a usable key still works; it just loses double-submit protection.
    let form_key = *input.idempotency_key.get_or_insert_with(Uuid::new_v4);
    let (job_id, version_id) = match chosen_template(&state, user.company_id, input.job_id, input.version_id).await? {
        Ok(chosen) => chosen,
        Err(message) => return show(&state, &user, shell, &input, Some(message.into())).await,
    };

    // Other companies' ids are not found, so they are ignored like deleted candidates.
    let found = store::candidates_to_invite(&state.pool, user.company_id, &input.ids).await?;
    let mut not_found = input.ids.len() - found.len();
    let mut skipped: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut to_send = Vec::new();
    for candidate in &found {
        match skip_reason(candidate) {
            Some(reason) => skipped.push(format!("{} ({reason})", candidate.name)),
            None => {
                to_send.push(candidate.id);
                names.push((candidate.id, candidate.name.as_str()));
            }
        }
    }
    if to_send.is_empty() {
        // The page says why: each candidate's note, and that none can be sent.
        return show(&state, &user, shell, &input, None).await;
    }

    let request = BulkSendRequest {
        company_id: user.company_id,
        user_id: user.user_id,
        job_id,
        version_id,
        idempotency_key: form_key,
        link_valid_days: state.config.link_valid_days,
        email_cap: EmailCap(state.config.new_company_emails_per_day),
    };
    let mut sent = 0usize;
    let mut template_gone = false;
    let mut capped = None;
    for (candidate_id, outcome) in lifecycle::send_many(&state.pool, &request, &to_send).await? {
        let name = names.iter().find(|(id, _)| *id == candidate_id).map_or("", |(_, name)| *name);
        match outcome {
            Ok(_) => sent += 1,
            // Changed between the check above and the send.
            Err(Refused::CandidateArchived) => skipped.push(format!("{name} (archived)")),
            Err(Refused::TemplateNotAvailable) => {
                template_gone = true;
                skipped.push(format!("{name} (the template is no longer published)"));
            }
            Err(Refused::DailyEmailCap { cap }) => capped = Some((cap, capped.map_or(1, |(_, n)| n + 1))),
            Err(_) => not_found += 1,
        }
    }
    if sent == 0 && template_gone {
        return show(&state, &user, shell, &input, Some(TEMPLATE_GONE.into())).await;
    }
    let mut message = summary(sent, &skipped, not_found);
    if let Some((cap, not_sent)) = capped {
        let plural = if not_sent == 1 { "invitation was" } else { "invitations were" };
        message.push_str(&format!(" {not_sent} {plural} not sent: {}", daily_cap_reached(cap)));
    }
    let flash = if sent > 0 { Flash::success(message) } else { Flash::error(message) };
    Ok(flash.redirect(&return_to))
}

/// "Interview invitations sent to 2 candidates. Skipped: Cy Diaz (archived)."
fn summary(sent: usize, skipped: &[String], not_found: usize) -> String {
    let mut message = if sent == 1 {
        "Interview invitation sent to 1 candidate.".to_owned()
    } else {
        format!("Interview invitations sent to {sent} candidates.")
    };
    if !skipped.is_empty() {
        message.push_str(&format!(" Skipped: {}.", skipped.join(", ")));
    }
    match not_found {
        0 => {}
        1 => message.push_str(" 1 selected candidate no longer exists."),
        n => message.push_str(&format!(" {n} selected candidates no longer exist.")),
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_repeated_ids_once_each() {
        let (a, b) = (CandidateId::generate(), CandidateId::generate());
        let raw = format!("ids={a}&ids=nope&ids={b}&ids={a}&job_id=&return_to=%2Fcandidates%3Fpage%3D2");
        let input = BulkInput::parse(raw.as_bytes());
        assert_eq!(input.ids, vec![a, b]);
        assert_eq!(input.job_id, None);
        assert_eq!(input.return_to(), "/candidates?page=2");
        assert_eq!(BulkInput::parse(b"return_to=https://evil.test").return_to(), "/candidates");
    }

    #[test]
    fn the_summary_says_who_was_skipped() {
        assert_eq!(summary(1, &[], 0), "Interview invitation sent to 1 candidate.");
        assert_eq!(
            summary(2, &["Cy Diaz (archived)".into()], 1),
            "Interview invitations sent to 2 candidates. Skipped: Cy Diaz (archived). 1 selected candidate no longer exists."
        );
    }
}
