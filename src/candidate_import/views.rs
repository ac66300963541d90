use askama::Template;

use super::model::ImportOutcome;
use crate::ids::ImportId;
use crate::{dates::When, jobs::options::JobOption, layout::Shell};

#[derive(Template)]
#[template(path = "candidate_import/upload.html")]
pub struct UploadPage {
    pub shell: Shell,
    pub error: Option<String>,
    pub max_rows: String,
    pub max_mb: usize,
}

#[derive(Template)]
#[template(path = "candidate_import/preview.html")]
pub struct PreviewPage {
    pub shell: Shell,
    pub id: ImportId,
    pub file_name: String,
    pub uploaded: When,
    pub imported: Option<When>,
    /// How long the preview is kept unless imported.
    pub kept_hours: i32,
    /// How many rows have each outcome, in the order of [`ImportOutcome::ALL`], those with none left out.
    pub counts: Vec<OutcomeCount>,
    /// Rows that importing writes.
    pub importable: usize,
    pub rows: Vec<PreviewLine>,
    pub jobs: Vec<JobOption>,
}

pub struct OutcomeCount {
    pub label: &'static str,
    pub badge: &'static str,
    pub count: usize,
}

pub struct PreviewLine {
    pub line: i32,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub job: String,
    pub outcome: ImportOutcome,
    pub problem: String,
}
