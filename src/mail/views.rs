use askama::Template;

use crate::ids::{EmailId, InterviewId};
use crate::{dates::When, layout::Shell, pagination::Pager};

pub struct EmailListRow {
    pub id: EmailId,
    pub interview_id: InterviewId,
    pub kind: &'static str,
    pub to_address: String,
    pub candidate_name: String,
    pub status_label: &'static str,
    pub status_badge: &'static str,
    pub detail: String,
    pub created: When,
}

#[derive(Template)]
#[template(path = "mail/outbox.html")]
pub struct OutboxPage {
    pub shell: Shell,
    pub emails: Vec<EmailListRow>,
    pub pager: Pager,
    pub mailbox_mode: bool,
}

#[derive(Template)]
#[template(path = "mail/email.html")]
pub struct EmailPage {
    pub shell: Shell,
    pub row: EmailListRow,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub link: String,
    pub working_link: bool,
    pub note: &'static str,
}
