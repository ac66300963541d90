//! The Dashboard: where candidates drop out, for the company or one job, over a period
//! of UTC days. The period selects a cohort, the interviews first sent in it, and every
//! step of the funnel counts that cohort (invitation sent → email opened → link opened →
//! started → completed → evaluated or set for a person's review), so no rate exceeds
//! 100 %. Beside it: the median time from invitation to completion, the share that
//! needed a reminder, where started interviews that expired or were cancelled stopped,
//! and the completions per day. Every member may read it.

mod cache;
mod handlers;
pub mod model;
mod store;
mod views;

pub use cache::FiguresCache;

use axum::{Router, routing::get};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(handlers::show))
}
