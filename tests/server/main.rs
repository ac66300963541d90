//! The real binary, as it runs in production: `hifinity serve` with its own workers
//! (delivery woken by `LISTEN/NOTIFY` or the poll, housekeeping, evaluation), or several
//! `serve --no-workers` and `worker` processes sharing one database, driven through its
//! pages and stopped with SIGTERM (or killed). Nothing here calls the app's internals.

mod delivery;
mod evaluation;
mod flows;
mod housekeeping;
mod instances;
mod process;

#[allow(dead_code)]
#[path = "../common/fixtures.rs"]
mod fixtures;
#[allow(dead_code)]
#[path = "../common/smtp.rs"]
mod smtp;
#[allow(dead_code)]
#[path = "../common/support.rs"]
mod support;
