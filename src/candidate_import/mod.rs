//! Import candidates from a CSV file (name, email, optional phone and job): the file is
//! read and every row's outcome kept in Postgres as a preview — will be added, already a
//! candidate (linked), invalid email or details, duplicate within the file, unknown job —
//! before anything is written. **Import** checks the rows again and writes them in one
//! transaction, adding each to its row's job or to the job chosen (an archived candidate
//! is restored first, as **Add to job** needs). A preview never imported is deleted by
//! housekeeping after [`PREVIEW_KEPT_HOURS`] hours.

mod handlers;
mod model;
mod rows;
mod store;
mod views;

use axum::{Router, extract::DefaultBodyLimit, routing::get};

use crate::state::AppState;

pub use store::{PREVIEW_KEPT_HOURS, delete_stale_previews};

/// The upload's own body limit: the largest file accepted plus room for the form around
/// it. Within it, a larger file gets a page that says so; the portal's form limit would
/// answer a real file with a bare 413.
const UPLOAD_BODY_LIMIT: usize = rows::MAX_BYTES + 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/candidates/import",
            get(handlers::upload_page).post(handlers::upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/candidates/import/{id}", get(handlers::preview).post(handlers::import))
}
