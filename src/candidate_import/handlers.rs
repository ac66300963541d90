use std::collections::HashMap;

use axum::{
    extract::{Multipart, State, multipart::MultipartRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    model::ImportOutcome,
    rows::{self, MAX_BYTES, MAX_ROWS, Refused},
    store::{self, Imported},
    views::*,
};
use crate::ids::{ImportId, JobId};
use crate::{
    auth::CurrentUser,
    error::{AppError, AppResult},
    extract::{Form, PathId},
    jobs,
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

fn upload_form(shell: Shell, error: Option<String>) -> UploadPage {
    UploadPage {
        shell: shell.at(Section::Candidates),
        error,
        max_rows: rules::pagination::thousands(MAX_ROWS as i64),
        max_mb: MAX_BYTES >> 20,
    }
}

pub async fn upload_page(shell: Shell) -> AppResult<Response> {
    render(&upload_form(shell, None))
}

/// The form again with why the file was refused.
fn refused(shell: Shell, status: StatusCode, message: String) -> AppResult<Response> {
    let mut response = render(&upload_form(shell, Some(message)))?;
    *response.status_mut() = status;
    Ok(response)
}

/// The uploaded file: its name and contents, read up to one byte past the limit.
async fn uploaded_file(multipart: &mut Multipart) -> Result<Option<(String, Vec<u8>)>, Refused> {
    let too_large = |err: axum::extract::multipart::MultipartError| {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE { Refused::TooLarge } else { Refused::Unreadable { line: 0 } }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(too_large)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.csv").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(too_large)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_BYTES {
                return Err(Refused::TooLarge);
            }
        }
        return Ok(Some((name, bytes)));
    }
    Ok(None)
}

/// Reads the file and keeps its preview; nothing else is written yet.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let Ok(mut multipart) = multipart else {
        return refused(shell, StatusCode::BAD_REQUEST, "Choose a CSV file to upload.".into());
    };
    let (file_name, bytes) = match uploaded_file(&mut multipart).await {
        Ok(Some((name, bytes))) if !bytes.is_empty() => (name, bytes),
        Ok(_) => return refused(shell, StatusCode::UNPROCESSABLE_ENTITY, "Choose a CSV file to upload.".into()),
        Err(Refused::TooLarge) => {
            return refused(shell, StatusCode::PAYLOAD_TOO_LARGE, Refused::TooLarge.message());
        }
        Err(problem) => return refused(shell, StatusCode::UNPROCESSABLE_ENTITY, problem.message()),
    };
    let rows = match rows::read(&bytes) {
        Ok(rows) => rows,
        Err(problem) => return refused(shell, StatusCode::UNPROCESSABLE_ENTITY, problem.message()),
    };
    let id = store::create_preview(&state.pool, user.company_id, user.user_id, &file_name, rows).await?;
    Ok(axum::response::Redirect::to(&format!("/candidates/import/{id}")).into_response())
}

pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    PathId(id): PathId<ImportId>,
) -> AppResult<Response> {
    let preview = store::preview(&state.pool, user.company_id, id).await?.ok_or(AppError::NotFound)?;
    let rows = store::preview_rows(&state.pool, user.company_id, id).await?;
    let mut by_outcome: HashMap<ImportOutcome, usize> = HashMap::new();
    for row in &rows {
        *by_outcome.entry(row.outcome).or_default() += 1;
    }
    render(&PreviewPage {
        shell: shell.at(Section::Candidates),
        id,
        file_name: preview.file_name,
        uploaded: preview.created_at.into(),
        imported: preview.imported_at.map(Into::into),
        kept_hours: store::PREVIEW_KEPT_HOURS,
        counts: outcome_counts(&by_outcome),
        importable: rows.iter().filter(|r| r.outcome.is_imported()).count(),
        rows: rows
            .into_iter()
            .map(|r| PreviewLine {
                line: r.line,
                name: r.name,
                email: r.email,
                phone: r.phone.unwrap_or_default(),
                job: r.job_title.unwrap_or_default(),
                outcome: r.outcome,
                problem: r.problem.unwrap_or_default(),
            })
            .collect(),
        jobs: jobs::options::open(&state.pool, user.company_id).await?,
    })
}

fn outcome_counts(by_outcome: &HashMap<ImportOutcome, usize>) -> Vec<OutcomeCount> {
    ImportOutcome::ALL
        .into_iter()
        .filter_map(|outcome| {
            let count = *by_outcome.get(&outcome)?;
            Some(OutcomeCount { label: outcome.label(), badge: outcome.badge(), count })
        })
        .collect()
}

#[derive(Deserialize)]
pub struct ImportInput {
    job_id: Option<String>,
}

/// **Import**: the rows checked again and written in one transaction.
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<ImportId>,
    Form(input): Form<ImportInput>,
) -> AppResult<Response> {
    let to = format!("/candidates/import/{id}");
    let job_id = input.job_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let job_id = match job_id.map(Uuid::parse_str) {
        None => None,
        Some(Ok(job_id)) => Some(JobId::from(job_id)),
        Some(Err(_)) => return Ok(Flash::error("Choose one of the open jobs, or none.").redirect(&to)),
    };
    Ok(match store::import(&state.pool, user.company_id, id, job_id).await? {
        Imported::Done(counts) => {
            let count = |outcome| counts.get(&outcome).copied().unwrap_or_default();
            let skipped: usize = counts.iter().filter(|(o, _)| !o.is_imported()).map(|(_, n)| n).sum();
            Flash::success(format!(
                "Imported: {} added, {} already candidates (linked), {skipped} skipped.",
                count(ImportOutcome::Add),
                count(ImportOutcome::Existing)
            ))
            .redirect(&to)
        }
        Imported::Before => Flash::error("This file was already imported.").redirect(&to),
        Imported::JobNotOpen => Flash::error("Choose one of the open jobs, or none.").redirect(&to),
        Imported::NotFound => return Err(AppError::NotFound),
    })
}
