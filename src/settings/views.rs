use askama::Template;

use crate::{forms::FieldErrors, layout::Shell};

/// The values as typed, so a refused form shows them again.
pub struct SettingsValues {
    pub reminder_after_days: String,
    pub max_reminders: String,
}

#[derive(Template)]
#[template(path = "settings/page.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub values: SettingsValues,
    pub errors: FieldErrors,
    /// Reviewers rate every answer before they see the evaluation and each other's ratings.
    pub blind_review: bool,
}
