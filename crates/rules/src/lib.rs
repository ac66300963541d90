//! Hifinity's pure rules: the functions whose mistakes cost the most, with no database,
//! web framework or templates, so that their unit tests (and mutation testing) build and
//! run in seconds. The application re-exports them from its own modules.

pub mod backoff;
pub mod domain;
pub mod evaluation;
pub mod link;
pub mod pagination;
pub mod password;
pub mod range;
pub mod spreadsheet;
pub mod throttle;
