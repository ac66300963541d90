use askama::Template;

use crate::{forms::FieldErrors, layout::Shell};

/// The values as typed, so a refused form shows them again.
pub struct SettingsValues {
    pub reminder_after_days: String,
    pub max_reminders: String,
    pub privacy_text: String,
    pub privacy_contact: String,
    /// Reviewers rate every answer before they see the evaluation and each other's ratings
    /// (saved on its own form, so never "as typed").
    pub blind_review: bool,
}

#[derive(Template)]
#[template(path = "settings/page.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub values: SettingsValues,
    pub errors: FieldErrors,
}
