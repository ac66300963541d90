//! A job opening's fields, validated from the form.

use serde::Deserialize;

use crate::{
    domain::{RequiredText, optional_text},
    forms::FieldErrors,
};

/// What the job form posts. Every field defaults to empty, so a hand-made request with
/// fields missing gets messages on the form rather than a bare 422.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct JobForm {
    pub title: String,
    pub department: String,
    pub location: String,
    pub description: String,
    pub idempotency_key: String,
}

/// A valid job: title required, the rest optional.
#[derive(Clone, Debug)]
pub struct JobFields {
    pub title: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
}

impl TryFrom<&JobForm> for JobFields {
    type Error = FieldErrors;

    fn try_from(form: &JobForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = errors.check("title", RequiredText::parse(&form.title, "the job title", 150));
        let department = errors.check("department", optional_text(&form.department, 100, false));
        let location = errors.check("location", optional_text(&form.location, 100, false));
        let description = errors.check("description", optional_text(&form.description, 10_000, true));
        match (title, department, location, description) {
            (Some(title), Some(department), Some(location), Some(description)) if errors.is_empty() => {
                Ok(Self { title: title.into_inner(), department, location, description })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "job_status", rename_all = "snake_case")]
pub enum JobStatus {
    Open,
    Closed,
}

impl JobStatus {
    /// The name the JSON API gives it, the same as the database's.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_required_and_the_rest_optional() {
        let form = JobForm { title: "  Backend Engineer ".into(), location: " ".into(), ..Default::default() };
        let job = JobFields::try_from(&form).unwrap();
        assert_eq!(job.title, "Backend Engineer");
        assert_eq!(job.location, None);

        let errors = JobFields::try_from(&JobForm::default()).unwrap_err();
        assert_eq!(errors.get("title"), Some("Enter the job title."));
    }
}
