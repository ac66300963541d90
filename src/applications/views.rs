use askama::Template;

use super::model::Stage;
use crate::ids::{ApplicationId, CandidateId};
use crate::{
    candidates::model::CandidateStatus, dates::When, interviews::ApplicationInterviews, layout::Shell,
    pagination::Pager,
};

pub struct ApplicationRowView {
    pub id: ApplicationId,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub stage: Stage,
    pub created: When,
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "applications/index.html")]
pub struct ApplicationsPage {
    pub shell: Shell,
    pub rows: Vec<ApplicationRowView>,
    pub pager: Pager,
    pub q: String,
    pub search_too_short: bool,
    pub jobs: Vec<SelectOption>,
    pub stages: Vec<SelectOption>,
    /// A job, stage or search narrows the list.
    pub filtered: bool,
}

/// The tab shown; the Interviews tab carries its section, loaded only when it is shown.
pub enum Tab {
    Overview,
    Interviews(ApplicationInterviews),
}

#[derive(Template)]
#[template(path = "applications/show.html")]
pub struct ApplicationPage {
    pub shell: Shell,
    pub id: ApplicationId,
    pub tab: Tab,
    pub stage: Stage,
    pub stages: Vec<SelectOption>,
    pub created: When,
    pub updated: When,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub candidate_phone: Option<String>,
    pub candidate_status: CandidateStatus,
    pub job_title: String,
    pub job_details: String,
    pub job_closed: bool,
    /// Send Interview for this candidate and job, coming back to the Interviews tab.
    pub send_href: String,
}

impl ApplicationPage {
    pub fn on_interviews(&self) -> bool {
        matches!(self.tab, Tab::Interviews(_))
    }
}
