use askama::{Template, filters::HtmlSafe};
use uuid::Uuid;

use super::model::{InterviewStatus, TimeAllowance};
use crate::ids::{ApplicationId, CandidateId, InterviewId, JobId};
use crate::{
    dates::When, evaluation::ReviewSection, layout::Shell, pagination::Pager, reviews::ReviewersSection,
    sharing::SharesSection,
};

pub struct QuestionLine {
    pub prompt: String,
    pub kind_label: &'static str,
    pub timing: String,
}

pub struct TemplateCard {
    pub version_id: Uuid,
    pub job_id: JobId,
    pub name: String,
    pub difficulty: &'static str,
    pub focus_area: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub questions: Vec<QuestionLine>,
    pub selected: bool,
}

pub struct JobChoice {
    pub id: JobId,
    pub title: String,
    pub selected: bool,
}

/// Select Job and Select Interview Template, as `interviews/template_choice.html`
/// renders them in the single and the bulk Send Interview forms.
pub struct TemplateChoice {
    pub jobs: Vec<JobChoice>,
    pub templates: Vec<TemplateCard>,
}

/// The Send Interview form: a page, or (for the modal) the same form alone.
#[derive(Template)]
#[template(path = "interviews/send_form.html")]
pub struct SendForm {
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    /// Why nothing can be sent yet, with where to fix it.
    pub blocker: Option<Blocker>,
    pub choice: TemplateChoice,
    pub idempotency_key: Uuid,
    pub error: Option<String>,
    pub return_to: String,
}

pub struct Blocker {
    pub message: &'static str,
    pub fix_href: String,
    pub fix_label: &'static str,
}

#[derive(Template)]
#[template(path = "interviews/send_page.html")]
pub struct SendPage {
    pub shell: Shell,
    /// The same form the modal shows on its own.
    pub form: SendForm,
}

/// Its template escapes every value, so the page writes its output as it is.
impl HtmlSafe for SendForm {}

/// One selected candidate on the bulk Send Interview page.
pub struct BulkRecipient {
    pub id: CandidateId,
    pub name: String,
    pub email: String,
    /// Why this candidate will be skipped (archived, no valid email); empty if not.
    pub skip_reason: &'static str,
}

/// Send Interview to several selected candidates, as a page.
#[derive(Template)]
#[template(path = "interviews/bulk_send.html")]
pub struct BulkSendPage {
    pub shell: Shell,
    pub recipients: Vec<BulkRecipient>,
    /// How many of `recipients` will get an invitation.
    pub sendable: usize,
    /// The selection is refused as a whole (too many candidates); the message says why.
    pub refused: Option<String>,
    pub blocker: Option<Blocker>,
    pub choice: TemplateChoice,
    pub idempotency_key: Uuid,
    pub error: Option<String>,
    pub return_to: String,
}

pub struct StatusOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct InterviewListRow {
    pub id: InterviewId,
    pub status: InterviewStatus,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub template_name: String,
    pub application_id: ApplicationId,
    pub version_number: i32,
    pub sent: Option<When>,
    pub opened: Option<When>,
    pub email_state: &'static str,
    pub can_resend: bool,
    /// Why the invitation can't be resent ("Completed", "Past its deadline"); empty if it can.
    pub no_resend_reason: &'static str,
    pub evaluation: EvaluationCell,
    /// "3.5 / 5 (2)": the team rating and how many rated every answer; empty when none
    /// or while blind review hides it from the viewer.
    pub team_rating: String,
}

/// The Evaluation column: a score with the recommendation, or the run's state.
pub struct EvaluationCell {
    pub label: String,
    pub detail: String,
    /// Empty when there is no evaluation.
    pub badge: &'static str,
}

#[derive(Template)]
#[template(path = "interviews/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<InterviewListRow>,
    pub statuses: Vec<StatusOption>,
    pub jobs: Vec<JobChoice>,
    pub candidate: String,
    pub filtered: bool,
    pub sorts: Vec<StatusOption>,
    pub min_score: String,
    /// "Waiting for my review" is ticked.
    pub waiting_for_my_review: bool,
    pub pager: Pager,
    pub return_to: String,
}

/// The Interviews tab of an application's page, rendered into that page.
#[derive(Template)]
#[template(path = "interviews/application_tab.html")]
pub struct ApplicationInterviews {
    pub rows: Vec<InterviewListRow>,
    /// The tab itself: where a resend comes back to.
    pub return_to: String,
    /// Send Interview for this application's candidate, the job pre-selected.
    pub send_href: String,
    /// Whether the viewer's role may send and resend (a reviewer sees neither button).
    pub may_send: bool,
}

/// Its template escapes every value, so the application's page writes its output as it is.
impl HtmlSafe for ApplicationInterviews {}

pub struct TimelineEntry {
    pub label: &'static str,
    pub detail: Option<String>,
    pub at: When,
    pub is_problem: bool,
}

#[derive(Template)]
#[template(path = "interviews/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub id: InterviewId,
    pub status: InterviewStatus,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub application_id: ApplicationId,
    pub template_name: String,
    pub version_number: i32,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub sent_by: Option<String>,
    pub created: When,
    pub expires: When,
    pub expired: bool,
    pub timeline: Vec<TimelineEntry>,
    pub can_resend: bool,
    pub return_to: String,
    /// The evaluation and review section, loaded by `evaluation::review_section`.
    pub review: ReviewSection,
    /// The reviewers and the team rating, loaded by `reviews::interview_section`.
    pub reviewers: ReviewersSection,
    /// The share links and their views, loaded by `sharing::interview_section`.
    pub shares: SharesSection,
    /// The candidate's agreement to the notice, once given.
    pub consent: Option<Consent>,
    /// The candidate asked for a person's review instead of AI.
    pub human_review: bool,
    /// The extra time granted to the candidate.
    pub time_allowance: TimeAllowance,
}

impl ShowPage {
    pub fn allowances(&self) -> [TimeAllowance; 4] {
        TimeAllowance::ALL
    }
}

/// When the candidate agreed to the notice, to which version of it, and from where.
pub struct Consent {
    pub at: When,
    pub notice_version: String,
    pub ip: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_tab_shows_each_interview_with_its_status_and_why_it_cannot_be_resent() {
        let application_id = ApplicationId::generate();
        let tab = ApplicationInterviews {
            rows: vec![InterviewListRow {
                id: InterviewId::generate(),
                status: InterviewStatus::Completed,
                candidate_id: CandidateId::generate(),
                candidate_name: "Ada Lovelace".into(),
                candidate_email: "ada@example.com".into(),
                job_title: "Engineer".into(),
                template_name: "Backend screen".into(),
                application_id,
                version_number: 2,
                sent: None,
                opened: None,
                email_state: "",
                can_resend: false,
                no_resend_reason: "Completed",
                evaluation: EvaluationCell { label: String::new(), detail: String::new(), badge: "" },
                team_rating: String::new(),
            }],
            return_to: format!("/applications/{application_id}?tab=interviews"),
            send_href: "/candidates/send-interview".into(),
            may_send: true,
        };

        let html = tab.render().unwrap();

        assert!(html.contains("Backend screen</a> <span class=\"muted small\">Version 2</span>"), "{html}");
        assert!(html.contains("<span class=\"badge badge-green\">Completed</span>"), "{html}");
        assert!(html.contains("<span class=\"muted small no-resend\">Completed</span>"), "{html}");
        assert!(!html.contains("No interviews sent"), "{html}");
    }
}
