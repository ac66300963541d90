//! The candidate's interview link (the rules live in the `rules` crate).

pub use rules::link::*;
