//! HTTP tests: the real app, a real Postgres database per test, a cookie-keeping client.

mod auth;
mod interview_templates;
mod jobs;
mod support;
