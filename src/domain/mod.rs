//! Validated values shared across features (the rules live in the `rules` crate).

pub use rules::domain::*;
