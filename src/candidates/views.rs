use askama::Template;
use uuid::Uuid;

use super::{
    model::{CandidateForm, CandidateStatus, StatusFilter},
    store::ExistingCandidate,
};
use crate::ids::{ApplicationId, CandidateId, JobId};
use crate::{applications::model::Stage, dates::When, forms::FieldErrors, layout::Shell, pagination::Pager};

pub struct CandidateRowView {
    pub id: CandidateId,
    pub name: String,
    pub email: String,
    pub status: CandidateStatus,
    pub last_activity: When,
}

pub struct FilterOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "candidates/index.html")]
pub struct CandidatesPage {
    pub shell: Shell,
    pub rows: Vec<CandidateRowView>,
    pub pager: Pager,
    /// The search box as typed.
    pub q: String,
    /// A one-character search: shown with a hint, not applied.
    pub search_too_short: bool,
    pub filter: StatusFilter,
    pub filters: Vec<FilterOption>,
    /// Nothing filtered and nothing there: the first-run empty state.
    pub no_candidates_at_all: bool,
}

impl CandidatesPage {
    /// This page of the list, with its search and filter: where a bulk send comes back to.
    pub fn here(&self) -> String {
        self.pager.href(self.pager.page)
    }

    pub fn filtered(&self) -> bool {
        self.filter != StatusFilter::All || (!self.q.is_empty() && !self.search_too_short)
    }

    /// "No candidates match “ann” in Invited" and the like.
    pub fn no_match_text(&self) -> String {
        let searched = !self.q.is_empty() && !self.search_too_short;
        match (searched, self.filter) {
            (true, StatusFilter::All) => format!("No candidates match “{}”.", self.q),
            (true, filter) => format!("No {} candidates match “{}”.", filter.label().to_lowercase(), self.q),
            (false, StatusFilter::Archived) => "No archived candidates.".to_owned(),
            (false, filter) => format!("No candidates match the status {}.", filter.label()),
        }
    }
}

#[derive(Template)]
#[template(path = "candidates/form.html")]
pub struct CandidateFormPage {
    pub shell: Shell,
    /// `None` on the create form.
    pub candidate_id: Option<CandidateId>,
    pub values: CandidateForm,
    pub errors: FieldErrors,
    /// The candidate who already has the entered email.
    pub duplicate: Option<ExistingCandidate>,
    /// A general message above the form.
    pub form_error: Option<String>,
}

impl CandidateFormPage {
    pub fn heading(&self) -> &'static str {
        if self.candidate_id.is_some() { "Edit candidate" } else { "Add candidate" }
    }

    pub fn action(&self) -> String {
        match self.candidate_id {
            Some(id) => format!("/candidates/{id}/edit"),
            None => "/candidates/new".to_owned(),
        }
    }

    pub fn cancel_href(&self) -> String {
        match self.candidate_id {
            Some(id) => format!("/candidates/{id}"),
            None => "/candidates".to_owned(),
        }
    }
}

pub struct ApplicationView {
    pub id: ApplicationId,
    pub job_title: String,
    pub job_closed: bool,
    pub stage: Stage,
    pub created: When,
}

pub struct JobChoice {
    pub id: JobId,
    pub title: String,
    pub selected: bool,
}

/// "Add to job" refused: the message, and the application it points to, if any.
pub struct AddToJobError {
    pub message: String,
    pub existing_application: Option<ApplicationId>,
}

#[derive(Template)]
#[template(path = "candidates/show.html")]
pub struct CandidatePage {
    pub shell: Shell,
    pub id: CandidateId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub status: CandidateStatus,
    pub archived: Option<When>,
    pub added: When,
    pub last_activity: When,
    pub applications: Vec<ApplicationView>,
    pub open_jobs: Vec<JobChoice>,
    pub add_to_job_error: Option<AddToJobError>,
    pub add_to_job_key: Uuid,
    pub interviewed: bool,
}

impl CandidatePage {
    /// Never invited candidates are deleted; the others are archived.
    pub fn never_invited(&self) -> bool {
        !self.interviewed
    }

    pub fn delete_label(&self) -> &'static str {
        if self.never_invited() { "Delete candidate" } else { "Archive candidate" }
    }
}
