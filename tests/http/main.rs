//! HTTP tests: the real app, a real Postgres database per test, a cookie-keeping client.

mod applications;
mod auth;
mod candidates;
mod support;
