//! HTTP tests: the real app, a real Postgres database per test, a cookie-keeping client,
//! and a real SMTP conversation on loopback.

mod auth;
mod evaluation;
mod fixtures;
mod interviews;
mod smtp;
mod support;
