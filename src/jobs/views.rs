use askama::Template;

use super::{model::JobForm, store::Job};
use crate::{
    dates::When, forms::FieldErrors, interview_templates::store::TemplateSummary, layout::Shell, pagination::Pager,
};

pub struct JobRow {
    pub id: String,
    pub title: String,
    pub department: String,
    pub location: String,
    pub open: bool,
    pub template_count: i64,
    pub published_count: i64,
    pub created: When,
}

#[derive(Template)]
#[template(path = "jobs/list.html")]
pub struct JobsPage {
    pub shell: Shell,
    pub jobs: Vec<JobRow>,
    pub pager: Pager,
}

#[derive(Template)]
#[template(path = "jobs/form.html")]
pub struct JobFormPage {
    pub shell: Shell,
    pub heading: String,
    pub action: String,
    pub submit_label: &'static str,
    pub cancel_href: String,
    pub values: JobForm,
    pub errors: FieldErrors,
    /// Set on the create form only.
    pub idempotency_key: Option<String>,
}

#[derive(Template)]
#[template(path = "jobs/show.html")]
pub struct JobPage {
    pub shell: Shell,
    pub job: Job,
    pub created: When,
    pub templates: Vec<TemplateSummary>,
    /// The job's default reviewers, loaded by `reviews::job_section`.
    pub reviewers: crate::reviews::ReviewersSection,
}

impl JobPage {
    pub fn published_count(&self) -> usize {
        self.templates.iter().filter(|t| t.is_published()).count()
    }
}
