//! What the scorers are given and return, and the built-in rubric scorer's matching.

pub mod model;
pub mod rubric;
