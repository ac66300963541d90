//! What a scorer is given and what it returns, shared by both scorers and the pipeline.

pub use rules::evaluation::model::*;
