use askama::Template;

use crate::{
    api::keys::Scope,
    dates::When,
    forms::FieldErrors,
    layout::Shell,
    mail::texts::{EmailText, EmailTextKind, Merged},
};

/// The values as typed, so a refused form shows them again.
pub struct SettingsValues {
    pub reminder_after_days: String,
    pub max_reminders: String,
    pub privacy_text: String,
    pub privacy_contact: String,
    /// Reviewers rate every answer before they see the evaluation and each other's ratings
    /// (saved on its own form, so never "as typed").
    pub blind_review: bool,
    pub erasure_deadline_days: String,
    /// Empty: recordings are kept.
    pub recording_retention_days: String,
    /// Empty: inactive candidates are kept.
    pub inactive_candidate_months: String,
}

#[derive(Template)]
#[template(path = "settings/page.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub values: SettingsValues,
    pub errors: FieldErrors,
}

/// One email's form: the text as saved or as typed, its errors, and a preview when asked.
pub struct EmailTextForm {
    pub kind: EmailTextKind,
    pub text: EmailText,
    pub errors: FieldErrors,
    pub preview: Option<Merged>,
}

pub struct MergeFieldRow {
    pub name: String,
    pub meaning: &'static str,
}

#[derive(Template)]
#[template(path = "settings/emails.html")]
pub struct EmailsPage {
    pub shell: Shell,
    pub forms: Vec<EmailTextForm>,
    pub fields: Vec<MergeFieldRow>,
}

/// A key as Settings lists it.
pub struct ApiKeyRow {
    pub id: uuid::Uuid,
    pub name: String,
    pub scope: &'static str,
    pub created_by: String,
    pub created: When,
    pub last_used: Option<When>,
    pub revoked: Option<When>,
}

/// The new key form as typed, so a refused form shows it again.
#[derive(Default)]
pub struct NewKeyValues {
    pub name: String,
    pub scope: String,
}

#[derive(Template)]
#[template(path = "settings/api_keys.html")]
pub struct ApiKeysPage {
    pub shell: Shell,
    pub keys: Vec<ApiKeyRow>,
    pub values: NewKeyValues,
    pub errors: FieldErrors,
    /// The key just created, shown this once.
    pub new_key: Option<String>,
    pub scopes: [Scope; 2],
}
