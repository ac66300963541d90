use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::{
    store::{self, CompanySettings, DataRights, PrivacySettings},
    views::{SettingsPage, SettingsValues},
};
use crate::ids::CompanyId;
use crate::{
    auth::CurrentUser,
    error::AppResult,
    extract::Form,
    forms::{FieldErrors, whole_number},
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

pub const MAX_REMINDER_DAYS: i32 = 30;
pub const MAX_REMINDERS: i32 = 2;

/// The longest privacy text and contact a company can give candidates.
pub const MAX_PRIVACY_TEXT_CHARS: usize = 4000;
pub const MAX_PRIVACY_CONTACT_CHARS: usize = 200;

/// The saved settings as the form shows them.
async fn saved_values(state: &AppState, company_id: CompanyId) -> AppResult<SettingsValues> {
    let settings = store::get(&state.pool, company_id).await?;
    let privacy = store::privacy(&state.pool, company_id).await?;
    let rights = store::data_rights(&state.pool, company_id).await?;
    Ok(SettingsValues {
        reminder_after_days: settings.reminder_after_days.to_string(),
        max_reminders: settings.max_reminders.to_string(),
        privacy_text: privacy.text,
        privacy_contact: privacy.contact,
        blind_review: crate::reviews::store::blind_review(&state.pool, company_id).await?,
        erasure_deadline_days: rights.erasure_deadline_days.to_string(),
        recording_retention_days: rights.recording_retention_days.map(|d| d.to_string()).unwrap_or_default(),
        inactive_candidate_months: rights.inactive_candidate_months.map(|m| m.to_string()).unwrap_or_default(),
    })
}

pub async fn page(State(state): State<AppState>, user: CurrentUser, shell: Shell) -> AppResult<Response> {
    let values = saved_values(&state, user.company_id).await?;
    render(&SettingsPage { shell: shell.at(Section::Settings), values, errors: FieldErrors::default() })
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    reminder_after_days: String,
    #[serde(default)]
    max_reminders: String,
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let days = errors.check(
        "reminder_after_days",
        whole_number(
            &form.reminder_after_days,
            0,
            MAX_REMINDER_DAYS,
            &format!("Enter a whole number of days from 0 (no reminders) to {MAX_REMINDER_DAYS}."),
        ),
    );
    let max = errors.check(
        "max_reminders",
        whole_number(
            &form.max_reminders,
            0,
            MAX_REMINDERS,
            &format!("Enter a whole number from 0 to {MAX_REMINDERS}."),
        ),
    );
    let (Some(reminder_after_days), Some(max_reminders)) = (days, max) else {
        let values = SettingsValues {
            reminder_after_days: form.reminder_after_days,
            max_reminders: form.max_reminders,
            ..saved_values(&state, user.company_id).await?
        };
        return render(&SettingsPage { shell: shell.at(Section::Settings), values, errors });
    };
    store::save(&state.pool, user.company_id, user.user_id, &CompanySettings { reminder_after_days, max_reminders })
        .await?;
    Ok(Flash::success(saved_message(reminder_after_days, max_reminders)).redirect("/settings"))
}

#[derive(Deserialize)]
pub struct PrivacyForm {
    #[serde(default)]
    privacy_text: String,
    #[serde(default)]
    privacy_contact: String,
}

/// The company's words in the notice every candidate reads before an interview.
pub async fn save_privacy(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<PrivacyForm>,
) -> AppResult<Response> {
    let privacy =
        PrivacySettings { text: form.privacy_text.trim().to_owned(), contact: form.privacy_contact.trim().to_owned() };
    let mut errors = FieldErrors::default();
    if privacy.text.chars().count() > MAX_PRIVACY_TEXT_CHARS {
        errors.add("privacy_text", format!("Keep the privacy text under {MAX_PRIVACY_TEXT_CHARS} characters."));
    }
    if privacy.contact.chars().count() > MAX_PRIVACY_CONTACT_CHARS {
        errors.add("privacy_contact", format!("Keep the contact under {MAX_PRIVACY_CONTACT_CHARS} characters."));
    }
    if !errors.is_empty() {
        let values = SettingsValues {
            privacy_text: form.privacy_text,
            privacy_contact: form.privacy_contact,
            ..saved_values(&state, user.company_id).await?
        };
        return render(&SettingsPage { shell: shell.at(Section::Settings), values, errors });
    }
    store::save_privacy(&state.pool, user.company_id, user.user_id, &privacy).await?;
    Ok(Flash::success("Privacy notice saved. Candidates read it before their next interview.").redirect("/settings"))
}

/// The longest a company may take to carry out an erasure request.
pub const MAX_ERASURE_DAYS: i32 = 30;
pub const MAX_RETENTION_DAYS: i32 = 3650;
pub const MAX_INACTIVE_MONTHS: i32 = 120;

#[derive(Deserialize)]
pub struct DataRightsForm {
    #[serde(default)]
    erasure_deadline_days: String,
    #[serde(default)]
    recording_retention_days: String,
    #[serde(default)]
    inactive_candidate_months: String,
}

/// The erasure deadline and the retention limits; an empty limit is off.
pub async fn save_data_rights(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<DataRightsForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let deadline = errors.check(
        "erasure_deadline_days",
        whole_number(
            &form.erasure_deadline_days,
            0,
            MAX_ERASURE_DAYS,
            &format!("Enter a whole number of days from 0 (at once) to {MAX_ERASURE_DAYS}."),
        ),
    );
    let mut optional = |field: &'static str, value: &str, max: i32, unit: &str| -> Option<Option<i32>> {
        if value.trim().is_empty() {
            return Some(None);
        }
        errors
            .check(
                field,
                whole_number(
                    value,
                    1,
                    max,
                    &format!("Enter a whole number of {unit} from 1 to {max}, or leave it empty."),
                ),
            )
            .map(Some)
    };
    let recordings = optional("recording_retention_days", &form.recording_retention_days, MAX_RETENTION_DAYS, "days");
    let candidates =
        optional("inactive_candidate_months", &form.inactive_candidate_months, MAX_INACTIVE_MONTHS, "months");
    let (Some(erasure_deadline_days), Some(recording_retention_days), Some(inactive_candidate_months)) =
        (deadline, recordings, candidates)
    else {
        let values = SettingsValues {
            erasure_deadline_days: form.erasure_deadline_days,
            recording_retention_days: form.recording_retention_days,
            inactive_candidate_months: form.inactive_candidate_months,
            ..saved_values(&state, user.company_id).await?
        };
        return render(&SettingsPage { shell: shell.at(Section::Settings), values, errors });
    };
    let rights = DataRights { erasure_deadline_days, recording_retention_days, inactive_candidate_months };
    store::save_data_rights(&state.pool, user.company_id, user.user_id, &rights).await?;
    Ok(Flash::success("Erasure and retention settings saved.").redirect("/settings"))
}

fn saved_message(days: i32, max: i32) -> String {
    if days == 0 || max == 0 {
        return "Settings saved. Automatic reminders are off.".into();
    }
    format!(
        "Settings saved. Candidates who have not started get a reminder {days} day{} after the last invitation, at most {max} time{}.",
        if days == 1 { "" } else { "s" },
        if max == 1 { "" } else { "s" },
    )
}

#[cfg(test)]
mod tests {
    use super::saved_message;

    #[test]
    fn the_flash_says_what_happens() {
        assert_eq!(saved_message(0, 2), "Settings saved. Automatic reminders are off.");
        assert_eq!(saved_message(3, 0), "Settings saved. Automatic reminders are off.");
        assert_eq!(
            saved_message(1, 1),
            "Settings saved. Candidates who have not started get a reminder 1 day after the last invitation, at most 1 time."
        );
    }
}
