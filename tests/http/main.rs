//! HTTP tests: the real app, a real Postgres database per test, a cookie-keeping client,
//! and a real SMTP conversation on loopback.

mod accounts;
mod api;
mod applications;
mod audit;
mod auth;
mod bulk_send;
mod candidate_portal;
mod candidates;
mod consent;
mod csv;
mod dashboard;
mod delivery;
mod dkim;
mod edge;
mod email_cap;
mod email_texts;
mod erasure;
mod evaluation;
#[path = "../common/fixtures.rs"]
mod fixtures;
mod human_review;
mod interview_templates;
mod interviews;
mod jobs;
mod lifecycle;
mod list_totals;
mod new_link;
mod outbox;
mod practice;
mod reminders;
mod retention;
mod reviews;
mod roles;
mod security;
mod settings;
mod sharing;
#[path = "../common/smtp.rs"]
mod smtp;
mod states;
mod steering;
mod storage;
mod team;
mod tenancy;
mod timing;
mod webhooks;
// `captured_logs` serves the logs binary only.
#[allow(dead_code)]
#[path = "../common/support.rs"]
mod support;
