//! HTTP tests: the real app, a real Postgres database per test, a cookie-keeping client,
//! and a real SMTP conversation on loopback.

mod applications;
mod bulk_send;
mod auth;
mod candidates;
mod evaluation;
mod fixtures;
mod interview_templates;
mod interviews;
mod jobs;
mod reminders;
mod settings;
mod smtp;
mod support;
