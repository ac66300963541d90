//! Interview templates: the questions a candidate answers for one job, edited as a
//! draft and published as immutable, numbered versions.
//!
//! Pages: the list (filter by job and status), create for a job, the template page (its
//! details, its ordered questions with add / edit / remove / move up / move down, publish
//! and "edit as new draft"), edit details, edit a question, and a preview showing each
//! question as the candidate will see it. Everything works without JavaScript.
//!
//! Versioning rule: a published template is never changed in place. "Edit as new draft"
//! makes it a draft again; publishing again creates version n+1, and every earlier version
//! keeps its questions for the interviews sent with it. See [`store`].

mod handlers;
pub mod model;
pub mod store;
mod views;

use axum::{
    Router,
    routing::{get, post},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/interview-templates", get(handlers::list))
        .route("/interview-templates/new", get(handlers::new_page).post(handlers::create))
        .route("/interview-templates/{id}", get(handlers::show))
        .route("/interview-templates/{id}/edit", get(handlers::edit_page).post(handlers::update))
        .route("/interview-templates/{id}/preview", get(handlers::preview))
        .route("/interview-templates/{id}/publish", post(handlers::publish))
        .route("/interview-templates/{id}/new-draft", post(handlers::new_draft))
        .route("/interview-templates/{id}/questions", post(handlers::add_question))
        .route(
            "/interview-templates/{id}/questions/{question_id}/edit",
            get(handlers::edit_question_page).post(handlers::update_question),
        )
        .route("/interview-templates/{id}/questions/{question_id}/remove", post(handlers::remove_question))
        .route("/interview-templates/{id}/questions/{question_id}/move-up", post(handlers::move_up))
        .route("/interview-templates/{id}/questions/{question_id}/move-down", post(handlers::move_down))
}
