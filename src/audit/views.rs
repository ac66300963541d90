use askama::Template;

use crate::ids::{CandidateId, InterviewId, JobId, UserId};
use crate::{dates::When, layout::Shell};

pub struct EntryRow {
    pub when: When,
    pub action: &'static str,
    pub actor: String,
    pub user_id: Option<UserId>,
    pub candidate_id: Option<CandidateId>,
    /// The candidate's name, or "Erased candidate" once they are gone.
    pub candidate: Option<String>,
    pub interview_id: Option<InterviewId>,
    pub interview_exists: bool,
    pub subject_user: Option<String>,
    pub job_id: Option<JobId>,
    /// The job's title; none once the job is deleted.
    pub job_title: Option<String>,
    pub count: Option<i32>,
}

pub struct MemberOption {
    pub id: UserId,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "audit/page.html")]
pub struct AuditPage {
    pub shell: Shell,
    pub entries: Vec<EntryRow>,
    pub members: Vec<MemberOption>,
    /// The candidate the log is filtered by.
    pub candidate: Option<CandidateId>,
    pub limit: i64,
}
