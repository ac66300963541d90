//! Page numbers for list pages (the rules live in the `rules` crate).

pub use rules::pagination::*;
