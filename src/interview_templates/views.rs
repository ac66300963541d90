use askama::Template as AskamaTemplate;

use super::{
    model::{AnswerKind, Difficulty, QuestionForm, TemplateForm, seconds_text},
    store::{Question, Template, TemplateSummary, VersionQuestion, VersionSummary},
};
use crate::{dates::When, forms::FieldErrors, jobs::options::JobOption, layout::Shell, pagination::Pager};

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

pub fn difficulties() -> Vec<Choice> {
    Difficulty::ALL.iter().map(|d| Choice { value: d.as_str(), label: d.label() }).collect()
}

pub fn answer_kinds() -> Vec<Choice> {
    AnswerKind::ALL.iter().map(|k| Choice { value: k.as_str(), label: k.label() }).collect()
}

#[derive(AskamaTemplate)]
#[template(path = "interview_templates/list.html")]
pub struct TemplatesPage {
    pub shell: Shell,
    pub templates: Vec<TemplateSummary>,
    pub jobs: Vec<JobOption>,
    /// The filters as given (kept in the form and the page links).
    pub job_filter: String,
    pub status_filter: String,
    pub pager: Pager,
}

impl TemplatesPage {
    pub fn filtered(&self) -> bool {
        !self.job_filter.is_empty() || !self.status_filter.is_empty()
    }

    /// Where "New template" leads: for the filtered job when there is one.
    pub fn new_href(&self) -> String {
        if self.job_filter.is_empty() {
            "/interview-templates/new".into()
        } else {
            format!("/interview-templates/new?job_id={}", self.job_filter)
        }
    }
}

#[derive(AskamaTemplate)]
#[template(path = "interview_templates/form.html")]
pub struct TemplateFormPage {
    pub shell: Shell,
    pub heading: String,
    pub action: String,
    pub submit_label: &'static str,
    pub cancel_href: String,
    pub values: TemplateForm,
    pub errors: FieldErrors,
    /// The jobs to choose from, on the create form; the edit form shows `job_title`.
    pub jobs: Option<Vec<JobOption>>,
    pub job_title: String,
    pub idempotency_key: Option<String>,
    pub difficulties: Vec<Choice>,
}

pub struct QuestionRow {
    pub id: String,
    pub position: i32,
    pub prompt: String,
    pub kind_label: &'static str,
    pub thinking: String,
    pub answer: String,
    pub key_points: Vec<String>,
    pub first: bool,
    pub last: bool,
}

pub fn question_rows(questions: Vec<Question>) -> Vec<QuestionRow> {
    let count = questions.len();
    questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| QuestionRow {
            id: q.id.to_string(),
            position: q.position,
            kind_label: q.answer_kind.label(),
            thinking: seconds_text(q.thinking_seconds),
            answer: seconds_text(q.answer_seconds),
            prompt: q.prompt,
            key_points: q.key_points,
            first: i == 0,
            last: i + 1 == count,
        })
        .collect()
}

pub struct VersionRow {
    pub number: i32,
    pub published: When,
    pub question_count: i64,
    pub current: bool,
}

pub fn version_rows(versions: Vec<VersionSummary>, current: Option<i32>) -> Vec<VersionRow> {
    versions
        .into_iter()
        .map(|v| VersionRow {
            number: v.number,
            published: v.published_at.into(),
            question_count: v.question_count,
            current: Some(v.number) == current,
        })
        .collect()
}

#[derive(AskamaTemplate)]
#[template(path = "interview_templates/show.html")]
pub struct TemplatePage {
    pub shell: Shell,
    pub template: Template,
    pub questions: Vec<QuestionRow>,
    pub versions: Vec<VersionRow>,
    /// The "add a question" form: blank, or as submitted with its errors.
    pub question: QuestionForm,
    pub errors: FieldErrors,
    pub question_key: String,
    pub answer_kinds: Vec<Choice>,
}

#[derive(AskamaTemplate)]
#[template(path = "interview_templates/question_form.html")]
pub struct QuestionFormPage {
    pub shell: Shell,
    pub template: Template,
    pub question_id: String,
    pub position: i32,
    pub question: QuestionForm,
    pub errors: FieldErrors,
    pub answer_kinds: Vec<Choice>,
}

pub struct PreviewQuestion {
    pub prompt: String,
    pub video: bool,
    pub thinking: String,
    pub answer: String,
}

impl From<Question> for PreviewQuestion {
    fn from(q: Question) -> Self {
        preview_question(q.prompt, q.answer_kind, q.thinking_seconds, q.answer_seconds)
    }
}

impl From<VersionQuestion> for PreviewQuestion {
    fn from(q: VersionQuestion) -> Self {
        preview_question(q.prompt, q.answer_kind, q.thinking_seconds, q.answer_seconds)
    }
}

fn preview_question(prompt: String, kind: AnswerKind, thinking: i32, answer: i32) -> PreviewQuestion {
    PreviewQuestion {
        prompt,
        video: kind == AnswerKind::Video,
        thinking: seconds_text(thinking),
        answer: seconds_text(answer),
    }
}

#[derive(AskamaTemplate)]
#[template(path = "interview_templates/preview.html")]
pub struct PreviewPage {
    pub shell: Shell,
    pub template_id: String,
    pub name: String,
    pub job_title: String,
    pub intro: Option<String>,
    pub duration_minutes: i32,
    pub retakes: i32,
    /// "Version 2", or "Draft" for unpublished changes.
    pub showing: String,
    pub questions: Vec<PreviewQuestion>,
}
