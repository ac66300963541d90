//! Hifinity: recruiters invite candidates to AI-evaluated video interviews.
//!
//! A tour of the modules:
//! - [`config`]: typed settings from the environment.
//! - [`app`]: shared state, the router, middleware, graceful shutdown.
//! - [`error`]: the handlers' error type and its friendly pages.
//! - [`layout`]: the portal layout: navigation, flash messages, error pages.
//! - [`auth`]: sign-up, sign-in, sessions, password hashing, cross-site refusal.
//! - [`candidates`]: the Candidates page (search, status filter, pages), create, edit, delete or archive.
//! - [`applications`]: a candidate for a job, its stage, and the application page with its Interviews tab.
//! - [`domain`]: validated values shared by features (email address, required text, secret key).
//! - [`forms`]: per-field error messages, the `{id}` path extractor.
//! - [`dates`]: "2 days ago" rendering.
//! - [`db`]: the pool and migrations.
//! - [`workers`]: background work (housekeeping).
//! - [`pagination`]: page numbers and links for list pages.
//! - [`sections`]: empty states of portal sections.
//! - [`static_files`]: CSS and JavaScript compiled into the binary.
//! - [`demo`]: the demo company.

pub mod app;
pub mod applications;
pub mod auth;
pub mod candidates;
pub mod config;
pub mod dates;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod forms;
pub mod layout;
pub mod sections;
pub mod pagination;
pub mod static_files;
pub mod workers;
