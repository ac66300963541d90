//! The invitation and reminder emails the company writes: edit, preview with sample
//! data, save, restore the built-in text. Admins only (the route table).

use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::views::{EmailTextForm, EmailsPage, MergeFieldRow};
use crate::{
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::Form,
    forms::FieldErrors,
    layout::{Flash, Section, Shell, render},
    mail::texts::{self, EmailText, EmailTextKind, Field, store},
    state::AppState,
};

pub async fn page(State(state): State<AppState>, user: CurrentUser, shell: Shell) -> AppResult<Response> {
    show(&state, &user, shell, None).await
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    /// `save`, `preview` or `restore`: which button was pressed.
    #[serde(default)]
    action: String,
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<TextForm>,
) -> AppResult<Response> {
    let kind = EmailTextKind::parse(&form.kind).ok_or(AppError::NotFound)?;
    if form.action == "restore" {
        store::restore(&state.pool, user.company_id, kind).await?;
        return Ok(
            Flash::success(format!("{} is back to the built-in text.", kind.label())).redirect("/settings/emails")
        );
    }
    let text = EmailText { subject: form.subject, body: form.body };
    let problems = texts::validate(&text);
    if problems.is_empty() && form.action == "save" {
        store::save(&state.pool, user.company_id, kind, &text).await?;
        return Ok(Flash::success(format!("{} saved. Emails sent from now on use it.", kind.label()))
            .redirect("/settings/emails"));
    }
    show(&state, &user, shell, Some((kind, text, problems))).await
}

/// A form as submitted: which email, its text, and its problems per field.
type Typed = (EmailTextKind, EmailText, Vec<(&'static str, String)>);

/// The page; `typed` is a form shown again as submitted, with its errors or its preview.
async fn show(state: &AppState, user: &CurrentUser, shell: Shell, typed: Option<Typed>) -> AppResult<Response> {
    let mut forms = Vec::new();
    for kind in EmailTextKind::ALL {
        let form = match &typed {
            Some((typed_kind, text, problems)) if *typed_kind == kind => {
                let mut errors = FieldErrors::default();
                for (field, message) in problems {
                    errors.add(field, message.clone());
                }
                let sample = texts::sample(&user.company_name, state.config.base_url.as_str());
                let preview = errors.is_empty().then(|| texts::merge(text, &sample));
                EmailTextForm { kind, text: text.clone(), errors, preview }
            }
            _ => EmailTextForm {
                kind,
                text: store::get(&state.pool, user.company_id, kind).await?,
                errors: FieldErrors::default(),
                preview: None,
            },
        };
        forms.push(form);
    }
    let fields =
        Field::ALL.iter().map(|f| MergeFieldRow { name: format!("{{{{{}}}}}", f.name()), meaning: f.meaning() });
    render(&EmailsPage { shell: shell.at(Section::Settings), forms, fields: fields.collect() })
}
