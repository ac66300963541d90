//! What the scorers are given and return, the built-in rubric scorer's matching, and the
//! flagging of answers that address the evaluator.

pub mod model;
pub mod redact;
pub mod rubric;
pub mod steering;
